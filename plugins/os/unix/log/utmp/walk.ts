// Walking the records of one file (specs/utmp.md §1 "Sizes, truncation"). Records are aligned from the start
// of the file, as glibc and utmpdump read them. Three kinds of damage are told apart and reported by offset:
//  * a truncated tail: every complete record, then the leftover byte count;
//  * an implausible record in place (unknown type, garbage time) whose neighbours are sound: emitted as it is,
//    flagged, and skipped by the analysis functions;
//  * a misaligned file (bytes inserted or lost): when a record is implausible and the next ones are too, the
//    walker looks for the offset, within one record, from which two consecutive records are sound again,
//    reports the bytes it skips, and carries on from there instead of decoding garbage to the end.
import { badReason, EMPTY, GOOD, isBad, plausibility, type ByteOrder, type Layout } from "./layout.js";
import type { ChunkReader } from "./source.js";

/** Realignment searches per file; beyond it damage is only reported record by record (bounded cost on junk). */
export const MAX_REALIGN_SEARCHES = 64;

export type Damage =
  | { kind: "implausible"; offset: number; message: string }
  | { kind: "skipped"; offset: number; length: number; message: string }
  | { kind: "tail"; offset: number; length: number; message: string };

export interface WalkStep {
  offset: number;
  /** Index of the record in `reader.buf` (valid until the next step). */
  index: number;
  /** An implausible record (unknown type, garbage time). */
  bad: boolean;
}

export function* walkForward(
  reader: ChunkReader,
  layout: Layout,
  order: ByteOrder,
  onDamage: (d: Damage) => void,
): Generator<WalkStep> {
  const S = layout.size;
  const size = reader.size;
  let pos = 0;
  let searches = 0;
  const sound = (q: number): boolean => {
    // the records at q and q+S that fit in the file are all GOOD, and at least one fits
    if (q + S > size) return false;
    const i = reader.at(q, 2 * S);
    if (plausibility(reader.buf, i, layout, order) !== GOOD) return false;
    if (q + 2 * S > size) return true;
    return plausibility(reader.buf, i + S, layout, order) === GOOD;
  };
  while (pos + S <= size) {
    let index = reader.at(pos, 3 * S);
    // the full test (clean padding, NUL-padded strings) only where a shift shows first: EMPTY-looking records
    const bad = isBad(reader.buf, index, layout, order);
    const suspicious = bad || (reader.buf[index] === EMPTY && reader.buf[index + 1] === EMPTY && plausibility(reader.buf, index, layout, order) !== GOOD);
    if (suspicious && searches < MAX_REALIGN_SEARCHES && pos + S < size && !(pos + 2 * S > size || sound(pos + S))) {
      searches++;
      let k = 1;
      for (; k < S; k++) if (sound(pos + k)) break;
      if (k < S) {
        onDamage({
          kind: "skipped",
          offset: pos,
          length: k,
          message: `file misaligned: ${k} bytes of unrecognised data skipped; records resume at offset ${pos + k}`,
        });
        pos += k;
        continue;
      }
      index = reader.at(pos, 3 * S);
    }
    if (bad) {
      onDamage({ kind: "implausible", offset: pos, message: `implausible record (${badReason(reader.buf, index, layout, order)}): emitted as read, skipped by the analysis` });
    }
    yield { offset: pos, index, bad };
    pos += S;
  }
  if (pos < size) {
    onDamage({
      kind: "tail",
      offset: pos,
      length: size - pos,
      message: `truncated tail: ${size - pos} bytes after the last complete ${S}-byte record`,
    });
  }
}

/** Runs of evenly spaced records, as found by a forward walk: what a backward pass reads. */
export interface Segment {
  start: number;
  count: number;
}

export function segmentsOf(reader: ChunkReader, layout: Layout, order: ByteOrder, onDamage: (d: Damage) => void): Segment[] {
  const out: Segment[] = [];
  let cur: Segment | null = null;
  for (const step of walkForward(reader, layout, order, onDamage)) {
    if (cur && cur.start + cur.count * layout.size === step.offset) cur.count++;
    else {
      cur = { start: step.offset, count: 1 };
      out.push(cur);
    }
  }
  return out;
}

/** Record offsets newest appended first. */
export function* offsetsBackward(segments: readonly Segment[], stride: number): Generator<number> {
  for (let s = segments.length - 1; s >= 0; s--) {
    const seg = segments[s]!;
    for (let i = seg.count - 1; i >= 0; i--) yield seg.start + i * stride;
  }
}
