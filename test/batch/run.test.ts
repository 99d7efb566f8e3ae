// The batch run in this thread (--jobs 1): isolation of every kind of failure, the report, exit codes,
// per-host output and resume. Worker threads are tested through the compiled CLI (cli.test.ts).
import fs from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/target-query.js";
import { UsageError } from "../../src/plugin/args.js";
import { targetId } from "../../src/target.js";
import type { TargetReport } from "../../src/batch/report.js";
import { captureIO, makeHost, parseJsonLines, recordsBySource, tempDir, testRegistry, treeContents } from "./helpers.js";

const GEN = ["--generated", "2024-01-01T00:00:00Z"];

interface Report {
  exitCode: number;
  totals: { targets: number; opened: number; failed: number; skipped: number; records: number; functionErrors: number };
  skipped: { path: string; reason: string }[];
  targets: TargetReport[];
}

function fleet(): { dir: string; coll: string } {
  const dir = tempDir();
  const coll = path.join(dir, "fleet");
  makeHost(coll, "good1", { files: { "var/log/test.log": "a\nb\nc\n" } });
  makeHost(coll, "good2", { files: { "var/log/test.log": "d\n", "var/log/test.bin": Buffer.from([1, 2, 3]) } });
  makeHost(coll, "throws", { files: { "var/log/test.log": "e\nf\nBOOM\ng\n" } });
  makeHost(coll, "corrupt", { files: { "var/log/test.bin": Buffer.from([7, 0xff, 8, 0xff, 9]) } });
  makeHost(coll, "badpasswd", { passwd: "root:x:0:0:root:/root:/bin/bash\ngarbage\nalice:x:1000:1000::/home/alice:/bin/sh\n" });
  makeHost(coll, "nopasswd", { passwd: null });
  fs.writeFileSync(path.join(coll, "README"), "not a host");
  return { dir, coll };
}

