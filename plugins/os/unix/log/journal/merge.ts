// The entries of several files as one stream, interleaved the way journalctl interleaves them (sd-journal's
// real_journal_next over journal_file_compare_locations): at each step every file's next entry is a candidate,
// and the first file's candidate that no other candidate precedes is taken. One entry precedes another when
//   1. both files have the same seqnum_id (one writer's counter) and its seqnum is lower; else
//   2. both entries have the same boot_id and its monotonic time is lower; else
//   3. its realtime is lower; else
//   4. its xor_hash is lower.
// An entry identical to the one just taken from another file (same seqnum_id, seqnum, boot_id, both times
// and xor_hash: one entry in two files) is skipped, as journalctl does. Unlike journalctl, a file's entry that
// compares before what was already taken (a clock set back across boots) is taken in its turn, never dropped.
import type { AnyRecord } from "quarry";
import type { JournalFile } from "./file.js";
import type { EntryHead } from "./objects.js";

function cmp(a: number | bigint, b: number | bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareEntries(aSeqnumId: string, a: EntryHead, bSeqnumId: string, b: EntryHead): number {
  if (aSeqnumId === bSeqnumId) {
    const c = cmp(a.seqnum, b.seqnum);
    if (c !== 0) return c;
  }
  if (a.bootId === b.bootId) {
    const c = cmp(a.monotonic, b.monotonic);
    if (c !== 0) return c;
  }
  const c = cmp(a.realtime, b.realtime);
  if (c !== 0) return c;
  return cmp(a.xorHi, b.xorHi) || cmp(a.xorLo, b.xorLo);
}

interface Last {
  file: number;
  seqnumId: string;
  head: EntryHead;
}

function identical(l: Last, seqnumId: string, h: EntryHead): boolean {
  const a = l.head;
  return (
    l.seqnumId === seqnumId &&
    a.seqnum === h.seqnum &&
    a.bootId === h.bootId &&
    a.monotonic === h.monotonic &&
    a.realtime === h.realtime &&
    a.xorHi === h.xorHi &&
    a.xorLo === h.xorLo
  );
}

/** The records of `files` (one group) interleaved; `onDuplicate` hears of each entry skipped as a copy. */
export function* interleave(files: readonly JournalFile[], onDuplicate: (file: JournalFile, h: EntryHead) => void): Generator<AnyRecord> {
  if (files.length === 1) {
    const f = files[0]!;
    for (const h of f.entries()) yield f.record(h);
    return;
  }
  const iters = files.map((f) => f.entries());
  const heads: (EntryHead | null)[] = iters.map((it) => {
    const r = it.next();
    return r.done ? null : r.value;
  });
  const ids = files.map((f) => f.header.seqnumId);
  // One writer's files (its rotations, its user journals): the order is by seqnum alone, a total order, so a
  // heap finds the same entry the scan would, in log(files) instead of files steps.
  const heap = ids.every((id) => id === ids[0]) ? new SeqnumHeap(heads) : null;
  const last: Last = { file: -1, seqnumId: "", head: { offset: 0, size: 0, seqnum: 0, realtime: 0, monotonic: 0, bootId: "", xorHi: 0, xorLo: 0 } };
  for (;;) {
    let best = heap ? heap.min() : -1;
    if (best < 0 || (heap && heap.tied())) {
      // journalctl's way: each file's entry against the best so far, in file order.
      best = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i];
        if (h === null || h === undefined) continue;
        if (best < 0 || compareEntries(ids[i]!, h, ids[best]!, heads[best]!) < 0) best = i;
      }
    }
    if (best < 0) return;
    const h = heads[best]!;
    const f = files[best]!;
    if (last.file >= 0 && last.file !== best && identical(last, ids[best]!, h)) onDuplicate(f, h);
    else {
      yield f.record(h);
      last.file = best;
      last.seqnumId = ids[best]!;
      const l = last.head;
      l.seqnum = h.seqnum;
      l.realtime = h.realtime;
      l.monotonic = h.monotonic;
      l.bootId = h.bootId;
      l.xorHi = h.xorHi;
      l.xorLo = h.xorLo;
    }
    const r = iters[best]!.next();
    heads[best] = r.done ? null : r.value;
    heap?.update(best);
  }
}

/** The files with an entry left, by the seqnum of that entry (ties by file order). */
class SeqnumHeap {
  private readonly items: number[] = [];
  private readonly pos: number[];

  constructor(private readonly heads: (EntryHead | null)[]) {
    this.pos = heads.map(() => -1);
    heads.forEach((h, i) => {
      if (h) this.push(i);
    });
  }

  min(): number {
    return this.items.length ? this.items[0]! : -1;
  }

  /** The best two have the same seqnum: the full comparison decides (as the scan would). */
  tied(): boolean {
    const items = this.items;
    if (items.length < 2) return false;
    const s = this.heads[items[0]!]!.seqnum;
    return this.heads[items[1]!]!.seqnum === s || (items.length > 2 && this.heads[items[2]!]!.seqnum === s);
  }

  /** File i's head changed (advanced, or ended). */
  update(i: number): void {
    const at = this.pos[i]!;
    if (this.heads[i] === null) {
      const lastItem = this.items.pop()!;
      this.pos[i] = -1;
      if (lastItem !== i) {
        this.items[at] = lastItem;
        this.pos[lastItem] = at;
        this.down(at);
        this.up(at);
      }
      return;
    }
    this.down(at);
    this.up(at);
  }

  private less(a: number, b: number): boolean {
    const x = this.heads[a]!.seqnum;
    const y = this.heads[b]!.seqnum;
    return x < y || (x === y && a < b);
  }

  private push(i: number): void {
    this.items.push(i);
    this.pos[i] = this.items.length - 1;
    this.up(this.items.length - 1);
  }

  private up(k: number): void {
    const items = this.items;
    while (k > 0) {
      const parent = (k - 1) >> 1;
      if (!this.less(items[k]!, items[parent]!)) break;
      this.swap(k, parent);
      k = parent;
    }
  }

  private down(k: number): void {
    const items = this.items;
    for (;;) {
      const l = 2 * k + 1;
      if (l >= items.length) return;
      const r = l + 1;
      const c = r < items.length && this.less(items[r]!, items[l]!) ? r : l;
      if (!this.less(items[c]!, items[k]!)) return;
      this.swap(k, c);
      k = c;
    }
  }

  private swap(a: number, b: number): void {
    const items = this.items;
    const x = items[a]!;
    const y = items[b]!;
    items[a] = y;
    items[b] = x;
    this.pos[y] = a;
    this.pos[x] = b;
  }
}
