// Reading journal files in the tests: one file or bytes straight through the reader (no target), or a whole
// target through the plugin as target-query runs it.
import fs from "node:fs";
import { DataCache } from "../../../../../../plugins/os/unix/log/journal/cache.js";
import { JournalFile, type Shared } from "../../../../../../plugins/os/unix/log/journal/file.js";
import { interleave } from "../../../../../../plugins/os/unix/log/journal/merge.js";
import { FileReport } from "../../../../../../plugins/os/unix/log/journal/report.js";
import { BlockCache } from "../../../../../../plugins/os/unix/log/journal/source.js";
import type { FileHandle, Issue } from "../../../../../../src/index.js";
import type { AnyRecord } from "../../../../../../src/records/descriptor.js";
import { DEFAULT_MAX_OUTPUT } from "../../../../../../plugins/os/unix/log/journal/decompress.js";

export interface Read {
  records: AnyRecord[];
  errors: Issue[];
  warnings: Issue[];
}

export function bytesHandle(b: Uint8Array): FileHandle {
  return {
    size: b.length,
    read(buf, offset, length, position) {
      const n = Math.max(0, Math.min(length, b.length - position));
      buf.set(b.subarray(position, position + n), offset);
      return n;
    },
    close() {},
  };
}

export function fileHandle(path: string): FileHandle {
  const fd = fs.openSync(path, "r");
  return {
    size: fs.fstatSync(fd).size,
    read: (buf, offset, length, position) => fs.readSync(fd, buf, offset, length, position),
    close: () => fs.closeSync(fd),
  };
}

export function shared(maxPayload = DEFAULT_MAX_OUTPUT): Shared {
  return { blocks: new BlockCache(), data: new DataCache(), maxPayload };
}

/** Every record of the files (one group, interleaved), named by `names` in the issues. */
export function readHandles(items: { name: string; handle: FileHandle }[], s: Shared = shared()): Read {
  const out: Read = { records: [], errors: [], warnings: [] };
  const ctx = { warn: (i: Issue) => out.warnings.push(i), error: (i: Issue) => out.errors.push(i) };
  const files: JournalFile[] = [];
  for (const { name, handle } of items) {
    const f = JournalFile.open(name, handle, s, new FileReport(name, ctx));
    if (f) files.push(f);
  }
  for (const r of interleave(files, () => {})) out.records.push(r);
  for (const f of files) f.close();
  return out;
}

export function readBytes(b: Uint8Array, name = "/var/log/journal/m/system.journal", s?: Shared): Read {
  return readHandles([{ name, handle: bytesHandle(b) }], s);
}

export function readPath(path: string, s?: Shared): Read {
  return readHandles([{ name: path, handle: fileHandle(path) }], s);
}
