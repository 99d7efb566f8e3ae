// audit.events on the fixtures, with expected values written by hand from the lines (handmade.audit.log and
// the real capture), and the grouper's bounds on made-up streams.
import { describe, expect, it } from "vitest";
import { EventGrouper } from "../../../../../../plugins/os/unix/log/audit/events.js";
import { lineValues } from "../../../../../../plugins/os/unix/log/audit/fields.js";
import { parseLine, type AuditLine } from "../../../../../../plugins/os/unix/log/audit/line.js";
import type { AnyRecord } from "../../../../../../src/records/descriptor.js";
import { fixture, logTree, run } from "./helpers.js";

const byId = (records: AnyRecord[], id: number): AnyRecord[] => records.filter((r) => r.audit_id === id);

describe("audit.events on handmade.audit.log", async () => {
  const { records, errors } = await run("audit.events", logTree(fixture("handmade.audit.log")));

  it("a SELinux denial: the AVC, its syscall, cwd, path and proctitle in one event, names from the target's passwd", () => {
    expect(errors).toEqual([]);
    const [e] = byId(records, 1001);
    expect(e).toMatchObject({
      types: ["AVC", "SYSCALL", "CWD", "PATH", "PROCTITLE", "EOE"],
      syscall: "openat",
      success: false,
      exit: -13,
      exe: "/usr/sbin/nginx",
      comm: "nginx",
      uid: 33,
      uid_name: "www-data",
      auid: 4294967295,
      auid_name: null,
      cwd: "/",
      paths: ["/home/alice/public_html/index.html"],
      proctitle: "nginx: worker process",
      records: 6,
    });
  });

  it("hex-encoded comm, exe, cwd, arguments and proctitle, several keys", () => {
    const [e] = byId(records, 1017);
    expect(e).toMatchObject({
      comm: "my prog",
      exe: "/opt/my tools/my prog",
      cwd: "/home/alice/my work",
      argv: ["/opt/my tools/my prog", "--name=x y", "tab\there"],
      proctitle: "/opt/my tools/my prog --name=x y tab\there ",
      key: "exec,rootcmd,T1059",
      uid_name: "root",
      auid_name: "alice",
    });
  });

  it("interleaved events are kept apart; a serial seen again 10 s later is another event", () => {
    const e3001 = byId(records, 3001);
    expect(e3001.map((e) => e.types)).toEqual([
      ["SYSCALL", "EXECVE", "CWD", "PATH", "PROCTITLE"],
      ["SYSCALL", "PATH", "PATH"],
    ]);
    expect(e3001[0]).toMatchObject({ argv: ["tar", "czf", "/tmp/.x.tgz"], cwd: "/etc", exe: "/usr/bin/tar" });
    expect(e3001[1]).toMatchObject({ syscall: "unlink", paths: ["/tmp/", "/tmp/.x.tgz"], key: "delete" });
    expect(byId(records, 3002)[0]).toMatchObject({ argv: ["gzip", "-d"], cwd: "/home/bob", uid_name: "bob" });
    // in the order of their first lines
    const order = records.map((r) => r.audit_id);
    expect(order.indexOf(3001)).toBeLessThan(order.indexOf(3002));
  });

  it("node= and ENRICHED names; user-space messages are one-line events with res= as the success", () => {
    const [n] = byId(records, 2001);
    expect(n).toMatchObject({ node: "web01.example.internal", syscall: "connect", success: false, exit: -111, uid_name: "mallory", auid_name: "mallory", argv: [] });
    expect(n!.proctitle).toBe("nc 192.0.2.66 4553");
    expect(byId(records, 1013)[0]).toMatchObject({ types: ["USER_CMD"], cmd: "systemctl restart nginx", cwd: "/home/alice", exe: "/usr/bin/sudo", terminal: "pts/0", success: true, res: "success" });
    expect(byId(records, 1014)[0]).toMatchObject({ types: ["USER_LOGIN"], addr: "2001:db8:bad::17", audit_hostname: "web01.example.internal", success: false });
    expect(byId(records, 1025)[0]).toMatchObject({ types: ["SECCOMP"], success: false }); // code=0x50000: errno, not allow
  });
});

