// target-info: what a target is (hostname, domain, OS, version, loader, path, id), as text or JSON.
import yargs from "yargs";
import { defaultRegistry } from "../../plugins/index.js";
import { UsageError } from "../plugin/args.js";
import { pluginPaths, withExternalPlugins } from "../plugin/external.js";
import { jsonDynamic } from "../records/render.js";
import { Target } from "../target.js";
import { Logger } from "../util/log.js";
import { maxInflateArg } from "./budgets.js";
import { EXIT_ERRORS, EXIT_OK, expandAtFiles, preprocessArgv, printLine, reportExternalPlugins, type CliIO } from "./common.js";
import { TARGET_INFO } from "./spec/target-info.js";
import { applySpec } from "./spec/yargs.js";

export async function main(argv: string[], io: CliIO): Promise<number> {
  const args = applySpec(yargs(preprocessArgv(argv)), TARGET_INFO)
    .version(false)
    .strictOptions()
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    })
    .parseSync();
  if (args.help) return EXIT_OK;
  const maxInflate = maxInflateArg(args["max-inflate"]);
  const targets = expandAtFiles((args._ as (string | number)[]).map(String));
  if (targets.length === 0) throw new UsageError("no targets given");
  // External OS plugins take part in detection; the failures are reported (warnings only: target-info has no -v/-q),
  // the built-in ones still detect.
  const registry = await withExternalPlugins(defaultRegistry, pluginPaths(args["plugin-path"]));
  reportExternalPlugins(registry, new Logger((line) => io.stderr.write(line), "warning"));
  let failed = false;
  let first = true;
  for (const p of targets) {
    let t: Target;
    try {
      t = await Target.open(p, { loader: args.loader, maxInflate, osPlugins: registry.osPlugins });
    } catch (e) {
      printLine(io.stderr, `error: ${(e as Error).message}`);
      failed = true;
      continue;
    }
    try {
      const info = {
        path: t.path,
        id: t.id,
        loader: t.loader,
        hostname: t.hostname,
        domain: t.domain,
        os: t.os,
        version: t.version,
        mounts: t.fs.mountPoints.map((m) => `${m.point} (${m.kind})`),
        warnings: [...t.warnings],
      };
      if (args.json) io.stdout.write(jsonDynamic(info) + "\n");
      else {
        if (!first) io.stdout.write("-".repeat(70) + "\n");
        const width = 10;
        // Read by a person: every value is made printable (the JSON form escapes them as JSON does).
        for (const [k, v] of Object.entries(info)) {
          const text = Array.isArray(v) ? v.join(", ") : v === null ? "None" : String(v);
          printLine(io.stdout, `${k.padEnd(width)}: ${text}`);
        }
      }
      first = false;
    } finally {
      t.close();
    }
  }
  return failed ? EXIT_ERRORS : EXIT_OK;
}
