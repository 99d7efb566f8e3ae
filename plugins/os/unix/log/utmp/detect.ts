// Byte order and record size by plausibility (specs/utmp.md §1, §9): the same first records are read at both
// strides and in both byte orders, and the reading where most records look like glibc wrote them wins. A
// big-endian record read as little-endian has ut_type 0x0700 = 1792; a 400-byte file read at 384 puts the low
// half of its 64-bit tv_sec where tv_usec belongs. Ties go to the size the file is a multiple of, then 384,
// then little-endian (the usual case).
import { BAD, GOOD, LAYOUT_384, LAYOUT_400, plausibility, type ByteOrder, type Layout } from "./layout.js";
import type { ChunkReader } from "./source.js";

export const SAMPLE_RECORDS = 32;

export interface Detection {
  layout: Layout;
  order: ByteOrder;
  /** Records sampled with the chosen reading, and how many of them were not BAD. */
  sampled: number;
  plausible: number;
}

export function detectLayout(reader: ChunkReader, forced?: ByteOrder, forcedSize?: 384 | 400): Detection {
  const size = reader.size;
  const orders: ByteOrder[] = forced ? [forced] : ["le", "be"];
  const layouts = forcedSize ? [forcedSize === 400 ? LAYOUT_400 : LAYOUT_384] : [LAYOUT_384, LAYOUT_400];
  let best: (Detection & { score: number }) | null = null;
  const idx = reader.at(0, SAMPLE_RECORDS * 400);
  for (const layout of layouts) {
    const n = Math.min(SAMPLE_RECORDS, Math.floor(size / layout.size));
    for (const order of orders) {
      let good = 0;
      let plausible = 0;
      for (let i = 0; i < n; i++) {
        const p = plausibility(reader.buf, idx + i * layout.size, layout, order);
        if (p !== BAD) plausible++;
        if (p === GOOD) good++;
      }
      // Fraction of good and plausible records, then the size the file divides into, then the order of the lists.
      // At a stride the size does not divide into, only clean records count (misaligned reads often look EMPTY).
      const divides = size % layout.size === 0;
      let score = n ? (divides ? (good * 2 + plausible) / (3 * n) : good / n) : 0;
      if (divides) score += 1e-3;
      if (!best || score > best.score) best = { layout, order, sampled: n, plausible, score };
    }
  }
  return best!;
}
