// Byte order and record size by plausibility (specs/utmp.md §1, §9): the same first records are read at both
// strides and in both byte orders, and the reading where most records look like glibc wrote them wins. A
// big-endian record read as little-endian has ut_type 0x0700 = 1792; a 400-byte file read at 384 puts the low
// half of its 64-bit tv_sec where tv_usec belongs. Ties go to the size the file is a multiple of, then 384,
// then little-endian (the usual case).
//
// Zeros are GOOD EMPTY records at any stride and offset, so they prove nothing: leading zeros are skipped before
// the sample, and a reading counts only if one of its records holds login data (a known type other than EMPTY,
// clean). A file of zeros is still decoded (utmpdump shows its EMPTY records; the walker warns), anything else
// without a data record is not a utmp file. Foreign formats are recognised by their signature first: a macOS
// utmpx (628-byte records after a signature record holding "utmpx-1.00") is not read as Linux records.
import { BAD, EMPTY, GOOD, LAYOUT_384, LAYOUT_400, plausibility, type ByteOrder, type Layout } from "./layout.js";
import type { ChunkReader } from "./source.js";

export const SAMPLE_RECORDS = 32;
/** Leading zeros skipped before the sample, at most (the reader's window). */
const BLANK_WINDOW = 1 << 20;

export interface Detection {
  layout: Layout;
  order: ByteOrder;
  /** Records sampled with the chosen reading, how many of them were not BAD, how many held login data. */
  sampled: number;
  plausible: number;
  withData: number;
  /** Where the sample began (the aligned record holding the first non-zero byte). */
  sampledFrom: number;
  /** Only zero bytes in the first window (or the whole file): nothing tells the layout; 384 LE is assumed. */
  blank: boolean;
  /** A format that is not Linux utmp at all, by its signature ("macOS utmpx"). */
  foreign?: string;
}

/** macOS (Darwin Libc) /var/run/utmpx: its first record is the signature, ut_user "utmpx-1.00" at offset 0. */
const MACOS_SIGNATURE = Buffer.from("utmpx-1.00\0", "latin1");

function foreignFormat(reader: ChunkReader): string | undefined {
  const i = reader.at(0, MACOS_SIGNATURE.length);
  if (reader.available(i) >= MACOS_SIGNATURE.length && reader.buf.subarray(i, i + MACOS_SIGNATURE.length).equals(MACOS_SIGNATURE)) {
    return "macOS utmpx";
  }
  return undefined;
}

/** Offset of the first non-zero byte within the first window, or -1 when there is none. */
function firstNonZero(reader: ChunkReader): number {
  const i = reader.at(0, BLANK_WINDOW);
  const end = i + Math.min(reader.available(i), BLANK_WINDOW);
  for (let k = i; k < end; k++) if (reader.buf[k] !== 0) return k - i;
  return -1;
}

export function detectLayout(reader: ChunkReader, forced?: ByteOrder, forcedSize?: 384 | 400): Detection {
  const size = reader.size;
  const foreign = foreignFormat(reader);
  const z = firstNonZero(reader);
  const orders: ByteOrder[] = forced ? [forced] : ["le", "be"];
  const layouts = forcedSize ? [forcedSize === 400 ? LAYOUT_400 : LAYOUT_384] : [LAYOUT_384, LAYOUT_400];
  let best: (Detection & { score: number }) | null = null;
  for (const layout of layouts) {
    const from = z < 0 ? 0 : Math.floor(z / layout.size) * layout.size;
    const n = Math.min(SAMPLE_RECORDS, Math.floor((size - from) / layout.size));
    const idx = reader.at(from, SAMPLE_RECORDS * layout.size);
    for (const order of orders) {
      let good = 0;
      let plausible = 0;
      let withData = 0;
      for (let i = 0; i < n; i++) {
        const base = idx + i * layout.size;
        const p = plausibility(reader.buf, base, layout, order);
        if (p !== BAD) plausible++;
        if (p === GOOD) {
          good++;
          if (reader.buf[base] !== EMPTY || reader.buf[base + 1] !== EMPTY) withData++;
        }
      }
      // A reading with login data first; then the fraction of good and plausible records, the size the file
      // divides into, and the order of the lists. At a stride the size does not divide into, only clean records
      // count (misaligned reads often look EMPTY).
      const divides = size % layout.size === 0;
      let score = n ? (divides ? (good * 2 + plausible) / (3 * n) : good / n) : 0;
      if (withData > 0) score += 10;
      if (divides) score += 1e-3;
      if (!best || score > best.score) best = { layout, order, sampled: n, plausible, withData, sampledFrom: from, blank: z < 0, foreign, score };
    }
  }
  const { score: _score, ...det } = best!;
  return det;
}
