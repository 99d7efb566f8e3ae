// The objects of a pristine fixture journal, found by the test's own walk (not the reader's): each object's
// place and type, and for each ENTRY the DATA objects it references. The damage tests use it to tell which
// entries a damaged byte touches.

export interface Span {
  offset: number;
  type: number;
  size: number;
}

export interface EntryLayout {
  offset: number;
  seqnum: bigint;
  /** The byte ranges the entry's record depends on: the ENTRY object and each DATA object it names. */
  spans: Span[];
}

export interface Layout {
  headerSize: number;
  compact: boolean;
  objects: Span[];
  entries: EntryLayout[];
  /** Where the last object ends. */
  end: number;
}

const le64 = (b: Buffer, at: number) => Number(b.readBigUInt64LE(at));

export function layoutOf(b: Buffer): Layout {
  const headerSize = le64(b, 88);
  const compact = (b.readUInt32LE(12) & 16) !== 0;
  const objects: Span[] = [];
  const byOffset = new Map<number, Span>();
  let pos = headerSize;
  while (pos + 16 <= b.length && b[pos] !== 0) {
    const o = { offset: pos, type: b[pos]!, size: le64(b, pos + 8) };
    objects.push(o);
    byOffset.set(pos, o);
    pos += Math.ceil(o.size / 8) * 8;
  }
  const entries: EntryLayout[] = [];
  for (const o of objects) {
    if (o.type !== 3) continue;
    const spans = [o];
    for (let at = o.offset + 64; at < o.offset + o.size; at += compact ? 4 : 16) {
      const d = byOffset.get(compact ? b.readUInt32LE(at) : le64(b, at));
      if (!d || d.type !== 1) throw new Error(`fixture entry at ${o.offset} names no DATA object`);
      spans.push(d);
    }
    entries.push({ offset: o.offset, seqnum: b.readBigUInt64LE(o.offset + 16), spans });
  }
  return { headerSize, compact, objects, entries, end: pos };
}

export function touches(s: Span, changed: readonly number[]): boolean {
  return changed.some((at) => at >= s.offset && at < s.offset + s.size);
}

/** Whether every byte an entry's record depends on lies before `cut`. */
export function completeBefore(e: EntryLayout, cut: number): boolean {
  return e.spans.every((s) => s.offset + s.size <= cut);
}
