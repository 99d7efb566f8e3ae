// Every layout 2.0–2.13, not only the fixture versions: the generated tables agree with the spec's hand
// table (atop-format §5.2), and a synthetic file per version (written through its layout) decodes.
import { describe, expect, it } from "vitest";
import { deflateSync } from "node:zlib";
import { LAYOUTS } from "../../../../../../plugins/os/unix/log/atop/layouts.generated.js";
import type { Member } from "../../../../../../plugins/os/unix/log/atop/layout.js";
import { runFn, targetWith } from "./helpers.js";

const V = ["2.0", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "2.8", "2.9", "2.10", "2.11", "2.12", "2.13"];

// atop-format.md §5.2, copied by hand: offsets of cpu.utime, mem.rmem, net.tcpsnd per version.
const SPEC: Record<string, [number, number, number]> = {
  "2.0": [376, 568, 624], "2.1": [376, 568, 664], "2.2": [384, 576, 672], "2.3": [384, 576, 672],
  "2.4": [384, 576, 672], "2.5": [384, 576, 672], "2.6": [384, 576, 672], "2.7": [384, 576, 672],
  "2.8": [448, 672, 800], "2.9": [448, 672, 800], "2.10": [456, 696, 824], "2.11": [408, 648, 776],
  "2.12": [408, 648, 776], "2.13": [432, 672, 800],
};
// §2.2 sizes
const SIZES: Record<string, [number, number]> = {
  "2.0": [464184, 736], "2.1": [685488, 776], "2.2": [711904, 784], "2.3": [711904, 784], "2.4": [716656, 840],
  "2.5": [716656, 840], "2.6": [716656, 840], "2.7": [954360, 840], "2.8": [1021960, 968], "2.9": [1021960, 968],
  "2.10": [1030216, 992], "2.11": [1064016, 968], "2.12": [1064016, 968], "2.13": [1408336, 992],
};

function put(buf: Buffer, base: number, m: Member | undefined, value: number | string): void {
  if (!m) return;
  const p = base + m[0];
  switch (m[1]) {
    case "str":
      buf.write(String(value), p, m[2] - 1, "utf8");
      break;
    case "i8":
    case "u8":
      buf[p] = typeof value === "string" ? value.charCodeAt(0) : value;
      break;
    case "i32":
    case "u32":
      buf.writeInt32LE(Number(value), p);
      break;
    case "i64":
    case "u64":
      buf.writeBigInt64LE(BigInt(value), p);
      break;
    case "f32":
      buf.writeFloatLE(Number(value), p);
      break;
    default:
      throw new Error(`cannot write ${m[1]}`);
  }
}

