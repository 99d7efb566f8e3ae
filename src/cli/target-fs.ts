// target-fs: look inside any target the way the plugins see it.
//   target-fs [-L LOADER] [-q] TARGET ls [-l] [PATH] | cat PATH | stat PATH | walk [PATH] | find GLOB | tar PATH…
import type { FileStat } from "../fs/types.js";
import { Target } from "../target.js";
import { exportTar } from "./export-tar.js";
import { maxInflateArg } from "./budgets.js";
import { EXIT_ERRORS, EXIT_NO_TARGET, EXIT_OK, EXIT_USAGE, UsageError, type CliIO } from "./common.js";
import { TARGET_FS } from "./spec/target-fs.js";
import { epilogText, flagsOf, type CliSpec } from "./spec/types.js";

/** The help, from the declaration (spec/target-fs.ts). */
export function usageText(spec: CliSpec = TARGET_FS): string {
  const cmds = spec.commands ?? [];
  const cw = Math.max(...cmds.map((c) => c.usage.length)) + 3;
  const flags = Object.entries(spec.options).map(([name, o]) => [flagsOf(name, o).join(", ") + (o.type === "string" ? ` ${o.value ?? "VALUE"}` : ""), o.describe] as const);
  const fw = Math.max(...flags.map(([f]) => f.length)) + 2;
  let out = `usage: ${spec.name} ${spec.usage}\n\n${spec.description}\n\ncommands:\n`;
  for (const c of cmds) out += `  ${c.usage.padEnd(cw)}${c.describe}\n`;
  out += "\noptions:\n";
  for (const [f, d] of flags) out += `  ${f.padEnd(fw)}${d}\n`;
  out += "\n" + epilogText(spec) + "\n";
  return out;
}

const USAGE = usageText();
const COMMANDS = (TARGET_FS.commands ?? []).map((c) => c.name);
const NEEDS_OPERAND = new Set((TARGET_FS.commands ?? []).filter((c) => c.needsOperand).map((c) => c.name));
/** "-L" / "--loader" → "loader", from the declaration. */
const FLAGS = new Map(Object.entries(TARGET_FS.options).flatMap(([name, o]) => flagsOf(name, o).map((f) => [f, name] as const)));

interface Parsed {
  loader?: string;
  maxInflate?: number;
  quiet: boolean;
  long: boolean;
  rest: string[];
}

function parse(argv: readonly string[]): Parsed {
  const out: Parsed = { quiet: false, long: false, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") {
      out.rest.push(...argv.slice(i + 1));
      break;
    }
    const eq = a.startsWith("--") ? a.indexOf("=") : -1;
    const option = FLAGS.get(eq > 0 ? a.slice(0, eq) : a);
    if (option === "loader") {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a loader name`);
      out.loader = v;
    } else if (option === "max-inflate") {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a size`);
      out.maxInflate = maxInflateArg(v);
    } else if (option === "quiet" && eq < 0) out.quiet = true;
    else if (a === "-l" && out.rest.length >= 2) out.long = true; // ls -l
    else if (option === "help" && eq < 0) out.rest.unshift("help");
    else if (a.startsWith("-") && a !== "-") throw new UsageError(`unknown option ${a}`);
    else out.rest.push(a);
  }
  return out;
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const args = parse(argv);
  if (args.rest[0] === "help") {
    io.stdout.write(USAGE);
    return EXIT_OK;
  }
  if (args.rest.length === 0) {
    io.stderr.write(USAGE);
    return EXIT_USAGE;
  }
  const [targetPath, cmd, ...operands] = args.rest as [string, string | undefined, ...string[]];
  if (!cmd) throw new UsageError(`no command given (${COMMANDS.join(", ")})`);
  if (!COMMANDS.includes(cmd)) throw new UsageError(`unknown command ${cmd} (${COMMANDS.join(", ")})`);
  if (NEEDS_OPERAND.has(cmd) && operands.length === 0) throw new UsageError(`${cmd} needs a path`);

  let target: Target;
  try {
    target = await Target.open(targetPath, { loader: args.loader, maxInflate: args.maxInflate });
  } catch (e) {
    io.stderr.write(`target-fs: error: ${(e as Error).message}\n`);
    return EXIT_NO_TARGET;
  }
  if (!args.quiet) for (const w of target.warnings) io.stderr.write(`target-fs: warning: ${targetPath}: ${w}\n`);
  let failed = false;
  try {
    if (cmd === "tar") {
      const r = await exportTar(target.fs, operands, io.stdout);
      for (const p of r.skipped) io.stderr.write(`target-fs: tar: unreadable, left out: ${p}\n`);
      return r.skipped.length ? EXIT_ERRORS : EXIT_OK;
    }
    const paths = operands.length ? operands : ["/"];
    for (const p of paths) {
      try {
        await run(target, cmd, p, args.long, io);
      } catch (e) {
        io.stderr.write(`target-fs: ${cmd}: ${(e as Error).message}\n`);
        failed = true;
      }
    }
  } finally {
    target.close();
  }
  return failed ? EXIT_ERRORS : EXIT_OK;
}

