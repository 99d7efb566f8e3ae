// Several sources read as one, end to end: the pieces of a split raw image (.001, .002, …) or the extents a
// VMDK descriptor lists. Each piece contributes exactly its declared size.
import type { ByteSource } from "../types.js";

export interface Piece {
  readonly size: number;
  readonly source: ByteSource;
  /** Where this piece starts within its source. */
  readonly offset?: number;
}

export class ConcatSource implements ByteSource {
  private readonly starts: number[] = [];
  readonly size: number;

  constructor(private readonly pieces: readonly Piece[]) {
    let at = 0;
    for (const p of pieces) {
      this.starts.push(at);
      at += p.size;
    }
    this.size = at;
  }

  read(buf: Uint8Array, offset: number, length: number, position: number): number {
    if (position >= this.size || length <= 0 || position < 0) return 0;
    const total = Math.min(length, this.size - position);
    let done = 0;
    let i = this.find(position);
    while (done < total && i < this.pieces.length) {
      const p = this.pieces[i]!;
      const within = position + done - this.starts[i]!;
      const want = Math.min(p.size - within, total - done);
      let got = 0;
      while (got < want) {
        const n = p.source.read(buf, offset + done + got, want - got, (p.offset ?? 0) + within + got);
        if (n <= 0) break;
        got += n;
      }
      // a piece shorter than declared reads as zeros past its end (VMDK flat extents may be sparse files)
      if (got < want) buf.fill(0, offset + done + got, offset + done + want);
      done += want;
      i++;
    }
    return done;
  }

  private find(position: number): number {
    let lo = 0;
    let hi = this.pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= position) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  close(): void {
    const closed = new Set<ByteSource>();
    for (const p of this.pieces) {
      if (!closed.has(p.source)) p.source.close();
      closed.add(p.source);
    }
  }
}
