// commandhistory on histories the programs wrote themselves (fixtures/persistence/history, make-history.sh):
// each command and time equals what the program lists back (zsh's fc -l, fish's history, bash's history,
// Python's readline), on a directory, a tar and a tar.gz; and every reader fuzzed with cut and damaged copies.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fish } from "../../../../../plugins/os/unix/history/fish.js";
import { bash, editline, less, plain, unmetafy, zsh, type Reader } from "../../../../../plugins/os/unix/history/formats.js";
import { decodeLenient } from "../../../../../src/util/text.js";
import { prng } from "../../../../helpers/prng.js";
import { PERSISTENCE, run, threeTargets } from "../triage.js";

const DIR = path.join(PERSISTENCE, "history");
const ROOT = path.join(DIR, "root");
const oracle = (name: string): string[] => fs.readFileSync(path.join(DIR, name), "utf8").split("\n").filter(Boolean);

/** "    1  1796232127  0:00  cmd" (zsh's fc -l -t %s -D) or "    1  1796232150 cmd" (bash with HISTTIMEFORMAT). */
const numbered = (lines: string[], zshStyle: boolean): [string, string][] =>
  lines.map((l) => {
    const m = (zshStyle ? /^\s*\d+\s+(\d+)\s+\S+\s+(.*)$/ : /^\s*\d+\s+(\d+) (.*)$/).exec(l)!;
    return [m[1]!, zshStyle ? m[2]!.replaceAll("\\n", "\n") : m[2]!];
  });
const secs = (ts: unknown): string => String((ts as { seconds: number } | null)?.seconds ?? null);

const targets = await threeTargets(ROOT, "history");

describe.each(targets)("commandhistory on the programs' own files as $kind", ({ path: target }) => {
  it("gives each program's commands and times as the program lists them", async () => {
    const r = await run(target, "commandhistory");
    expect(r.warnings).toEqual([]);
    const of = (shell: string) => r.records.filter((x) => x.shell_name === shell);
    expect(of("zsh").map((x) => [secs(x.ts), x.command])).toEqual(numbered(oracle("zsh.expected.txt"), true));
    expect(of("zsh").map((x) => [x.user, x.lineno])).toEqual([["alice", 1], ["alice", 2], ["alice", 3]]);
    expect(of("fish").map((x) => `${secs(x.ts)} ${String(x.command)}`)).toEqual(oracle("fish.expected.txt"));
    expect(of("fish")[0]).toMatchObject({ user: "bob", filepath: "/home/bob/.local/share/fish/fish_history" });
    expect(of("bash").map((x) => [secs(x.ts), x.command])).toEqual(numbered(oracle("bash.expected.txt"), false));
    expect(of("python").map((x) => x.command)).toEqual(oracle("python.expected.txt"));
    expect(of("mysql").map((x) => x.command)).toEqual(oracle("mysql.expected.txt"));
    // what was typed into psql: the second query took two lines, one history entry
    const typed = oracle("psql.typed.txt");
    expect(of("psql").map((x) => [x.user, x.command])).toEqual([["postgres", typed[0]], ["postgres", `${typed[1]}\n${typed[2]}`], ["postgres", typed[3]]]);
    expect(of("less").map((x) => [x.command, x.lineno])).toEqual([["/secret", 3], ["!id > /dev/null", 5]]);
  });
});

describe("history readers", () => {
  const lines = (text: string) => text.split("\n").map((t, i) => ({ text: t, lineno: i + 1, offset: 0, bytes: t.length, cut: false }));
  const read = (r: Reader, text: string) => [...r(lines(text), () => {})].map((e) => [e.command, e.ts === null ? null : e.ts.seconds, e.lineno]);

  it("zsh: metafied bytes undone on the bytes (ѓ is D1 83 B3 in the file)", () => {
    expect(unmetafy(decodeLenient(Buffer.from([0x65, 0xd1, 0x83, 0xb3])))).toBe("eѓ");
    expect(read(zsh, "a \\\\\nb")).toEqual([["a \\\\", null, 1], ["b", null, 2]]);
  });

  it("psql with readline: \\x01 is a newline of a multi-line query; libedit: octal escapes and \\\\", () => {
    expect(read(editline, "select 1\x01from t;")).toEqual([["select 1\nfrom t;", null, 1]]);
    expect(read(editline, "_HiStOrY_V2_\nselect\\040'\\303\\251'\\\\n;")).toEqual([["select 'é'\\n;", null, 2]]);
  });

  it("fish: newlines and backslashes unescaped, a stray line warned", () => {
    const warned: number[] = [];
    const got = [...fish(lines("- cmd: echo a\\nb \\\\ c\n  when: 1700000000\nstray\n- cmd: ls"), (l) => warned.push(l.lineno))];
    expect(got.map((e) => [e.command, e.ts?.seconds ?? null])).toEqual([["echo a\nb \\ c", 1700000000], ["ls", null]]);
    expect(warned).toEqual([3]);
  });

  it("fuzz: cut and damaged copies of every fixture never throw, and each command comes from the file's lines", () => {
    const cases: [Reader, string][] = [
      [zsh, "home/alice/.zsh_history"],
      [fish, "home/bob/.local/share/fish/fish_history"],
      [bash, "root/.bash_history"],
      [plain, "root/.python_history"],
      [editline, "home/carol/.mysql_history"],
      [editline, "var/lib/postgresql/.psql_history"],
      [less, "root/.lesshst"],
    ];
    const rand = prng(1616);
    for (const [reader, rel] of cases) {
      const source = fs.readFileSync(path.join(ROOT, rel));
      for (let i = 0; i < 200; i++) {
        const b = Buffer.from(source.subarray(0, Math.floor(rand() * (source.length + 1))));
        for (let k = Math.floor(rand() * 5); k > 0; k--) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
        const ls = lines(decodeLenient(b));
        for (const e of reader(ls, () => {})) {
          expect(e.lineno).toBeGreaterThanOrEqual(1);
          expect(e.lineno).toBeLessThanOrEqual(ls.length);
          expect(typeof e.command).toBe("string");
        }
      }
    }
  });
});
