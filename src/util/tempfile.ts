// Temporary files that never outlive the process. A file is created in a fresh private directory
// (mkdtemp, mode 0700) and, on POSIX, unlinked at once while its descriptor stays open, so nothing is left
// on disk whatever happens afterwards (errors, Ctrl-C, SIGTERM, even SIGKILL). Where unlinking an open file
// is refused (Windows), the path is removed at close, on process exit, and on SIGINT/SIGTERM/SIGHUP.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const pending = new Set<string>(); // directories still on disk
let handlersInstalled = false;

function removeAll(): void {
  for (const d of pending) {
    try {
      fs.rmSync(d, { recursive: true, force: true });
    } catch {
      /* best effort at exit */
    }
  }
  pending.clear();
}

const onSignal = (sig: NodeJS.Signals): void => {
  removeAll();
  uninstall();
  process.kill(process.pid, sig); // default action again (exit with the signal)
};

function install(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on("exit", removeAll);
  for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(s, onSignal);
}

function uninstall(): void {
  if (!handlersInstalled) return;
  handlersInstalled = false;
  process.off("exit", removeAll);
  for (const s of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.off(s, onSignal);
}

/** The directory temporary files go to: QUARRY_TMPDIR, else the OS's. */
export function tempRoot(): string {
  return process.env.QUARRY_TMPDIR || os.tmpdir();
}

export interface TempFile {
  /** Open read-write descriptor. */
  readonly fd: number;
  /** Close the descriptor and remove anything left on disk. Idempotent. */
  dispose(): void;
}

export function createTempFile(prefix = "quarry-"): TempFile {
  const dir = fs.mkdtempSync(path.join(tempRoot(), prefix));
  pending.add(dir);
  install();
  let fd: number;
  const file = path.join(dir, "data");
  try {
    fd = fs.openSync(file, "wx+", 0o600);
  } catch (e) {
    drop(dir);
    throw e;
  }
  try {
    fs.unlinkSync(file);
    fs.rmdirSync(dir);
    pending.delete(dir);
    if (pending.size === 0) uninstall();
  } catch {
    /* keep it registered: removed at dispose or exit */
  }
  let open = true;
  return {
    fd,
    dispose() {
      if (!open) return;
      open = false;
      try {
        fs.closeSync(fd);
      } finally {
        drop(dir);
      }
    },
  };
}

function drop(dir: string): void {
  if (pending.has(dir)) {
    fs.rmSync(dir, { recursive: true, force: true });
    pending.delete(dir);
    if (pending.size === 0) uninstall();
  }
}
