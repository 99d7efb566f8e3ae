// A volume's bytes as a window on its disk: a partition is a run of the disk's sectors. The window is checked
// against the disk when it is made, so reads through it never reach past the disk or the partition.
import { type ByteSource, DiskError } from "../types.js";

export class SliceSource implements ByteSource {
  constructor(
    private readonly disk: ByteSource,
    readonly offset: number,
    readonly size: number,
    where: string,
  ) {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size) || offset < 0 || size < 0 || offset + size > disk.size) {
      throw new DiskError(where, offset, `volume of ${size} bytes at byte ${offset} does not lie within the disk (${disk.size} bytes)`);
    }
  }

  read(buf: Uint8Array, offset: number, length: number, position: number): number {
    if (position < 0 || position >= this.size || length <= 0) return 0;
    return this.disk.read(buf, offset, Math.min(length, this.size - position), this.offset + position);
  }

  /** The disk belongs to whoever opened it: closing one volume must not close the others. */
  close(): void {}
}
