// The shell's state (the open targets, which one is entered, each one's working directory) and one line's
// execution: a built-in, a file command (src/cli/fs, as target-fs runs them) or a plugin function.
import nodeFs from "node:fs";
import { spawn } from "node:child_process";
import { PassThrough, Writable } from "node:stream";
import { finished } from "node:stream/promises";
import type { Registry } from "../../plugin/registry.js";
import { Output } from "../../records/output.js";
import type { Target } from "../../target.js";
import { printableName } from "../../util/escape.js";
import type { Logger } from "../../util/log.js";
import { printLine, UsageError, type CliIO } from "../common.js";
import { describeTarget } from "../describe.js";
import { FS_COMMANDS, fsCommand } from "../fs/commands.js";
import { absolute, type CommandOut } from "../fs/context.js";
import { cp } from "../fs/cp.js";
import { ls } from "../fs/ls.js";
import { normalize } from "../../fs/path.js";
import { textLines } from "../target-info.js";
import { isFunction, runFunction } from "./functions.js";
import { parseLine, ParseError } from "./parse.js";

export interface Entered {
  target: Target;
  cwd: string;
  previous: string;
}

export const BUILTINS: readonly { name: string; usage: string; describe: string }[] = [
  { name: "cd", usage: "cd [PATH|-]", describe: "change the working directory inside the target (default /; - the previous one)" },
  { name: "pwd", usage: "pwd", describe: "the working directory" },
  { name: "ll", usage: "ll [PATH...]", describe: "ls -l" },
  { name: "less", usage: "less PATH", describe: "a file through $PAGER (or less); printed when there is no terminal or pager" },
  { name: "save", usage: "save PATH... -o DIR", describe: "copy out to the host, the same rules as cp" },
  { name: "info", usage: "info", describe: "what the target is (as target-info)" },
  { name: "targets", usage: "targets", describe: "the open targets; * marks the one entered" },
  { name: "enter", usage: "enter N|NAME", describe: "switch to another open target (by number, id or hostname)" },
  { name: "help", usage: "help [COMMAND]", describe: "this list, or one command's usage" },
  { name: "exit", usage: "exit", describe: "leave (Ctrl-D too)" },
];

export class Session {
  readonly entered: Entered[];
  current = 0;
  done = false;
  /** Hands the terminal to a child (the pager) and takes it back: set by the readline loop. */
  foreground: (run: () => Promise<void>) => Promise<void> = (run) => run();

  constructor(
    targets: readonly Target[],
    readonly registry: Registry,
    readonly io: CliIO,
    readonly log: Logger,
  ) {
    this.entered = targets.map((target) => ({ target, cwd: "/", previous: "/" }));
  }

  get here(): Entered {
    return this.entered[this.current]!;
  }

  prompt(): string {
    const t = this.here.target;
    return `${printableName(t.hostname ?? t.id)}:${printableName(this.here.cwd)}$ `;
  }

  /** Every first word the shell knows: built-ins, file commands, function names. */
  names(): string[] {
    const fns = this.registry.functions.map((f) => f.name);
    return [...new Set([...BUILTINS.map((b) => b.name), ...FS_COMMANDS.map((c) => c.name), "quit", ...fns])].sort();
  }

  private error(message: string): void {
    printLine(this.io.stderr, `target-shell: ${message}`);
  }

  /** Run one line; errors are reported and the session goes on. */
  async execute(line: string): Promise<void> {
    let parsed;
    try {
      parsed = parseLine(line);
    } catch (e) {
      if (e instanceof ParseError) return this.error(e.message);
      throw e;
    }
    const [cmd, ...args] = parsed.argv;
    if (!cmd) return;
    // `> FILE`: the command's output goes to a host file (created or truncated; >> appends)
    let file: nodeFs.WriteStream | null = null;
    let stdout: Writable = view(this.io.stdout);
    if (parsed.redirect) {
      try {
        const fd = nodeFs.openSync(parsed.redirect.path, parsed.redirect.append ? "a" : "w");
        file = nodeFs.createWriteStream("", { fd });
        stdout = file;
      } catch (e) {
        return this.error(`cannot write to ${parsed.redirect.path}: ${(e as Error).message}`);
      }
    }
    const out = new Output(stdout, { destination: parsed.redirect?.path ?? "standard output" });
    try {
      await this.dispatch(cmd, args, out, { ...this.io, stdout, stdoutIsTTY: file ? false : this.io.stdoutIsTTY });
      await out.close();
    } catch (e) {
      if (e instanceof UsageError) this.error(e.message);
      else this.error((e as Error).message);
    } finally {
      if (file) {
        file.end();
        await finished(file).catch((e: Error) => this.error(`cannot write to ${parsed.redirect!.path}: ${e.message}`));
      }
    }
  }

