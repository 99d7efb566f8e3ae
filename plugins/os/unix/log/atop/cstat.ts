// 2.11+ cgroup blocks: variable-length struct cstat records (advance by gen.structlen) + the pid lists.
import { cString } from "../../../../../src/util/text.js";
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

export function cgroupDecoder(layout: VersionLayout): (cstat: Buffer, pids: Buffer | null, ncgroups: number) => Cgroup[] {
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
    const bySeq = new Map<number, Cgroup>();
    let pos = 0;
    let pidAt = 0;
    for (let i = 0; i < ncgroups && pos + fixed <= b.length; i++) {
      const len = readInt(b, pos, structlen);
      if (len < fixed || pos + len > b.length) throw new Error(`cgroup record ${i} has a bad structlen ${len}`);
      const nl = Math.min(Math.max(readInt(b, pos, namelen), 0), len - fixed);
      const name = cString(b, pos + fixed, nl);
      const parent = bySeq.get(readInt(b, pos, parentseq));
      const path = parent ? (parent.path === "/" ? "/" + name : parent.path + "/" + name) : "/" + name;
      const n = Math.max(readInt(b, pos, nprocs), 0);
      const list: number[] = [];
      if (pids) for (let k = 0; k < n && (pidAt + 1) * 4 <= pids.length; k++, pidAt++) list.push(pids.readInt32LE(pidAt * 4));
      const values: Record<string, Num> = {};
      for (const [p, f] of vals) values[p] = readNum(b, pos, f);
      const cg: Cgroup = { path, depth: readInt(b, pos, depth), nprocs: n, procsbelow: readInt(b, pos, procsbelow), pids: list, values };
      bySeq.set(readInt(b, pos, sequence), cg);
      out.push(cg);
      pos += len;
    }
    return out;
  };
}
