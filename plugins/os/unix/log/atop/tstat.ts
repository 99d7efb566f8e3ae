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

/**
 * A member's index in the block's Int32Array, relative to its task; -1 when the version lacks it. A member of
 * another type or off a 4-byte boundary is a bug of the layout tables.
 */
function wordOf(f: Field, type: "i32" | "i64"): number {
  if (f.off < 0) return -1;
  if (f.type !== type) throw new Error(`atop layout: expected ${type} at offset ${f.off}, found ${f.type}`);
  if (f.off % 4 !== 0) throw new Error(`atop layout: ${type} at offset ${f.off} is not 4-aligned`);
  return f.off / 4;
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
  const k_c_blkdelay = wordOf(c.blkdelay, "i64");
  const k_c_nivcsw = wordOf(c.nivcsw, "i64");
  const k_c_nvcsw = wordOf(c.nvcsw, "i64");
  const k_c_rundelay = wordOf(c.rundelay, "i64");
  const k_c_stime = wordOf(c.stime, "i64");
  const k_c_utime = wordOf(c.utime, "i64");
  const k_d_cwsz = wordOf(d.cwsz, "i64");
  const k_d_rio = wordOf(d.rio, "i64");
  const k_d_rsz = wordOf(d.rsz, "i64");
  const k_d_wio = wordOf(d.wio, "i64");
  const k_d_wsz = wordOf(d.wsz, "i64");
  const k_g_btime = wordOf(g.btime, "i64");
  const k_g_ctid = wordOf(g.ctid, "i32");
  const k_g_elaps = wordOf(g.elaps, "i64");
  const k_g_nthridle = wordOf(g.nthridle, "i32");
  const k_g_vpid = wordOf(g.vpid, "i32");
  const k_m_majflt = wordOf(m.majflt, "i64");
  const k_m_minflt = wordOf(m.minflt, "i64");
  const k_m_pmem = wordOf(m.pmem, "i64");
  const k_m_rgrow = wordOf(m.rgrow, "i64");
  const k_m_rmem = wordOf(m.rmem, "i64");
  const k_m_vdata = wordOf(m.vdata, "i64");
  const k_m_vexec = wordOf(m.vexec, "i64");
  const k_m_vgrow = wordOf(m.vgrow, "i64");
  const k_m_vlibs = wordOf(m.vlibs, "i64");
  const k_m_vlock = wordOf(m.vlock, "i64");
  const k_m_vmem = wordOf(m.vmem, "i64");
  const k_m_vstack = wordOf(m.vstack, "i64");
  const k_m_vswap = wordOf(m.vswap, "i64");
  const k_n_tcprcv = wordOf(n.tcprcv, "i64");
  const k_n_tcprsz = wordOf(n.tcprsz, "i64");
  const k_n_tcpsnd = wordOf(n.tcpsnd, "i64");
  const k_n_tcpssz = wordOf(n.tcpssz, "i64");
  const k_n_udprcv = wordOf(n.udprcv, "i64");
  const k_n_udprsz = wordOf(n.udprsz, "i64");
  const k_n_udpsnd = wordOf(n.udpsnd, "i64");
  const k_n_udpssz = wordOf(n.udpssz, "i64");
  const k_c_curcpu = wordOf(c.curcpu, "i32");
  const k_c_nice = wordOf(c.nice, "i32");
  const k_c_policy = wordOf(c.policy, "i32");
  const k_c_prio = wordOf(c.prio, "i32");
  const k_c_rtprio = wordOf(c.rtprio, "i32");
  const k_c_sleepavg = wordOf(c.sleepavg, "i32");

  const k_g_egid = wordOf(g.egid, "i32");
  const k_g_euid = wordOf(g.euid, "i32");
  const k_g_excode = wordOf(g.excode, "i32");
  const k_g_fsgid = wordOf(g.fsgid, "i32");
  const k_g_fsuid = wordOf(g.fsuid, "i32");
  const k_g_nthr = wordOf(g.nthr, "i32");
  const k_g_nthrrun = wordOf(g.nthrrun, "i32");
  const k_g_nthrslpi = wordOf(g.nthrslpi, "i32");
  const k_g_nthrslpu = wordOf(g.nthrslpu, "i32");
  const k_g_pid = wordOf(g.pid, "i32");
  const k_g_ppid = wordOf(g.ppid, "i32");
  const k_g_rgid = wordOf(g.rgid, "i32");
  const k_g_ruid = wordOf(g.ruid, "i32");
  const k_g_sgid = wordOf(g.sgid, "i32");
  const k_g_suid = wordOf(g.suid, "i32");
  const k_g_tgid = wordOf(g.tgid, "i32");
  const k_g_wasinactive = wordOf(g.wasinactive, "i32");
  // Every 32- and 64-bit member is read through an Int32Array over the block (offsets and tstatlen are multiples
  // of 4 in every layout, which wordOf() checks): an element load instead of a Buffer method call per member,
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
    const pmem = (k_m_pmem < 0 ? null : r64(q + k_m_pmem));
    const btime = (k_g_btime < 0 ? null : r64(q + k_g_btime));
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
      nthridle: (k_g_nthridle < 0 ? null : i32[q + k_g_nthridle]!),
      ruid: i32[q + k_g_ruid]!,
      euid: i32[q + k_g_euid]!,
      suid: i32[q + k_g_suid]!,
      fsuid: i32[q + k_g_fsuid]!,
      rgid: i32[q + k_g_rgid]!,
      egid: i32[q + k_g_egid]!,
      sgid: i32[q + k_g_sgid]!,
      fsgid: i32[q + k_g_fsgid]!,
      start: typeof btime === "number" && btime >= 0 && btime < MAX_EPOCH ? Timestamp.fromUnix(btime) : null,
      elaps: (k_g_elaps < 0 ? null : r64(q + k_g_elaps)),
      excode: atopExitCode(excodeRaw),
      excode_raw: excodeRaw,
      is_new: raw < 0,
      wasinactive: k_g_wasinactive < 0 ? null : i32[q + k_g_wasinactive]! !== 0,
      container: str(b, base, g.container) || null,
      cgroup: cg,
      ctid: (k_g_ctid < 0 ? null : i32[q + k_g_ctid]!),
      vpid: (k_g_vpid < 0 ? null : i32[q + k_g_vpid]!),
      hertz: s.hertz,
      utime: (k_c_utime < 0 ? null : r64(q + k_c_utime)),
      stime: (k_c_stime < 0 ? null : r64(q + k_c_stime)),
      nice: (k_c_nice < 0 ? 0 : i32[q + k_c_nice]!),
      prio: (k_c_prio < 0 ? 0 : i32[q + k_c_prio]!),
      rtprio: (k_c_rtprio < 0 ? 0 : i32[q + k_c_rtprio]!),
      policy: (k_c_policy < 0 ? 0 : i32[q + k_c_policy]!),
      curcpu: (k_c_curcpu < 0 ? 0 : i32[q + k_c_curcpu]!),
      sleepavg: (k_c_sleepavg < 0 ? 0 : i32[q + k_c_sleepavg]!),
      rundelay: (k_c_rundelay < 0 ? null : r64(q + k_c_rundelay)),
      blkdelay: (k_c_blkdelay < 0 ? null : r64(q + k_c_blkdelay)),
      nvcsw: (k_c_nvcsw < 0 ? null : r64(q + k_c_nvcsw)),
      nivcsw: (k_c_nivcsw < 0 ? null : r64(q + k_c_nivcsw)),
      wchan: c.wchan.off < 0 ? null : str(b, base, c.wchan),
      vmem: (k_m_vmem < 0 ? null : r64(q + k_m_vmem)),
      rmem: (k_m_rmem < 0 ? null : r64(q + k_m_rmem)),
      pmem: pmem === -1 ? null : pmem,
      vgrow: (k_m_vgrow < 0 ? null : r64(q + k_m_vgrow)),
      rgrow: (k_m_rgrow < 0 ? null : r64(q + k_m_rgrow)),
      vdata: (k_m_vdata < 0 ? null : r64(q + k_m_vdata)),
      vstack: (k_m_vstack < 0 ? null : r64(q + k_m_vstack)),
      vlibs: (k_m_vlibs < 0 ? null : r64(q + k_m_vlibs)),
      vexec: (k_m_vexec < 0 ? null : r64(q + k_m_vexec)),
      vlock: (k_m_vlock < 0 ? null : r64(q + k_m_vlock)),
      vswap: (k_m_vswap < 0 ? null : r64(q + k_m_vswap)),
      minflt: (k_m_minflt < 0 ? null : r64(q + k_m_minflt)),
      majflt: (k_m_majflt < 0 ? null : r64(q + k_m_majflt)),
      rio: (k_d_rio < 0 ? null : r64(q + k_d_rio)),
      rsz: (k_d_rsz < 0 ? null : r64(q + k_d_rsz)),
      wio: (k_d_wio < 0 ? null : r64(q + k_d_wio)),
      wsz: (k_d_wsz < 0 ? null : r64(q + k_d_wsz)),
      cwsz: (k_d_cwsz < 0 ? null : r64(q + k_d_cwsz)),
      tcpsnd: (k_n_tcpsnd < 0 ? null : r64(q + k_n_tcpsnd)),
      tcpssz: (k_n_tcpssz < 0 ? null : r64(q + k_n_tcpssz)),
      tcprcv: (k_n_tcprcv < 0 ? null : r64(q + k_n_tcprcv)),
      tcprsz: (k_n_tcprsz < 0 ? null : r64(q + k_n_tcprsz)),
      udpsnd: (k_n_udpsnd < 0 ? null : r64(q + k_n_udpsnd)),
      udpssz: (k_n_udpssz < 0 ? null : r64(q + k_n_udpssz)),
      udprcv: (k_n_udprcv < 0 ? null : r64(q + k_n_udprcv)),
      udprsz: (k_n_udprsz < 0 ? null : r64(q + k_n_udprsz)),
      atop_version: s.version,
      filepath: s.filepath,
    };
  };
}
