// target-shell (issue 17 §5): the line parser and the path completion as units, then the installed bin
// (dist/, as `npx target-shell` runs it) fed on stdin, and driven through a pseudo-terminal (tmux) as a person
// types: prompt, Tab completion, history, Ctrl-D.
import { spawnSync } from "node:child_process";
import nodeFs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { complete, completePath, currentWord } from "../../src/cli/shell/complete.js";
import { parseLine } from "../../src/cli/shell/parse.js";
import { describeMagic } from "../../src/cli/fs/magic.js";
import { Target } from "../../src/target.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const HOST = "fixtures/hosts/web01";
const BIN = path.join(ROOT, "dist/src/cli/bin/target-shell.js");
const tmp = nodeFs.mkdtempSync(path.join(os.tmpdir(), "quarry-shell-"));
afterAll(() => nodeFs.rmSync(tmp, { recursive: true, force: true }));

function shell(input: string, args: string[] = ["-q", HOST]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, input, encoding: "utf8", env: { ...process.env, QUARRY_HISTORY: "" } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("the line parser", () => {
  it("splits words with POSIX quoting, comments and > / >> redirection", () => {
    expect(parseLine(`ls -l '/var/log/*tmp' "a b" c\\ d # note`)).toEqual({ argv: ["ls", "-l", "/var/log/*tmp", "a b", "c d"] });
    expect(parseLine("wtmp -j > out.jsonl")).toEqual({ argv: ["wtmp", "-j"], redirect: { path: "out.jsonl", append: false } });
    expect(parseLine("ls>>x")).toEqual({ argv: ["ls"], redirect: { path: "x", append: true } });
    expect(parseLine("cat '>' x")).toEqual({ argv: ["cat", ">", "x"] });
    expect(parseLine(`echo "say \\"hi\\""`)).toEqual({ argv: ["echo", 'say "hi"'] });
    expect(parseLine("")).toEqual({ argv: [] });
  });

  it("reports what it cannot read", () => {
    expect(() => parseLine("cat 'x")).toThrow(/unterminated ' quote/);
    expect(() => parseLine('cat "x')).toThrow(/unterminated " quote/);
    expect(() => parseLine("ls >")).toThrow(/> needs a file name/);
    expect(() => parseLine("ls | head")).toThrow(/pipes are not supported/);
    expect(() => parseLine("ls > a > b")).toThrow(/one redirection/);
  });
});

describe("the line parser and magic on noise (seeded)", () => {
  it("parseLine either parses or throws a ParseError; describeMagic always answers", () => {
    let seed = 17;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
    const alphabet = "ab /*'\"\\>|#\t-";
    for (let i = 0; i < 3000; i++) {
      const line = Array.from({ length: rand(40) }, () => alphabet[rand(alphabet.length)]).join("");
      try {
        const p = parseLine(line);
        expect(p.argv.every((w) => typeof w === "string")).toBe(true);
      } catch (e) {
        expect((e as Error).name).toBe("ParseError");
      }
      const bytes = Buffer.from(Array.from({ length: rand(600) }, () => rand(256)));
      expect(typeof describeMagic(bytes, rand(2) ? bytes.length : 384 * rand(4))).toBe("string");
    }
  });
});

describe("completion", () => {
  it("paths inside the target, relative or absolute; directories end in /; dotfiles once a dot is typed", async () => {
    const t = await Target.open(HOST);
    try {
      expect(completePath(t.fs, "/var/log", "au")).toEqual(["audit/", "auth.log", "auth.log.1", "auth.log.2.gz"]);
      expect(completePath(t.fs, "/", "/etc/pas")).toEqual(["/etc/passwd"]);
      expect(completePath(t.fs, "/var", "log/wt")).toEqual(["log/wtmp"]);
      expect(completePath(t.fs, "/", "/nonexistent/x")).toEqual([]);
      expect(completePath(t.fs, "/root", "").some((n) => n.startsWith("."))).toBe(false);
      expect(completePath(t.fs, "/root", ".bash_h")).toEqual([".bash_history"]);
      expect(complete("wt", ["wtmp", "walk", "ls"], t.fs, "/")).toEqual([["wtmp"], "wt"]);
      expect(complete("cat /var/log/sysl", [], t.fs, "/")).toEqual([["/var/log/syslog", "/var/log/syslog.1"], "/var/log/sysl"]);
      expect(currentWord("ls -l ")).toEqual({ word: "", first: false });
      expect(currentWord("cat my\\ fi")).toEqual({ word: "my\\ fi", first: false });
    } finally {
      t.close();
    }
  });

  it("names with spaces come back escaped for the parser; names with control characters are not offered", () => {
    const t = Target.fromTree({ "/d/my file.txt": "x", "/d/evil\x1b]0;pwn\x07": "x", "/d/it's": "x" });
    try {
      const [hits, word] = complete("cat /d/", [], t.fs, "/");
      expect(word).toBe("/d/");
      expect(hits).toEqual(["/d/it\\'s", "/d/my\\ file.txt"]);
      expect(complete("cat /d/my\\ f", [], t.fs, "/")[0]).toEqual(["/d/my\\ file.txt"]);
      expect(parseLine("cat /d/my\\ file.txt").argv[1]).toBe("/d/my file.txt");
    } finally {
      t.close();
    }
  });
});

describe("target-shell, commands on stdin", () => {
  it("file commands with a working directory, functions with arguments, info, errors that do not end it", () => {
    const r = shell(["cd /var/log", "pwd", "ls *tmp", "cat ../../etc/hostname", "hostname", "wtmp --bogus 1", "nope", "cd /etc/passwd", "info", "exit", "ls"].join("\n") + "\n");
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^\/var\/log\nbtmp\nwtmp\nweb01\n<quarry\/value hostname='web01'.* value='web01'/);
    expect(r.out).toMatch(/^hostname +: web01/m);
    expect(r.err).toMatch(/^target-shell: wtmp: unknown option --bogus/m);
    expect(r.err).toMatch(/^target-shell: nope: no such command or function/m);
    expect(r.err).toMatch(/^target-shell: cd: \/etc\/passwd: not a directory/m);
  });

  it("a function's records to a host file with >, as JSON lines with -j; failed_logins --by addr", () => {
    const file = path.join(tmp, "wtmp.jsonl");
    const r = shell(`wtmp -j > ${file}\nfailed_logins --by addr\n`);
    expect(r.code, r.err).toBe(0);
    const lines = nodeFs.readFileSync(file, "utf8").trim().split("\n");
    expect(JSON.parse(lines[0]!)).toMatchObject({ _type: "recorddescriptor" });
    expect(lines.filter((l) => l.includes('"ut_type": "'))).toHaveLength(73); // as target-query -f wtmp (habits.test.ts)
    expect(r.out).toMatch(/^<linux\/log\/btmp\/failed_login\S* /m);
    expect(r.out).toMatch(/ by='addr' key='45\.95\.147\.236' count=70 /);
  });

  it("a function gives what target-query -f gives (the same runner and sink), _generated aside", () => {
    const file = path.join(tmp, "auth.jsonl");
    shell(`failed_logins --by addr -j > ${file}\n`);
    const q = spawnSync(process.execPath, [path.join(ROOT, "dist/src/cli/bin/target-query.js"), "-q", "-j", "-f", "failed_logins", "--by", "addr", HOST], { cwd: ROOT, encoding: "utf8" });
    const norm = (t: string) => t.replace(/"_generated": "[^"]*"/g, "");
    expect(norm(nodeFs.readFileSync(file, "utf8"))).toBe(norm(q.stdout));
    expect(q.stdout.split("\n").length).toBeGreaterThan(3);
  });

  it("several targets: targets lists them, enter switches, each keeps its cwd", () => {
    const r = shell("cd /var\ntargets\nenter 1\npwd\nenter 0\npwd\nenter 9\n", ["-q", HOST, HOST]);
    expect(r.out).toMatch(/^\* 0 {2}\S+ {2}web01 {2}fixtures\/hosts\/web01\n {2}1 {2}/m);
    expect(r.out).toMatch(/\n\/\n\/var\n$/);
    expect(r.err).toMatch(/enter: 9: no such target/);
  });

  it("save copies out with cp's rules", () => {
    const out = path.join(tmp, "saved");
    const r = shell(`save /etc/hostname /etc/passwd -o ${out}\n`);
    expect(r.out).toMatch(/^save: 2 files \(\d+ bytes\), 0 directories to /m);
    expect(nodeFs.readFileSync(path.join(out, "hostname"), "utf8")).toBe("web01\n");
  });

  it("usage: no target is exit 2, a target that cannot be opened exit 3, --version", () => {
    expect(shell("", []).code).toBe(2);
    expect(shell("", ["/nonexistent"]).code).toBe(3);
    expect(shell("", ["--bogus", HOST]).err).toMatch(/unknown option --bogus/);
    expect(shell("hostname\n", ["-v", HOST]).err).toMatch(/^verbose: .*hostname: ok, 1 record in \d+ ms/m);
    expect(shell("", ["--version"]).out).toMatch(/^target-shell \(quarry\) \d+\.\d+\.\d+, Node v/);
  });
});

const hasTmux = spawnSync("tmux", ["-V"]).status === 0;

describe.skipIf(!hasTmux)("target-shell in a pseudo-terminal (tmux)", () => {
  const session = `quarry-shell-${process.pid}`;
  const tmux = (...args: string[]) => spawnSync("tmux", args, { encoding: "utf8" });
  const screen = () => tmux("capture-pane", "-p", "-t", session).stdout;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  async function waitFor(re: RegExp, ms = 10_000): Promise<string> {
    const until = Date.now() + ms;
    for (;;) {
      const s = screen();
      if (re.test(s) || Date.now() > until) return s;
      await sleep(100);
    }
  }
  afterAll(() => tmux("kill-session", "-t", session));
  const lastLine = (s: string): string => s.trimEnd().split("\n").at(-1)!;

  it("prompt, Tab completion of paths and functions, history, Ctrl-D", async () => {
    const history = path.join(tmp, "history");
    const done = path.join(tmp, "done");
    const cmd = `cd ${ROOT} && QUARRY_HISTORY=${history} PAGER='sed s/^/paged:/' node ${BIN} -q ${HOST}; echo "exit=$?" > ${done}; sleep 30`;
    expect(tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "50", cmd).status).toBe(0);
    expect(await waitFor(/web01:\/\$\s*$/m)).toMatch(/1 target open; help lists the commands\nweb01:\/\$/);
    // a unique completion fills the word in: "cd /var/lo<Tab>" → "cd /var/log/"
    tmux("send-keys", "-t", session, "cd /var/lo");
    await sleep(200);
    tmux("send-keys", "-t", session, "Tab");
    expect(await waitFor(/cd \/var\/log\/$/m)).toMatch(/web01:\/\$ cd \/var\/log\/$/m);
    tmux("send-keys", "-t", session, "Enter");
    expect(await waitFor(/web01:\/var\/log\$\s*$/m)).toMatch(/web01:\/var\/log\$\s*$/m);
    // two Tabs list the candidates
    tmux("send-keys", "-t", session, "ls au");
    await sleep(200);
    tmux("send-keys", "-t", session, "Tab");
    await sleep(200);
    tmux("send-keys", "-t", session, "Tab");
    expect(await waitFor(/auth\.log\.2\.gz/)).toMatch(/audit\/ +auth\.log +auth\.log\.1 +auth\.log\.2\.gz/);
    tmux("send-keys", "-t", session, "C-u");
    // a function name completes too, and runs
    tmux("send-keys", "-t", session, "hostna");
    await sleep(200);
    tmux("send-keys", "-t", session, "Tab");
    expect(await waitFor(/\$ hostname$/m)).toMatch(/\$ hostname$/m);
    tmux("send-keys", "-t", session, "Enter");
    expect(await waitFor(/<quarry\/value/)).toMatch(/<quarry\/value hostname='web01'/);
    // less hands the file to $PAGER on a terminal
    await waitFor(/web01:\/var\/log\$\s*$/m);
    tmux("send-keys", "-t", session, "less /etc/hostname", "Enter");
    expect(await waitFor(/^paged:web01$/m)).toMatch(/^paged:web01$/m);
    // history: Up brings the last line back
    await waitFor(/web01:\/var\/log\$\s*$/m);
    tmux("send-keys", "-t", session, "Up");
    expect(lastLine(await waitFor(/\$ less \/etc\/hostname\s*$/))).toBe("web01:/var/log$ less /etc/hostname");
    tmux("send-keys", "-t", session, "C-u");
    tmux("send-keys", "-t", session, "C-d");
    const until = Date.now() + 10_000;
    while (!nodeFs.existsSync(done) && Date.now() < until) await sleep(100);
    expect(nodeFs.readFileSync(done, "utf8")).toBe("exit=0\n");
    expect(nodeFs.readFileSync(history, "utf8")).toBe("cd /var/log/\nhostname\nless /etc/hostname\n");
  }, 30_000);
});
