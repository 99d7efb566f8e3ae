// The sample stream of one atop raw file: rawrecord headers and their zlib blocks, inflated with the size
// the header promises. A corrupt block costs only its sample (an error naming file, sample and offset);
// a file that ends mid-sample keeps every complete sample. gzip'd files are recognised by their magic.
// Every length is checked against the file's remaining size and the per-sample cap before anything is
// allocated or inflated.
import { type FileHandle, parseSize, readFully } from "quarry";
import { inflateSync } from "node:zlib";
import { Gunzip } from "fflate";
import { AtopFormatError, parseHeader, RAWHEADLEN, type AtopHeader } from "./header.js";

export const RRBOOT = 0x0001;
export const RRCGRSTAT = 0x0100;

export interface SampleHeader {
  /** 0-based number of the sample in the file, and the byte offset of its rawrecord. */
  readonly index: number;
  readonly offset: number;
  readonly curtime: number;
  readonly flags: number;
  readonly ncgroups: number;
  readonly scomplen: number;
  readonly pcomplen: number;
  readonly interval: number;
  readonly ndeviat: number;
  readonly nactproc: number;
  readonly ntask: number;
  readonly totproc: number;
  readonly nexit: number;
  readonly ccomplen: number;
  readonly coriglen: number;
  readonly ncgpids: number;
  readonly icomplen: number;
}

export interface Sample extends SampleHeader {
  /** Inflated blocks; null when not requested. */
  readonly sstat: Buffer | null;
  readonly tstat: Buffer | null;
  readonly cstat: Buffer | null;
  readonly pids: Buffer | null;
}

export interface Want {
  sstat?: boolean;
  tstat?: boolean;
  cgroups?: boolean;
}

export interface ReadIssue {
  message: string;
  offset: number;
}

/** Reads at increasing positions: a filesystem handle (size known) or a gunzip stream (size unknown). */
interface Source {
  readonly size: number | null;
  read(buf: Buffer, off: number, len: number, pos: number): number;
}

/**
 * A gzip'd raw file decompressed as it is read, forward only, keeping only the bytes not yet consumed:
 * memory stays bounded by one sample, and a gzip bomb cannot inflate more than one small input chunk
 * (64 KiB → at most ~64 MiB) ahead of the reader.
 */
class GunzipSource implements Source {
  readonly size = null;
  private readonly out: Uint8Array[] = [];
  private outLen = 0;
  /** File position (in decompressed bytes) of out[0][0]. */
  private base = 0;
  private inPos = 0;
  private done = false;
  /** Why the stream ended early (corrupt or truncated gzip data), if it did. */
  error: string | null = null;
  private readonly gz: Gunzip;

  constructor(private readonly fh: FileHandle) {
    this.gz = new Gunzip((d) => {
      if (d.length) {
        this.out.push(d);
        this.outLen += d.length;
      }
    });
  }

  private discardBefore(pos: number): void {
    while (this.out.length && this.base + this.out[0]!.length <= pos) {
      const c = this.out.shift()!;
      this.base += c.length;
      this.outLen -= c.length;
    }
  }

  private pull(): boolean {
    if (this.done) return false;
    const n = Math.min(1 << 16, this.fh.size - this.inPos);
    const chunk = Buffer.allocUnsafe(Math.max(n, 0));
    const got = n > 0 ? this.fh.read(chunk, 0, n, this.inPos) : 0;
    this.inPos += got;
    this.done = got <= 0 || this.inPos >= this.fh.size;
    try {
      if (got > 0) this.gz.push(chunk.subarray(0, got), false);
      if (this.done) this.gz.push(new Uint8Array(0), true);
    } catch (e) {
      // keep what was inflated before the damage; the reader sees a short read
      this.error = (e as Error).message;
      this.done = true;
    }
    return true;
  }

  read(buf: Buffer, off: number, len: number, pos: number): number {
    if (pos < this.base) throw new Error("gunzip source reads forward only");
    this.discardBefore(pos);
    while (this.base + this.outLen < pos + len && this.pull()) this.discardBefore(pos);
    let copied = 0;
    let at = this.base;
    for (const c of this.out) {
      if (copied >= len) break;
      const from = Math.max(pos + copied - at, 0);
      if (from < c.length) {
        const n = Math.min(c.length - from, len - copied);
        buf.set(c.subarray(from, from + n), off + copied);
        copied += n;
      }
      at += c.length;
    }
    return copied;
  }
}