async function run(t: Target, cmd: string, p: string, long: boolean, io: CliIO): Promise<void> {
  const fs = t.fs;
  switch (cmd) {
    case "ls": {
      const st = fs.stat(p);
      if (st.type !== "dir") {
        await write(io, (long ? longLine(t, p, fs.lstat(p), p) : p) + "\n");
        return;
      }
      let out = "";
      for (const e of fs.scandir(p)) {
        const child = p.endsWith("/") ? p + e.name : p + "/" + e.name;
        if (!long) {
          out += e.name + "\n";
          continue;
        }
        let cst: FileStat | null = null;
        try {
          cst = fs.lstat(child);
        } catch {
          cst = null;
        }
        out += longLine(t, child, cst, e.name) + "\n";
      }
      await write(io, out);
      return;
    }
    case "cat": {
      const h = fs.open(p);
      try {
        const buf = Buffer.allocUnsafe(1024 * 1024);
        let pos = 0;
        while (pos < h.size) {
          const n = h.read(buf, 0, Math.min(buf.length, h.size - pos), pos);
          if (n <= 0) break;
          await write(io, Buffer.from(buf.subarray(0, n)));
          pos += n;
        }
      } finally {
        h.close();
      }
      return;
    }
    case "stat": {
      const st = fs.lstat(p);
      let out = `  path: ${p}\n  type: ${st.type}\n  size: ${st.size}\n  mode: ${modeString(st)} (0${st.mode.toString(8)})\n`;
      out += `   uid: ${st.uid}\n   gid: ${st.gid}\n`;
      out += ` mtime: ${st.mtime?.isoformat(" ") ?? "-"}\n atime: ${st.atime?.isoformat(" ") ?? "-"}\n ctime: ${st.ctime?.isoformat(" ") ?? "-"}\n`;
      if (st.btime) out += ` btime: ${st.btime.isoformat(" ")}\n`;
      if (st.ino !== undefined) out += `   ino: ${String(st.ino)}\n`;
      if (st.type === "symlink") out += `  link: ${fs.readlink(p)}\n`;
      await write(io, out);
      return;
    }
    case "walk": {
      let out = "";
      let failed = false;
      const onError = (_: string, e: Error): void => {
        io.stderr.write(`target-fs: walk: ${e.message}\n`);
        failed = true;
      };
      for (const { path } of fs.walk(fs.realpath(p), { onError })) {
        out += path + "\n";
        if (out.length > 64 * 1024) {
          await write(io, out);
          out = "";
        }
      }
      await write(io, out);
      if (failed) throw new Error(`${p}: some directories were not listed`);
      return;
    }
    case "find": {
      let failed = false;
      const hits = fs.glob(p, {
        onError: (_, e) => {
          io.stderr.write(`target-fs: find: ${e.message}\n`);
          failed = true;
        },
      });
      await write(io, hits.map((h) => h + "\n").join(""));
      if (failed) throw new Error(`${p}: some directories were not searched`);
      return;
    }
  }
}

function longLine(t: Target, p: string, st: FileStat | null, name: string): string {
  if (!st) return `?????????? ${"?".padStart(5)} ${"?".padStart(5)} ${"?".padStart(10)} ${"?".padEnd(19)} ${name}`;
  const mtime = st.mtime ? st.mtime.isoformat(" ").slice(0, 19) : "-".padEnd(19);
  let line = `${modeString(st)} ${String(st.uid).padStart(5)} ${String(st.gid).padStart(5)} ${String(st.size).padStart(10)} ${mtime} ${name}`;
  if (st.type === "symlink") {
    try {
      line += ` -> ${t.fs.readlink(p)}`;
    } catch {
      /* unreadable link */
    }
  }
  return line;
}

const TYPE_CHAR: Record<string, string> = { file: "-", dir: "d", symlink: "l", chardev: "c", blockdev: "b", fifo: "p", socket: "s", other: "?" };

export function modeString(st: FileStat): string {
  const m = st.mode;
  const rwx = (shift: number, special: number, ch: string): string =>
    (m & (4 << shift) ? "r" : "-") + (m & (2 << shift) ? "w" : "-") + (m & special ? (m & (1 << shift) ? ch : ch.toUpperCase()) : m & (1 << shift) ? "x" : "-");
  return (TYPE_CHAR[st.type] ?? "?") + rwx(6, 0o4000, "s") + rwx(3, 0o2000, "s") + rwx(0, 0o1000, "t");
}

function write(io: CliIO, chunk: string | Buffer): Promise<void> {
  if (chunk.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    io.stdout.write(chunk, (e) => (e ? reject(e) : resolve()));
  });
}
