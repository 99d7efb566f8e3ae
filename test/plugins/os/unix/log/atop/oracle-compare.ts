// The comparison of oracle.test.ts, shared with the sample host's test (sample-host.test.ts): every line of an
// `atop -P PRG,PRC,PRM,PRD,PRN,CPU,cpu,MEM,SWP,DSK,NET` oracle (written by the same atop binary that wrote the raw
// file) is rebuilt from quarry's records and compared column by column. Columns atop computes from elsewhere
// (cgroup limits of 2.8–2.10, CPU frequency, avg queue) are wildcards.
import { expect } from "vitest";
import type { AnyRecord } from "../../../../../../src/records/descriptor.js";
import type { Timestamp } from "../../../../../../src/records/timestamp.js";
import type { Target } from "../../../../../../src/target.js";
import { runFn, targetWith } from "./helpers.js";

const ANY: unique symbol = Symbol("any");
const REST: unique symbol = Symbol("rest");
type Tok = string | number | bigint | typeof ANY | typeof REST;

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function pattern(parts: Tok[]): RegExp {
  let re = "";
  for (const p of parts) {
    if (p === REST) re += "(?: .*)?";
    else re += (re ? " " : "") + (p === ANY ? "\\S+" : esc(String(p)));
  }
  return new RegExp("^" + re + "$");
}

interface OSample {
  reset: boolean;
  lines: Map<string, string[]>;
}

function parseOracle(lines: string[]): OSample[] {
  const out: OSample[] = [];
  let cur: OSample = { reset: false, lines: new Map() };
  for (const l of lines) {
    if (l === "RESET") cur.reset = true;
    else if (l === "SEP") {
      out.push(cur);
      cur = { reset: false, lines: new Map() };
    } else {
      const label = l.slice(0, l.indexOf(" "));
      let list = cur.lines.get(label);
      if (!list) cur.lines.set(label, (list = []));
      list.push(l);
    }
  }
  return out;
}