/** Read `len` bytes at `pos` (fewer at the end). Where the size is unknown (gzip), memory follows what exists. */
function readBytes(src: Source, len: number, pos: number): Buffer {
  if (src.size === null && len > READ_STEP) {
    const parts: Buffer[] = [];
    let got = 0;
    while (got < len) {
      const part = readBytes(src, Math.min(READ_STEP, len - got), pos + got);
      parts.push(part);
      got += part.length;
      if (part.length === 0 || (got < len && part.length < READ_STEP)) break;
    }
    return Buffer.concat(parts, got);
  }
  const buf = Buffer.allocUnsafe(len);
  const got = readFully(src, buf, pos);
  return got === len ? buf : buf.subarray(0, got);
}
const READ_STEP = 1024 * 1024;

/** deflate cannot expand more than ~1032:1; a promised size beyond that (or absurd) marks a corrupt header. */
const MAX_RATIO = 1100;
/**
 * The most one sample may inflate to in its variable blocks (tasks, cgroups, cgroup pid lists): 256 MiB, about
 * 270,000 tasks of atop 2.11+ (992 bytes each) — far above any real host (pid_max is 4M, but a host with more than
 * a few tens of thousands of tasks is rare). A sample that claims more is skipped with an error; the sstat block
 * has the version's fixed size. QUARRY_ATOP_MAX_SAMPLE (bytes, or 512M, 1G) changes it.
 */
export const DEFAULT_MAX_SAMPLE = 256 * 1024 * 1024;
/** QUARRY_ATOP_MAX_SAMPLE as bytes, else the default; a value that is not a size is an error, not ignored. */
export function maxSampleFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.QUARRY_ATOP_MAX_SAMPLE;
  if (v === undefined || v === "") return DEFAULT_MAX_SAMPLE;
  const n = parseSize(v);
  if (n === null) throw new Error(`QUARRY_ATOP_MAX_SAMPLE=${JSON.stringify(v)} is not a size (e.g. 512M, 1G)`);
  return n;
}
/** zlib never makes a block much larger than its input (stored blocks: 5 bytes per 16 KiB, plus header). */
const maxComp = (size: number): number => size + Math.ceil(size / 16384) * 5 + 64;
/** 10000-01-01: a datetime past this cannot be rendered (and no atop wrote it). */
export const MAX_EPOCH = 253402300800;

function inflateExact(comp: Buffer, size: number, what: string): Buffer {
  if (size === 0) return Buffer.alloc(0);
  const out = inflateSync(comp, { maxOutputLength: size + 1 });
  if (out.length !== size) throw new Error(`${what} block inflates to ${out.length} bytes, expected ${size}`);
  return out;
}

export class AtopFile {
  private constructor(
    readonly file: string,
    readonly header: AtopHeader,
    private readonly src: Source,
    readonly gzipped: boolean,
  ) {}

