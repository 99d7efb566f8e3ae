// The linear scan: the objects of a file in file order, each found after the previous by its size (objects are
// contiguous, each aligned to 8 bytes). The fallback where the entry arrays fail, and the check after them for
// entries a writer appended but never linked (a file left ONLINE by a crash). A damaged object header makes
// the scan look forward, 8 bytes at a time, for the next object that is plausible in every checked part; so an
// object that is damaged costs that object, not the rest of the file. Every step moves forward: no loops, and
// at most (file size / 8) steps.
import { align8, OBJECT_DATA, OBJECT_ENTRY, OBJECT_HEADER_SIZE, OBJECT_TYPE_MAX } from "./format.js";
import { blankHead, type EntryHead, type ObjectAt, type ObjectReader } from "./objects.js";
import type { FileReport } from "./report.js";

/** Where the objects end as the header tells (the end of its tail object), or -1 when it cannot tell. */
export function tailEnd(r: ObjectReader): number {
  const t = r.header.tailObjectOffset;
  const o: ObjectAt = { type: 0, flags: 0, size: 0 };
  if (t === 0 || !r.placeable(t) || r.objectHeader(t, o) !== null || r.checkObject(t, o) !== null) return -1;
  return t + align8(o.size);
}

/** Entries after `after` found by walking the objects from `from`; `h` is filled and yielded for each. */
export function* scanEntries(r: ObjectReader, rep: FileReport, from: number, after: number, h: EntryHead): Generator<EntryHead> {
  const objectsEnd = tailEnd(r);
  const o: ObjectAt = { type: 0, flags: 0, size: 0 };
  let pos = from;
  while (pos + OBJECT_HEADER_SIZE <= r.end) {
    if (r.objectHeader(pos, o) !== null) return; // past what the file holds
    if (o.type === 0 && o.size === 0) {
      // Zeros: the unused space after the last object, or a wiped stretch before it. Without a tail object to
      // tell, zeros with no object after them are the unused space.
      if (objectsEnd >= 0 && pos >= objectsEnd) return;
      const next = resync(r, pos + 8);
      if (objectsEnd < 0 && next < 0) return;
      rep.error(pos, next < 0 ? `zeros where objects should be, up to the tail object at ${r.header.tailObjectOffset}: nothing readable after them` : `${next - pos} bytes of zeros where objects should be; objects again from byte ${next}`);
      if (next < 0) return;
      pos = next;
      continue;
    }
    const bad = r.checkObject(pos, o);
    if (bad !== null) {
      // A cut through the last object of a truncated file is the truncation (warned about once), not damage.
      if (r.header.truncatedAt !== null && o.type > 0 && o.type < OBJECT_TYPE_MAX && pos + o.size > r.end && pos + o.size <= r.header.headerSize + r.header.arenaSize) return;
      const next = resync(r, pos + 8);
      rep.error(pos, `damaged object: ${bad}; ${next < 0 ? "no readable object after it" : `the next readable object is at byte ${next}`}`);
      if (next < 0) return;
      pos = next;
      continue;
    }
    if (o.type === OBJECT_ENTRY && pos > after) {
      const p = r.entryHead(pos, h);
      if (p !== null) rep.error(pos, `damaged ENTRY: ${p}`);
      else yield h;
    }
    pos += align8(o.size);
  }
}

/** The first offset ≥ `start` where a plausible object starts, or -1. */
export function resync(r: ObjectReader, start: number): number {
  const o: ObjectAt = { type: 0, flags: 0, size: 0 };
  const h = blankHead();
  for (let q = align8(start); q + OBJECT_HEADER_SIZE <= r.end; q += 8) {
    if (!r.src.view(q, OBJECT_HEADER_SIZE)) return -1;
    const b = r.src.buf;
    const at = r.src.at;
    const type = b[at]!;
    if (type === 0 || type >= OBJECT_TYPE_MAX) continue;
    // reserved bytes are zero; only DATA objects have flags, at most one compression bit
    if (b[at + 2] || b[at + 3] || b[at + 4] || b[at + 5] || b[at + 6] || b[at + 7]) continue;
    const flags = b[at + 1]!;
    if (type === OBJECT_DATA ? flags !== 0 && flags !== 1 && flags !== 2 && flags !== 4 : flags !== 0) continue;
    if (r.objectHeader(q, o) !== null || r.checkObject(q, o) !== null) continue;
    if (type === OBJECT_ENTRY && r.entryHead(q, h) !== null) continue;
    return q;
  }
  return -1;
}
