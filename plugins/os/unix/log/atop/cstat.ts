// 2.11+ cgroup blocks: variable-length struct cstat records (advance by gen.structlen) + the pid lists.
import { cString } from "quarry";
import { field, readInt, readNum, type Field, type VersionLayout } from "./layout.js";

type Num = number | bigint | null;

export interface Cgroup {
  path: string;
  depth: number;
  nprocs: number;
  procsbelow: number;
  pids: number[];
  values: Record<string, Num>;
}

const VALUES = [
  "conf.cpuweight", "conf.cpumax", "conf.memmax", "conf.swpmax", "cpu.utime", "cpu.stime", "cpu.somepres",
  "cpu.fullpres", "mem.current", "mem.anon", "mem.file", "mem.kernel", "mem.shmem", "dsk.rbytes", "dsk.wbytes",
  "dsk.rios", "dsk.wios",
] as const;

/**
 * Cgroups nested deeper than this are left out (with an error): 64 levels. Real hierarchies stay below ~15
 * (systemd slices, Kubernetes pods and their containers, a few levels of nested containers). The bound keeps a
 * crafted block of 65,535 nested cgroups from building paths whose total length is quadratic.
 */
export const MAX_CGROUP_DEPTH = 64;
/** A cgroup path longer than PATH_MAX cannot be shown in /proc/PID/cgroup by the kernel: left out (with an error). */
export const MAX_CGROUP_PATH = 4096;

export interface CgroupBlock {
  cgroups: Cgroup[];
  /** Cgroups left out (too deep, path too long, or below one left out), and why; null when none were. */
  leftOut: { count: number; first: number; reason: string } | null;
}

interface Placed {
  path: string;
  /** Bytes of the path (the name bytes plus the slashes). */
  bytes: number;
  level: number;
}

export function cgroupDecoder(layout: VersionLayout): (cstat: Buffer, pids: Buffer | null, ncgroups: number) => CgroupBlock {
  const c = layout.cstat;
  const F = (p: string): Field => field(c, p);
  const structlen = F("gen.structlen");
  const parentseq = F("gen.parentseq");
  const sequence = F("gen.sequence");
  const depth = F("gen.depth");
  const nprocs = F("gen.nprocs");
  const procsbelow = F("gen.procsbelow");
  const namelen = F("gen.namelen");
  const fixed = layout.sizes.cstat;
  const vals = VALUES.map((p) => [p, F(p)] as const);
  return (b, pids, ncgroups) => {
    const out: Cgroup[] = [];
    // Each path is its parent's plus one name: built once per cgroup, never by walking the chain again.
    const bySeq = new Map<number, Placed | null>(); // null: left out (and so are the cgroups below it)
    let leftOut: CgroupBlock["leftOut"] = null;
    const leave = (i: number, reason: string): void => {
      if (leftOut) leftOut.count++;
      else leftOut = { count: 1, first: i, reason };
    };
    let pos = 0;
    let pidAt = 0;
    for (let i = 0; i < ncgroups && pos + fixed <= b.length; i++) {
      const len = readInt(b, pos, structlen);
      if (len < fixed || pos + len > b.length) throw new Error(`cgroup record ${i} has a bad structlen ${len}`);
      const nl = Math.min(Math.max(readInt(b, pos, namelen), 0), len - fixed);
      const nameEnd = b.indexOf(0, pos + fixed);
      const nameBytes = nameEnd >= 0 && nameEnd < pos + fixed + nl ? nameEnd - pos - fixed : nl;
      const parent = bySeq.get(readInt(b, pos, parentseq));
      const seq = readInt(b, pos, sequence);
      const n = Math.max(readInt(b, pos, nprocs), 0);
      const pidFrom = pidAt;
      pidAt = pids ? Math.min(pidAt + n, Math.floor(pids.length / 4)) : pidAt;
      pos += len;
      let placed: Placed | null = null;
      if (parent === null) leave(i, "below a cgroup left out");
      else {
        const level = parent ? parent.level + 1 : 0;
        const bytes = parent ? (parent.path === "/" ? 1 : parent.bytes + 1) + nameBytes : 1 + nameBytes;
        if (level > MAX_CGROUP_DEPTH) leave(i, `nested deeper than ${MAX_CGROUP_DEPTH} levels`);
        else if (bytes > MAX_CGROUP_PATH) leave(i, `path longer than ${MAX_CGROUP_PATH} bytes`);
        else {
          const name = cString(b, pos - len + fixed, nl);
          const path = parent ? (parent.path === "/" ? "/" + name : parent.path + "/" + name) : "/" + name;
          placed = { path, bytes, level };
        }
      }
      bySeq.set(seq, placed);
      if (!placed) continue;
      const list: number[] = [];
      if (pids) for (let k = pidFrom; k < pidAt; k++) list.push(pids.readInt32LE(k * 4));
      const at = pos - len;
      const values: Record<string, Num> = {};
      for (const [p, f] of vals) values[p] = readNum(b, at, f);
      out.push({ path: placed.path, depth: readInt(b, at, depth), nprocs: n, procsbelow: readInt(b, at, procsbelow), pids: list, values });
    }
    return { cgroups: out, leftOut };
  };
}
