// Walking the records of one file (specs/utmp.md §1 "Sizes, truncation"). Records are aligned from the start
// of the file, as glibc and utmpdump read them. The kinds of damage are told apart and reported by offset:
//  * a truncated tail: every complete record, then the leftover byte count;
//  * implausible records in place (unknown type, garbage time), one or a run of them (a block overwritten with
//    an unknown type and zeros): emitted as read, flagged, and skipped by the analysis functions, as long as the
//    aligned records after the run are sound — the aligned boundary is always preferred;
//  * a misaligned file (bytes inserted or lost): when the aligned records after the damage are not sound, the
//    walker looks for the offset, within one record, from which two consecutive records are sound again and
//    carry data (runs of zeros look sound at any offset, so they never decide an alignment), reports the bytes
//    it skips, and carries on from there instead of decoding garbage to the end;
//  * a file that shrinks while it is read (logrotate truncating it during the acquisition): every record read
//    before, then a warning naming where the data ended;
//  * a file of empty records only (zeros): the records as utmpdump shows them, and a warning.
import { badReason, EMPTY, GOOD, isBad, plausibility, type ByteOrder, type Layout } from "./layout.js";
import type { ChunkReader } from "./source.js";

/** Realignment searches per file; beyond it damage is only reported record by record (bounded cost on junk). */
export const MAX_REALIGN_SEARCHES = 64;
/** Records looked at along the aligned grid for the end of a run of implausible records (per search). */
export const MAX_BAD_RUN = 4096;

export type Damage =
  | { kind: "implausible"; offset: number; message: string }
  | { kind: "skipped"; offset: number; length: number; message: string }
  | { kind: "tail"; offset: number; length: number; message: string }
  | { kind: "shrunk"; offset: number; message: string }
  | { kind: "blank"; offset: number; message: string };

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
  let pos = 0;
  let searches = 0;
  let records = 0;
  let withData = 0;
  // A run of implausible records already judged to be in place: emitted as read up to here, no new search.
  let inPlaceUntil = -1;
  const good = (q: number): boolean => {
    if (q + S > reader.size) return false;
    const i = reader.at(q, S);
    return q + S <= reader.size && plausibility(reader.buf, i, layout, order) === GOOD;
  };
  const hasData = (q: number): boolean => {
    const i = reader.at(q, S);
    return reader.buf[i] !== EMPTY || reader.buf[i + 1] !== EMPTY;
  };
  // the records at q and q+S that fit in the file are all GOOD, and at least one fits
  const sound = (q: number): boolean => good(q) && (q + 2 * S > reader.size || good(q + S));
  // …and one of them is more than an EMPTY record: zeros are GOOD at every offset and prove no alignment
  const soundWithData = (q: number): boolean => sound(q) && (hasData(q) || (q + 2 * S <= reader.size && hasData(q + S)));
  // The end of a run of records that are not GOOD along the aligned grid from `pos`: its offset when the records
  // there are sound (the damage is in place), else -1.
  const alignedResume = (from: number): number => {
    for (let j = 1; j <= MAX_BAD_RUN; j++) {
      const q = from + j * S;
      if (q + S > reader.size) return -1;
      if (good(q)) return soundWithData(q) ? q : -1;
    }
    return -1;
  };
  while (pos + S <= reader.size) {
    let index = reader.at(pos, 3 * S);
    if (pos + S > reader.size) break; // the file shrank under the read
    // the full test (clean padding, NUL-padded strings) only where a shift shows first: EMPTY-looking records
    const bad = isBad(reader.buf, index, layout, order);
    const suspicious = bad || (reader.buf[index] === EMPTY && reader.buf[index + 1] === EMPTY && plausibility(reader.buf, index, layout, order) !== GOOD);
    if (suspicious && pos >= inPlaceUntil && searches < MAX_REALIGN_SEARCHES && pos + S < reader.size && !(pos + 2 * S > reader.size || sound(pos + S))) {
      searches++;
      const resume = alignedResume(pos);
      if (resume > 0) inPlaceUntil = resume;
      else {
        let k = 1;
        for (; k < S; k++) if (soundWithData(pos + k)) break;
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
      }
      index = reader.at(pos, 3 * S);
      if (pos + S > reader.size) break;
    }
    if (bad) {
      onDamage({ kind: "implausible", offset: pos, message: `implausible record (${badReason(reader.buf, index, layout, order)}): emitted as read, skipped by the analysis` });
    }
    records++;
    if (reader.buf[index] !== EMPTY || reader.buf[index + 1] !== EMPTY) withData++;
    yield { offset: pos, index, bad };
    pos += S;
  }
  const size = reader.size;
  if (reader.shrunk) {
    const { from, to } = reader.shrunk;
    const partial = to - pos > 0 ? `; the ${to - pos} bytes after the last complete record are left out` : "";
    onDamage({ kind: "shrunk", offset: to, message: `file shrank while it was read: ${from} bytes at open, data ends at offset ${to}${partial}` });
  } else if (pos < size) {
    onDamage({
      kind: "tail",
      offset: pos,
      length: size - pos,
      message: `truncated tail: ${size - pos} bytes after the last complete ${S}-byte record`,
    });
  }
  if (records > 0 && withData === 0) {
    onDamage({ kind: "blank", offset: 0, message: `no login data: all ${records} records are EMPTY (a file of zeros?)` });
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