  private async dispatch(cmd: string, args: string[], out: Output, io: CliIO): Promise<void> {
    const ctx = { fs: this.here.target.fs, cwd: this.here.cwd, out, stderr: this.io.stderr, tool: "target-shell" };
    switch (cmd) {
      case "exit":
      case "quit":
        this.done = true;
        return;
      case "help":
        return void (await out.write(helpText(args[0])));
      case "pwd":
        return void (await out.write(printableName(this.here.cwd) + "\n"));
      case "cd":
        return this.cd(args[0]);
      case "ll":
        return void (await ls(ctx, args, { long: true }));
      case "save":
        return void (await cp(ctx, args, "save"));
      case "less":
        return this.less(args, io);
      case "info":
        return this.info(out);
      case "targets":
        return void (await out.write(this.entered.map((e, i) => `${i === this.current ? "*" : " "} ${i}  ${printableName(e.target.id)}  ${printableName(e.target.hostname ?? "-")}  ${printableName(e.target.path)}\n`).join("")));
      case "enter":
        return this.enter(args[0]);
    }
    const fc = fsCommand(cmd);
    if (fc) {
      await fc.run(ctx, args);
      return;
    }
    if (isFunction(this.registry, cmd)) {
      await runFunction(this.here.target, this.registry, cmd, args, io, this.log);
      return;
    }
    this.error(`${printableName(cmd)}: no such command or function (help lists them)`);
  }

  private cd(arg: string | undefined): void {
    const here = this.here;
    const dest = arg === undefined ? "/" : arg === "-" ? here.previous : absolute(here, arg);
    const fs = here.target.fs;
    // the path as typed (a logical cd, as a shell's): ".." goes up the path shown, links resolve on use
    if (!fs.isDir(dest)) return this.error(`cd: ${printableName(arg ?? "/")}: ${fs.lexists(dest) ? "not a directory" : "no such directory"}`);
    here.previous = here.cwd;
    here.cwd = normalize(dest);
  }

  private enter(arg: string | undefined): void {
    if (arg === undefined) throw new UsageError("enter N|NAME (targets lists them)");
    const byIndex = /^\d+$/.test(arg) ? Number(arg) : -1;
    const i = byIndex >= 0 ? byIndex : this.entered.findIndex((e) => e.target.id === arg || e.target.hostname === arg || e.target.path === arg);
    if (i < 0 || i >= this.entered.length) return this.error(`enter: ${printableName(arg)}: no such target (targets lists them)`);
    this.current = i;
  }

  private async info(out: CommandOut): Promise<void> {
    const d = await describeTarget(this.here.target, this.registry, this.log);
    const sink = new PassThrough();
    let text = "";
    sink.on("data", (c: Buffer) => (text += c.toString("utf8")));
    for (const line of textLines(d)) printLine(sink, line);
    sink.end();
    await finished(sink);
    await out.write(text);
  }

  /** The pager gets the bytes on its stdin; no terminal (or no pager) means they are printed. */
  private async less(args: string[], io: CliIO): Promise<void> {
    if (args.length !== 1) throw new UsageError("less PATH");
    const ctx = { fs: this.here.target.fs, cwd: this.here.cwd, stderr: this.io.stderr, tool: "target-shell" };
    const pager = process.env.PAGER || "less";
    if (!io.stdoutIsTTY || !this.io.stdoutIsTTY) {
      await fsCommand("cat")!.run({ ...ctx, out: new Output(io.stdout) }, args);
      return;
    }
    const chunks: Buffer[] = [];
    await fsCommand("cat")!.run({ ...ctx, out: { write: (c) => void chunks.push(Buffer.from(c)) } }, args);
    let ok = false;
    await this.foreground(async () => {
      ok = await new Promise<boolean>((resolve) => {
        // the pager reads its keys from the terminal (/dev/tty), the file from its stdin
        const child = spawn(pager, { stdio: ["pipe", "inherit", "inherit"], shell: true });
        child.on("error", () => resolve(false));
        child.on("exit", (code) => resolve(code === 0));
        child.stdin.on("error", () => {});
        child.stdin.end(Buffer.concat(chunks));
      });
    });
    if (!ok && chunks.length) io.stdout.write(Buffer.concat(chunks));
  }
}

/**
 * A fresh writable over the session's stdout for one command: each command's Output listens for errors on it
 * (and is dropped with it) instead of piling listeners onto process.stdout.
 */
function view(target: Writable): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      target.write(chunk, (err) => callback(err ?? null));
    },
  });
}

export function helpText(command?: string): string {
  const all = [...BUILTINS, ...FS_COMMANDS];
  if (command) {
    const c = all.find((x) => x.name === command);
    return c ? `${c.usage}\n  ${c.describe}\n` : `no command ${command}: a plugin function? (target-query -l ${command})\n`;
  }
  const w = Math.max(...all.map((c) => c.usage.length)) + 2;
  let text = "commands:\n";
  for (const c of all) text += `  ${c.usage.padEnd(w)}${c.describe}\n`;
  text +=
    "\nand every plugin function, with its arguments: wtmp, failed_logins --by addr, ... (text; -j for JSON lines)\n" +
    "COMMAND > FILE writes the output to a host file (>> appends). Tab completes commands, functions and paths.\n";
  return text;
}
