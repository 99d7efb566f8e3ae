// atop raw logs (/var/log/atop/atop_*): every task of every sample, process lifetimes, and the system,
// disk, interface and cgroup figures of each sample — every version 2.0–2.13 through generated layouts.
import { absent, definePlugin, type FunctionContext, ok, type Target } from "quarry";
import { cgroupDecoder, type Cgroup } from "./cstat.js";
import { atopFiles, walkSamples } from "./files.js";
import type { VersionLayout } from "./layout.js";
import type { AtopFile, Sample } from "./reader.js";
import { processTimeline } from "./processes.js";
import {
  AtopCgroupRecord,
  AtopDiskRecord,
  AtopInterfaceRecord,
  AtopProcessRecord,
  AtopSystemRecord,
  AtopTaskRecord,
} from "./records.js";
import { sstatDecoder, type SstatDecoder } from "./sstat.js";
import { taskDecoder, type SampleContext, type TaskDecoder, type TaskFields } from "./tstat.js";

export { AtopCgroupRecord, AtopDiskRecord, AtopInterfaceRecord, AtopProcessRecord, AtopSystemRecord, AtopTaskRecord };

function cached<T>(make: (l: VersionLayout) => T): (l: VersionLayout) => T {
  const m = new Map<VersionLayout, T>();
  return (l) => {
    let v = m.get(l);
    if (!v) m.set(l, (v = make(l)));
    return v;
  };
}
const taskDec = cached<TaskDecoder>(taskDecoder);
const sstatDec = cached<SstatDecoder>(sstatDecoder);
const cgroupDec = cached(cgroupDecoder);

/** The cgroups of a sample; cgroups it cannot decode or place are lost, so they are errors (exit 1). */
function cgroupsOf(atop: AtopFile, sample: Sample, ctx: FunctionContext): Cgroup[] {
  if (!sample.cstat) return [];
  const h = atop.header;
  const file = atop.file;
  const offset = sample.offset + h.rawreclen + sample.scomplen + sample.pcomplen; // the cstat block
  try {
    const block = cgroupDec(h.layout)(sample.cstat, sample.pids, sample.ncgroups);
    const lo = block.leftOut;
    if (lo) ctx.error({ message: `cgroup block of sample ${sample.index + 1}: ${lo.count} of ${sample.ncgroups} cgroups left out (from record ${lo.first}: ${lo.reason})`, file, offset });
    return block.cgroups;
  } catch (e) {
    ctx.error({ message: `cgroup block of sample ${sample.index + 1}: ${(e as Error).message}`, file, offset });
    return [];
  }
}

/** Every task of every sample (the decoded fields, before they become records). */
export function* atopTasks(target: Target, ctx: FunctionContext): Generator<TaskFields> {
  for (const { atop, sample, ts, sinceBoot } of walkSamples(target, ctx, { tstat: true, cgroups: true })) {
    const h = atop.header;
    const decode = taskDec(h.layout);
    const cgs = cgroupsOf(atop, sample, ctx);
    let cgroupOf: SampleContext["cgroupOf"];
    if (cgs.length) {
      const byPid = new Map<number, string>();
      for (const cg of cgs) for (const p of cg.pids) byPid.set(p, cg.path);
      cgroupOf = (pid) => byPid.get(pid) ?? null;
    }
    const s: SampleContext = { ts, interval: sample.interval, sinceBoot, hertz: h.hertz, version: h.version, filepath: atop.file, cgroupOf };
    const t = sample.tstat!;
    for (let i = 0, base = 0; i < sample.ndeviat; i++, base += h.tstatlen) yield decode(t, base, s);
  }
}

