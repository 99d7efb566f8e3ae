// target-fs … tar PATH…: copy part of a target out as a tar stream (ustar, PAX for long names), with the modes,
// owners, times and links the target has. Written with tar-stream's packer, which is what it serves best: a
// streaming writer with backpressure, so a multi-gigabyte log directory never sits in memory.
import { once } from "node:events";
import tar from "tar-stream";
import type { RootFilesystem } from "../fs/root.js";
import type { FileStat } from "../fs/types.js";
import type { Output } from "../records/output.js";

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
  const pack = tar.pack();
  // Drain the packer into the output with backpressure (never ending the output: it may be stdout). If the
  // output fails (a full disk, a reader that went away), the packer is destroyed, so that no write below waits
  // for a "drain" that will never come, and the OutputError is what exportTar throws.
  let failure: unknown = null;
  let stop: (e: unknown) => void = () => {};
  const stopped = new Promise<never>((_, reject) => (stop = reject));
  stopped.catch(() => {});
  /** Wait for p, or stop waiting once the output has failed (a destroyed packer settles nothing for sure). */
  const guard = <T>(p: Promise<T>): Promise<T> => {
    p.catch(() => {}); // its rejection after the race is lost must not be an unhandled one
    return Promise.race([p, stopped]);
  };
  const done = (async () => {
    for await (const chunk of pack) {
      const p = out.write(chunk as Uint8Array);
      if (p) await p;
    }
  })().catch((e: unknown) => {
    failure = e;
    stop(e);
    pack.destroy(e as Error);
  });
  const result: ExportResult = { entries: 0, bytes: 0, skipped: [] };
  try {
    await packAll(fs, paths, pack, result, guard);
  } catch (e) {
    if (!failure) throw e;
  }
  await done;
  if (failure) throw failure;
  return result;
}

async function packAll(
  fs: RootFilesystem,
  paths: readonly string[],
  pack: tar.Pack,
  result: ExportResult,
  guard: <T>(p: Promise<T>) => Promise<T>,
): Promise<void> {
  for (const p of expand(fs, paths)) {
    let st: FileStat;
    try {
      st = fs.lstat(p);
    } catch {
      result.skipped.push(p);
      continue;
    }
    const name = p === "/" ? "./" : p.slice(1);
    const base = { name, mode: st.mode, uid: st.uid, gid: st.gid, mtime: st.mtime ? st.mtime.toDate() : new Date(0) };
    if (st.type === "dir") {
      await guard(addEntry(pack, { ...base, type: "directory" }));
    } else if (st.type === "symlink") {
      await guard(addEntry(pack, { ...base, type: "symlink", linkname: fs.readlink(p) }));
    } else if (st.type === "file") {
      let h;
      try {
        h = fs.open(p);
      } catch {
        result.skipped.push(p);
        continue;
      }
      try {
        const entry = pack.entry({ ...base, type: "file", size: h.size });
        const finished = new Promise<void>((resolve, reject) => {
          entry.on("finish", resolve);
          entry.on("error", reject);
        });
        for (let pos = 0; pos < h.size; ) {
          const buf = Buffer.allocUnsafe(Math.min(CHUNK, h.size - pos));
          const n = h.read(buf, 0, buf.length, pos);
          if (n <= 0) throw new Error(`${p}: short read at offset ${pos}`);
          if (!entry.write(n === buf.length ? buf : buf.subarray(0, n))) await guard(once(entry, "drain"));
          pos += n;
        }
        entry.end(null);
        await guard(finished);
        result.bytes += h.size;
      } finally {
        h.close();
      }
    } else continue; // devices, fifos, sockets: nothing to copy
    result.entries++;
  }
  pack.finalize();
}

function addEntry(pack: tar.Pack, header: Partial<tar.Header> & { name: string }): Promise<void> {
  return new Promise((resolve, reject) => pack.entry(header, (err) => (err ? reject(err) : resolve())));
}
