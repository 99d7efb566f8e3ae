// A virtual disk cut into fixed-size blocks (qcow2 clusters, VMDK grains, VHD/VHDX blocks), each resolved by
// the format to zeros, a run of the file, or bytes already inflated. Reads never allocate per call; the format
// bounds every offset it returns by the file size, and a short read of the file is damage.
import { type ByteSource, DiskError } from "../types.js";
import { readInto } from "./bytes.js";

export type Block =
  | { readonly kind: "zero" }
  /** The block's bytes start at this offset of the file. */
  | { readonly kind: "file"; readonly offset: number }
  /** The block's bytes, inflated (length = block size). */
  | { readonly kind: "data"; readonly bytes: Uint8Array };

export const ZERO: Block = { kind: "zero" };

export abstract class BlockSource implements ByteSource {
  constructor(
    protected readonly file: ByteSource,
    protected readonly where: string,
    readonly size: number,
    protected readonly blockSize: number,
  ) {}

  /** The block with this index (0 ≤ index < ceil(size / blockSize)). */
  protected abstract block(index: number): Block;

  read(buf: Uint8Array, offset: number, length: number, position: number): number {
    if (position >= this.size || length <= 0 || position < 0) return 0;
    const total = Math.min(length, this.size - position);
    let done = 0;
    while (done < total) {
      const pos = position + done;
      const index = Math.floor(pos / this.blockSize);
      const within = pos - index * this.blockSize;
      const n = Math.min(this.blockSize - within, total - done);
      const b = this.block(index);
      if (b.kind === "zero") buf.fill(0, offset + done, offset + done + n);
      else if (b.kind === "file") readInto(this.file, this.where, buf, offset + done, n, b.offset + within);
      else {
        if (b.bytes.length < within + n) throw new DiskError(this.where, pos, "inflated block is shorter than the block size");
        buf.set(b.bytes.subarray(within, within + n), offset + done);
      }
      done += n;
    }
    return done;
  }

  close(): void {
    this.file.close();
  }
}

/** A small LRU of tables or inflated blocks, bounded by a byte budget. */
export class Lru<V extends { length: number }> {
  private readonly map = new Map<number, V>();
  private bytes = 0;
  constructor(private readonly budget: number) {}

  get(key: number, load: () => V): V {
    const hit = this.map.get(key);
    if (hit !== undefined) {
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
    const v = load();
    this.map.set(key, v);
    this.bytes += v.length;
    for (const [k, old] of this.map) {
      if (this.bytes <= this.budget || this.map.size <= 1) break;
      this.map.delete(k);
      this.bytes -= old.length;
    }
    return v;
  }
}
