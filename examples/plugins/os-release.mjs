// An external plugin as small as one can be: one record per KEY=value line of /etc/os-release.
//   npx target-query --plugin-path examples/plugins -f os_release fixtures/hosts/web01.tar
// It imports quarry's public API by name; the quarry that loads it provides it (docs/writing-plugins.md §9).
import { absent, definePlugin, defineRecord, ok } from "quarry";

const OsReleaseRecord = defineRecord("example/os_release", { key: "string", value: "string", lineno: "varint", filepath: "path" });
const FILE = "/etc/os-release";

export default definePlugin({
  name: "os_release",
  path: "os.unix.example.os_release",
  description: "Example external plugin: the KEY=value lines of /etc/os-release",
  paths: [FILE],
  checkCompatible: (t) => (t.fs.isFile(FILE) ? ok() : absent(`no ${FILE}`)),
  functions: {
    os_release: {
      output: "records",
      description: "One record per KEY=value line of /etc/os-release (quotes removed)",
      records: [OsReleaseRecord],
      *run(t, ctx) {
        const head = t.fs.readTextHead(FILE, 64 * 1024);
        if (head.truncated) ctx.warn({ message: "longer than 64 KiB: read up to there", file: FILE });
        let lineno = 0;
        for (const line of head.text.split("\n")) {
          lineno++;
          const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
          if (m) yield OsReleaseRecord.create({ key: m[1], value: m[2].replace(/^(["'])(.*)\1$/, "$2"), lineno, filepath: FILE });
        }
      },
    },
  },
});
