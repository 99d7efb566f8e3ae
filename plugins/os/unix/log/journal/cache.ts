// Decoded DATA objects by file and offset, for the ones several entries share (_HOSTNAME, _BOOT_ID, _COMM,
// _SYSTEMD_UNIT …): a DATA object says how many entries reference it (n_entries), so the reader caches only
// those with more than one, and a once-used MESSAGE never pushes out a hostname. Bounded in count and bytes:
// two generations, the older dropped whole when the newer fills (recently used values are promoted), so a
// lookup costs one or two Map probes and eviction costs nothing per value.
import type { Decoded } from "./fields.js";

/** Per generation: 32,768 values and 8 MiB of them. */
export const CACHE_VALUES = 32768;
export const CACHE_BYTES = 8 * 1024 * 1024;
/** A value this large is not kept (it would crowd out many small ones). */
export const CACHE_VALUE_MAX = 256 * 1024;
/** Offsets below 2^40 (1 TiB files) and file keys below 2^13 make exact numeric keys. */
const FILE_SPAN = 2 ** 40;
const MAX_FILES = 2 ** 13;

export class DataCache {
  private young = new Map<number, Decoded>();
  private old = new Map<number, Decoded>();
  private youngBytes = 0;
  private nextFile = 0;

  constructor(
    readonly maxValues = CACHE_VALUES,
    readonly maxBytes = CACHE_BYTES,
  ) {}

  /** A key space for one more file; -1 once there are too many to key exactly (that file is not cached). */
  fileBase(): number {
    const k = this.nextFile++;
    return k < MAX_FILES ? k * FILE_SPAN : -1;
  }

  get(base: number, offset: number): Decoded | undefined {
    if (base < 0 || offset >= FILE_SPAN) return undefined;
    const key = base + offset;
    const d = this.young.get(key);
    if (d !== undefined) return d;
    const o = this.old.get(key);
    if (o !== undefined) this.add(key, o);
    return o;
  }

  put(base: number, offset: number, d: Decoded): void {
    if (base < 0 || offset >= FILE_SPAN || d.weight > CACHE_VALUE_MAX) return;
    this.add(base + offset, d);
  }

  private add(key: number, d: Decoded): void {
    if (this.young.size >= this.maxValues || this.youngBytes + d.weight > this.maxBytes) {
      this.old = this.young;
      this.young = new Map();
      this.youngBytes = 0;
    }
    this.young.set(key, d);
    this.youngBytes += d.weight;
  }
}
