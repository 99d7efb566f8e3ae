// The headers of a tar stream (POSIX ustar, PAX extended headers where ustar cannot hold a value), written from
// bytes: a name on the target is a byte string, and the archive must carry those bytes, also when they are not
// UTF-8 (in ustar fields and PAX records alike, as GNU tar writes and reads them; no `hdrcharset`, which GNU tar
// warns about). A packer that takes names as text would turn an undecodable byte into U+FFFD.

export type TarEntryType = "file" | "dir" | "symlink" | "fifo";

export interface TarEntry {
  /** The member name, relative, as bytes (directories get their trailing "/" here). */
  name: Buffer;
  type: TarEntryType;
  mode: number;
  uid: number;
  gid: number;
  /** Seconds since the epoch. */
  mtime: number;
  /** Bytes of data that follow (files only). */
  size: number;
  linkname?: Buffer;
}

const BLOCK = 512;
const TYPE_FLAG: Record<TarEntryType, string> = { file: "0", dir: "5", symlink: "2", fifo: "6" };
/** The largest value each octal field holds (its width less the terminating NUL). */
const MAX_7 = 0o7777777;
const MAX_11 = 0o77777777777;

/** Zero bytes that pad `size` bytes of data to the next block. */
export function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest);
}

/** The end of an archive: two zero blocks. */
export function trailer(): Buffer {
  return Buffer.alloc(2 * BLOCK);
}

/** The header block(s) of one member: a PAX extended header first when needed, then the ustar header. */
export function encodeEntry(e: TarEntry): Buffer {
  const pax: [string, Buffer][] = [];
  const split = splitName(e.name);
  if (!split) pax.push(["path", e.name]);
  if (e.linkname && e.linkname.length > 100) pax.push(["linkpath", e.linkname]);
  if (e.size > MAX_11) pax.push(["size", Buffer.from(String(e.size))]);
  if (e.uid > MAX_7 || e.uid < 0) pax.push(["uid", Buffer.from(String(e.uid))]);
  if (e.gid > MAX_7 || e.gid < 0) pax.push(["gid", Buffer.from(String(e.gid))]);
  if (e.mtime > MAX_11 || e.mtime < 0) pax.push(["mtime", Buffer.from(String(e.mtime))]);
  const ustar = header({
    name: split ? split.name : e.name.subarray(0, 100),
    prefix: split ? split.prefix : Buffer.alloc(0),
    flag: TYPE_FLAG[e.type],
    mode: e.mode & 0o7777,
    uid: clamp(e.uid, MAX_7),
    gid: clamp(e.gid, MAX_7),
    size: e.type === "file" ? clamp(e.size, MAX_11) : 0,
    mtime: clamp(e.mtime, MAX_11),
    linkname: e.linkname ? e.linkname.subarray(0, 100) : Buffer.alloc(0),
  });
  if (pax.length === 0) return ustar;
  const body = Buffer.concat(pax.map(([k, v]) => paxRecord(k, v)));
  const paxHeader = header({
    name: Buffer.from("PaxHeader"),
    prefix: Buffer.alloc(0),
    flag: "x",
    mode: 0o644,
    uid: 0,
    gid: 0,
    size: body.length,
    mtime: clamp(e.mtime, MAX_11),
    linkname: Buffer.alloc(0),
  });
  return Buffer.concat([paxHeader, body, padding(body.length), ustar]);
}

function clamp(v: number, max: number): number {
  return v < 0 ? 0 : Math.min(Math.floor(v), max);
}

/** ustar's name (100 bytes) and prefix (155 bytes), split at a "/"; null when the name fits neither way. */
function splitName(name: Buffer): { name: Buffer; prefix: Buffer } | null {
  if (name.length <= 100) return { name, prefix: Buffer.alloc(0) };
  // The split point is a "/" with at most 155 bytes before it and at most 100 after (the last one that works).
  for (let i = Math.min(name.length - 1, 155); i > 0; i--) {
    if (name[i] === 0x2f && name.length - i - 1 <= 100 && name.length - i - 1 > 0) {
      return { prefix: name.subarray(0, i), name: name.subarray(i + 1) };
    }
  }
  return null;
}

/** "<length> <key>=<value>\n", the length counting its own digits. */
function paxRecord(key: string, value: Buffer): Buffer {
  const rest = 1 + key.length + 1 + value.length + 1; // " " key "=" value "\n"
  let digits = String(rest).length;
  while (String(rest + digits).length !== digits) digits++;
  const len = rest + digits;
  return Buffer.concat([Buffer.from(`${len} ${key}=`), value, Buffer.from("\n")]);
}

interface Fields {
  name: Buffer;
  prefix: Buffer;
  flag: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname: Buffer;
}

function header(f: Fields): Buffer {
  const h = Buffer.alloc(BLOCK);
  f.name.copy(h, 0);
  octal(h, 100, 8, f.mode);
  octal(h, 108, 8, f.uid);
  octal(h, 116, 8, f.gid);
  octal(h, 124, 12, f.size);
  octal(h, 136, 12, f.mtime);
  h.write(f.flag, 156, 1, "latin1");
  f.linkname.copy(h, 157);
  h.write("ustar\0", 257, 6, "latin1");
  h.write("00", 263, 2, "latin1");
  f.prefix.copy(h, 345);
  // The checksum: the sum of all header bytes with the checksum field taken as spaces.
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, 8, "latin1");
  return h;
}

function octal(h: Buffer, off: number, len: number, v: number): void {
  h.write(v.toString(8).padStart(len - 1, "0") + "\0", off, len, "latin1");
}