export default definePlugin({
  name: "atop",
  path: "os.unix.log.atop",
  namespace: "atop",
  description: "atop raw logs: per-task samples, process lifetimes, system, disk, interface and cgroup figures",
  paths: ["/var/log/atop/*"],
  checkCompatible: (t) => (atopFiles(t).length ? ok() : absent("no files in /var/log/atop")),
  functions: {
    atop: {
      output: "records",
      description: "One record per task (process or thread) per sample; counters are per-interval deltas as atop stores them",
      records: [AtopTaskRecord],
      *run(t, ctx) {
        for (const f of atopTasks(t, ctx)) yield AtopTaskRecord.create(f);
      },
    },
    "atop.processes": {
      output: "records",
      description: "One record per process lifetime (pid + start time) across the samples of each file",
      records: [AtopProcessRecord],
      *run(t, ctx) {
        yield* processTimeline(atopTasks(t, ctx));
      },
    },
    "atop.system": {
      output: "records",
      description: "One record per sample: CPU ticks (total and per CPU), load, memory and swap (pages), network totals",
      records: [AtopSystemRecord],
      *run(t, ctx) {
        for (const { atop, sample, ts, sinceBoot } of walkSamples(t, ctx, { sstat: true })) {
          const h = atop.header;
          const sy = sstatDec(h.layout).system(sample.sstat!);
          const m = sy.mem;
          yield AtopSystemRecord.create({
            ts,
            interval: sample.interval,
            since_boot: sinceBoot,
            hertz: h.hertz,
            pagesize: h.pagesize,
            nrcpu: sy.nrcpu,
            cpu_sys: sy.cpu.stime,
            cpu_user: sy.cpu.utime,
            cpu_nice: sy.cpu.ntime,
            cpu_idle: sy.cpu.itime,
            cpu_wait: sy.cpu.wtime,
            cpu_irq: sy.cpu.Itime,
            cpu_softirq: sy.cpu.Stime,
            cpu_steal: sy.cpu.steal,
            cpu_guest: sy.cpu.guest,
            percpu_sys: sy.percpu.stime.map((v) => v ?? 0),
            percpu_user: sy.percpu.utime.map((v) => v ?? 0),
            percpu_nice: sy.percpu.ntime.map((v) => v ?? 0),
            percpu_idle: sy.percpu.itime.map((v) => v ?? 0),
            percpu_wait: sy.percpu.wtime.map((v) => v ?? 0),
            percpu_irq: sy.percpu.Itime.map((v) => v ?? 0),
            percpu_softirq: sy.percpu.Stime.map((v) => v ?? 0),
            percpu_steal: sy.percpu.steal.map((v) => v ?? 0),
            percpu_guest: sy.percpu.guest.map((v) => v ?? 0),
            lavg1: sy.lavg1,
            lavg5: sy.lavg5,
            lavg15: sy.lavg15,
            context_switches: sy.csw,
            interrupts: sy.devint,
            forks: sy.nprocs,
            physmem: m.physmem,
            freemem: m.freemem,
            availablemem: m.availablemem,
            cachemem: m.cachemem,
            buffermem: m.buffermem,
            slabmem: m.slabmem,
            slabreclaim: m.slabreclaim,
            dirtymem: m.cachedrt,
            shmem: m.shmem,
            shmrss: m.shmrss,
            shmswp: m.shmswp,
            vmwballoon: m.vmwballoon === -1 ? null : m.vmwballoon, // -1: no balloon driver
            hugepagesz: m.hugepagesz,
            tothugepage: m.tothugepage,
            freehugepage: m.freehugepage,
            totswap: m.totswap,
            freeswap: m.freeswap,
            swapcached: m.swapcached,
            committed: m.committed,
            commitlim: m.commitlim,
            pgscans: m.pgscans,
            swins: m.swins,
            swouts: m.swouts,
            ...sy.net,
            nproc: sample.totproc,
            ntask: sample.ntask,
            nexit: sample.nexit,
            atop_version: h.version,
            filepath: atop.file,
          });
        }
      },
    },
    "atop.disks": {
      output: "records",
      description: "One record per disk, md device and LVM volume per sample (requests, 512-byte sectors, ms busy)",
      records: [AtopDiskRecord],
      *run(t, ctx) {
        for (const { atop, sample, ts, sinceBoot } of walkSamples(t, ctx, { sstat: true })) {
          const h = atop.header;
          for (const d of sstatDec(h.layout).disks(sample.sstat!)) {
            yield AtopDiskRecord.create({
              ts,
              interval: sample.interval,
              since_boot: sinceBoot,
              kind: d.kind,
              name: d.name,
              reads: d.nread,
              read_sectors: d.nrsect,
              writes: d.nwrite,
              write_sectors: d.nwsect,
              discards: d.ndisc,
              discard_sectors: d.ndsect,
              inflight: d.inflight,
              io_ms: d.io_ms,
              avque: d.avque,
              atop_version: h.version,
              filepath: atop.file,
            });
          }
        }
      },
    },
    "atop.interfaces": {
      output: "records",
      description: "One record per network interface per sample (packets and bytes received and sent, speed in Mbit/s)",
      records: [AtopInterfaceRecord],
      *run(t, ctx) {
        for (const { atop, sample, ts, sinceBoot } of walkSamples(t, ctx, { sstat: true })) {
          const h = atop.header;
          for (const i of sstatDec(h.layout).interfaces(sample.sstat!)) {
            yield AtopInterfaceRecord.create({
              ts,
              interval: sample.interval,
              since_boot: sinceBoot,
              ...i,
              atop_version: h.version,
              filepath: atop.file,
            });
          }
        }
      },
    },
    "atop.cgroups": {
      output: "records",
      description: "One record per cgroup per sample (atop 2.11+): processes, CPU (µs), memory (pages), disk",
      records: [AtopCgroupRecord],
      *run(t, ctx) {
        for (const { atop, sample, ts, sinceBoot } of walkSamples(t, ctx, { cgroups: true })) {
          const h = atop.header;
          const cgs = cgroupsOf(atop, sample, ctx);
          for (const cg of cgs) {
            const v = cg.values;
            yield AtopCgroupRecord.create({
              ts,
              interval: sample.interval,
              since_boot: sinceBoot,
              path: cg.path,
              depth: cg.depth,
              nprocs: cg.nprocs,
              procsbelow: cg.procsbelow,
              pids: cg.pids,
              cpuweight: v["conf.cpuweight"] ?? null,
              cpumax: v["conf.cpumax"] ?? null,
              memmax: v["conf.memmax"] ?? null,
              swpmax: v["conf.swpmax"] ?? null,
              cpu_utime: v["cpu.utime"] ?? null,
              cpu_stime: v["cpu.stime"] ?? null,
              cpu_somepres: v["cpu.somepres"] ?? null,
              cpu_fullpres: v["cpu.fullpres"] ?? null,
              mem_current: v["mem.current"] ?? null,
              mem_anon: v["mem.anon"] ?? null,
              mem_file: v["mem.file"] ?? null,
              mem_kernel: v["mem.kernel"] ?? null,
              mem_shmem: v["mem.shmem"] ?? null,
              dsk_rbytes: v["dsk.rbytes"] ?? null,
              dsk_wbytes: v["dsk.wbytes"] ?? null,
              dsk_rios: v["dsk.rios"] ?? null,
              dsk_wios: v["dsk.wios"] ?? null,
              atop_version: h.version,
              filepath: atop.file,
            });
          }
        }
      },
    },
  },
});
