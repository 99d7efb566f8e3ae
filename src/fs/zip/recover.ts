// A zip cut short (a collector killed mid-write, a partial copy) has no central directory: its members are
// found again by walking the local headers from the start, as `zip -FF` does. Sizes come from the local header,
// or, when the writer streamed (flag bit 3: Go's archive/zip, hence Velociraptor; Python's zipfile on a pipe),
// from the data descriptor found after the data: the first descriptor signature whose compressed size equals
// its distance from the data's start. The member the cut falls in is dropped. Local headers hold no file
// modes, owners or link flags: recovered members are regular files (0644) and directories (a name ending "/").
import type { ByteSource } from "../tar/source.js";
import type { ZipEntry } from "./entries.js";
import { decodeName, dosTime, PATH_MAX } from "./entries.js";
import { Window } from "./window.js";

const LOCAL_SIG = 0x04034b50;
const DESC_SIG = 0x08074b50;
const MAX32 = 0xffffffff;
const SCAN = 1024 * 1024;

export interface Recovery {
  entries: ZipEntry[];
  /** Where the walk stopped, and why. */
  stoppedAt: number;
  reason: string;
}

/** The data descriptor after streamed data at `data`: [compressed size, size, crc, descriptor length], or null. */
function findDescriptor(src: ByteSource, data: number): [number, number, number, number] | null {
  const buf = Buffer.allocUnsafe(SCAN + 24);
  for (let from = data; from < src.size; from += SCAN) {
    const n = src.read(buf, 0, buf.length, from);
    for (let i = 0; i + 16 <= n; i++) {
      if (buf[i] !== 0x50 || buf.readUInt32LE(i) !== DESC_SIG) continue;
      const dist = from + i - data;
      if (buf.readUInt32LE(i + 8) === dist % 2 ** 32 && dist < 2 ** 32) return [dist, buf.readUInt32LE(i + 12), buf.readUInt32LE(i + 4), 16];
      if (i + 24 <= n && Number(buf.readBigUInt64LE(i + 8)) === dist) return [dist, Number(buf.readBigUInt64LE(i + 16)), buf.readUInt32LE(i + 4), 24];
    }
    if (n < buf.length) break;
  }
  return null;
}

export function recoverEntries(src: ByteSource): Recovery {
  const win = new Window(src);
  const entries: ZipEntry[] = [];
  let pos = 0;
  for (;;) {
    const h = win.bytes(pos, 30);
    if (!h) return { entries, stoppedAt: pos, reason: pos >= src.size ? "the end of the file" : "a local header cut short" };
    if (h.readUInt32LE(0) !== LOCAL_SIG) return { entries, stoppedAt: pos, reason: "the first record that is not a local header" };
    const flags = h.readUInt16LE(6);
    const nameLen = h.readUInt16LE(26);
    const extraLen = h.readUInt16LE(28);
    const body = win.bytes(pos + 30, nameLen + extraLen);
    if (!body) return { entries, stoppedAt: pos, reason: "a local header cut short" };
    if (nameLen > PATH_MAX) return { entries, stoppedAt: pos, reason: `a name of ${nameLen} bytes` };
    let csize = h.readUInt32LE(18);
    let size = h.readUInt32LE(22);
    let crc = h.readUInt32LE(14);
    // zip64 sizes in the local extra field: uncompressed then compressed.
    const x = body.subarray(nameLen);
    for (let p = 0; p + 4 <= x.length; p += 4 + x.readUInt16LE(p + 2)) {
      if (x.readUInt16LE(p) === 1 && x.readUInt16LE(p + 2) >= 16 && p + 20 <= x.length && (csize === MAX32 || size === MAX32)) {
        size = Number(x.readBigUInt64LE(p + 4));
        csize = Number(x.readBigUInt64LE(p + 12));
      }
    }
    const data = pos + 30 + nameLen + extraLen;
    let next: number;
    if (flags & 8) {
      const d = findDescriptor(src, data);
      if (!d) return { entries, stoppedAt: pos, reason: "a streamed member whose data descriptor is missing (the cut)" };
      [csize, size, crc] = d;
      next = data + csize + d[3];
    } else {
      if (data + csize > src.size) return { entries, stoppedAt: pos, reason: "a member whose data is cut short" };
      next = data + csize;
    }
    const n = decodeName(body.subarray(0, nameLen), (flags & 0x800) !== 0, -1); // the writer's host is not in a local header
    const dir = n.endsWith("/");
    entries.push({
      name: n,
      entryOffset: pos,
      flags,
      method: h.readUInt16LE(8),
      crc,
      compressedSize: csize,
      size,
      localOffset: pos,
      type: dir ? "dir" : "file",
      mode: dir ? 0o755 : 0o644,
      uid: 0,
      gid: 0,
      mtime: dosTime(h.readUInt16LE(12), h.readUInt16LE(10)),
      atime: null,
    });
    pos = next;
  }
}
