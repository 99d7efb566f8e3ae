// A small hand-written tar writer for the odd cases tar-stream cannot produce (GNU 'L'/'K', PAX with any
// keys, old GNU and PAX sparse members, base-256 numbers, duplicates, hostile names, broken checksums).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { pack as tarStreamPack, type Header as Headers } from "tar-stream";

export interface HMember {
  name: string;
  /** Type flag: "0" file (default), "1" hard link, "2" symlink, "5" dir, "L", "K", "x", "g", "S"… */
  flag?: string;
  data?: string | Uint8Array;
  linkname?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  /** Size field override (defaults to the data length). */
  size?: number;
  /** Write uid as GNU base-256. */
  base256Uid?: boolean;
  /** Old GNU format magic ("ustar  \0") instead of POSIX ("ustar\0" "00"). */
  gnu?: boolean;
  /** Raw bytes of the ustar prefix field. */
  prefix?: string;
  /** Poke the header before its checksum is computed. */
  patch?: (h: Buffer) => void;
  /** Break the checksum. */
  badChecksum?: boolean;
}

const enc = (s: string | Uint8Array): Buffer => (typeof s === "string" ? Buffer.from(s, "utf8") : Buffer.from(s));

function octal(h: Buffer, off: number, len: number, v: number): void {
  const s = v.toString(8).padStart(len - 1, "0");
  h.write(s + "\0", off, "latin1");
}

export function header(m: HMember): Buffer {
  const h = Buffer.alloc(512);
  const data = m.data !== undefined ? enc(m.data) : Buffer.alloc(0);
  h.write(m.name, 0, 100, "utf8");
  octal(h, 100, 8, m.mode ?? (m.flag === "5" ? 0o755 : 0o644));
  if (m.base256Uid) {
    h[108] = 0x80;
    h.writeUIntBE(m.uid ?? 0, 108 + 2, 6);
  } else octal(h, 108, 8, m.uid ?? 0);
  octal(h, 116, 8, m.gid ?? 0);
  octal(h, 124, 12, m.size ?? data.length);
  octal(h, 136, 12, m.mtime ?? 1_700_000_000);
  h.write(m.flag ?? "0", 156, 1, "latin1");
  if (m.linkname) h.write(m.linkname, 157, 100, "utf8");
  if (m.gnu) h.write("ustar  \0", 257, 8, "latin1");
  else {
    h.write("ustar\0", 257, 6, "latin1");
    h.write("00", 263, 2, "latin1");
  }
  if (m.prefix) h.write(m.prefix, 345, 155, "utf8");
  m.patch?.(h);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  octal(h, 148, 7, m.badChecksum ? sum + 1 : sum);
  h[155] = 0x20;
  return h;
}

function padded(data: Buffer): Buffer {
  const rem = data.length % 512;
  return rem ? Buffer.concat([data, Buffer.alloc(512 - rem)]) : data;
}

/** One member: header + data padded to a block. */
export function entry(m: HMember): Buffer {
  const data = m.data !== undefined ? enc(m.data) : Buffer.alloc(0);
  return Buffer.concat([header(m), padded(data)]);
}

export function paxRecords(attrs: Record<string, string> | [string, string][]): Buffer {
  const list = Array.isArray(attrs) ? attrs : Object.entries(attrs);
  let out = "";
  for (const [k, v] of list) {
    const body = ` ${k}=${v}\n`;
    let len = Buffer.byteLength(body) + 1;
    while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
    out += len + body;
  }
  return Buffer.from(out, "utf8");
}

export const pax = (attrs: Record<string, string> | [string, string][], name = "PaxHeaders/x"): Buffer => entry({ name, flag: "x", data: paxRecords(attrs) });
export const gnuLongName = (name: string): Buffer => entry({ name: "././@LongLink", flag: "L", data: name + "\0", gnu: true });
export const gnuLongLink = (name: string): Buffer => entry({ name: "././@LongLink", flag: "K", data: name + "\0", gnu: true });

export function end(): Buffer {
  return Buffer.alloc(1024);
}

export function tar(...parts: Buffer[]): Buffer {
  return Buffer.concat([...parts, end()]);
}

