// struct tstat → one linux/log/atop record, through the version's generated layout.
import { cString, type RecordInput, Timestamp } from "quarry";
import { ABSENT, field, readI64, type Field, type VersionLayout } from "./layout.js";
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

/** The offset of a member of the expected type, -1 when the version lacks it; a layout of another type is a bug. */
function offsetOf(f: Field, type: "i32" | "i64"): number {
  if (f.off >= 0 && f.type !== type) throw new Error(`atop layout: expected ${type} at offset ${f.off}, found ${f.type}`);
  return f.off;
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
  const o_c_blkdelay = offsetOf(c.blkdelay, "i64");
  const o_c_nivcsw = offsetOf(c.nivcsw, "i64");
  const o_c_nvcsw = offsetOf(c.nvcsw, "i64");
  const o_c_rundelay = offsetOf(c.rundelay, "i64");
  const o_c_stime = offsetOf(c.stime, "i64");
  const o_c_utime = offsetOf(c.utime, "i64");
  const o_d_cwsz = offsetOf(d.cwsz, "i64");
  const o_d_rio = offsetOf(d.rio, "i64");
  const o_d_rsz = offsetOf(d.rsz, "i64");
  const o_d_wio = offsetOf(d.wio, "i64");
  const o_d_wsz = offsetOf(d.wsz, "i64");
  const o_g_btime = offsetOf(g.btime, "i64");
  const o_g_ctid = offsetOf(g.ctid, "i32");
  const o_g_elaps = offsetOf(g.elaps, "i64");
  const o_g_nthridle = offsetOf(g.nthridle, "i32");
  const o_g_vpid = offsetOf(g.vpid, "i32");
  const o_m_majflt = offsetOf(m.majflt, "i64");
  const o_m_minflt = offsetOf(m.minflt, "i64");
  const o_m_pmem = offsetOf(m.pmem, "i64");
  const o_m_rgrow = offsetOf(m.rgrow, "i64");
  const o_m_rmem = offsetOf(m.rmem, "i64");
  const o_m_vdata = offsetOf(m.vdata, "i64");
  const o_m_vexec = offsetOf(m.vexec, "i64");
  const o_m_vgrow = offsetOf(m.vgrow, "i64");
  const o_m_vlibs = offsetOf(m.vlibs, "i64");
  const o_m_vlock = offsetOf(m.vlock, "i64");
  const o_m_vmem = offsetOf(m.vmem, "i64");
  const o_m_vstack = offsetOf(m.vstack, "i64");
  const o_m_vswap = offsetOf(m.vswap, "i64");
  const o_n_tcprcv = offsetOf(n.tcprcv, "i64");
  const o_n_tcprsz = offsetOf(n.tcprsz, "i64");
  const o_n_tcpsnd = offsetOf(n.tcpsnd, "i64");
  const o_n_tcpssz = offsetOf(n.tcpssz, "i64");
  const o_n_udprcv = offsetOf(n.udprcv, "i64");
  const o_n_udprsz = offsetOf(n.udprsz, "i64");
  const o_n_udpsnd = offsetOf(n.udpsnd, "i64");
  const o_n_udpssz = offsetOf(n.udpssz, "i64");
  const o_c_curcpu = offsetOf(c.curcpu, "i32");
  const o_c_nice = offsetOf(c.nice, "i32");
  const o_c_policy = offsetOf(c.policy, "i32");
  const o_c_prio = offsetOf(c.prio, "i32");
  const o_c_rtprio = offsetOf(c.rtprio, "i32");
  const o_c_sleepavg = offsetOf(c.sleepavg, "i32");

  return (b, base, s) => {
    const raw = b.readInt32LE(base + g.excode.off);
    const excodeRaw = raw & 0x7fffffff;
    const pid = b.readInt32LE(base + g.pid.off);
    const tgid = b.readInt32LE(base + g.tgid.off);
    const pmem = (o_m_pmem < 0 ? null : readI64(b, base + o_m_pmem));
    const btime = (o_g_btime < 0 ? null : readI64(b, base + o_g_btime));
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
      nthridle: (o_g_nthridle < 0 ? null : b.readInt32LE(base + o_g_nthridle)),
      ruid: b.readInt32LE(base + g.ruid.off),
      euid: b.readInt32LE(base + g.euid.off),
      suid: b.readInt32LE(base + g.suid.off),
      fsuid: b.readInt32LE(base + g.fsuid.off),
      rgid: b.readInt32LE(base + g.rgid.off),
      egid: b.readInt32LE(base + g.egid.off),
      sgid: b.readInt32LE(base + g.sgid.off),
      fsgid: b.readInt32LE(base + g.fsgid.off),
      start: typeof btime === "number" && btime >= 0 && btime < MAX_EPOCH ? Timestamp.fromUnix(btime) : null,
      elaps: (o_g_elaps < 0 ? null : readI64(b, base + o_g_elaps)),
      excode: atopExitCode(excodeRaw),
      excode_raw: excodeRaw,
      is_new: raw < 0,
      wasinactive: g.wasinactive.off < 0 ? null : b.readInt32LE(base + g.wasinactive.off) !== 0,
      container: str(b, base, g.container) || null,
      cgroup: cg,
      ctid: (o_g_ctid < 0 ? null : b.readInt32LE(base + o_g_ctid)),
      vpid: (o_g_vpid < 0 ? null : b.readInt32LE(base + o_g_vpid)),
      hertz: s.hertz,
      utime: (o_c_utime < 0 ? null : readI64(b, base + o_c_utime)),
      stime: (o_c_stime < 0 ? null : readI64(b, base + o_c_stime)),
      nice: (o_c_nice < 0 ? 0 : b.readInt32LE(base + o_c_nice)),
      prio: (o_c_prio < 0 ? 0 : b.readInt32LE(base + o_c_prio)),
      rtprio: (o_c_rtprio < 0 ? 0 : b.readInt32LE(base + o_c_rtprio)),
      policy: (o_c_policy < 0 ? 0 : b.readInt32LE(base + o_c_policy)),
      curcpu: (o_c_curcpu < 0 ? 0 : b.readInt32LE(base + o_c_curcpu)),
      sleepavg: (o_c_sleepavg < 0 ? 0 : b.readInt32LE(base + o_c_sleepavg)),
      rundelay: (o_c_rundelay < 0 ? null : readI64(b, base + o_c_rundelay)),
      blkdelay: (o_c_blkdelay < 0 ? null : readI64(b, base + o_c_blkdelay)),
      nvcsw: (o_c_nvcsw < 0 ? null : readI64(b, base + o_c_nvcsw)),
      nivcsw: (o_c_nivcsw < 0 ? null : readI64(b, base + o_c_nivcsw)),
      wchan: c.wchan.off < 0 ? null : str(b, base, c.wchan),
      vmem: (o_m_vmem < 0 ? null : readI64(b, base + o_m_vmem)),
      rmem: (o_m_rmem < 0 ? null : readI64(b, base + o_m_rmem)),
      pmem: pmem === -1 ? null : pmem,
      vgrow: (o_m_vgrow < 0 ? null : readI64(b, base + o_m_vgrow)),
      rgrow: (o_m_rgrow < 0 ? null : readI64(b, base + o_m_rgrow)),
      vdata: (o_m_vdata < 0 ? null : readI64(b, base + o_m_vdata)),
      vstack: (o_m_vstack < 0 ? null : readI64(b, base + o_m_vstack)),
      vlibs: (o_m_vlibs < 0 ? null : readI64(b, base + o_m_vlibs)),
      vexec: (o_m_vexec < 0 ? null : readI64(b, base + o_m_vexec)),
      vlock: (o_m_vlock < 0 ? null : readI64(b, base + o_m_vlock)),
      vswap: (o_m_vswap < 0 ? null : readI64(b, base + o_m_vswap)),
      minflt: (o_m_minflt < 0 ? null : readI64(b, base + o_m_minflt)),
      majflt: (o_m_majflt < 0 ? null : readI64(b, base + o_m_majflt)),
      rio: (o_d_rio < 0 ? null : readI64(b, base + o_d_rio)),
      rsz: (o_d_rsz < 0 ? null : readI64(b, base + o_d_rsz)),
      wio: (o_d_wio < 0 ? null : readI64(b, base + o_d_wio)),
      wsz: (o_d_wsz < 0 ? null : readI64(b, base + o_d_wsz)),
      cwsz: (o_d_cwsz < 0 ? null : readI64(b, base + o_d_cwsz)),
      tcpsnd: (o_n_tcpsnd < 0 ? null : readI64(b, base + o_n_tcpsnd)),
      tcpssz: (o_n_tcpssz < 0 ? null : readI64(b, base + o_n_tcpssz)),
      tcprcv: (o_n_tcprcv < 0 ? null : readI64(b, base + o_n_tcprcv)),
      tcprsz: (o_n_tcprsz < 0 ? null : readI64(b, base + o_n_tcprsz)),
      udpsnd: (o_n_udpsnd < 0 ? null : readI64(b, base + o_n_udpsnd)),
      udpssz: (o_n_udpssz < 0 ? null : readI64(b, base + o_n_udpssz)),
      udprcv: (o_n_udprcv < 0 ? null : readI64(b, base + o_n_udprcv)),
      udprsz: (o_n_udprsz < 0 ? null : readI64(b, base + o_n_udprsz)),
      atop_version: s.version,
      filepath: s.filepath,
    };
  };
}
