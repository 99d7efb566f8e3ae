// Hostile class: evidence that tries to control the analyst's terminal. A host (an extracted directory and the
// same as a tar) whose hostname, OS release, accounts, shell history, file names and link targets carry
// OSC (ESC ] 0 ; title BEL, a window retitle), SGR 8 (conceal), CSI sequences, C1 CSI (U+009B, and a raw 0x9b
// byte that is not UTF-8), DEL and newlines; a record stream whose descriptor declares a type made of them; JSON
// lines that are not JSON and quote them; a fleet whose failing entries are named with them. Through every tool:
// stderr and every human-readable stdout hold no C0 control but \n, no DEL and no C1 code point. Machine outputs
// (JSON, the binary stream, target-fs cat and tar) keep the bytes exactly.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RecordDescriptor } from "../../src/records/descriptor.js";
import { encodeStream } from "../../src/records/stream/writer.js";
import { entry, end, tar } from "../fs/tarbuild.js";
import { describeRun, runTool, type BoundedRun, type Tool } from "./harness.js";

const CEILING = { timeoutMs: 30_000, rssMb: 600 };
/** Everything a terminal would act on, in one string. */
const NASTY = "\x1b]0;pwned\x07\x1b[8m\x1b[2J\x1b[31m\u009b1m\x7f";
const RAW = Buffer.from([0x9b, 0x1b, 0x5b, 0x38, 0x6d]); // C1 CSI as a byte that is no UTF-8, then ESC [ 8 m
const HOSTNAME = `evil${NASTY}host`;
const FILE_A = `a${NASTY}b`;
const LINK = `link${NASTY}`;
const LINK_TARGET = `/t${NASTY}`;
const WITH_NEWLINE = "two\nlines";
const HISTORY = `echo ${NASTY}\nls\n`;

let dir: string;
let host: string;
let hostTar: string;
let fleet: string;
let hostileStream: string;
let badJson: string;

function tree(root: string): void {
  const w = (rel: string, data: string | Buffer): void => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), data);
  };
  w("etc/hostname", HOSTNAME + "\n");
  w("etc/os-release", `NAME="Evil${NASTY}"\nPRETTY_NAME="Evil ${NASTY} Linux"\nVERSION_ID="1${NASTY}"\nID=debian\n`);
  w("etc/passwd", `root:x:0:0:root${NASTY}:/root:/bin/bash\nev${NASTY}il:x:1000:1000:gecos${NASTY}:/home/e${NASTY}:/bin/sh\nbroken${NASTY}\n`);
  w("root/.bash_history", HISTORY);
  w(`var/log/${FILE_A}`, "x");
  w(`var/log/${WITH_NEWLINE}`, "y");
  fs.writeFileSync(Buffer.concat([Buffer.from(path.join(root, "var/log/raw")), RAW]), "z");
  fs.symlinkSync(LINK_TARGET, path.join(root, "var/log", LINK));
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-hostile-escapes-"));
  host = path.join(dir, "host");
  tree(host);
  // The same host as a tar, plus a member the loader warns about by name.
  hostTar = path.join(dir, "host.tar");
  fs.writeFileSync(
    hostTar,
    tar(
      entry({ name: "etc/hostname", data: HOSTNAME + "\n" }),
      entry({ name: "etc/passwd", data: `root:x:0:0:root${NASTY}:/root:/bin/bash\n` }),
      entry({ name: "var/log/", flag: "5" }),
      entry({ name: `var/log/${FILE_A}`, data: "x" }),
      entry({ name: `var/log/odd${NASTY}`, flag: "Z", data: "" }),
      entry({ name: `var/log/hard${NASTY}`, flag: "1", linkname: `nowhere${NASTY}` }),
      end(),
    ),
  );
  // A fleet whose entries fail, named with the sequences (the log and the summary quote them).
  fleet = path.join(dir, "fleet");
  fs.mkdirSync(fleet);
  fs.writeFileSync(path.join(fleet, `bad${NASTY}.tar`), "not a tar at all, but named like one\n".repeat(40));
  fs.copyFileSync(hostTar, path.join(fleet, `good${NASTY}.tar`));
  // A record stream whose descriptor declares a type of control characters (rdump -l and -Lv print types).
  const desc = new RecordDescriptor("evil/record", [{ name: "note", type: `string${NASTY}` }, { name: "text", type: "string" }]);
  hostileStream = path.join(dir, "hostile.rec");
  fs.writeFileSync(hostileStream, encodeStream([desc.create({ note: NASTY, text: `t${NASTY}` })]));
  // JSON lines that are not JSON: the parser's message quotes the line.
  badJson = path.join(dir, "bad.jsonl");
  fs.writeFileSync(badJson, `{"a": 1}\n${NASTY}\n{"_type": "record", "_recorddescriptor": ["x${NASTY}", 1]}\n{"b": "${"\\u001b"}]0;t\\u0007"}\n`);
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** No C0 control but \n, no DEL, no C1 code point; and the text is UTF-8 (a raw 0x9b byte is no C1 in disguise). */
function assertPrintable(bytes: Buffer | string, what: string): void {
  const buf = typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(buf);
  } catch {
    throw new Error(`${what}: not UTF-8`);
  }
  const bad: string[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if ((c < 0x20 && c !== 0x0a) || c === 0x7f || (c >= 0x80 && c <= 0x9f)) bad.push("U+" + c.toString(16).padStart(4, "0"));
  }
  expect(bad, `${what}:\n${text.slice(0, 3000)}`).toEqual([]);
}

