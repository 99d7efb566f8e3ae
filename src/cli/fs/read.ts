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

/** Each chunk of the file in order (a fresh Buffer each time, safe to keep); at most `limit` bytes. */
export async function forEachChunk(fs: RootFilesystem, path: string, each: (chunk: Buffer) => void | Promise<void>, limit = Infinity): Promise<void> {
  const h = openRegular(fs, path);
  try {
    let pos = 0;
    const end = Math.min(h.size, limit);
    while (pos < end) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, end - pos));
      const n = h.read(buf, 0, buf.length, pos);
      if (n <= 0) break;
      await each(n === buf.length ? buf : buf.subarray(0, n));
      pos += n;
    }
  } finally {
    h.close();
  }
}
