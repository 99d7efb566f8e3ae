// target-info: what a target is (src/cli/describe.ts), as text for a person, or JSON.
import yargs from "yargs";
import { defaultRegistry } from "../../plugins/index.js";
import { UsageError } from "../plugin/args.js";
import { pluginPaths, withExternalPlugins } from "../plugin/external.js";
import { jsonDynamic } from "../records/render.js";
import { loaderByName } from "../../loaders/index.js";
import { Target } from "../target.js";
import { Logger, type Level } from "../util/log.js";
import { maxInflateArg } from "./budgets.js";
import { EXIT_ERRORS, EXIT_NO_TARGET, EXIT_OK, expandAtFiles, preprocessArgv, printLine, reportExternalPlugins, versionLine, wantsVersion, type CliIO } from "./common.js";
import { describeTarget, type TargetDescription } from "./describe.js";
import { TARGET_INFO } from "./spec/target-info.js";
import { applySpec } from "./spec/yargs.js";

export async function main(argv: string[], io: CliIO): Promise<number> {
  if (wantsVersion(argv)) {
    printLine(io.stdout, versionLine("target-info"));
    return EXIT_OK;
  }
  const args = applySpec(yargs(preprocessArgv(argv)), TARGET_INFO)
    .version(false)
    .strictOptions()
    .exitProcess(false)
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    })
    .parseSync();
  if (args.help) return EXIT_OK;
  if (args.json && args.jsonlines) throw new UsageError("-j and -J: choose one");
  const maxInflate = maxInflateArg(args["max-inflate"]);
  const targets = expandAtFiles((args._ as (string | number)[]).map(String));
  if (targets.length === 0) throw new UsageError("no targets given");
  if (args.loader !== undefined && !loaderByName(args.loader)) throw new UsageError(`unknown loader "${args.loader}" (see target-query -l)`);
  // Warnings by default (what a property does not apply to is no news here); -v adds it, -vv debug.
  const verbose = args.verbose ?? 0;
  const level: Level = args.quiet ? "error" : verbose >= 2 ? "debug" : verbose === 1 ? "verbose" : "warning";
  const log = new Logger((line) => io.stderr.write(line), level);
  // External plugins take part (OS detection, properties); their failures are reported, the built-ins still run.
  const registry = await withExternalPlugins(defaultRegistry, pluginPaths(args["plugin-path"]));
  reportExternalPlugins(registry, log);
  let failed = 0;
  let partly = 0;
  let first = true;
  for (const p of targets) {
    let t: Target;
    try {
      t = await Target.open(p, { loader: args.loader, maxInflate, osPlugins: registry.osPlugins });
    } catch (e) {
      log.error((e as Error).message);
      failed++;
      continue;
    }
    try {
      const d = await describeTarget(t, registry, log);
      if (d.unreadable.length) partly++;
      if (args.jsonlines) io.stdout.write(jsonDynamic(d) + "\n");
      // jsonDynamic escapes as rdump's JSON does; re-indented for a person to read
      else if (args.json) io.stdout.write(JSON.stringify(JSON.parse(jsonDynamic(d)), null, 2) + "\n");
      else {
        if (!first) io.stdout.write("-".repeat(70) + "\n");
        for (const line of textLines(d)) printLine(io.stdout, line);
      }
      first = false;
    } finally {
      t.close();
    }
  }
  // as target-query: 3 when no target could be opened, 1 when some could not
  // and 1 when part of one could not be read (an encrypted or damaged disk volume)
  return failed === targets.length ? EXIT_NO_TARGET : failed || partly ? EXIT_ERRORS : EXIT_OK;
}

const WIDTH = 13;

/** The text form: one `key : value` line each; every value made printable by printLine. */
export function textLines(d: TargetDescription): string[] {
  const from = (v: string | null, source: string | undefined): string => (v === null ? "None" : source ? `${v} (from ${source})` : v);
  const rows: [string, string][] = [
    ["path", d.path],
    ["id", d.id],
    ["loader", d.loader],
    ["hostname", d.hostname ?? "None"],
    ["domain", d.domain ?? "None"],
    ["ips", d.ips.join(", ")],
    ["os", d.os ?? "None"],
    ["version", d.version ?? "None"],
    ["architecture", from(d.architecture, d.sources.architecture)],
    ["timezone", from(d.timezone, d.sources.timezone)],
    ["install_date", from(d.install_date, d.sources.install_date)],
    ["last_activity", from(d.last_activity, d.sources.activity)],
    ["users", d.users.map((u) => `${u.name} (${u.shell})`).join(", ")],
    ["mounts", d.mounts.join(", ")],
  ];
  const lines = rows.map(([k, v]) => `${k.padEnd(WIDTH)}: ${v}`);
  // a disk image: the container on the row, one volume a line below it
  const [disk, ...volumes] = d.layout;
  if (disk !== undefined) lines.push(`${"disk".padEnd(WIDTH)}: ${disk}`, ...volumes.map((v) => `  - ${v}`));
  if (d.unreadable.length) {
    lines.push(`${"not read".padEnd(WIDTH)}: ${d.unreadable.length}`, ...d.unreadable.map((u) => `  - ${u}`));
  }
  lines.push(`${"warnings".padEnd(WIDTH)}: ${d.warnings.length ? `${d.warnings.length}` : ""}`);
  // one warning a line: a fleet's worth of them joined with commas is unreadable
  for (const w of d.warnings) lines.push(`  - ${w}`);
  return lines;
}
