// struct sstat → system, disk and interface figures, through the version's generated layout.
import { cString } from "quarry";
import { arrayOf, field, readInt, readNum, type Field, type VersionLayout } from "./layout.js";

type Num = number | bigint | null;

export interface SystemFigures {
  nrcpu: number;
  cpu: Record<CpuKey, Num>;
  percpu: Record<CpuKey, Num[]>;
  lavg1: number | null;
  lavg5: number | null;
  lavg15: number | null;
  csw: Num;
  devint: Num;
  nprocs: Num;
  mem: Record<MemKey, Num>;
  net: Record<NetKey, Num>;
}

export const CPU_KEYS = ["stime", "utime", "ntime", "itime", "wtime", "Itime", "Stime", "steal", "guest"] as const;
type CpuKey = (typeof CPU_KEYS)[number];
const MEM_KEYS = [
  "physmem", "freemem", "availablemem", "cachemem", "buffermem", "slabmem", "slabreclaim", "cachedrt", "shmem",
  "shmrss", "shmswp", "vmwballoon", "hugepagesz", "tothugepage", "freehugepage", "totswap", "freeswap",
  "swapcached", "committed", "commitlim", "pgscans", "swins", "swouts",
] as const;
type MemKey = (typeof MEM_KEYS)[number];
const NET_KEYS = ["tcp_in", "tcp_out", "udp_in", "udp_out", "ip_in", "ip_out", "ip_deliver", "ip_forward"] as const;
type NetKey = (typeof NET_KEYS)[number];

export interface DiskFigures {
  kind: "disk" | "md" | "lvm";
  name: string;
  nread: Num;
  nrsect: Num;
  nwrite: Num;
  nwsect: Num;
  ndisc: Num;
  ndsect: Num;
  inflight: Num;
  io_ms: Num;
  avque: Num;
}

export interface InterfaceFigures {
  name: string;
  type: string | null;
  rpack: Num;
  rbyte: Num;
  spack: Num;
  sbyte: Num;
  rerrs: Num;
  serrs: Num;
  rdrop: Num;
  sdrop: Num;
  speed: Num;
  duplex: boolean;
}

function add(a: Num, b: Num): Num {
  if (a === null) return b;
  if (b === null) return a;
  if (typeof a === "number" && typeof b === "number" && Number.isSafeInteger(a + b)) return a + b;
  const s = BigInt(a) + BigInt(b);
  return s >= BigInt(Number.MIN_SAFE_INTEGER) && s <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(s) : s;
}

export interface SstatDecoder {
  system(b: Buffer): SystemFigures;
  disks(b: Buffer): DiskFigures[];
  interfaces(b: Buffer): InterfaceFigures[];
}

