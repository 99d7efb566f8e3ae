// /etc/ld.so.preload: libraries the dynamic loader maps into every dynamically linked program before its own.
// It is meant for emergencies and testing (glibc's rtld says so); an entry on a server is a rootkit's favourite
// hook, so every one is also a warning. glibc reads it as names separated by blanks, newlines or ":", with
// "#" comments to the end of the line.
import { absent, definePlugin, defineRecord, ok } from "quarry";
import { configLines, lineWarning, shown, statOrNull } from "../configlines.js";

const PRELOAD = "/etc/ld.so.preload";

export const LdPreloadRecord = defineRecord("linux/ld_preload", {
  // the preload file's mtime
  ts: "datetime",
  // the library as written (glibc looks a name without "/" up as it does a DT_NEEDED one)
  library: "string",
  // the library exists inside the target (a missing one makes every program print an error, and run)
  exists: "boolean",
  lineno: "varint",
  filepath: "path",
});

/** The names of one line of the preload file: comments cut, split on blanks and ":". */
export function preloadNames(line: string): string[] {
  const hash = line.indexOf("#");
  return (hash >= 0 ? line.slice(0, hash) : line).split(/[ \t\r\v\f:]+/).filter(Boolean);
}

export default definePlugin({
  name: "ld_preload",
  path: "os.unix.linux.ld_preload",
  description: "Libraries in /etc/ld.so.preload",
  paths: [PRELOAD],
  checkCompatible: (t) => (t.fs.isFile(PRELOAD) ? ok() : absent("no /etc/ld.so.preload")),
  functions: {
    ld_preload: {
      output: "records",
      description: "One record per library /etc/ld.so.preload makes every dynamically linked program load (each also a warning)",
      records: [LdPreloadRecord],
      *run(t, ctx) {
        const ts = statOrNull(t, PRELOAD)?.mtime ?? null;
        for (const line of configLines(t, ctx, PRELOAD)) {
          for (const library of preloadNames(line.text)) {
            lineWarning(ctx, PRELOAD, line, `${shown(library)} is preloaded into every dynamically linked program`);
            const exists = library.includes("/") ? t.fs.isFile(library) : null;
            yield LdPreloadRecord.create({ ts, library, exists, lineno: line.lineno, filepath: PRELOAD });
          }
        }
      },
    },
  },
});