/** Old GNU sparse ('S'): segments [offset, data] of a file of `realSize`; extension blocks when > 4 segments. */
export function gnuSparse(name: string, realSize: number, segs: [number, Buffer][]): Buffer {
  const stored = Buffer.concat(segs.map(([, d]) => d));
  const first = segs.slice(0, 4);
  const rest = segs.slice(4);
  const h = header({
    name,
    flag: "S",
    size: stored.length,
    gnu: true,
    patch: (b) => {
      first.forEach(([off, d], i) => {
        octal(b, 386 + i * 24, 12, off);
        octal(b, 386 + i * 24 + 12, 12, d.length);
      });
      b[482] = rest.length ? 1 : 0;
      octal(b, 483, 12, realSize);
    },
  });
  const ext: Buffer[] = [];
  for (let i = 0; i < rest.length; i += 21) {
    const eb = Buffer.alloc(512);
    rest.slice(i, i + 21).forEach(([off, d], k) => {
      octal(eb, k * 24, 12, off);
      octal(eb, k * 24 + 12, 12, d.length);
    });
    eb[504] = i + 21 < rest.length ? 1 : 0;
    ext.push(eb);
  }
  return Buffer.concat([h, ...ext, padded(stored)]);
}

/** PAX sparse 1.0 (GNU tar's default): the map at the start of the data. */
export function paxSparse10(name: string, realSize: number, segs: [number, Buffer][]): Buffer {
  const map = [String(segs.length), ...segs.flatMap(([o, d]) => [String(o), String(d.length)])].join("\n") + "\n";
  const data = Buffer.concat([padded(Buffer.from(map)), ...segs.map(([, d]) => d)]);
  return Buffer.concat([
    pax({ "GNU.sparse.major": "1", "GNU.sparse.minor": "0", "GNU.sparse.name": name, "GNU.sparse.realsize": String(realSize) }),
    entry({ name: "GNUSparseFile.0/" + name.split("/").pop(), data }),
  ]);
}

/** PAX sparse 0.1: GNU.sparse.map in the PAX header. */
export function paxSparse01(name: string, realSize: number, segs: [number, Buffer][]): Buffer {
  const map = segs.flatMap(([o, d]) => [o, d.length]).join(",");
  return Buffer.concat([
    pax({ "GNU.sparse.major": "0", "GNU.sparse.minor": "1", "GNU.sparse.name": name, "GNU.sparse.size": String(realSize), "GNU.sparse.map": map }),
    entry({ name: "GNUSparseFile.0/" + name.split("/").pop(), data: Buffer.concat(segs.map(([, d]) => d)) }),
  ]);
}

/** PAX sparse 0.0: repeated GNU.sparse.offset / numbytes pairs. */
export function paxSparse00(name: string, realSize: number, segs: [number, Buffer][]): Buffer {
  const recs: [string, string][] = [["GNU.sparse.size", String(realSize)], ["GNU.sparse.numblocks", String(segs.length)]];
  for (const [o, d] of segs) recs.push(["GNU.sparse.offset", String(o)], ["GNU.sparse.numbytes", String(d.length)]);
  return Buffer.concat([pax(recs), entry({ name, data: Buffer.concat(segs.map(([, d]) => d)) })]);
}

/** Build an archive with tar-stream (the ordinary cases). */
export async function tarStream(entries: { header: Partial<Headers> & { name: string }; data?: string | Buffer }[]): Promise<Buffer> {
  const p = tarStreamPack();
  const chunks: Buffer[] = [];
  p.on("data", (c) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    p.on("end", resolve);
    p.on("error", reject);
  });
  for (const e of entries) {
    await new Promise<void>((resolve, reject) => p.entry(e.header as Headers, e.data ?? "", (err) => (err ? reject(err) : resolve())));
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

export const gzip = (b: Buffer): Buffer => zlib.gzipSync(b);

/** A scratch directory for one test file, removed with `cleanup()`. */
export function scratch(): { dir: string; file(name: string, data: Buffer | string): string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-test-"));
  return {
    dir,
    file(name, data) {
      const p = path.join(dir, name);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, data);
      return p;
    },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