export function sstatDecoder(layout: VersionLayout): SstatDecoder {
  const s = layout.sstat;
  const F = (p: string): Field => field(s, p);
  const nrcpu = F("cpu.nrcpu");
  const maxcpu = F("cpu.maxcpu");
  const cpuArr = arrayOf(s, "cpu.cpu");
  const online = F("cpu.cpu[i].online");
  const all = Object.fromEntries(CPU_KEYS.map((k) => [k, F(`cpu.all.${k}`)])) as Record<CpuKey, Field>;
  const per = Object.fromEntries(CPU_KEYS.map((k) => [k, F(`cpu.cpu[i].${k}`)])) as Record<CpuKey, Field>;
  const memField: Record<MemKey, Field> = Object.fromEntries(MEM_KEYS.map((k) => [k, F(`mem.${k}`)])) as Record<MemKey, Field>;
  // 2.13 splits huge pages into small (s*) and large (l*); atop's MEM line shows the small ones.
  if (memField.hugepagesz.off < 0) {
    memField.hugepagesz = F("mem.shugepagesz");
    memField.tothugepage = F("mem.stothugepage");
    memField.freehugepage = F("mem.sfreehugepage");
  }
  const net = (p: string): Field => F(`net.${p}`);
  const dskCounts = { disk: F("dsk.ndsk"), md: F("dsk.nmdd"), lvm: F("dsk.nlvm") };
  const dskArrays = { disk: arrayOf(s, "dsk.dsk"), md: arrayOf(s, "dsk.mdd"), lvm: arrayOf(s, "dsk.lvm") };
  const dskMember = (p: string): Field => F(`dsk.dsk[i].${p}`);
  const dm = {
    name: dskMember("name"),
    nread: dskMember("nread"),
    nrsect: dskMember("nrsect"),
    nwrite: dskMember("nwrite"),
    nwsect: dskMember("nwsect"),
    io_ms: dskMember("io_ms"),
    avque: dskMember("avque"),
    ndisc: dskMember("ndisc"),
    ndsect: dskMember("ndsect"),
    inflight: dskMember("inflight"),
  };
  const nrintf = F("intf.nrintf");
  const intfArr = arrayOf(s, "intf.intf");
  const im = (p: string): Field => F(`intf.intf[i].${p}`);
  const ifm = {
    name: im("name"),
    type: im("type"),
    rpack: im("rpack"),
    rbyte: im("rbyte"),
    spack: im("spack"),
    sbyte: im("sbyte"),
    rerrs: im("rerrs"),
    serrs: im("serrs"),
    rdrop: im("rdrop"),
    sdrop: im("sdrop"),
    speed: im("speed"),
    duplex: im("duplex"),
  };

  return {
    system(b) {
      const n = readInt(b, 0, nrcpu);
      const percpu = Object.fromEntries(CPU_KEYS.map((k) => [k, [] as Num[]])) as Record<CpuKey, Num[]>;
      if (cpuArr) {
        const limit = maxcpu.off >= 0 ? readInt(b, 0, maxcpu) : n;
        for (let i = 0; i < Math.min(limit, cpuArr.count); i++) {
          const base = cpuArr.base + i * cpuArr.stride;
          if (online.off >= 0 && b[base + online.off] === 0) continue;
          for (const k of CPU_KEYS) percpu[k].push(readNum(b, base, per[k]));
        }
      }
      const f32 = (p: string): number | null => {
        const v = readNum(b, 0, F(p));
        if (typeof v !== "number") return null;
        // the shortest decimal that reads back as the same f32 (2.49, not 2.490000009536743)
        for (let p = 6; p < 9; p++) if (Math.fround(Number(v.toPrecision(p))) === v) return Number(v.toPrecision(p));
        return v;
      };
      return {
        nrcpu: n,
        cpu: Object.fromEntries(CPU_KEYS.map((k) => [k, readNum(b, 0, all[k])])) as Record<CpuKey, Num>,
        percpu,
        lavg1: f32("cpu.lavg1"),
        lavg5: f32("cpu.lavg5"),
        lavg15: f32("cpu.lavg15"),
        csw: readNum(b, 0, F("cpu.csw")),
        devint: readNum(b, 0, F("cpu.devint")),
        nprocs: readNum(b, 0, F("cpu.nprocs")),
        mem: Object.fromEntries(MEM_KEYS.map((k) => [k, readNum(b, 0, memField[k])])) as Record<MemKey, Num>,
        net: {
          tcp_in: readNum(b, 0, net("tcp.InSegs")),
          tcp_out: readNum(b, 0, net("tcp.OutSegs")),
          udp_in: add(readNum(b, 0, net("udpv4.InDatagrams")), readNum(b, 0, net("udpv6.Udp6InDatagrams"))),
          udp_out: add(readNum(b, 0, net("udpv4.OutDatagrams")), readNum(b, 0, net("udpv6.Udp6OutDatagrams"))),
          ip_in: add(readNum(b, 0, net("ipv4.InReceives")), readNum(b, 0, net("ipv6.Ip6InReceives"))),
          ip_out: add(readNum(b, 0, net("ipv4.OutRequests")), readNum(b, 0, net("ipv6.Ip6OutRequests"))),
          ip_deliver: add(readNum(b, 0, net("ipv4.InDelivers")), readNum(b, 0, net("ipv6.Ip6InDelivers"))),
          ip_forward: add(readNum(b, 0, net("ipv4.ForwDatagrams")), readNum(b, 0, net("ipv6.Ip6OutForwDatagrams"))),
        },
      };
    },
    disks(b) {
      const out: DiskFigures[] = [];
      for (const kind of ["disk", "md", "lvm"] as const) {
        const arr = dskArrays[kind];
        if (!arr) continue;
        const count = Math.min(Math.max(readInt(b, 0, dskCounts[kind]), 0), arr.count);
        for (let i = 0; i < count; i++) {
          const base = arr.base + i * arr.stride;
          if (b[base + dm.name.off] === 0) break; // atop stops at the first empty name
          out.push({
            kind,
            name: cString(b, base + dm.name.off, dm.name.len),
            nread: readNum(b, base, dm.nread),
            nrsect: readNum(b, base, dm.nrsect),
            nwrite: readNum(b, base, dm.nwrite),
            nwsect: readNum(b, base, dm.nwsect),
            ndisc: readNum(b, base, dm.ndisc),
            ndsect: readNum(b, base, dm.ndsect),
            inflight: readNum(b, base, dm.inflight),
            io_ms: readNum(b, base, dm.io_ms),
            avque: readNum(b, base, dm.avque),
          });
        }
      }
      return out;
    },
    interfaces(b) {
      const out: InterfaceFigures[] = [];
      if (!intfArr) return out;
      const count = Math.min(Math.max(readInt(b, 0, nrintf), 0), intfArr.count);
      for (let i = 0; i < count; i++) {
        const base = intfArr.base + i * intfArr.stride;
        if (b[base + ifm.name.off] === 0) break;
        const type = ifm.type.off >= 0 ? b[base + ifm.type.off]! : 0;
        out.push({
          name: cString(b, base + ifm.name.off, ifm.name.len),
          type: type ? String.fromCharCode(type) : null,
          rpack: readNum(b, base, ifm.rpack),
          rbyte: readNum(b, base, ifm.rbyte),
          spack: readNum(b, base, ifm.spack),
          sbyte: readNum(b, base, ifm.sbyte),
          rerrs: readNum(b, base, ifm.rerrs),
          serrs: readNum(b, base, ifm.serrs),
          rdrop: readNum(b, base, ifm.rdrop),
          sdrop: readNum(b, base, ifm.sdrop),
          speed: readNum(b, base, ifm.speed),
          duplex: b[base + ifm.duplex.off] !== 0,
        });
      }
      return out;
    },
  };
}