  /** Open and validate the header; throws AtopFormatError with the reason (bad magic, unknown version…). */
  static open(file: string, fh: FileHandle): AtopFile {
    let src: Source = fh;
    let gzipped = false;
    const head = readBytes(src, Math.min(RAWHEADLEN, fh.size), 0);
    let hb = head;
    if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
      src = new GunzipSource(fh);
      gzipped = true;
      try {
        hb = readBytes(src, RAWHEADLEN, 0);
      } catch (e) {
        throw new AtopFormatError(file, `gzip'd file does not decompress: ${(e as Error).message}`);
      }
    }
    return new AtopFile(file, parseHeader(hb, file), src, gzipped);
  }

  /**
   * Every sample in file order. Issues (corrupt block, truncated tail, a claim past the cap) go to `issue`: each
   * one costs samples. Never throws for data.
   */
  *samples(want: Want, issue: (i: ReadIssue) => void, maxSample = maxSampleFromEnv()): Generator<Sample> {
    const h = this.header;
    const cgroupsInFile = h.layout.major > 2 || h.layout.minor >= 11;
    let pos = h.rawheadlen;
    const size = this.src.size;
    const why = (): string => (this.src instanceof GunzipSource && this.src.error ? ` (gzip: ${this.src.error})` : "");
    const read = (len: number, at: number, n: number): Buffer | null => {
      try {
        return readBytes(this.src, len, at);
      } catch (e) {
        issue({ message: `cannot read sample ${n}: ${(e as Error).message}`, offset: at });
        return null;
      }
    };
    for (let index = 0; ; index++) {
      const at = pos;
      const n = index + 1;
      const r = read(h.rawreclen, pos, n);
      if (!r) return;
      if (r.length === 0) {
        if (why()) issue({ message: `gzip stream ends early after sample ${index}${why()}`, offset: at });
        return;
      }
      if (r.length < h.rawreclen) {
        issue({ message: `file ends inside the record header of sample ${n} (${r.length} of ${h.rawreclen} bytes)${why()}`, offset: at });
        return;
      }
      const sh: SampleHeader = {
        index,
        offset: at,
        curtime: Number(r.readBigInt64LE(0)),
        flags: r.readUInt16LE(8),
        ncgroups: cgroupsInFile ? r.readUInt16LE(10) : 0,
        scomplen: r.readUInt32LE(16),
        pcomplen: r.readUInt32LE(20),
        interval: r.readUInt32LE(24),
        ndeviat: r.readUInt32LE(28),
        nactproc: r.readUInt32LE(32),
        ntask: r.readUInt32LE(36),
        totproc: r.readUInt32LE(40),
        nexit: r.readUInt32LE(60),
        ccomplen: cgroupsInFile ? r.readUInt32LE(72) : 0,
        coriglen: cgroupsInFile ? r.readUInt32LE(76) : 0,
        ncgpids: cgroupsInFile ? r.readUInt32LE(80) : 0,
        icomplen: cgroupsInFile ? r.readUInt32LE(84) : 0,
      };
      const body = sh.scomplen + sh.pcomplen + sh.ccomplen + sh.icomplen;
      const tsize = sh.ndeviat * h.tstatlen;
      if (
        sh.scomplen === 0 ||
        sh.scomplen * MAX_RATIO < h.sstatlen ||
        sh.scomplen > maxComp(h.sstatlen) ||
        sh.pcomplen > maxComp(tsize) ||
        sh.ccomplen > maxComp(sh.coriglen) ||
        sh.icomplen > maxComp(sh.ncgpids * 4) ||
        (tsize > 0 && sh.pcomplen * MAX_RATIO < tsize) ||
        (sh.coriglen > 0 && sh.ccomplen * MAX_RATIO < sh.coriglen) ||
        (sh.ncgpids > 0 && sh.icomplen * MAX_RATIO < sh.ncgpids * 4)
      ) {
        issue({
          message: `implausible record header of sample ${n} (scomplen ${sh.scomplen}, pcomplen ${sh.pcomplen}, ndeviat ${sh.ndeviat}); cannot find the next sample, stopping`,
          offset: at,
        });
        return;
      }
      pos += h.rawreclen;
      if (size !== null && size - pos < body) {
        issue({ message: `file ends inside sample ${n} (${size - pos} of ${body} block bytes present); ${index} complete samples`, offset: at });
        return;
      }
      // The lengths hold together, so the next sample is found even when this one claims too much to inflate.
      const claim = tsize + (cgroupsInFile ? sh.coriglen + sh.ncgpids * 4 : 0);
      if (claim > maxSample) {
        issue({
          message: `sample ${n} claims ${claim} bytes of task and cgroup data (ndeviat ${sh.ndeviat}, coriglen ${sh.coriglen}, ncgpids ${sh.ncgpids}), more than the per-sample cap of ${maxSample} (QUARRY_ATOP_MAX_SAMPLE); sample skipped`,
          offset: at,
        });
        pos += body;
        continue;
      }
      const bodyBuf = read(body, pos, n);
      if (!bodyBuf) return;
      if (bodyBuf.length < body) {
        issue({ message: `file ends inside sample ${n} (${bodyBuf.length} of ${body} block bytes present); ${index} complete samples${why()}`, offset: at });
        return;
      }
      if (!(sh.curtime >= 0 && sh.curtime < MAX_EPOCH)) {
        issue({ message: `implausible sample time in sample ${n} (curtime ${sh.curtime}); sample skipped`, offset: at });
        pos += body;
        continue;
      }
      pos += body;
      let sstat: Buffer | null = null;
      let tstat: Buffer | null = null;
      let cstat: Buffer | null = null;
      let pids: Buffer | null = null;
      let blockAt = at + h.rawreclen;
      let what = "sstat";
      try {
        if (want.sstat) sstat = inflateExact(bodyBuf.subarray(0, sh.scomplen), h.sstatlen, "sstat");
        blockAt += sh.scomplen;
        what = "tstat";
        if (want.tstat) tstat = inflateExact(bodyBuf.subarray(sh.scomplen, sh.scomplen + sh.pcomplen), tsize, "tstat");
        blockAt += sh.pcomplen;
        if (want.cgroups && cgroupsInFile && sh.flags & RRCGRSTAT && sh.ccomplen > 0) {
          what = "cstat";
          const o = sh.scomplen + sh.pcomplen;
          cstat = inflateExact(bodyBuf.subarray(o, o + sh.ccomplen), sh.coriglen, "cstat");
          blockAt += sh.ccomplen;
          what = "cgroup pid-list";
          pids = inflateExact(bodyBuf.subarray(o + sh.ccomplen, o + sh.ccomplen + sh.icomplen), sh.ncgpids * 4, "pid-list");
        }
      } catch (e) {
        issue({ message: `corrupt ${what} block in sample ${n} (curtime ${sh.curtime}): ${(e as Error).message}; sample skipped`, offset: blockAt });
        continue;
      }
      yield { ...sh, sstat, tstat, cstat, pids };
    }
  }
}