/** The member names of a tar as bytes (ustar name and prefix, PAX path records), whatever their encoding. */
function tarNames(b: Buffer): Buffer[] {
  const out: Buffer[] = [];
  const field = (off: number, len: number): Buffer => {
    const f = b.subarray(off, off + len);
    const nul = f.indexOf(0);
    return nul < 0 ? f : f.subarray(0, nul);
  };
  let paxPath: Buffer | null = null;
  for (let off = 0; off + 512 <= b.length; ) {
    if (b.subarray(off, off + 512).every((x) => x === 0)) break;
    const size = parseInt(field(off + 124, 12).toString("latin1").trim() || "0", 8);
    const type = String.fromCharCode(b[off + 156]!);
    const data = b.subarray(off + 512, off + 512 + size);
    if (type === "x") {
      for (let p = 0; p < data.length; ) {
        const sp = data.indexOf(0x20, p);
        const len = Number(data.subarray(p, sp).toString("latin1"));
        const rec = data.subarray(sp + 1, p + len - 1);
        const eq = rec.indexOf(0x3d);
        if (rec.subarray(0, eq).toString("latin1") === "path") paxPath = Buffer.from(rec.subarray(eq + 1));
        p += len;
      }
    } else if (type !== "g") {
      const prefix = field(off + 345, 155);
      out.push(paxPath ?? (prefix.length ? Buffer.concat([prefix, Buffer.from("/"), field(off, 100)]) : field(off, 100)));
      paxPath = null;
    }
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return out;
}

interface Case {
  tool: Tool;
  args: string[];
  /** stdout is for people (else it is a machine format, checked on its own). */
  human: boolean;
  /** Text that must be visible (escaped) on stdout or stderr. */
  shows?: RegExp;
  code?: number;
}

function bounded(r: BoundedRun): void {
  expect(r.timedOut, describeRun(r)).toBe(false);
  if (r.peakRssMb !== null) expect(r.peakRssMb, describeRun(r)).toBeLessThan(CEILING.rssMb);
  expect(r.stderr, describeRun(r)).not.toMatch(/^\s+at |node:internal/m);
}

async function runAll(cases: Case[]): Promise<BoundedRun[]> {
  const out: BoundedRun[] = [];
  for (let i = 0; i < cases.length; i += 4) {
    out.push(...(await Promise.all(cases.slice(i, i + 4).map((c) => runTool(c.tool, c.args, { timeoutMs: CEILING.timeoutMs, env: { QUARRY_TMPDIR: dir } })))));
  }
  return out;
}

const ESCAPED = /\\x1b\]0;pwned\\x07\\x1b\[8m/;

describe("hostile: control characters from evidence never reach the terminal", () => {
  it("stderr and human-readable stdout of every tool are printable; the sequences are shown escaped", async () => {
    const cases: Case[] = [
      { tool: "target-query", args: ["-s", "-f", "users,commandhistory,hostname,os,version", host], human: true, shows: ESCAPED },
      { tool: "target-query", args: ["-v", "-s", "-f", "users,wtmp", host], human: true, shows: ESCAPED },
      { tool: "target-query", args: ["-s", "-f", "users,hostname", hostTar], human: true, shows: ESCAPED },
      { tool: "target-query", args: ["-s", "-f", "hostname", "--jobs", "1", fleet], human: true, shows: ESCAPED, code: 1 },
      { tool: "target-query", args: ["-s", "-f", "hostname", "--jobs", "2", fleet], human: true, shows: ESCAPED, code: 1 },
      // The hostile hostname is refused as no hostname (plausibility, plugins/os/unix/_os.ts): nothing of it to show.
      { tool: "target-query", args: ["-l", "-f", "users", host], human: true },
      { tool: "target-info", args: [host, hostTar], human: true, shows: ESCAPED },
      { tool: "target-fs", args: [host, "ls", "/var/log"], human: true, shows: /^two\\nlines$/m },
      { tool: "target-fs", args: [host, "ls", "-l", "/var/log"], human: true, shows: /-> \/t\\x1b\]0;pwned/ },
      { tool: "target-fs", args: [host, "walk", "/"], human: true, shows: /^\/var\/log\/raw\\udc9b\\x1b\[8m$/m },
      { tool: "target-fs", args: [host, "find", "/var/log/*"], human: true, shows: ESCAPED },
      { tool: "target-fs", args: [host, "stat", `/var/log/${LINK}`], human: true, shows: /link: \/t\\x1b/ },
      { tool: "target-fs", args: [hostTar, "ls", "/var/log"], human: true, shows: ESCAPED },
      { tool: "target-fs", args: [host, "cat", `/var/${NASTY}`], human: true, shows: ESCAPED, code: 1 },
      { tool: "rdump", args: [hostileStream], human: true, shows: ESCAPED },
      { tool: "rdump", args: ["-L", hostileStream], human: true, shows: ESCAPED },
      { tool: "rdump", args: ["-Lv", hostileStream], human: true, shows: /note \(string\\x1b\]0;pwned/ },
      { tool: "rdump", args: ["-l", hostileStream], human: true, shows: /string\\x1b\]0;pwned/ },
      { tool: "rdump", args: [badJson], human: true, shows: /invalid JSON: .*\\x1b\]0;pwned/, code: 1 },
      { tool: "rdump", args: ["-L", badJson], human: true, code: 1 },
    ];
    const runs = await runAll(cases);
    runs.forEach((r, i) => {
      const c = cases[i]!;
      const what = `${c.tool} ${c.args.join(" ")}`;
      expect(r.code, `${what}: ${describeRun(r)}`).toBe(c.code ?? 0);
      bounded(r);
      assertPrintable(r.stderr, `${what}: stderr`);
      if (c.human) assertPrintable(r.stdout, `${what}: stdout`);
      if (c.shows) expect(r.stdout.toString("utf8") + r.stderr, what).toMatch(c.shows);
    });
  });

  it("machine outputs keep the bytes: JSON and the binary stream carry the strings exactly, cat and tar the raw bytes", async () => {
    const rec = path.join(dir, "out.rec");
    const [json, info, cat, tarOut, toRec] = await runAll([
      { tool: "target-query", args: ["-j", "-f", "hostname,commandhistory", host], human: false },
      { tool: "target-info", args: ["-j", host], human: false },
      { tool: "target-fs", args: [host, "cat", "/root/.bash_history"], human: false },
      { tool: "target-fs", args: [host, "tar", "/var/log"], human: false },
      { tool: "target-query", args: ["-f", "hostname,commandhistory", "-w", rec, host], human: false },
    ]);
    for (const r of [json, info, cat, tarOut, toRec]) {
      expect(r!.code, describeRun(r!)).toBe(0);
      bounded(r!);
      assertPrintable(r!.stderr, "stderr");
    }
    // JSON escapes (ensure_ascii), so it is printable too, and it decodes to the original text.
    assertPrintable(json!.stdout, "target-query -j");
    const lines = json!.stdout.toString("utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    // A name with control bytes is no hostname: null, with a warning (shown escaped); the bytes stay in other values.
    expect(lines.some((l) => l.function === "hostname" && l.value === null)).toBe(true);
    expect(lines.some((l) => typeof l.command === "string" && l.command.includes(NASTY))).toBe(true);
    expect((JSON.parse(info!.stdout.toString("utf8")) as { hostname: string | null }).hostname).toBe(null);
    expect(cat!.stdout.equals(Buffer.from(HISTORY))).toBe(true);
    // The tar keeps every name as it is on the target.
    const names = tarNames(tarOut!.stdout);
    const want = [FILE_A, WITH_NEWLINE, LINK].map((n) => Buffer.from(`var/log/${n}`));
    for (const w of [...want, Buffer.concat([Buffer.from("var/log/raw"), RAW])]) {
      expect(names.some((n) => n.equals(w)), `${JSON.stringify(w.toString("latin1"))} in ${names.map((n) => JSON.stringify(n.toString("latin1"))).join(", ")}`).toBe(true);
    }
    // The binary stream round-trips through rdump -J to the same strings.
    const back = await runTool("rdump", ["-J", rec], { timeoutMs: CEILING.timeoutMs });
    expect(back.code, describeRun(back)).toBe(0);
    const recs = back.stdout.toString("utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(recs.some((l) => typeof l.command === "string" && l.command.includes(NASTY))).toBe(true);
  });
});
