// A stream of values spilled to a nameless temp file in frames, read back last frame first: what a function needs
// to give a time-ordered stream newest first without holding it (the login story's --order newest). Values are
// v8-serialised, so plain data only (numbers, strings, arrays, plain objects; no class instances).
import fs from "node:fs";
import v8 from "node:v8";
import { anonymousTempFile } from "../batch/anonfile.js";
import type { TempFile } from "./tempfile.js";

export class ReverseSpill<T> {
  private frame: T[] = [];
  private readonly frames: { pos: number; len: number }[] = [];
  private file: TempFile | null = null;
  private pos = 0;

  /** frameSize: values per frame, what is held in memory at a time. */
  constructor(private readonly frameSize = 4096) {}

  add(v: T): void {
    this.frame.push(v);
    if (this.frame.length >= this.frameSize) this.flush();
  }

  private flush(): void {
    if (this.frame.length === 0) return;
    const bytes = v8.serialize(this.frame);
    this.file ??= anonymousTempFile("quarry-spill-");
    let off = 0;
    while (off < bytes.length) off += fs.writeSync(this.file.fd, bytes, off, bytes.length - off, this.pos + off);
    this.frames.push({ pos: this.pos, len: bytes.length });
    this.pos += bytes.length;
    this.frame = [];
  }

  /** Every value added, last first; the file is released when the iteration ends, however it ends. */
  *reversed(): Generator<T> {
    try {
      for (let i = this.frame.length - 1; i >= 0; i--) yield this.frame[i]!;
      this.frame = [];
      for (let f = this.frames.length - 1; f >= 0; f--) {
        const { pos, len } = this.frames[f]!;
        const buf = Buffer.allocUnsafe(len);
        let off = 0;
        while (off < len) {
          const n = fs.readSync(this.file!.fd, buf, off, len - off, pos + off);
          if (n === 0) throw new Error(`spill file ended at byte ${pos + off} of a frame of ${len}`);
          off += n;
        }
        const values = v8.deserialize(buf) as T[];
        for (let i = values.length - 1; i >= 0; i--) yield values[i]!;
      }
    } finally {
      this.dispose();
    }
  }

  dispose(): void {
    this.file?.dispose();
    this.file = null;
    this.frame = [];
  }
}