describe("batch run (in this thread)", () => {
  it("isolates every failure, keeps every good record, reports each failure, exits 1", async () => {
    const { dir, coll } = fleet();
    const missing = path.join(dir, "missing-host");
    const reportFile = path.join(dir, "out", "report.json");
    const io = captureIO();
    const code = await main([coll, missing, "-f", "users,testlines,testcorrupt", "-j", "--jobs", "1", "--report", reportFile, ...GEN], io, testRegistry);
    expect(code).toBe(1);

    const bySource = recordsBySource(io.out());
    const id = (n: string) => targetId(path.join(coll, n));
    const lines = (n: string) => (bySource.get(id(n)) ?? []).filter((r) => r.line !== undefined && String(r.filepath).endsWith(".log")).map((r) => r.line);
    expect(lines("good1")).toEqual(["a", "b", "c"]);
    expect(lines("throws")).toEqual(["e", "f"]); // the records before the crash are kept
    const corruptBytes = (bySource.get(id("corrupt")) ?? []).filter((r) => r.filepath === "/var/log/test.bin").map((r) => r.line);
    expect(corruptBytes).toEqual(["7", "8", "9"]);
    const users = (n: string) => (bySource.get(id(n)) ?? []).filter((r) => r.filepath === "/etc/passwd").map((r) => r.name);
    expect(users("badpasswd")).toEqual(["root", "alice"]);
    expect(users("good1")).toEqual(["root", "good1"]);

    // One target's records stay together in the output.
    const order = parseJsonLines(io.out()).filter((r) => r._type === "record").map((r) => r._source);
    const runs = order.filter((s, i) => i === 0 || order[i - 1] !== s);
    expect(new Set(runs).size).toBe(runs.length);

    const report = JSON.parse(fs.readFileSync(reportFile, "utf8")) as Report;
    expect(report.exitCode).toBe(1);
    expect(report.totals).toMatchObject({ targets: 7, opened: 6, failed: 1, skipped: 1 });
    expect(report.skipped).toEqual([{ path: path.join(coll, "README"), reason: "no loader recognises it" }]);
    const t = (p: string) => report.targets.find((x) => x.path === p)!;
    expect(t(missing)).toMatchObject({ status: "error", id: targetId(missing) });
    expect(t(missing).error).toMatch(/does not exist/);
    const fn = (host: string, name: string) => t(path.join(coll, host)).functions.find((f) => f.name === name)!;
    expect(fn("throws", "testlines")).toMatchObject({ status: "error", records: 2, reason: "parser crashed at line 2" });
    expect(fn("corrupt", "testcorrupt")).toMatchObject({ status: "error", records: 3 });
    expect(fn("corrupt", "testcorrupt").errors).toEqual([
      { message: "corrupt block", file: "/var/log/test.bin", offset: 1 },
      { message: "corrupt block", file: "/var/log/test.bin", offset: 3 },
    ]);
    expect(fn("corrupt", "testlines")).toMatchObject({ status: "absent", reason: "no /var/log/test.log" });
    expect(fn("nopasswd", "users")).toMatchObject({ status: "absent", reason: "no /etc/passwd" });
    expect(fn("badpasswd", "users")).toMatchObject({ status: "ok", records: 2 });
    expect(fn("badpasswd", "users").warnings).toEqual([{ message: "malformed passwd line (1 fields)", file: "/etc/passwd", offset: 32 }]);
    expect(t(path.join(coll, "good1"))).toMatchObject({ loader: "dir", hostname: "good1", os: "unix", status: "ok" });
    expect(typeof t(path.join(coll, "good1")).durationMs).toBe("number");

    // The summary names the failures.
    const err = io.err();
    expect(err).toMatch(/summary: 7 targets: 6 opened, 1 could not be opened, 1 entry skipped/);
    expect(err).toContain("missing-host: path does not exist");
    expect(err).toContain(`${path.join(coll, "throws")}: testlines: parser crashed at line 2`);
    expect(err).toContain(`${path.join(coll, "corrupt")}: testcorrupt: /var/log/test.bin @ 1: corrupt block (+1 more)`);
  });

  it("a single target and a single function get the same isolation (no special case)", async () => {
    const { coll } = fleet();
    const io = captureIO();
    const code = await main([path.join(coll, "throws"), "-f", "testlines", "-j", "--jobs", "1", ...GEN], io, testRegistry);
    expect(code).toBe(1);
    expect(parseJsonLines(io.out()).filter((r) => r._type === "record").map((r) => r.line)).toEqual(["e", "f"]);
  });

  it("exit codes: 0 all well (absent is not an error), 3 when no target could be opened, 2 on usage errors", async () => {
    const { dir, coll } = fleet();
    let io = captureIO();
    expect(await main([path.join(coll, "good1"), path.join(coll, "nopasswd"), "-f", "users", "-j", "--jobs", "1"], io, testRegistry)).toBe(0);
    io = captureIO();
    expect(await main([path.join(dir, "nope1"), path.join(dir, "nope2"), "-f", "users", "--jobs", "1"], io, testRegistry)).toBe(3);
    expect(io.err()).toMatch(/2 targets: 0 opened, 2 could not be opened/);
    await expect(main([coll, "-f", "users", "--shard", "5/4"], captureIO(), testRegistry)).rejects.toBeInstanceOf(UsageError);
    await expect(main([coll, "-f", "users", "--jobs", "0"], captureIO(), testRegistry)).rejects.toBeInstanceOf(UsageError);
    await expect(main([coll, "-f", "users", "--resume"], captureIO(), testRegistry)).rejects.toBeInstanceOf(UsageError);
    const aFile = path.join(dir, "a-file");
    fs.writeFileSync(aFile, "x");
    await expect(main([coll, "-f", "users", "--report", path.join(aFile, "r.json")], captureIO(), testRegistry)).rejects.toThrow(/--report: cannot write/);
    await expect(main([coll, "-f", "users", "--output-dir", path.join(aFile, "out")], captureIO(), testRegistry)).rejects.toThrow(/--output-dir: cannot use/);
    await expect(main([coll, "-f", "users", "--timeout", "0"], captureIO(), testRegistry)).rejects.toBeInstanceOf(UsageError);
  });

  it("--shard slices partition the fleet: together they give exactly the unsharded records", async () => {
    const { coll } = fleet();
    const all = captureIO();
    await main([coll, "-f", "users,testlines", "-j", "--jobs", "1", ...GEN], all, testRegistry);
    const parts: string[] = [];
    for (let k = 1; k <= 3; k++) {
      const io = captureIO();
      await main([coll, "-f", "users,testlines", "-j", "--jobs", "1", "--shard", `${k}/3`, ...GEN], io, testRegistry);
      parts.push(...parseJsonLines(io.out()).filter((r) => r._type === "record").map((r) => JSON.stringify(r)));
    }
    const whole = parseJsonLines(all.out()).filter((r) => r._type === "record").map((r) => JSON.stringify(r));
    expect(parts.sort()).toEqual(whole.sort());
  });

  it("--output-format rec writes flow.record streams (gzip'd with --gzip) that read back as the same records", async () => {
    const { dir, coll } = fleet();
    const out = path.join(dir, "out");
    const code = await main([coll, "-f", "users", "--output-dir", out, "--output-format", "rec", "--gzip", "--jobs", "1", ...GEN], captureIO(), testRegistry);
    expect(code).toBe(0);
    const id = targetId(path.join(coll, "good1"));
    const raw = fs.readFileSync(path.join(out, id, "users.rec.gz"));
    expect([raw[0], raw[1]]).toEqual([0x1f, 0x8b]);
    const { decodeStream } = await import("../../src/records/stream/reader.js");
    const recs = await decodeStream(gunzipSync(raw));
    expect(recs.map((r) => r.name)).toEqual(["root", "good1"]);
    expect(recs.every((r) => r._source === id)).toBe(true);
    await expect(main([coll, "-f", "users", "--output-dir", path.join(dir, "o2"), "--output-format", "csv"], captureIO(), testRegistry)).rejects.toThrow(UsageError);
  });

  it("--output-dir writes DIR/<id>/<function>.jsonl atomically and a resumed run skips finished pairs", async () => {
    const { dir, coll } = fleet();
    const out = path.join(dir, "out");
    const io = captureIO();
    const code = await main([coll, "-f", "users,testlines", "--output-dir", out, "--jobs", "1", ...GEN], io, testRegistry);
    expect(code).toBe(1);
    expect(io.out()).toBe("");
    const id = targetId(path.join(coll, "good1"));
    const users = parseJsonLines(fs.readFileSync(path.join(out, id, "users.jsonl"), "utf8"));
    expect(users.filter((r) => r._type === "record").map((r) => r.name)).toEqual(["root", "good1"]);
    expect(fs.existsSync(path.join(out, targetId(path.join(coll, "nopasswd")), "users.jsonl"))).toBe(false); // absent: no file
    const files = [...treeContents(out).keys()].sort();
    expect(files.some((f) => f.includes(".partial"))).toBe(false);
    expect(fs.existsSync(path.join(out, "quarry-state.jsonl"))).toBe(true);
    expect(fs.existsSync(path.join(out, "quarry-state.jsonl.lock"))).toBe(false);

    // The same folder again without --resume is refused; with other functions too.
    await expect(main([coll, "-f", "users,testlines", "--output-dir", out, "--jobs", "1"], captureIO(), testRegistry)).rejects.toThrow(/--resume/);
    await expect(main([coll, "-f", "users", "--output-dir", out, "--resume", "--jobs", "1"], captureIO(), testRegistry)).rejects.toThrow(/other settings/);

    // Simulate an interruption: forget one finished pair and damage its file; resume redoes only that pair
    // (and the pair that failed, since errors run again).
    const state = path.join(out, "quarry-state.jsonl");
    const lines = fs.readFileSync(state, "utf8").split("\n").filter(Boolean);
    const kept = lines.filter((l) => !(l.includes(`"target":"${id}"`) && l.includes(`"name":"users"`)));
    expect(kept.length).toBe(lines.length - 1);
    fs.writeFileSync(state, kept.join("\n") + "\n{\"target\":\"torn");
    const before = treeContents(out);
    fs.writeFileSync(path.join(out, id, "users.jsonl"), "half a fi");
    const io2 = captureIO();
    const reportFile = path.join(dir, "resume-report.json");
    const code2 = await main([coll, "-f", "users,testlines", "--output-dir", out, "--resume", "--jobs", "1", "--report", reportFile, ...GEN], io2, testRegistry);
    expect(code2).toBe(1); // the crashing parser ran again and failed again
    expect(treeContents(out)).toEqual(before);
    const unparsable = fs.readFileSync(state, "utf8").split("\n").filter(Boolean).filter((l) => {
      try {
        JSON.parse(l);
        return false;
      } catch {
        return true;
      }
    });
    expect(unparsable).toEqual(['{"target":"torn']); // the torn line stays alone; new lines start after it
    const report = JSON.parse(fs.readFileSync(reportFile, "utf8")) as Report;
    const good1 = report.targets.find((t) => t.id === id)!;
    expect(good1.functions.map((f) => [f.name, !!f.resumed])).toEqual([
      ["users", false],
      ["testlines", true],
    ]);
  });

  it("--gzip writes .jsonl.gz files", async () => {
    const { dir, coll } = fleet();
    const out = path.join(dir, "gz");
    await main([path.join(coll, "good1"), "-f", "users", "--output-dir", out, "--gzip", "--jobs", "1"], captureIO(), testRegistry);
    const file = path.join(out, targetId(path.join(coll, "good1")), "users.jsonl.gz");
    const text = (await import("node:zlib")).gunzipSync(fs.readFileSync(file)).toString();
    expect(parseJsonLines(text).filter((r) => r._type === "record")).toHaveLength(2);
  });
});
