// A wtmp that shrinks while it is read (logrotate truncating the live file during an acquisition, a source that
// runs dry): every record that was there is kept, the rest is not invented, and a warning names the file and
// the offset where the data ended; the run is not failed by it (exit 0). Made deterministic by a sink that
// truncates the target's file on the host after the N-th record it is handed. Before the fix the walker kept
// decoding the stale window past the new end: all 292,000 records of a 112 MB wtmp truncated to 10 MB were
// emitted (282,000 of them made up from stale bytes), with no word.
import { afterAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { defaultRegistry } from "../../plugins/index.js";
import type { AnyRecord } from "../../src/records/descriptor.js";
import { runOnTarget, type FunctionOutcome } from "../../src/plugin/runner.js";
import { Timestamp } from "../../src/records/timestamp.js";
import { Logger } from "../../src/util/log.js";
import { fixture } from "../plugins/os/unix/log/utmp/helpers.js";
import { makeHost, RECORD, tempDir } from "./utmp-gen.js";
import { openTarget } from "../../plugins/index.js";

const dir = tempDir("shrink");
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const basic = fixture("wtmp_basic");
const COPIES = 200; // 14,600 records, 5.6 MB: several 1 MiB windows

/** Run `fn` on a directory target whose wtmp is truncated to `to` bytes once `after` records were written. */
async function runShrinking(name: string, fn: string, after: number, to: number, data: Buffer): Promise<{ records: AnyRecord[]; outcome: FunctionOutcome }> {
  const host = makeHost(dir, name, { "var/log/wtmp": data });
  const file = path.join(host, "var/log/wtmp");
  const target = await openTarget(host);
  const records: AnyRecord[] = [];
  const sink = {
    write(r: AnyRecord) {
      records.push(r);
      if (records.length === after) fs.truncateSync(file, to);
    },
    async close() {},
  };
  try {
    const res = defaultRegistry.resolve(fn);
    const [outcome] = await runOnTarget(target, res.groups, defaultRegistry, sink, { args: {}, log: new Logger(() => {}, "error"), generated: Timestamp.fromUnix(0) });
    return { records, outcome: outcome! };
  } finally {
    target.close();
  }
}

describe("a wtmp that shrinks while it is read", () => {
  const data = Buffer.concat(Array.from({ length: COPIES }, () => basic));

  it("forward (wtmp): the records up to the new end, each as it was; a warning with the file and the offset", async () => {
    const to = 2_000_000; // inside the second 1 MiB window, in the middle of a record
    const { records, outcome } = await runShrinking("fwd", "wtmp", 100, to, data);
    const complete = Math.floor(to / RECORD);
    expect(records.length).toBe(complete);
    records.forEach((r, i) => {
      expect(r.offset).toBe(i * RECORD);
      expect(r.ut_type).not.toMatch(/UNKNOWN/);
    });
    expect(records.at(-1)!.offset).toBe((complete - 1) * RECORD);
    expect(outcome.status).toBe("ok");
    expect(outcome.errors).toEqual([]);
    expect(outcome.warnings).toEqual([
      {
        file: "/var/log/wtmp",
        offset: to,
        message: `file shrank while it was read: ${data.length} bytes at open, data ends at offset ${to}; the ${to - complete * RECORD} bytes after the last complete record are left out`,
      },
    ]);
  });

  it("backward (sessions): shrinking between the boundary scan and the backward pass leaves out what is gone, with a warning", async () => {
    const to = 1_000_000;
    const { records, outcome } = await runShrinking("bwd", "sessions", 1, to, data);
    // the first session is produced from the last records, read before the truncation; the rest come only from
    // records still there, so no session logs in past the new end
    expect(records.length).toBeGreaterThan(1);
    expect(outcome.status).toBe("ok");
    expect(outcome.warnings).toEqual([
      expect.objectContaining({ file: "/var/log/wtmp", message: expect.stringMatching(/^file shrank while it was read: data ends at offset \d+; the records after it, found by the first pass, are left out$/) }),
    ]);
    const end = outcome.warnings[0]!.offset!;
    expect(end).toBeLessThanOrEqual(data.length);
    expect(end).toBeGreaterThanOrEqual(to);
  });

  it("emptied after the first record: the window already read is kept, nothing after it; the warning says where", async () => {
    const { records, outcome } = await runShrinking("empty", "wtmp", 1, 0, data);
    expect(outcome.status).toBe("ok");
    expect(outcome.warnings.length).toBe(1);
    const end = outcome.warnings[0]!.offset!;
    expect(end).toBeLessThanOrEqual(1 << 20); // the first window (1 MiB) was read whole before the truncation
    expect(records.length).toBe(Math.floor(end / RECORD));
    records.forEach((r, i) => expect(r.offset).toBe(i * RECORD));
  });
});
