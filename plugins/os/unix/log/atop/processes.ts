// Process lifetimes: one record per (file, pid, start time) across all samples — first and last sample
// seen, the sample where it exited, peaks and summed counters. Only process entries (isproc) count.
import type { Timestamp } from "quarry";
import { AtopProcessRecord } from "./records.js";
import type { TaskFields } from "./tstat.js";

type Num = number | bigint | null;

function plus(a: Num, b: Num): Num {
  if (a === null) return b;
  if (b === null) return a;
  if (typeof a === "number" && typeof b === "number" && Number.isSafeInteger(a + b)) return a + b;
  const s = BigInt(a) + BigInt(b);
  return s <= BigInt(Number.MAX_SAFE_INTEGER) && s >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(s) : s;
}

function max(a: Num, b: Num): Num {
  if (a === null) return b;
  if (b === null) return a;
  return a >= b ? a : b;
}

interface Life {
  first: Timestamp;
  last: Timestamp;
  end: Timestamp | null;
  t: TaskFields;
  excode: Num;
  nthr: Num;
  rmem: Num;
  vmem: Num;
  utime: Num;
  stime: Num;
  rsz: Num;
  wsz: Num;
  samples: number;
}

export function* processTimeline(tasks: Iterable<TaskFields>): Generator<ReturnType<typeof AtopProcessRecord.create>> {
  let file: string | null = null;
  let lives = new Map<string, Life>();
  const flush = function* () {
    for (const l of lives.values()) {
      const t = l.t;
      yield AtopProcessRecord.create({
        first_seen: l.first,
        last_seen: l.last,
        start: t.start,
        end: l.end,
        pid: t.pid,
        ppid: t.ppid,
        process: t.process,
        cmdline: t.cmdline,
        excode: l.excode,
        ruid: t.ruid,
        euid: t.euid,
        rgid: t.rgid,
        egid: t.egid,
        nthr_max: l.nthr,
        rmem_peak: l.rmem,
        vmem_peak: l.vmem,
        utime: l.utime,
        stime: l.stime,
        rsz: l.rsz,
        wsz: l.wsz,
        samples: l.samples,
        atop_version: t.atop_version,
        filepath: t.filepath,
      });
    }
    lives = new Map();
  };
  for (const t of tasks) {
    if (t.filepath !== file) {
      yield* flush();
      file = t.filepath;
    }
    if (!t.isproc) continue;
    const key = `${t.pid}/${t.start ? t.start.seconds : ""}`;
    let l = lives.get(key);
    const exited = t.state === "E";
    if (!l) {
      l = {
        first: t.ts!, last: t.ts!, end: null, t, excode: null, nthr: t.nthr, rmem: t.rmem, vmem: t.vmem,
        utime: t.utime, stime: t.stime, rsz: t.rsz, wsz: t.wsz, samples: 1,
      };
      lives.set(key, l);
    } else {
      l.last = t.ts!;
      l.samples++;
      if (t.since_boot) {
        // a restarted atop stores totals since the task started: they replace what was summed so far
        l.utime = t.utime; l.stime = t.stime; l.rsz = t.rsz; l.wsz = t.wsz;
      } else {
        l.utime = plus(l.utime, t.utime); l.stime = plus(l.stime, t.stime);
        l.rsz = plus(l.rsz, t.rsz); l.wsz = plus(l.wsz, t.wsz);
      }
      l.nthr = max(l.nthr, t.nthr);
      l.rmem = max(l.rmem, t.rmem);
      l.vmem = max(l.vmem, t.vmem);
      if (!exited && t.cmdline) l.t = t; // keep the richest identity (exited entries mostly lack cmdline)
    }
    if (exited) {
      l.end = t.ts!;
      l.excode = t.excode;
    }
  }
  yield* flush();
}
