// The k-way merge of sorted sources (runs on disk, the last run in memory): a binary min-heap of the sources by
// their next entry, so each entry costs O(log k) comparisons.
import { compareEntries, type Entry, type EntrySource } from "./runfile.js";

export function* mergeSources(sources: readonly EntrySource[]): Generator<Entry> {
  const heap = sources.filter((s) => s.head !== null);
  const less = (i: number, j: number): boolean => compareEntries(heap[i]!.head!, heap[j]!.head!) < 0;
  const down = (from: number): void => {
    let i = from;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(l, m)) m = l;
      if (r < heap.length && less(r, m)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  while (heap.length) {
    const top = heap[0]!;
    const e = top.head!;
    top.advance();
    if (top.head === null) {
      const last = heap.pop()!;
      if (heap.length && last !== top) heap[0] = last;
    }
    if (heap.length) down(0);
    yield e;
  }
}
