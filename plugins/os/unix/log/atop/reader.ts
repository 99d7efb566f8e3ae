// The sample stream of one atop raw file: rawrecord headers and their zlib blocks, inflated with the size
// the header promises. A corrupt block costs only its sample (a warning naming file, sample and offset);
// a file that ends mid-sample keeps every complete sample. gzip'd files are recognised by their magic.
import { gunzipSync, inflateSync } from "node:zlib";
import type { FileHandle } from "../../../../../src/fs/types.js";
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

/** Positioned reads over either a filesystem handle or an in-memory buffer (gunzipped files). */
interface Source {
  readonly size: number;
  read(buf: Buffer, off: number, len: number, pos: number): number;
}

function bufferSource(b: Buffer): Source {
  return {
    size: b.length,
    read: (buf, off, len, pos) => (pos >= b.length ? 0 : b.copy(buf, off, pos, Math.min(b.length, pos + len))),
  };
}

function readFully(src: Source, len: number, pos: number): Buffer {
  const buf = Buffer.allocUnsafe(len);
  let got = 0;
  while (got < len) {
    const n = src.read(buf, got, len - got, pos + got);
    if (n <= 0) break;
    got += n;
  }
  return got === len ? buf : buf.subarray(0, got);
}

/** deflate cannot expand more than ~1032:1; a promised size beyond that (or absurd) marks a corrupt header. */
const MAX_RATIO = 1100;
const MAX_BLOCK = 512 * 1024 * 1024;
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
    const head = readFully(src, Math.min(RAWHEADLEN, fh.size), 0);
    let hb = head;
    if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
      let all: Buffer;
      try {
        all = gunzipSync(readFully(fh, fh.size, 0));
      } catch (e) {
        throw new AtopFormatError(file, `gzip'd file does not decompress: ${(e as Error).message}`);
      }
      src = bufferSource(all);
      gzipped = true;
      hb = all.subarray(0, RAWHEADLEN);
    }
    return new AtopFile(file, parseHeader(hb, file), src, gzipped);
  }

  get size(): number {
    return this.src.size;
  }

  /** Every sample in file order. Issues (corrupt block, truncated tail) go to `issue`; never throws for data. */
  *samples(want: Want, issue: (i: ReadIssue) => void): Generator<Sample> {
    const h = this.header;
    const cgroupsInFile = h.layout.major > 2 || h.layout.minor >= 11;
    let pos = h.rawheadlen;
    const size = this.src.size;
    for (let index = 0; pos < size; index++) {
      const at = pos;
      const n = index + 1;
      if (size - pos < h.rawreclen) {
        issue({ message: `file ends inside the record header of sample ${n} (${size - pos} of ${h.rawreclen} bytes)`, offset: at });
        return;
      }
      const r = readFully(this.src, h.rawreclen, pos);
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
        (tsize > 0 && sh.pcomplen * MAX_RATIO < tsize) ||
        tsize > MAX_BLOCK ||
        sh.coriglen > MAX_BLOCK ||
        (sh.coriglen > 0 && sh.ccomplen * MAX_RATIO < sh.coriglen) ||
        sh.ncgpids * 4 > MAX_BLOCK ||
        (sh.ncgpids > 0 && sh.icomplen * MAX_RATIO < sh.ncgpids * 4)
      ) {
        issue({
          message: `implausible record header of sample ${n} (scomplen ${sh.scomplen}, pcomplen ${sh.pcomplen}, ndeviat ${sh.ndeviat}); cannot find the next sample, stopping`,
          offset: at,
        });
        return;
      }
      pos += h.rawreclen;
      if (size - pos < body) {
        issue({ message: `file ends inside sample ${n} (${size - pos} of ${body} block bytes present); ${index} complete samples`, offset: at });
        return;
      }
      if (!(sh.curtime >= 0 && sh.curtime < MAX_EPOCH)) {
        issue({ message: `implausible sample time in sample ${n} (curtime ${sh.curtime}); sample skipped`, offset: at });
        pos += body;
        continue;
      }
      const bodyBuf = want.sstat || want.tstat || want.cgroups ? readFully(this.src, body, pos) : null;
      pos += body;
      let sstat: Buffer | null = null;
      let tstat: Buffer | null = null;
      let cstat: Buffer | null = null;
      let pids: Buffer | null = null;
      let blockAt = at + h.rawreclen;
      let what = "sstat";
      try {
        if (want.sstat) sstat = inflateExact(bodyBuf!.subarray(0, sh.scomplen), h.sstatlen, "sstat");
        blockAt += sh.scomplen;
        what = "tstat";
        if (want.tstat) tstat = inflateExact(bodyBuf!.subarray(sh.scomplen, sh.scomplen + sh.pcomplen), tsize, "tstat");
        blockAt += sh.pcomplen;
        if (want.cgroups && cgroupsInFile && sh.flags & RRCGRSTAT && sh.ccomplen > 0) {
          what = "cstat";
          const o = sh.scomplen + sh.pcomplen;
          cstat = inflateExact(bodyBuf!.subarray(o, o + sh.ccomplen), sh.coriglen, "cstat");
          blockAt += sh.ccomplen;
          what = "cgroup pid-list";
          pids = inflateExact(bodyBuf!.subarray(o + sh.ccomplen, o + sh.ccomplen + sh.icomplen), sh.ncgpids * 4, "pid-list");
        }
      } catch (e) {
        issue({ message: `corrupt ${what} block in sample ${n} (curtime ${sh.curtime}): ${(e as Error).message}; sample skipped`, offset: blockAt });
        continue;
      }
      yield { ...sh, sstat, tstat, cstat, pids };
    }
  }
}
