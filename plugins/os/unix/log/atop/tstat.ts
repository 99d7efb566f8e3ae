// struct tstat → one linux/log/atop record, through the version's generated layout.
import { cString, type RecordInput, Timestamp } from "quarry";
import { ABSENT, field, type Field, type VersionLayout } from "./layout.js";
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
  if (f.off >= 0 && f.off % 4 !== 0) throw new Error(`atop layout: ${type} at offset ${f.off} is not 4-aligned`);
  return f.off;
}

/** An i32 member's index in the block's Int32Array, relative to its task (-1: not in this version). */
function word(f: Field): number {
  return f.off < 0 ? -1 : offsetOf(f, "i32") / 4;
}

const TWO32 = 2 ** 32;

/** The block as 32-bit words; an inflated block is normally 4-aligned already, else it is copied once. */
function words(b: Buffer): Int32Array {
  if (b.byteOffset % 4 !== 0) b = Buffer.from(Uint8Array.prototype.slice.call(b));
  return new Int32Array(b.buffer, b.byteOffset, b.length >>> 2);
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

  const k_g_egid = word(g.egid);
  const k_g_euid = word(g.euid);
  const k_g_excode = word(g.excode);
  const k_g_fsgid = word(g.fsgid);
  const k_g_fsuid = word(g.fsuid);
  const k_g_nthr = word(g.nthr);
  const k_g_nthrrun = word(g.nthrrun);
  const k_g_nthrslpi = word(g.nthrslpi);
  const k_g_nthrslpu = word(g.nthrslpu);
  const k_g_pid = word(g.pid);
  const k_g_ppid = word(g.ppid);
  const k_g_rgid = word(g.rgid);
  const k_g_ruid = word(g.ruid);
  const k_g_sgid = word(g.sgid);
  const k_g_suid = word(g.suid);
  const k_g_tgid = word(g.tgid);
  const k_g_wasinactive = word(g.wasinactive);
  // Every 32- and 64-bit member is read through an Int32Array over the block (offsets and tstatlen are multiples
  // of 4 in every layout, which word() checks): an element load instead of a Buffer method call per member,
  // 1.3 s of a million records' 3.3 s decode in a profile.
  let block: Buffer | null = null;
  let i32: Int32Array = new Int32Array(0);
  const r64 = (k: number): number | bigint => {
    const hi = i32[k + 1]!;
    return hi >= -0x200000 && hi < 0x200000 ? hi * TWO32 + (i32[k]! >>> 0) : (BigInt(hi) << 32n) | BigInt(i32[k]! >>> 0);
  };
  if (layout.sizes.tstat % 4 !== 0) throw new Error(`atop layout ${layout.major}.${layout.minor}: tstat size ${layout.sizes.tstat} is not a multiple of 4`);

  return (b, base, s) => {
    if (b !== block) {
      block = b;
      i32 = words(b);
    }
    const q = base / 4;
    const raw = i32[q + k_g_excode]!;
    const excodeRaw = raw & 0x7fffffff;
    const pid = i32[q + k_g_pid]!;
    const tgid = i32[q + k_g_tgid]!;
    const pmem = (o_m_pmem < 0 ? null : r64(q + o_m_pmem / 4));
    const btime = (o_g_btime < 0 ? null : r64(q + o_g_btime / 4));
    const cg = g.cgpath.off >= 0 ? str(b, base, g.cgpath) || null : hasCgroupPids && s.cgroupOf ? s.cgroupOf(tgid) : null;
    return {
      ts: s.ts,
      interval: s.interval,
      since_boot: s.sinceBoot,
      pid,
      tgid,
      ppid: i32[q + k_g_ppid]!,
      process: cString(b, base + g.name.off, g.name.len),
      cmdline: cString(b, base + g.cmdline.off, g.cmdline.len),
      state: String.fromCharCode(b[base + g.state.off]!).replace("\0", "") || null,
      isproc: b[base + g.isproc.off] !== 0,
      nthr: i32[q + k_g_nthr]!,
      nthrrun: i32[q + k_g_nthrrun]!,
      nthrslpi: i32[q + k_g_nthrslpi]!,
      nthrslpu: i32[q + k_g_nthrslpu]!,
      nthridle: (o_g_nthridle < 0 ? null : i32[q + o_g_nthridle / 4]!),
      ruid: i32[q + k_g_ruid]!,
      euid: i32[q + k_g_euid]!,
      suid: i32[q + k_g_suid]!,
      fsuid: i32[q + k_g_fsuid]!,
      rgid: i32[q + k_g_rgid]!,
      egid: i32[q + k_g_egid]!,
      sgid: i32[q + k_g_sgid]!,
      fsgid: i32[q + k_g_fsgid]!,
      start: typeof btime === "number" && btime >= 0 && btime < MAX_EPOCH ? Timestamp.fromUnix(btime) : null,
      elaps: (o_g_elaps < 0 ? null : r64(q + o_g_elaps / 4)),
      excode: atopExitCode(excodeRaw),
      excode_raw: excodeRaw,
      is_new: raw < 0,
      wasinactive: g.wasinactive.off < 0 ? null : i32[q + k_g_wasinactive]! !== 0,
      container: str(b, base, g.container) || null,
      cgroup: cg,
      ctid: (o_g_ctid < 0 ? null : i32[q + o_g_ctid / 4]!),
      vpid: (o_g_vpid < 0 ? null : i32[q + o_g_vpid / 4]!),
      hertz: s.hertz,
      utime: (o_c_utime < 0 ? null : r64(q + o_c_utime / 4)),
      stime: (o_c_stime < 0 ? null : r64(q + o_c_stime / 4)),
      nice: (o_c_nice < 0 ? 0 : i32[q + o_c_nice / 4]!),
      prio: (o_c_prio < 0 ? 0 : i32[q + o_c_prio / 4]!),
      rtprio: (o_c_rtprio < 0 ? 0 : i32[q + o_c_rtprio / 4]!),
      policy: (o_c_policy < 0 ? 0 : i32[q + o_c_policy / 4]!),
      curcpu: (o_c_curcpu < 0 ? 0 : i32[q + o_c_curcpu / 4]!),
      sleepavg: (o_c_sleepavg < 0 ? 0 : i32[q + o_c_sleepavg / 4]!),
      rundelay: (o_c_rundelay < 0 ? null : r64(q + o_c_rundelay / 4)),
      blkdelay: (o_c_blkdelay < 0 ? null : r64(q + o_c_blkdelay / 4)),
      nvcsw: (o_c_nvcsw < 0 ? null : r64(q + o_c_nvcsw / 4)),
      nivcsw: (o_c_nivcsw < 0 ? null : r64(q + o_c_nivcsw / 4)),
      wchan: c.wchan.off < 0 ? null : str(b, base, c.wchan),
      vmem: (o_m_vmem < 0 ? null : r64(q + o_m_vmem / 4)),
      rmem: (o_m_rmem < 0 ? null : r64(q + o_m_rmem / 4)),
      pmem: pmem === -1 ? null : pmem,
      vgrow: (o_m_vgrow < 0 ? null : r64(q + o_m_vgrow / 4)),
      rgrow: (o_m_rgrow < 0 ? null : r64(q + o_m_rgrow / 4)),
      vdata: (o_m_vdata < 0 ? null : r64(q + o_m_vdata / 4)),
      vstack: (o_m_vstack < 0 ? null : r64(q + o_m_vstack / 4)),
      vlibs: (o_m_vlibs < 0 ? null : r64(q + o_m_vlibs / 4)),
      vexec: (o_m_vexec < 0 ? null : r64(q + o_m_vexec / 4)),
      vlock: (o_m_vlock < 0 ? null : r64(q + o_m_vlock / 4)),
      vswap: (o_m_vswap < 0 ? null : r64(q + o_m_vswap / 4)),
      minflt: (o_m_minflt < 0 ? null : r64(q + o_m_minflt / 4)),
      majflt: (o_m_majflt < 0 ? null : r64(q + o_m_majflt / 4)),
      rio: (o_d_rio < 0 ? null : r64(q + o_d_rio / 4)),
      rsz: (o_d_rsz < 0 ? null : r64(q + o_d_rsz / 4)),
      wio: (o_d_wio < 0 ? null : r64(q + o_d_wio / 4)),
      wsz: (o_d_wsz < 0 ? null : r64(q + o_d_wsz / 4)),
      cwsz: (o_d_cwsz < 0 ? null : r64(q + o_d_cwsz / 4)),
      tcpsnd: (o_n_tcpsnd < 0 ? null : r64(q + o_n_tcpsnd / 4)),
      tcpssz: (o_n_tcpssz < 0 ? null : r64(q + o_n_tcpssz / 4)),
      tcprcv: (o_n_tcprcv < 0 ? null : r64(q + o_n_tcprcv / 4)),
      tcprsz: (o_n_tcprsz < 0 ? null : r64(q + o_n_tcprsz / 4)),
      udpsnd: (o_n_udpsnd < 0 ? null : r64(q + o_n_udpsnd / 4)),
      udpssz: (o_n_udpssz < 0 ? null : r64(q + o_n_udpssz / 4)),
      udprcv: (o_n_udprcv < 0 ? null : r64(q + o_n_udprcv / 4)),
      udprsz: (o_n_udprsz < 0 ? null : r64(q + o_n_udprsz / 4)),
      atop_version: s.version,
      filepath: s.filepath,
    };
  };
}
