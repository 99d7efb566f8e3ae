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
  /** Paths that could not be read: named on stderr, left out of the archive. */
  skipped: string[];
}

/** Every path below the given ones (directories recursively, links as links, never followed). */
function* expand(fs: RootFilesystem, paths: readonly string[]): Generator<string> {
  const seen = new Set<string>();
  for (const p of paths) {
    const start = fs.realpath(p);
    const todo = [start];
    while (todo.length) {
      const cur = todo.pop()!;
      if (seen.has(cur)) continue;
      seen.add(cur);
      yield cur;
      let st: FileStat;
      try {
        st = fs.lstat(cur);
      } catch {
        continue;
      }
      if (st.type !== "dir") continue;
      const children = fs.scandir(cur).map((e) => (cur === "/" ? "/" + e.name : cur + "/" + e.name));
      todo.push(...children.reverse());
    }
  }
}

export async function exportTar(fs: RootFilesystem, paths: readonly string[], out: Output): Promise<ExportResult> {
  const result: ExportResult = { entries: 0, bytes: 0, skipped: [] };
  const put = async (chunk: Uint8Array): Promise<void> => {
    const p = out.write(chunk);
    if (p) await p;
  };
  for (const p of expand(fs, paths)) {
    let st: FileStat;
    try {
      st = fs.lstat(p);
    } catch {
      result.skipped.push(p);
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
      } catch {
        result.skipped.push(p);
        continue;
      }
      try {
        await put(encodeEntry({ ...base, type: "file", name: encodeSurrogateEscape(rel), size: h.size }));
        for (let pos = 0; pos < h.size; ) {
          const buf = Buffer.allocUnsafe(Math.min(CHUNK, h.size - pos));
          const n = h.read(buf, 0, buf.length, pos);
          // The header promised h.size bytes: a file that shrank cannot be finished, and the archive would lie.
          if (n <= 0) throw new Error(`${p}: short read at offset ${pos}`);
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
    } else continue; // devices, fifos, sockets: nothing to copy
    await put(encodeEntry(head));
    result.entries++;
  }
  await put(trailer());
  return result;
}
