// Reading a target file in chunks for cat, hexdump, hash and cp: only regular files are opened (a FIFO or a
// device in a collection is never opened, whatever it claims).
import type { RootFilesystem } from "../../fs/root.js";

const CHUNK = 1024 * 1024;

export function openRegular(fs: RootFilesystem, path: string) {
  const st = fs.stat(path);
  if (st.type === "dir") throw new Error(`EISDIR: is a directory: ${path}`);
  if (st.type !== "file") throw new Error(`${path}: a ${st.type}, not a regular file: not opened`);
  return fs.open(path);
}

/**
 * Each chunk of the file in order; at most `limit` bytes. A fresh Buffer each time, safe to keep (a stream may
 * hold it), unless `transient`: then one buffer is reused, for a callback done with a chunk when it returns
 * (a hash, a writeSync) — a fresh 1 MiB per chunk cost hash 5× the page faults and 25 MB of RSS on a 1 GiB file.
 */
export async function forEachChunk(
  fs: RootFilesystem,
  path: string,
  each: (chunk: Buffer) => void | Promise<void>,
  limit = Infinity,
  transient = false,
): Promise<void> {
  const h = openRegular(fs, path);
  try {
    let pos = 0;
    const end = Math.min(h.size, limit);
    const shared = transient ? Buffer.allocUnsafe(Math.min(CHUNK, end)) : null;
    while (pos < end) {
      const want = Math.min(CHUNK, end - pos);
      const buf = shared ? shared.subarray(0, want) : Buffer.allocUnsafe(want);
      const n = h.read(buf, 0, buf.length, pos);
      if (n <= 0) break;
      await each(n === buf.length ? buf : buf.subarray(0, n));
      pos += n;
    }
  } finally {
    h.close();
  }
}
