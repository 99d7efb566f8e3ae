// Hostile volume systems: seeded truncations and corruptions of the fixtures' tables (MBR, EBRs, both GPT
// copies, LVM labels, metadata area headers) and of LVM metadata text re-checksummed so the parser and the LV
// mapping see it. Scanning and reading must give volumes, problems or a DiskError — never a RangeError, a
// TypeError, a hang, or an allocation past the caps.
import { describe, expect, it } from "vitest";
import { BufferSource } from "../../../src/fs/tar/source.js";
import { scanVolumes } from "../../../src/disk/volume/index.js";
import { lvmCrc } from "../../../src/disk/volume/lvm-label.js";
import { DiskError } from "../../../src/disk/types.js";
import { prng } from "../../helpers/prng.js";
import { image } from "./fixtures.js";

const IMAGES = ["mbr.img", "gpt.img", "gpt4k.img", "lvm.img", "lvm-bare.img", "lvm-wrap.img", "bare-ext4.img"];
const ROUNDS = 150;

/** Where the tables are: sector 0 and the primary GPT, the backup GPT, every sector ending in 55 AA (EBRs), and each PV's label and metadata area. */
function hotSpots(b: Uint8Array): [number, number][] {
  const spots: [number, number][] = [[0, 34 * 512], [b.length - 33 * 512, b.length]];
  for (let s = 0; s + 512 <= b.length; s += 512) {
    if (b[s + 510] === 0x55 && b[s + 511] === 0xaa && s > 0) spots.push([s + 446, s + 512]);
    if (b[s + 512] === 0x4c && String.fromCharCode(...b.subarray(s + 512, s + 520)) === "LABELONE") spots.push([s + 512, s + 512 + 8192]);
  }
  return spots;
}

/** Reads the start, the end and a few chunks of a volume. */
function readAround(src: { size: number; read(b: Uint8Array, o: number, l: number, p: number): number }, rnd: () => number): void {
  const buf = new Uint8Array(256 * 1024);
  const at = [0, Math.max(0, src.size - 4096), Math.floor(rnd() * src.size), Math.floor(rnd() * src.size)];
  for (const p of at) src.read(buf, 0, 1 + Math.floor(rnd() * buf.length), p);
}

function exercise(b: Uint8Array, rnd: () => number): string {
  try {
    const scan = scanVolumes([{ source: new BufferSource(b), where: "fuzz" }]);
    for (const p of scan.problems) expect(p).toBeInstanceOf(DiskError);
    for (const v of scan.volumes) {
      if (v.offset !== null) expect(v.offset + v.size).toBeLessThanOrEqual(b.length);
      readAround(v.source, rnd);
    }
    return scan.problems.length > 0 ? "problems" : "ok";
  } catch (e) {
    if (e instanceof DiskError) return "DiskError";
    throw e;
  }
}

describe("fuzzed volume tables", () => {
  for (const name of IMAGES) {
    it(`${name}: truncated and corrupted copies give volumes or DiskErrors only`, () => {
      const b = image(name);
      const spots = hotSpots(b);
      const rnd = prng(0x19 + name.length * 7919);
      const outcomes = new Map<string, number>();
      for (let round = 0; round < ROUNDS; round++) {
        let outcome: string;
        if (rnd() < 0.2) {
          outcome = exercise(b.subarray(0, Math.floor(rnd() * b.length)), rnd);
        } else {
          // corrupt in place, then restore: the images are tens of MiB, copies would dominate the run
          const saved: [number, Uint8Array][] = [];
          const flips = 1 + Math.floor(rnd() * 6);
          for (let k = 0; k < flips; k++) {
            const [lo, hi] = spots[Math.floor(rnd() * spots.length)]!;
            const at = lo + Math.floor(rnd() * (hi - lo));
            const len = Math.min(hi - at, 1 + Math.floor(rnd() * 8));
            saved.push([at, b.slice(at, at + len)]);
            const r = rnd();
            if (r < 0.5) for (let i = 0; i < len; i++) b[at + i] = Math.floor(rnd() * 256);
            else b.fill(r < 0.8 ? 0xff : 0, at, at + len);
          }
          outcome = exercise(b, rnd);
          for (const [at, bytes] of saved.reverse()) b.set(bytes, at);
        }
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }
      if (process.env.FUZZ_SHOW) console.log(name, JSON.stringify([...outcomes]));
      expect([...outcomes.keys()].every((k) => k === "ok" || k === "problems" || k === "DiskError")).toBe(true);
    });
  }
});

/** The newest metadata text of the PV at `pv` and the place of its checksum, from the area header. */
function metadataText(b: Uint8Array, pv: number): { at: number; length: number; crcAt: number; mda: number } {
  const dv = new DataView(b.buffer, b.byteOffset);
  const mda = pv + 4096; // lvm2 puts the first metadata area at 4 KiB (as in every fixture)
  const size = Number(dv.getBigUint64(mda + 32, true));
  const offset = Number(dv.getBigUint64(mda + 40, true));
  const length = Number(dv.getBigUint64(mda + 48, true));
  expect(offset + length).toBeLessThanOrEqual(size);
  return { at: mda + offset, length, crcAt: mda + 56, mda };
}

describe("fuzzed LVM metadata text (re-checksummed)", () => {
  for (const [name, pvs] of [["lvm.img", [1 << 20, 16 << 20]], ["lvm-bare.img", [0]]] as const) {
    it(`${name}: hostile but well-summed metadata gives LVs, problems or DiskErrors only`, () => {
      const b = image(name);
      const rnd = prng(0x1919);
      const texts = pvs.map((pv) => metadataText(b, pv));
      const outcomes = new Map<string, number>();
      for (let round = 0; round < 200; round++) {
        const saved = texts.map((t) => b.slice(t.at, t.at + t.length));
        const savedHeader = texts.map((t) => b.slice(t.mda, t.mda + 512));
        for (const t of texts) {
          const flips = 1 + Math.floor(rnd() * 4);
          for (let k = 0; k < flips; k++) {
            const at = t.at + Math.floor(rnd() * (t.length - 1));
            const r = rnd();
            // digits into large or odd numbers, structure characters, or random bytes
            if (r < 0.5) {
              const digits = rnd() < 0.5 ? "9999999999999999" : String(Math.floor(rnd() * 100000));
              const end = Math.min(t.at + t.length - 1, at + digits.length);
              for (let i = at; i < end; i++) b[i] = digits.charCodeAt(i - at);
            } else if (r < 0.8) b[at] = "{}[]=\",\"#\n0-"!.charCodeAt(Math.floor(rnd() * 12));
            else b[at] = Math.floor(rnd() * 256);
          }
          const dv = new DataView(b.buffer, b.byteOffset);
          dv.setUint32(t.crcAt, lvmCrc(b.subarray(t.at, t.at + t.length)), true);
          // the text's checksum lives in the area header, which has its own
          dv.setUint32(t.mda, lvmCrc(b.subarray(t.mda + 4, t.mda + 512)), true);
        }
        const outcome = exercise(b, rnd);
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        texts.forEach((t, i) => {
          b.set(saved[i]!, t.at);
          b.set(savedHeader[i]!, t.mda);
        });
      }
      if (process.env.FUZZ_SHOW) console.log(name, JSON.stringify([...outcomes]));
      expect([...outcomes.keys()].every((k) => k === "ok" || k === "problems" || k === "DiskError")).toBe(true);
    });
  }
});
