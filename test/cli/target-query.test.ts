import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/target-query.js";
import { main as infoMain } from "../../src/cli/target-info.js";
import type { CliIO } from "../../src/cli/common.js";
import { UsageError } from "../../src/plugin/args.js";
import { tmpdir, writeTree } from "../helpers/tmp.js";

function io(tty = false): CliIO & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  stdout.on("data", (c: Buffer) => o.push(c));
  stderr.on("data", (c: Buffer) => e.push(c));
  return {
    stdout,
    stderr,
    stdoutIsTTY: tty,
    out: () => Buffer.concat(o).toString(),
    err: () => Buffer.concat(e).toString(),
  };
}

function hostDir(): string {
  const root = tmpdir();
  writeTree(root, {
    "etc/hostname": "web01.example.com\n",
    "etc/os-release": 'NAME="Debian GNU/Linux"\nVERSION="12 (bookworm)"\n',
    "etc/passwd": "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/zsh\n",
    "var/log/syslog": "",
  });
  return root;
}

describe("target-query", () => {
  it("-f hostname,users on a directory image: text", async () => {
    const x = io(true);
    const root = hostDir();
    expect(await main(["-f", "hostname,users", root], x)).toBe(0);
    const lines = x.out().trimEnd().split("\n");
    expect(lines).toEqual([
      "<quarry/value hostname='web01' domain='example.com' function='hostname' value='web01' filepath=None>",
      "<unix/user hostname='web01' domain='example.com' name='root' passwd='x' uid=0 gid=0 gecos='root' home='/root' shell='/bin/bash' filepath='/etc/passwd'>",
      "<unix/user hostname='web01' domain='example.com' name='alice' passwd='x' uid=1000 gid=1000 gecos='Alice' home='/home/alice' shell='/bin/zsh' filepath='/etc/passwd'>",
    ]);
  });

  it("-j: descriptor lines and records with _source = the target id", async () => {
    const x = io();
    const root = hostDir();
    expect(await main(["-f", "users", "-j", "--generated", "2024-06-01T00:00:00Z", root], x)).toBe(0);
    const lines = x.out().trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]!._type).toBe("recorddescriptor");
    expect(lines.slice(1).map((l) => l.name)).toEqual(["root", "alice"]);
    expect(String(lines[1]!._source)).toMatch(/-[0-9a-f]{8}$/);
    expect(lines[1]!._generated).toBe("2024-06-01T00:00:00+00:00");
  });

  it("an unknown function is a usage error naming it", async () => {
    await expect(main(["-f", "hostname,nosuchfn", hostDir()], io())).rejects.toThrow(UsageError);
    await expect(main(["-f", "hostname,nosuchfn", hostDir()], io())).rejects.toThrow(/nosuchfn/);
  });

  it("an absent artefact is information, exit 0; a missing target is an error, exit 1, and the run goes on", async () => {
    const root = tmpdir();
    writeTree(root, { "etc/hostname": "bare\n", "var/x": "" });
    const x = io();
    expect(await main(["-f", "users", root], x)).toBe(0);
    expect(x.err()).toMatch(/^info: .*users: not applicable: no \/etc\/passwd/m);
    const y = io(true);
    expect(await main(["-f", "hostname", "/nonexistent/path", hostDir()], y)).toBe(1);
    expect(y.err()).toMatch(/error: \/nonexistent\/path: path does not exist/);
    expect(y.out()).toMatch(/value='web01'/);
  });

  it("@file target lists and --limit", async () => {
    const root = hostDir();
    const list = tmpdir() + "/targets.txt";
    writeTree("/", { [list.slice(1)]: `# my hosts\n${root}\n\n` });
    const x = io(true);
    expect(await main(["-f", "users", "--limit", "1", `@${list}`], x)).toBe(0);
    expect(x.out().trimEnd().split("\n")).toHaveLength(1);
  });

  it("-l lists functions with their records and loaders; with a target, which apply and why not", async () => {
    const x = io();
    expect(await main(["-l"], x)).toBe(0);
    expect(x.out()).toMatch(/users .*\n.*\n\s+unix\/user: hostname:string, domain:string, name:string/);
    expect(x.out()).toMatch(/Loaders/);
    const root = tmpdir();
    writeTree(root, { "etc/hostname": "bare\n", "var/x": "" });
    const y = io();
    expect(await main(["-l", "*", root], y)).toBe(0);
    expect(y.out()).toMatch(/users\s+no: no \/etc\/passwd/);
    expect(y.out()).toMatch(/hostname\s+yes/);
  });

  it("function arguments must belong to a selected function", async () => {
    await expect(main(["-f", "users", "--by", "addr", hostDir()], io())).rejects.toThrow(/--by/);
  });
});

describe("target-info", () => {
  it("prints hostname, domain, os, version, loader and path; -j as JSON", async () => {
    const root = hostDir();
    const x = io();
    expect(await infoMain([root], x)).toBe(0);
    expect(x.out()).toMatch(/hostname\s*: web01\ndomain\s*: example.com\nips\s*: .*\nos\s*: linux\nversion\s*: Debian GNU\/Linux 12 \(bookworm\)/);
    const y = io();
    expect(await infoMain(["-j", root], y)).toBe(0);
    expect(JSON.parse(y.out())).toMatchObject({ hostname: "web01", domain: "example.com", os: "linux", loader: "dir", path: root });
  });
});
