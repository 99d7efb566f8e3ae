// The members of a zip as one address space of positioned reads, so that the tar tree (src/fs/tar/backend.ts)
// and the collection layouts (loaders/layout.ts) serve a zip unchanged: member i occupies [base_i, base_i +
// size_i), and a read there is a read of that member's bytes. A stored member is read in place in the
// archive; a deflated one is inflated once, on its first read, into memory (up to the memory limit; the
// inflated members kept in memory are capped in all, the oldest moving to the spill file) or straight into
// the archive's spill file, an unlinked temporary file (src/util/tempfile.ts). The archive's inflated bytes
// are bounded by the inflate budget (src/util/inflate-budget.ts, --max-inflate) as a tar.gz's are.
import fs from "node:fs";
import { formatSize, InflateBudget } from "../../util/inflate-budget.js";
import { createTempFile, type TempFile } from "../../util/tempfile.js";
import type { ByteSource } from "../tar/source.js";
import { FsError } from "../types.js";
import type { ZipEntry } from "./entries.js";
import { crc32, inflateToFile, inflateToMemory, maxDeflatedSize, MemberDataError } from "./inflate.js";

const LOCAL_SIG = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;
const METHODS: Record<number, string> = { 1: "shrink", 6: "implode", 9: "deflate64", 12: "bzip2", 14: "lzma", 93: "zstd", 95: "xz", 98: "ppmd", 99: "AES encryption" };

export interface ZipSourceOptions {
  /** Largest inflated member kept in memory (bytes); larger ones go to the spill file. */
  memoryLimit: number;
  maxInflate?: number;
  label: string;
}

interface Slot {
  entry: ZipEntry;
  base: number;
  /** Offset of the member's data in the archive (-1 until its local header was read). */
  dataOffset: number;
  memory: Buffer | null;
  /** Position in the spill file (-1: not there). */
  spillAt: number;
  /** The member's fault, kept: a damaged member fails the same way on every read, without re-inflating. */
  error: FsError | null;
}

export class ZipSource implements ByteSource {
  private end = 0;
  private readonly slots: Slot[] = [];
  private readonly budget: InflateBudget;
  private inflated = 0;
  private spill: TempFile | null = null;
  private spillEnd = 0;
  /** Inflated members in memory, oldest first (a Map keeps insertion order). */
  private readonly cache = new Map<Slot, Buffer>();
  private cached = 0;
  private readonly cacheLimit: number;

  constructor(
    private readonly file: ByteSource,
    private readonly opts: ZipSourceOptions,
  ) {
    this.budget = new InflateBudget(file.size, opts.maxInflate, opts.label);
    this.cacheLimit = 4 * opts.memoryLimit;
  }

  get size(): number {
    return this.end;
  }

  /** Give a member its place in the address space; returns its base (the "data offset" the tar tree reads at). */
  add(entry: ZipEntry): number {
    const base = this.end;
    this.slots.push({ entry, base, dataOffset: -1, memory: null, spillAt: -1, error: null });
    this.end = base + entry.size;
    return base;
  }

