// Hostile class: an audit log that keeps events open. 300,000 events that all begin in the same second and
// never see their end (no EOE, no later second), then a late line for 1,000 of them: audit.events
// holds at most 8192 open events, closes the oldest as it goes (counted in one warning), and counts the late
// lines (each begins a second event with the same audit_id). Memory stays flat; no event is lost.
import fs from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { describeRun } from "./harness.js";
import { jsonRecords, makeHost, query, tempDir } from "./utmp-gen.js";

const dir = tempDir("audit-serials");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const N = 300_000;
const LATE = 1000;

describe("audit.events: a huge number of open serials", () => {
  it(`${N} events open at once and ${LATE} late lines: bounded, every line in an event, both counts reported`, async () => {
    const parts: string[] = [];
    for (let s = 1; s <= N; s++) {
      parts.push(`type=SYSCALL msg=audit(1709800000.000:${s}): arch=c000003e syscall=59 success=yes exit=0 a0=1 a1=2 a2=3 a3=0 items=1 ppid=1 pid=${s} auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=3 comm="sh" exe="/bin/sh" key="exec"\n`);
      parts.push(`type=PATH msg=audit(1709800000.000:${s}): item=0 name="/bin/sh" inode=1 dev=08:01 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL\n`);
    }
    // late lines for events closed early not long before (the grouper recognises the last 65,536 it closed)
    for (let s = N - 8192 - LATE + 1; s <= N - 8192; s++) parts.push(`type=PROCTITLE msg=audit(1709800000.000:${s}): proctitle=7368\n`);
    const host = makeHost(dir, "serials", { "var/log/audit/audit.log": Buffer.from(parts.join("")) });
    const r = await query([host, "-f", "audit.events", "-j"], {}, 180_000);
    expect(r.code, describeRun(r)).toBe(0);
    const recs = jsonRecords(r);
    expect(recs.length).toBe(N + LATE);
    expect(recs.reduce((n, e) => n + (e.records as number), 0)).toBe(2 * N + LATE);
    expect(r.stderr).toMatch(new RegExp(`\\d+ events closed before their last line could be known: more than 8192 events open at once`));
    expect(r.stderr).toMatch(new RegExp(`${LATE} lines came after their event had been closed early: each began a second event with the same audit_id`));
    console.log(`${N} open events: ${r.wallMs.toFixed(0)} ms, peak RSS ${r.peakRssMb?.toFixed(0)} MiB`);
    expect(r.peakRssMb ?? 0, describeRun(r)).toBeLessThan(300);
  }, 200_000);
});
