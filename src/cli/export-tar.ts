// target-fs … tar PATH…: copy part of a target out as a tar stream (ustar, PAX where ustar cannot hold a value),
// with the modes, owners, times and links the target has, and its names as the bytes they are (tar-writer.ts).
// Written through an Output with backpressure, so a multi-gigabyte log directory never sits in memory; a
// destination that fails throws its OutputError out of exportTar.
import type { RootFilesystem } from "../fs/root.js";
import type { FileStat } from "../fs/types.js";
import type { Output } from "../records/output.js";
import { encodeSurrogateEscape } from "../util/text.js";
import { encodeEntry, padding, trailer, type TarEntry } from "./tar-writer.js";

const CHUNK = 1 << 20;

export interface ExportResult {
  entries: number;
  bytes: number;
  /** What could not be copied, with the reason: named on stderr, left out of (or cut short in) the archive. */
  skipped: { path: string; reason: string }[];
}

/**
 * Every path at and below the given ones: directories through the root's own walk (pre-order, iterative, links
 * listed and never descended, paths past PATH_MAX told to onError), each path once.
 */
function* expand(fs: RootFilesystem, paths: readonly string[], onError: (p: string, reason: string) => void): Generator<string> {
  const seen = new Set<string>();
  for (const p of paths) {
    const start = fs.realpath(p);
    if (!seen.has(start)) {
      seen.add(start);
      yield start;
    }
    if (!fs.isDir(start)) continue;
    for (const { path } of fs.walk(start, { onError: (q, e) => onError(q, e.message) })) {
      if (seen.has(path)) continue;
      seen.add(path);
      yield path;
    }
  }
}

export async function exportTar(fs: RootFilesystem, paths: readonly string[], out: Output): Promise<ExportResult> {
  const result: ExportResult = { entries: 0, bytes: 0, skipped: [] };
  const skip = (path: string, reason: string): void => void result.skipped.push({ path, reason });
  const put = async (chunk: Uint8Array): Promise<void> => {
    const p = out.write(chunk);
    if (p) await p;
  };
  for (const p of expand(fs, paths, (q, reason) => skip(q, `not listed: ${reason}`))) {
    let st: FileStat;
    try {
      st = fs.lstat(p);
    } catch (e) {
      skip(p, (e as Error).message);
      continue;
    }
    const rel = p === "/" ? "." : p.slice(1);
    const base = { mode: st.mode, uid: st.uid, gid: st.gid, mtime: st.mtime ? st.mtime.seconds : 0, size: 0 };
    let head: TarEntry;
    if (st.type === "dir") head = { ...base, type: "dir", name: encodeSurrogateEscape(rel + "/") };
    else if (st.type === "symlink") head = { ...base, type: "symlink", name: encodeSurrogateEscape(rel), linkname: encodeSurrogateEscape(fs.readlink(p)) };
    else if (st.type === "file") {
      let h;
      try {
        h = fs.open(p);
      } catch (e) {
        skip(p, (e as Error).message);
        continue;
      }
      try {
        await put(encodeEntry({ ...base, type: "file", name: encodeSurrogateEscape(rel), size: h.size }));
        for (let pos = 0; pos < h.size; ) {
          const buf = Buffer.allocUnsafe(Math.min(CHUNK, h.size - pos));
          const n = h.read(buf, 0, buf.length, pos);
          if (n <= 0) {
            // The header promised h.size bytes: the rest is zeros (the archive stays readable) and it is said.
            skip(p, `shrank while it was read: zeros from offset ${pos} to ${h.size}`);
            for (let z = pos; z < h.size; z += CHUNK) await put(Buffer.alloc(Math.min(CHUNK, h.size - z)));
            break;
          }
          await put(n === buf.length ? buf : buf.subarray(0, n));
          pos += n;
        }
        await put(padding(h.size));
        result.bytes += h.size;
      } finally {
        h.close();
      }
      result.entries++;
      continue;
    } else if (st.type === "fifo") head = { ...base, type: "fifo", name: encodeSurrogateEscape(rel) };
    else {
      // A device's numbers are not kept by every backend, and a socket has no tar form: named, not faked.
      skip(p, `a ${st.type}, which this export does not write`);
      continue;
    }
    await put(encodeEntry(head));
    result.entries++;
  }
  await put(trailer());
  return result;
}