  private slotAt(pos: number): Slot | undefined {
    let lo = 0;
    let hi = this.slots.length - 1;
    // The last slot whose base is ≤ pos and that is not empty (empty members share their base with the next).
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.slots[mid]!.base <= pos) lo = mid;
      else hi = mid - 1;
    }
    let s = this.slots[lo];
    while (s && s.entry.size === 0 && lo > 0) s = this.slots[--lo];
    return s && pos >= s.base && pos < s.base + s.entry.size ? s : undefined;
  }

  read(buf: Uint8Array, offset: number, length: number, position: number): number {
    if (length <= 0 || position >= this.size) return 0;
    const s = this.slotAt(position);
    if (!s) return 0;
    const rel = position - s.base;
    const n = Math.min(length, s.entry.size - rel);
    return this.readSlot(s, buf, offset, n, rel);
  }

  /** Read the first `max` bytes of a member (a symlink's target), through the same checks as any read. */
  head(entry: ZipEntry, base: number, max: number): Buffer {
    const s = this.slotAt(base);
    if (!s || s.entry !== entry) return Buffer.alloc(0);
    const b = Buffer.alloc(Math.min(max, entry.size));
    const n = this.readSlot(s, b, 0, b.length, 0);
    return b.subarray(0, n);
  }

  private fail(s: Slot, detail: string): FsError {
    s.error = new FsError("EIO", s.entry.name, `${this.opts.label}: member at central directory offset ${s.entry.entryOffset} (local header at ${s.entry.localOffset}): ${detail}`);
    return s.error;
  }

  private readSlot(s: Slot, buf: Uint8Array, offset: number, n: number, rel: number): number {
    if (s.error) throw s.error;
    if (s.dataOffset < 0) this.locate(s);
    if (s.entry.method === STORED) return this.file.read(buf, offset, n, s.dataOffset + rel);
    if (s.memory) {
      buf.set(s.memory.subarray(rel, rel + n), offset);
      // Touch: most recently used last.
      this.cache.delete(s);
      this.cache.set(s, s.memory);
      return n;
    }
    if (s.spillAt < 0) this.inflate(s);
    if (s.memory) return this.readSlot(s, buf, offset, n, rel);
    return readFd(this.spill!.fd, buf, offset, n, s.spillAt + rel);
  }

  /** The local header: where the data starts; and the checks that need no data (method, encryption, sizes). */
  private locate(s: Slot): void {
    const e = s.entry;
    if (e.flags & 1) throw this.fail(s, "encrypted; quarry does not decrypt zip members");
    if (e.method !== STORED && e.method !== DEFLATED) {
      throw this.fail(s, `compression method ${e.method}${METHODS[e.method] ? ` (${METHODS[e.method]})` : ""} is not supported (only stored and deflated members are read)`);
    }
    const h = Buffer.alloc(30);
    if (this.file.read(h, 0, 30, e.localOffset) < 30 || h.readUInt32LE(0) !== LOCAL_SIG) throw this.fail(s, "no local header at its offset");
    const data = e.localOffset + 30 + h.readUInt16LE(26) + h.readUInt16LE(28);
    if (data + e.compressedSize > this.file.size) throw this.fail(s, `data at ${data} of ${e.compressedSize} bytes runs past the end of the archive (${this.file.size} bytes)`);
    if (e.method === STORED && e.compressedSize !== e.size) throw this.fail(s, `stored with ${e.compressedSize} bytes but a size of ${e.size}`);
    if (e.method === DEFLATED && e.compressedSize > maxDeflatedSize(e.size)) throw this.fail(s, `${e.compressedSize} compressed bytes claimed for ${e.size} bytes: more than deflate ever needs`);
    s.dataOffset = data;
  }

  private inflate(s: Slot): void {
    const e = s.entry;
    if (this.inflated + e.size > this.budget.limit) {
      const msg =
        `${this.opts.label}: member ${JSON.stringify(e.name)} at central directory offset ${e.entryOffset} claims ${formatSize(e.size)}; with the ${formatSize(this.inflated)} ` +
        `inflated before it, that is more than ${formatSize(this.budget.limit)} (${this.budget.rule}): refused (--max-inflate SIZE sets another limit)`;
      s.error = new FsError("EFBIG", e.name, msg);
      throw s.error;
    }
    try {
      if (e.size <= this.opts.memoryLimit) {
        const comp = Buffer.allocUnsafe(e.compressedSize);
        if (this.file.read(comp, 0, comp.length, s.dataOffset) < comp.length) throw new MemberDataError("compressed data is cut short");
        const out = inflateToMemory(comp, e.size);
        if (crc32(out) !== e.crc) throw new MemberDataError(`CRC-32 mismatch (0x${crc32(out).toString(16)}, the directory says 0x${e.crc.toString(16)}): the member's bytes are damaged`);
        this.inflated += e.size;
        this.keep(s, out);
        return;
      }
      const at = this.spillEnd;
      const fd = this.spillFd();
      const crc = inflateToFile(this.file, s.dataOffset, e.compressedSize, e.size, fd, at, () => {});
      if (crc !== null && crc !== e.crc) throw new MemberDataError(`CRC-32 mismatch (0x${crc.toString(16)}, the directory says 0x${e.crc.toString(16)}): the member's bytes are damaged`);
      this.spillEnd += e.size;
      this.inflated += e.size;
      s.spillAt = at;
    } catch (err) {
      if (err instanceof MemberDataError) throw this.fail(s, err.message);
      if (err instanceof FsError) throw err;
      throw this.fail(s, `cannot keep the inflated member: ${(err as Error).message}`);
    }
  }

  private spillFd(): number {
    this.spill ??= createTempFile();
    return this.spill.fd;
  }

  /** Keep an inflated member in memory; past the cap, the oldest go to the spill file (never inflated twice). */
  private keep(s: Slot, data: Buffer): void {
    s.memory = data;
    this.cache.set(s, data);
    this.cached += data.length;
    for (const [old, b] of this.cache) {
      if (this.cached <= this.cacheLimit) break;
      const fd = this.spillFd();
      let off = 0;
      while (off < b.length) off += writeFd(fd, b, off, this.spillEnd + off);
      old.spillAt = this.spillEnd;
      this.spillEnd += b.length;
      old.memory = null;
      this.cache.delete(old);
      this.cached -= b.length;
    }
  }

  close(): void {
    this.cache.clear();
    for (const s of this.slots) s.memory = null;
    this.spill?.dispose();
    this.spill = null;
    this.file.close();
  }
}

function readFd(fd: number, buf: Uint8Array, offset: number, n: number, position: number): number {
  let done = 0;
  while (done < n) {
    const r = fs.readSync(fd, buf, offset + done, n - done, position + done);
    if (r <= 0) break;
    done += r;
  }
  return done;
}

function writeFd(fd: number, b: Buffer, off: number, position: number): number {
  return fs.writeSync(fd, b, off, b.length - off, position);
}
