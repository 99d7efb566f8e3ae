// Decoded DATA objects by file and offset, for the ones several entries share (_HOSTNAME, _BOOT_ID, _COMM,
// _SYSTEMD_UNIT …): a DATA object says how many entries reference it (n_entries), so the reader caches only
// those with more than one, and a once-used MESSAGE never pushes out a hostname. Bounded in count and bytes
// for all files together: two generations, the older dropped whole when the newer fills (recently used values
// are promoted), so a lookup costs one or two Map probes and eviction costs nothing per value.
import type { Decoded } from "./fields.js";

/** Per generation: 32,768 values and 8 MiB of them. */
export const CACHE_VALUES = 32768;
export const CACHE_BYTES = 8 * 1024 * 1024;
/** A value this large is not kept (it would crowd out many small ones). */
export const CACHE_VALUE_MAX = 256 * 1024;
/** Keys are offset / 8 (objects are 8-byte aligned): small integers, which Maps hash fastest, up to 8 GiB. */
const KEY_LIMIT = 2 ** 30;

export class DataCache {
  /** Per file (by the index fileIndex() gave), the young and the old generation. */
  private young: Map<number, Decoded>[] = [];
  private old: Map<number, Decoded>[] = [];
  private youngValues = 0;
  private youngBytes = 0;

  constructor(
    readonly maxValues = CACHE_VALUES,
    readonly maxBytes = CACHE_BYTES,
  ) {}

  /** A key space for one more file. */
  fileIndex(): number {
    this.young.push(new Map());
    this.old.push(new Map());
    return this.young.length - 1;
  }

  get(file: number, offset: number): Decoded | undefined {
    const key = offset / 8;
    const d = this.young[file]!.get(key);
    if (d !== undefined) return d;
    const o = this.old[file]!.get(key);
    if (o !== undefined) this.add(file, key, o);
    return o;
  }

  put(file: number, offset: number, d: Decoded): void {
    const key = offset / 8;
    if (key >= KEY_LIMIT || d.weight > CACHE_VALUE_MAX) return;
    this.add(file, key, d);
  }

  /** Forget a closed file. */
  drop(file: number): void {
    this.young[file]!.clear();
    this.old[file]!.clear();
  }

  private add(file: number, key: number, d: Decoded): void {
    if (this.youngValues >= this.maxValues || this.youngBytes + d.weight > this.maxBytes) {
      this.old = this.young;
      this.young = this.old.map(() => new Map());
      this.youngValues = 0;
      this.youngBytes = 0;
    }
    this.young[file]!.set(key, d);
    this.youngValues++;
    this.youngBytes += d.weight;
  }
}