function synthetic(v: string, aversionMsb = true): Buffer {
  const l = LAYOUTS[v]!;
  const hdr = Buffer.alloc(480);
  hdr.writeUInt32LE(0xfeedbeef, 0);
  hdr.writeUInt16LE((aversionMsb ? 0x8000 : 0) | (l.major << 8) | l.minor, 4);
  hdr.writeUInt16LE(480, 10);
  hdr.writeUInt16LE(96, 12);
  hdr.writeUInt16LE(100, 14);
  hdr.writeUInt32LE(l.sizes.sstat, 28);
  hdr.writeUInt32LE(l.sizes.tstat, 32);
  hdr.write("synth", 101);
  hdr.writeUInt32LE(4096, 436);
  hdr.writeInt32LE(0x35, 440);
  if (l.sizes.cstat) hdr.writeInt32LE(l.sizes.cstat, 456);

  const s = Buffer.alloc(l.sizes.sstat);
  const S = l.sstat;
  put(s, 0, S["cpu.nrcpu"], 1);
  if (S["cpu.maxcpu"]) put(s, 0, S["cpu.maxcpu"], 1);
  put(s, 0, S["cpu.all.utime"], 777);
  const cpu = S["cpu.cpu"]!;
  put(s, cpu[0], S["cpu.cpu[i].online"], 1);
  put(s, cpu[0], S["cpu.cpu[i].utime"], 777);
  put(s, 0, S["mem.physmem"], 123456);
  put(s, 0, S["dsk.ndsk"], 1);
  put(s, S["dsk.dsk"]![0], S["dsk.dsk[i].name"], "sda");
  put(s, S["dsk.dsk"]![0], S["dsk.dsk[i].nwsect"], 4242);
  put(s, 0, S["intf.nrintf"], 1);
  put(s, S["intf.intf"]![0], S["intf.intf[i].name"], "eth0");
  put(s, S["intf.intf"]![0], S["intf.intf[i].rbyte"], 99999);

  const T = l.tstat;
  const t = Buffer.alloc(2 * l.sizes.tstat);
  for (let i = 0; i < 2; i++) {
    const b = i * l.sizes.tstat;
    put(t, b, T["gen.pid"], 100 + i);
    put(t, b, T["gen.tgid"], 100);
    put(t, b, T["gen.name"], "bash");
    put(t, b, T["gen.isproc"], i === 0 ? 1 : 0);
    put(t, b, T["gen.state"], "S");
    put(t, b, T["gen.excode"], i === 0 ? (0x80000000 | 9) >> 0 : 3 << 8);
    put(t, b, T["gen.btime"], 1700000000);
    put(t, b, T["gen.cmdline"], "bash -c 'exit 3'");
    put(t, b, T["cpu.utime"], 5 + i);
    put(t, b, T["mem.rmem"], 2048 + i);
    put(t, b, T["net.tcpsnd"], 11);
    put(t, b, T["dsk.wsz"], 2 ** 40);
  }
  const rec = Buffer.alloc(96);
  const sc = deflateSync(s);
  const tc = deflateSync(t);
  rec.writeBigInt64LE(1700000100n, 0);
  rec.writeUInt16LE(0x31, 8);
  rec.writeUInt32LE(sc.length, 16);
  rec.writeUInt32LE(tc.length, 20);
  rec.writeUInt32LE(60, 24);
  rec.writeUInt32LE(2, 28);
  rec.writeUInt32LE(2, 36);
  rec.writeUInt32LE(1, 40);
  return Buffer.concat([hdr, rec, sc, tc]);
}

describe("every layout version", () => {
  it.each(V)("%s: generated table agrees with the spec", (v) => {
    const l = LAYOUTS[v]!;
    expect([l.sizes.sstat, l.sizes.tstat]).toEqual(SIZES[v]);
    expect([l.tstat["cpu.utime"]![0], l.tstat["mem.rmem"]![0], l.tstat["net.tcpsnd"]![0]]).toEqual(SPEC[v]);
  });

  it.each(V)("%s: a synthetic file decodes through its layout", async (v) => {
    const target = targetWith({ atop_synth: synthetic(v) });
    const tasks = await runFn(target, "atop");
    expect(tasks.warnings).toEqual([]);
    expect(tasks.errors).toEqual([]);
    expect(tasks.records).toHaveLength(2);
    const [p, th] = tasks.records as Record<string, unknown>[];
    expect(p).toMatchObject({
      pid: 100, tgid: 100, process: "bash", isproc: true, state: "S", cmdline: "bash -c 'exit 3'", utime: 5,
      rmem: 2048, tcpsnd: 11, wsz: 2 ** 40, is_new: true, excode: 265, excode_raw: 9, since_boot: true,
      interval: 60, atop_version: v,
    });
    expect(th).toMatchObject({ pid: 101, isproc: false, excode: 3, is_new: false });
    const sys = await runFn(target, "atop.system");
    expect(sys.records[0]).toMatchObject({ nrcpu: 1, cpu_user: 777, percpu_user: [777], physmem: 123456 });
    const disks = await runFn(target, "atop.disks");
    expect(disks.records).toHaveLength(1);
    expect(disks.records[0]).toMatchObject({ name: "sda", write_sectors: 4242 });
    const intf = await runFn(target, "atop.interfaces");
    expect(intf.records[0]).toMatchObject({ name: "eth0", rbyte: 99999 });
  });

  it.each(V)("%s: without aversion's MSB, detected from the length fields", async (v) => {
    const r = await runFn(targetWith({ atop_synth: synthetic(v, false) }), "atop");
    expect(r.records).toHaveLength(2);
    const groups: Record<string, string> = { "2.2": "2.3", "2.4": "2.6", "2.5": "2.6", "2.8": "2.9", "2.11": "2.12" };
    expect(r.records[0]!.atop_version).toBe(groups[v] ?? v);
  });
});
