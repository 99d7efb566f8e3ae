// The batch's temp files (spools, the report's side file): on Linux opened with O_TMPFILE, so they never have a
// name at all. createTempFile (src/util/tempfile.ts) names the file for an instant and guards that instant with
// signal listeners; a signal that arrives just then is taken by the listener and lost once it is removed, and
// the batch creates a spool for every target, right when output is flowing. Elsewhere (or on a filesystem
// without O_TMPFILE) it falls back to createTempFile.
import fs from "node:fs";
import { createTempFile, tempRoot, type TempFile } from "../util/tempfile.js";

/** Linux's O_TMPFILE (__O_TMPFILE | O_DIRECTORY) on the common architectures; Node does not export it. */
const O_TMPFILE = 0o20000000 | fs.constants.O_DIRECTORY;
/** What a kernel or filesystem without O_TMPFILE answers. */
const UNSUPPORTED = new Set(["EOPNOTSUPP", "ENOTSUP", "EISDIR", "EINVAL"]);

export function anonymousTempFile(prefix: string): TempFile {
  if (process.platform === "linux") {
    let fd = -1;
    try {
      fd = fs.openSync(tempRoot(), O_TMPFILE | fs.constants.O_RDWR, 0o600);
    } catch (e) {
      if (!UNSUPPORTED.has((e as NodeJS.ErrnoException).code ?? "")) throw e;
    }
    if (fd >= 0) {
      let open = true;
      return {
        fd,
        dispose() {
          if (open) fs.closeSync(fd);
          open = false;
        },
      };
    }
  }
  return createTempFile(prefix);
}
