// struct tstat → one linux/log/atop record, through the version's generated layout.
import type { RecordInput } from "../../../../../src/records/descriptor.js";
import { Timestamp } from "../../../../../src/records/timestamp.js";
import { cString } from "../../../../../src/util/text.js";
import { ABSENT, field, readInt, readNum, type Field, type VersionLayout } from "./layout.js";
import { MAX_EPOCH } from "./reader.js";
import type { AtopTaskRecord } from "./records.js";

export type TaskFields = typeof AtopTaskRecord extends { create(v: RecordInput<infer F>): unknown } ? RecordInput<F> : never;

/** What every task of one sample shares. */
export interface SampleContext {
  ts: Timestamp;
  interval: number;
  sinceBoot: boolean;
  hertz: number;
  version: string;
  filepath: string;
  /** cgroup path of a process (2.11+: from the sample's cgroup pid lists). */
  cgroupOf?: (pid: number) => string | null;
}

/** Exit code as atop's parseable output shows it (2.4+): 256 + signal, else the exit status. */
export function atopExitCode(raw: number): number {
  return raw & 0xff ? (raw & 0x7f) + 256 : (raw >> 8) & 0xff;
}

export type TaskDecoder = (b: Buffer, base: number, s: SampleContext) => TaskFields;

export function taskDecoder(layout: VersionLayout): TaskDecoder {
  const t = layout.tstat;
  const F = (p: string): Field => field(t, p);
  const str = (b: Buffer, base: number, f: Field): string | null => (f.off < 0 ? null : cString(b, base + f.off, f.len));
  const g = {
    tgid: F("gen.tgid"),
    pid: F("gen.pid"),
    ppid: F("gen.ppid"),
    ruid: F("gen.ruid"),
    euid: F("gen.euid"),
    suid: F("gen.suid"),
    fsuid: F("gen.fsuid"),
    rgid: F("gen.rgid"),
    egid: F("gen.egid"),
    sgid: F("gen.sgid"),
    fsgid: F("gen.fsgid"),
    nthr: F("gen.nthr"),
    name: F("gen.name"),
    isproc: F("gen.isproc"),
    state: F("gen.state"),
    excode: F("gen.excode"),
    btime: F("gen.btime"),
    elaps: F("gen.elaps"),
    cmdline: F("gen.cmdline"),
    nthrslpi: F("gen.nthrslpi"),
    nthrslpu: F("gen.nthrslpu"),
    nthrrun: F("gen.nthrrun"),
    nthridle: F("gen.nthridle"),
    ctid: F("gen.ctid"),
    vpid: F("gen.vpid"),
    wasinactive: F("gen.wasinactive"),
    container: [F("gen.container"), F("gen.utsname")].find((f) => f.off >= 0) ?? ABSENT,
    cgpath: F("gen.cgpath"),
  };
  const c = {
    utime: F("cpu.utime"),
    stime: F("cpu.stime"),
    nice: F("cpu.nice"),
    prio: F("cpu.prio"),
    rtprio: F("cpu.rtprio"),
    policy: F("cpu.policy"),
    curcpu: F("cpu.curcpu"),
    sleepavg: F("cpu.sleepavg"),
    wchan: F("cpu.wchan"),
    rundelay: F("cpu.rundelay"),
    blkdelay: F("cpu.blkdelay"),
    nvcsw: F("cpu.nvcsw"),
    nivcsw: F("cpu.nivcsw"),
  };
  const m = {
    minflt: F("mem.minflt"),
    majflt: F("mem.majflt"),
    vexec: F("mem.vexec"),
    vmem: F("mem.vmem"),
    rmem: F("mem.rmem"),
    pmem: F("mem.pmem"),
    vgrow: F("mem.vgrow"),
    rgrow: F("mem.rgrow"),
    vdata: F("mem.vdata"),
    vstack: F("mem.vstack"),
    vlibs: F("mem.vlibs"),
    vswap: F("mem.vswap"),
    vlock: F("mem.vlock"),
  };
  const d = { rio: F("dsk.rio"), rsz: F("dsk.rsz"), wio: F("dsk.wio"), wsz: F("dsk.wsz"), cwsz: F("dsk.cwsz") };
  const n = {
    tcpsnd: F("net.tcpsnd"),
    tcpssz: F("net.tcpssz"),
    tcprcv: F("net.tcprcv"),
    tcprsz: F("net.tcprsz"),
    udpsnd: F("net.udpsnd"),
    udpssz: F("net.udpssz"),
    udprcv: F("net.udprcv"),
    udprsz: F("net.udprsz"),
  };
  const hasCgroupPids = layout.major > 2 || layout.minor >= 11;

  return (b, base, s) => {
    const raw = b.readInt32LE(base + g.excode.off);
    const excodeRaw = raw & 0x7fffffff;
    const pid = b.readInt32LE(base + g.pid.off);
    const tgid = b.readInt32LE(base + g.tgid.off);
    const pmem = readNum(b, base, m.pmem);
    const btime = readNum(b, base, g.btime);
    const cg = g.cgpath.off >= 0 ? str(b, base, g.cgpath) || null : hasCgroupPids && s.cgroupOf ? s.cgroupOf(tgid) : null;
    return {
      ts: s.ts,
      interval: s.interval,
      since_boot: s.sinceBoot,
      pid,
      tgid,
      ppid: b.readInt32LE(base + g.ppid.off),
      process: cString(b, base + g.name.off, g.name.len),
      cmdline: cString(b, base + g.cmdline.off, g.cmdline.len),
      state: String.fromCharCode(b[base + g.state.off]!).replace("\0", "") || null,
      isproc: b[base + g.isproc.off] !== 0,
      nthr: b.readInt32LE(base + g.nthr.off),
      nthrrun: b.readInt32LE(base + g.nthrrun.off),
      nthrslpi: b.readInt32LE(base + g.nthrslpi.off),
      nthrslpu: b.readInt32LE(base + g.nthrslpu.off),
      nthridle: readNum(b, base, g.nthridle),
      ruid: b.readInt32LE(base + g.ruid.off),
      euid: b.readInt32LE(base + g.euid.off),
      suid: b.readInt32LE(base + g.suid.off),
      fsuid: b.readInt32LE(base + g.fsuid.off),
      rgid: b.readInt32LE(base + g.rgid.off),
      egid: b.readInt32LE(base + g.egid.off),
      sgid: b.readInt32LE(base + g.sgid.off),
      fsgid: b.readInt32LE(base + g.fsgid.off),
      start: typeof btime === "number" && btime >= 0 && btime < MAX_EPOCH ? Timestamp.fromUnix(btime) : null,
      elaps: readNum(b, base, g.elaps),
      excode: atopExitCode(excodeRaw),
      excode_raw: excodeRaw,
      is_new: raw < 0,
      wasinactive: g.wasinactive.off < 0 ? null : b.readInt32LE(base + g.wasinactive.off) !== 0,
      container: str(b, base, g.container) || null,
      cgroup: cg,
      ctid: readNum(b, base, g.ctid),
      vpid: readNum(b, base, g.vpid),
      hertz: s.hertz,
      utime: readNum(b, base, c.utime),
      stime: readNum(b, base, c.stime),
      nice: readInt(b, base, c.nice),
      prio: readInt(b, base, c.prio),
      rtprio: readInt(b, base, c.rtprio),
      policy: readInt(b, base, c.policy),
      curcpu: readInt(b, base, c.curcpu),
      sleepavg: readInt(b, base, c.sleepavg),
      rundelay: readNum(b, base, c.rundelay),
      blkdelay: readNum(b, base, c.blkdelay),
      nvcsw: readNum(b, base, c.nvcsw),
      nivcsw: readNum(b, base, c.nivcsw),
      wchan: c.wchan.off < 0 ? null : str(b, base, c.wchan),
      vmem: readNum(b, base, m.vmem),
      rmem: readNum(b, base, m.rmem),
      pmem: pmem === -1 ? null : pmem,
      vgrow: readNum(b, base, m.vgrow),
      rgrow: readNum(b, base, m.rgrow),
      vdata: readNum(b, base, m.vdata),
      vstack: readNum(b, base, m.vstack),
      vlibs: readNum(b, base, m.vlibs),
      vexec: readNum(b, base, m.vexec),
      vlock: readNum(b, base, m.vlock),
      vswap: readNum(b, base, m.vswap),
      minflt: readNum(b, base, m.minflt),
      majflt: readNum(b, base, m.majflt),
      rio: readNum(b, base, d.rio),
      rsz: readNum(b, base, d.rsz),
      wio: readNum(b, base, d.wio),
      wsz: readNum(b, base, d.wsz),
      cwsz: readNum(b, base, d.cwsz),
      tcpsnd: readNum(b, base, n.tcpsnd),
      tcpssz: readNum(b, base, n.tcpssz),
      tcprcv: readNum(b, base, n.tcprcv),
      tcprsz: readNum(b, base, n.tcprsz),
      udpsnd: readNum(b, base, n.udpsnd),
      udpssz: readNum(b, base, n.udpssz),
      udprcv: readNum(b, base, n.udprcv),
      udprsz: readNum(b, base, n.udprsz),
      atop_version: s.version,
      filepath: s.filepath,
    };
  };
}
