// Host images for batch tests: extracted system roots made in a temp folder, and a test registry with plugins
// that fail in the ways real ones can (throw mid-stream, report an error through ctx.error).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { absent, definePlugin, ok } from "../../src/plugin/define.js";
import { Registry } from "../../src/plugin/registry.js";
import { defineRecord } from "../../src/records/descriptor.js";
import { PLUGINS } from "../../plugins/index.js";
import type { CliIO } from "../../src/cli/common.js";
import { afterAll } from "vitest";

const made: string[] = [];
// Registered while the test file that imports this module is being collected: runs after that file's tests.
afterAll(() => {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

export function tempDir(prefix = "quarry-batch-test-"): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(d);
  return d;
}

export interface HostOptions {
  hostname?: string;
  /** /etc/passwd text; a default with two accounts when not given. */
  passwd?: string | null;
  /** Extra files: target path → content. */
  files?: Record<string, string | Uint8Array>;
}

/** An extracted unix root (etc/ and var/) at dir/name. */
export function makeHost(dir: string, name: string, opts: HostOptions = {}): string {
  const root = path.join(dir, name);
  fs.mkdirSync(path.join(root, "etc"), { recursive: true });
  fs.mkdirSync(path.join(root, "var", "log"), { recursive: true });
  fs.writeFileSync(path.join(root, "etc", "hostname"), (opts.hostname ?? name) + "\n");
  if (opts.passwd !== null) {
    fs.writeFileSync(path.join(root, "etc", "passwd"), opts.passwd ?? `root:x:0:0:root:/root:/bin/bash\n${name}:x:1000:1000::/home/${name}:/bin/sh\n`);
  }
  for (const [p, content] of Object.entries(opts.files ?? {})) {
    const f = path.join(root, p);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, content);
  }
  return root;
}

export const TestRecord = defineRecord("test/line", { line: "string", n: "varint", filepath: "path" });

/** Yields one record per line of /var/log/test.log; a line "BOOM" makes it throw. */
export const linesPlugin = definePlugin({
  name: "testlines",
  path: "os.unix.log.testlines",
  description: "test-only: lines of /var/log/test.log",
  checkCompatible: (t) => (t.fs.isFile("/var/log/test.log") ? ok() : absent("no /var/log/test.log")),
  functions: {
    testlines: {
      output: "records",
      description: "lines; BOOM throws",
      records: [TestRecord],
      *run(t) {
        let n = 0;
        for (const line of t.fs.readText("/var/log/test.log").split("\n")) {
          if (!line) continue;
          if (line === "BOOM") throw new Error(`parser crashed at line ${n}`);
          yield TestRecord.create({ line, n: n++, filepath: "/var/log/test.log" });
        }
      },
    },
  },
});

/** Reports a corrupt artefact with ctx.error (file and offset) and goes on. */
export const corruptPlugin = definePlugin({
  name: "testcorrupt",
  path: "os.unix.log.testcorrupt",
  description: "test-only: /var/log/test.bin, a byte 0xFF is corrupt",
  checkCompatible: (t) => (t.fs.isFile("/var/log/test.bin") ? ok() : absent("no /var/log/test.bin")),
  functions: {
    testcorrupt: {
      output: "records",
      description: "one record per good byte; ctx.error at each 0xFF",
      records: [TestRecord],
      *run(t, ctx) {
        const data = t.fs.readFile("/var/log/test.bin");
        for (let i = 0; i < data.length; i++) {
          if (data[i] === 0xff) ctx.error({ message: "corrupt block", file: "/var/log/test.bin", offset: i });
          else yield TestRecord.create({ line: String(data[i]), n: i, filepath: "/var/log/test.bin" });
        }
      },
    },
  },
});

export const testRegistry = new Registry([...PLUGINS, linesPlugin, corruptPlugin]);

/** A CliIO capturing stdout and stderr. */
export function captureIO(): CliIO & { out(): string; err(): string } {
  let out = "";
  let err = "";
  const w = (add: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, cb) {
        add(chunk.toString());
        cb();
      },
    });
  return {
    stdout: w((s) => (out += s)),
    stderr: w((s) => (err += s)),
    stdoutIsTTY: false,
    out: () => out,
    err: () => err,
  };
}

export interface JsonLine {
  _type?: string;
  _source?: string;
  [k: string]: unknown;
}

export function parseJsonLines(text: string): JsonLine[] {
  return text
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as JsonLine);
}

/** Records (descriptor lines left out), by target id. */
export function recordsBySource(text: string): Map<string, JsonLine[]> {
  const m = new Map<string, JsonLine[]>();
  for (const r of parseJsonLines(text)) {
    if (r._type !== "record") continue;
    const list = m.get(r._source!) ?? [];
    list.push(r);
    m.set(r._source!, list);
  }
  return m;
}

/** Every file under dir (relative path → content), state journals and locks left out. */
export function treeContents(dir: string, skip: RegExp = /quarry-state/): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const rel = path.relative(dir, p);
      if (skip.test(rel)) continue;
      if (e.isDirectory()) walk(p);
      else out.set(rel, fs.readFileSync(p).toString("base64"));
    }
  };
  walk(dir);
  return out;
}
