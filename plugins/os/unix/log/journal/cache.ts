// Decoded DATA objects by file and offset, for the ones several entries share (_HOSTNAME, _BOOT_ID, _COMM,
// _SYSTEMD_UNIT …): a DATA object says how many entries reference it (n_entries), so the reader caches only
// those many entries share (file.ts SHARED_MIN), and a once-used MESSAGE never pushes out a hostname. Bounded in count and bytes
// for all files together: two generations, the older dropped whole when the newer fills (recently used values
// are promoted), so a lookup costs one or two Map probes and eviction costs nothing per value. In front of
// them a small direct-mapped table of the most recent small values answers most lookups with no Map probe
// (an entry's dozen shared fields are the same few dozen objects entry after entry).
import type { Decoded } from "./fields.js";

/** Per generation: 8,192 values and 4 MiB of them (a host has a few thousand shared values at most). */
export const CACHE_VALUES = 8192;
export const CACHE_BYTES = 4 * 1024 * 1024;
/** A value this large is not kept (it would crowd out many small ones). */
export const CACHE_VALUE_MAX = 256 * 1024;
/** Keys are offset / 8 (objects are 8-byte aligned): small integers, which Maps hash fastest, up to 8 GiB. */
const KEY_LIMIT = 2 ** 30;
/** The direct-mapped table: 8,192 slots, of values up to 2 KiB (at most 16 MiB). */
const L1_SLOTS = 8192;
const L1_VALUE_MAX = 2048;

export class DataCache {
  /** Per file (by the index fileIndex() gave), the young and the old generation. */
  private young: Map<number, Decoded>[] = [];
  private old: Map<number, Decoded>[] = [];
  private youngValues = 0;
  private youngBytes = 0;
  private readonly l1Keys = new Float64Array(L1_SLOTS).fill(-1);
  private readonly l1Values: (Decoded | undefined)[] = new Array<Decoded | undefined>(L1_SLOTS);

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
    // file * 2^30 + key is exact (files < 2^22); the slot mixes both
    const full = file * KEY_LIMIT + key;
    const slot = (key ^ Math.imul(file, 0x9e3779b1)) & (L1_SLOTS - 1);
    if (this.l1Keys[slot] === full) return this.l1Values[slot];
    let d = this.young[file]!.get(key);
    if (d === undefined) {
      d = this.old[file]!.get(key);
      if (d === undefined) return undefined;
      this.add(file, key, d);
    }
    if (d.weight <= L1_VALUE_MAX) {
      this.l1Keys[slot] = full;
      this.l1Values[slot] = d;
    }
    return d;
  }

  /**
   * Only in the direct-mapped table: a value a few entries share (a pid). Overwritten soon by others, it dies
   * young, where a value in the generations would be promoted and die old (raising the heap's peak).
   */
  putRecent(file: number, offset: number, d: Decoded): void {
    const key = offset / 8;
    if (key >= KEY_LIMIT || d.weight > L1_VALUE_MAX) return;
    const slot = (key ^ Math.imul(file, 0x9e3779b1)) & (L1_SLOTS - 1);
    this.l1Keys[slot] = file * KEY_LIMIT + key;
    this.l1Values[slot] = d;
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
    for (let i = 0; i < L1_SLOTS; i++) {
      if (Math.floor(this.l1Keys[i]! / KEY_LIMIT) === file) {
        this.l1Keys[i] = -1;
        this.l1Values[i] = undefined;
      }
    }
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