describe("audit.events on the real capture", async () => {
  const { records } = await run("audit.events", logTree(fixture("raw.audit.log.1")));

  it("an argument the kernel split over a1[0], a1[1], ... is joined (9000 bytes)", () => {
    const e = records.find((r) => (r.argv as string[])[0] === "/bin/echo")!;
    expect((e.argv as string[])[1]).toBe("A".repeat(9000));
  });

  it("a LOGIN is an event of its own, as ausearch makes it, though its SYSCALL shares its serial", () => {
    const login = records.find((r) => (r.types as string[])[0] === "LOGIN" && r.auid === 1000)!;
    const same = byId(records, login.audit_id as number);
    expect(same.map((e) => (e.types as string[])[0])).toEqual(["LOGIN", "SYSCALL"]);
  });

  it("the failed and the successful su of alice", () => {
    const auth = records.filter((r) => (r.types as string[])[0] === "USER_AUTH" && r.exe === "/usr/bin/su");
    expect(auth.map((r) => [r.acct, r.success, r.auid_name])).toEqual([
      ["root", false, "alice"],
      ["root", true, "alice"],
    ]);
  });
});

// ---- the grouper's bounds ----

function line(text: string): { line: AuditLine; values: ReturnType<typeof lineValues> } {
  const p = parseLine(text);
  if ("problem" in p) throw new Error(p.problem);
  return { line: p, values: lineValues(p) };
}

const syscall = (sec: number, serial: number): string => `type=SYSCALL msg=audit(${sec}.000:${serial}): arch=c000003e syscall=59 success=yes exit=0 pid=${serial} uid=0 auid=1000 ses=1 comm="x" exe="/x" key=(null)`;
const path = (sec: number, serial: number): string => `type=PATH msg=audit(${sec}.000:${serial}): item=0 name="/p${serial}"`;

describe("the grouper's bounds", () => {
  it("an event is complete 2 s of log time after it began, or at once for one-line types", () => {
    const g = new EventGrouper(() => null);
    const add = (t: string): number[] => g.add(line(t).line, line(t).values, "/f").map((e) => Number(e.audit_id));
    expect(add(syscall(100, 1))).toEqual([]);
    expect(add(path(100, 1))).toEqual([]);
    expect(add(syscall(101, 2))).toEqual([]);
    expect(add(syscall(102, 3))).toEqual([1]); // 100 + 2 <= 102
    expect(add("type=USER msg=audit(102.000:4): pid=1 msg='text=x res=success'")).toEqual([]); // one-line, but after 2 and 3
    expect(g.finish().map((e) => Number(e.audit_id))).toEqual([2, 3, 4]);
    expect(g.stats).toEqual({ closedEarly: 0, lateLines: 0, cut: 0 });
  });

  it("past maxOpen events the oldest is closed as it is; a later line of it starts a second event and is counted", () => {
    const g = new EventGrouper(() => null, { maxOpen: 3, maxHeld: 1 << 30 });
    const out: string[] = [];
    const add = (t: string): void => void out.push(...g.add(line(t).line, line(t).values, "/f").map((e) => `${e.audit_id}:${e.records}`));
    for (let s = 1; s <= 5; s++) add(syscall(100, s)); // five events open at the same second
    expect(out).toEqual(["1:1", "2:1"]);
    add(path(100, 1)); // a late line of event 1
    out.push(...g.finish().map((e) => `${e.audit_id}:${e.records}`));
    expect(out).toEqual(["1:1", "2:1", "3:1", "4:1", "5:1", "1:1"]);
    expect(g.stats.closedEarly).toBe(3);
    expect(g.stats.lateLines).toBe(1);
  });

  it("past maxHeld bytes of paths and arguments the oldest events are closed", () => {
    const g = new EventGrouper(() => null, { maxOpen: 1000, maxHeld: 20 });
    const closed: number[] = [];
    for (let s = 1; s <= 10; s++) {
      closed.push(...g.add(line(syscall(100, s)).line, line(syscall(100, s)).values, "/f").map((e) => Number(e.audit_id)));
      closed.push(...g.add(line(path(100, s)).line, line(path(100, s)).values, "/f").map((e) => Number(e.audit_id)));
    }
    expect(closed.length).toBeGreaterThanOrEqual(3); // 10 paths of 3-4 bytes against 20 bytes held
    expect(g.stats.closedEarly).toBe(closed.length);
  });
});