const pad = (n: number): string => String(n).padStart(2, "0");
let nodename = "vm";
function head(label: string, ts: Timestamp, interval: unknown): Tok[] {
  const d = new Date(ts.seconds * 1000);
  return [
    label,
    nodename,
    ts.seconds,
    `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}`,
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`,
    interval as number,
  ];
}

type R = Record<string, unknown> & AnyRecord;
const yn = (b: unknown): string => (b ? "y" : "n");
const v = (x: unknown): Tok => (x === null || x === undefined ? ANY : (x as number));

function taskLines(minor: number, t: R): Record<string, Tok[]> {
  const h = (l: string): Tok[] => [...head(l, t.ts as Timestamp, t.interval), t.pid as number, `(${t.process})`, (t.state as string) ?? ANY];
  const rawSigned = (t.excode_raw as number) - (t.is_new ? 2 ** 31 : 0);
  const prg: Tok[] = [
    ...h("PRG"), v(t.ruid), v(t.rgid), v(t.tgid), v(t.nthr), minor === 3 ? rawSigned : v(t.excode),
    (t.start as Timestamp).seconds, `(${t.cmdline})`, v(t.ppid), v(t.nthrrun), v(t.nthrslpi), v(t.nthrslpu),
    v(t.euid), v(t.egid), v(t.suid), v(t.sgid), v(t.fsuid), v(t.fsgid), v(t.elaps), yn(t.isproc), v(t.vpid),
    v(t.ctid), (t.container as string) || "-",
  ];
  if (minor >= 6) prg.push(t.is_new ? "N" : "-");
  // 2.11+: atop looks the task's own pid up in the cgroup pid lists (processes only), "-" when not found;
  // our record maps threads to their process's cgroup.
  if (minor >= 11) prg.push(`(${t.isproc ? ((t.cgroup as string) ?? "-") : "-"})`);
  else if (minor >= 8) prg.push(`(${(t.cgroup as string) ?? ""})`);
  if (minor >= 10) {
    const end = t.state === "E" ? (t.start as Timestamp).seconds + Math.floor(Number(t.elaps) / Number(t.hertz)) : 0;
    prg.push(end, v(t.nthridle));
  }
  const prc: Tok[] = [
    ...h("PRC"), v(t.hertz), v(t.utime), v(t.stime), v(t.nice), v(t.prio), v(t.rtprio), v(t.policy), v(t.curcpu),
    v(t.sleepavg), v(t.tgid), yn(t.isproc),
  ];
  if (minor >= 6) prc.push(v(t.rundelay), `(${t.wchan ?? ""})`);
  if (minor >= 8) prc.push(v(t.blkdelay), ANY, ANY);
  if (minor >= 9) prc.push(v(t.nvcsw), v(t.nivcsw));
  const prm: Tok[] = [
    ...h("PRM"), 4096, v(t.vmem), v(t.rmem), v(t.vexec), v(t.vgrow), v(t.rgrow), v(t.minflt), v(t.majflt),
    v(t.vlibs), v(t.vdata), v(t.vstack), v(t.vswap), v(t.tgid), yn(t.isproc), (t.pmem as number) ?? 0,
  ];
  if (minor >= 6) prm.push(v(t.vlock));
  if (minor >= 8) prm.push(ANY, ANY, ANY, ANY);
  const prd: Tok[] = [...h("PRD"), "n", ANY, v(t.rio), v(t.rsz), v(t.wio), v(t.wsz), v(t.cwsz), v(t.tgid), "n", yn(t.isproc)];
  const prn: Tok[] = [
    ...h("PRN"), ANY, v(t.tcpsnd), v(t.tcpssz), v(t.tcprcv), v(t.tcprsz), v(t.udpsnd), v(t.udpssz), v(t.udprcv),
    v(t.udprsz), 0, 0, v(t.tgid), yn(t.isproc),
  ];
  return { PRG: prg, PRC: prc, PRM: prm, PRD: prd, PRN: prn };
}

function systemLines(minor: number, s: R, disks: R[], intfs: R[]): Record<string, Tok[][]> {
  const h = (l: string): Tok[] => head(l, s.ts as Timestamp, s.interval);
  const cpuKeys = ["sys", "user", "nice", "idle", "wait", "irq", "softirq", "steal", "guest"];
  const CPU: Tok[][] = [[...h("CPU"), v(s.hertz), v(s.nrcpu), ...cpuKeys.map((k) => v(s[`cpu_${k}`])), REST]];
  const cpu: Tok[][] = (s.percpu_sys as unknown[]).map((_, i) => [
    ...h("cpu"), v(s.hertz), i, ...cpuKeys.map((k) => v((s[`percpu_${k}`] as unknown[])[i])), REST,
  ]);
  const MEM: Tok[][] = [[
    ...h("MEM"), v(s.pagesize), v(s.physmem), v(s.freemem), v(s.cachemem), v(s.buffermem), v(s.slabmem), v(s.dirtymem),
    v(s.slabreclaim), (s.vmwballoon as number) ?? 0, v(s.shmem), v(s.shmrss), v(s.shmswp), v(s.hugepagesz), v(s.tothugepage),
    v(s.freehugepage), REST,
  ]];
  const SWP: Tok[][] = [[...h("SWP"), v(s.pagesize), v(s.totswap), v(s.freeswap), 0, v(s.committed), v(s.commitlim), REST]];
  const DSK: Tok[][] = disks
    .filter((d) => d.kind === "disk")
    .map((d) => {
      const l: Tok[] = [...h("DSK"), d.name as string, v(d.io_ms), v(d.reads), v(d.read_sectors), v(d.writes), v(d.write_sectors)];
      if (minor >= 7) l.push(v(d.discards), v(d.discard_sectors));
      if (minor >= 8) l.push(v(d.inflight), ANY);
      l.push(REST);
      return l;
    });
  const NET: Tok[][] = [
    [...h("NET"), "upper", v(s.tcp_in), v(s.tcp_out), v(s.udp_in), v(s.udp_out), v(s.ip_in), v(s.ip_out), v(s.ip_deliver), v(s.ip_forward), REST],
    ...intfs.map((i): Tok[] => [...h("NET"), i.name as string, v(i.rpack), v(i.rbyte), v(i.spack), v(i.sbyte), v(i.speed), i.duplex ? 1 : 0, REST]),
  ];
  return { CPU, cpu, MEM, SWP, DSK, NET };
}

function groupBy<T extends R>(recs: T[]): Map<number, T[]> {
  const m = new Map<number, T[]>();
  for (const r of recs) {
    const k = (r.ts as Timestamp).seconds;
    let l = m.get(k);
    if (!l) m.set(k, (l = []));
    l.push(r);
  }
  return m;
}

export interface CompareOptions {
  /** atop's nodename, the second column of every oracle line (the fixtures': "vm") */
  nodename?: string;
  /** the target whose atop records are compared (default: a target holding only `raw`) */
  target?: Target;
}

/** Compares every line of the oracle with quarry's records; returns the count of lines compared per label. */
export async function compareWithOracle(version: string, raw: Buffer | null, lines: string[], opts: CompareOptions = {}): Promise<Record<string, number>> {
  const minor = Number(version.split(".")[1]!.replace(/-.*/, ""));
  nodename = opts.nodename ?? "vm";
  {
    const target = opts.target ?? targetWith({ [`atop_${version}`]: raw! });
    const tasks = await runFn(target, "atop");
    const sys = await runFn(target, "atop.system");
    const disks = await runFn(target, "atop.disks");
    const intfs = await runFn(target, "atop.interfaces");
    for (const c of [tasks, sys, disks, intfs]) {
      expect(c.warnings).toEqual([]);
      expect(c.errors).toEqual([]);
    }
    const oracle = parseOracle(lines);
    const sysRecs = sys.records as R[];
    expect(sysRecs.length).toBe(oracle.length);
    const taskBy = groupBy(tasks.records as R[]);
    const dskBy = groupBy(disks.records as R[]);
    const intfBy = groupBy(intfs.records as R[]);
    const counts: Record<string, number> = {};
    const mismatches: string[] = [];
    oracle.forEach((o, i) => {
      const s = sysRecs[i]!;
      expect(s.since_boot).toBe(o.reset);
      const ts = (s.ts as Timestamp).seconds;
      const ts_tasks = taskBy.get(ts) ?? [];
      const expected: Record<string, Tok[][]> = { PRG: [], PRC: [], PRM: [], PRD: [], PRN: [] };
      for (const t of ts_tasks) for (const [l, toks] of Object.entries(taskLines(minor, t))) expected[l]!.push(toks);
      Object.assign(expected, systemLines(minor, s, dskBy.get(ts) ?? [], intfBy.get(ts) ?? []));
      for (const [label, exp] of Object.entries(expected)) {
        const got = o.lines.get(label) ?? [];
        expect(exp.length, `${label} line count in sample ${i + 1}`).toBe(got.length);
        exp.forEach((toks, k) => {
          if (!pattern(toks).test(got[k]!)) {
            mismatches.push(`sample ${i + 1} ${label}:\n  oracle: ${got[k]}\n  ours:   ${toks.map((x) => (typeof x === "symbol" ? "*" : String(x))).join(" ")}`);
          }
          counts[label] = (counts[label] ?? 0) + 1;
        });
      }
      for (const label of o.lines.keys()) expect(Object.keys(expected)).toContain(label);
    });
    const byLabel = new Map<string, string[]>();
    for (const m of mismatches) {
      const l = m.split(" ")[2]!;
      if (!byLabel.has(l)) byLabel.set(l, []);
      byLabel.get(l)!.push(m);
    }
    expect([...byLabel.values()].map((l) => `${l.length}x ` + l.slice(0, 2).join("\n")).join("\n")).toBe("");
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    expect(total).toBe(lines.filter((l) => l !== "SEP" && l !== "RESET").length);
    console.log(`atop ${version}: ${total} oracle lines compared`, JSON.stringify(counts));
    return counts;
  }
}
