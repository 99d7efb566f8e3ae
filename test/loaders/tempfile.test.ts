// Temporary files never outlive the process: a child holding one is killed by SIGINT, SIGTERM and SIGKILL,
// and the temp directory is empty afterwards. (src/util/tempfile.ts only uses node built-ins, so the test
// transpiles it for a plain node child.)
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { createTempFile } from "../../src/util/tempfile.js";
import { scratch } from "../fs/tarbuild.js";

const s = scratch();
afterAll(() => s.cleanup());

const js = ts.transpileModule(fs.readFileSync("src/util/tempfile.ts", "utf8"), {
  compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
}).outputText;
const mod = s.file("tempfile.mjs", js);
const childScript = s.file(
  "child.mjs",
  `import fs from "node:fs";
import { createTempFile } from ${JSON.stringify(mod)};
const t = createTempFile();
fs.writeSync(t.fd, Buffer.alloc(1 << 20, 1), 0, 1 << 20, 0);
process.stdout.write("ready\\n");
setInterval(() => {}, 1000);
`,
);

function runChild(tmp: string, signal: NodeJS.Signals): Promise<{ signal: NodeJS.Signals | null; during: string[] }> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [childScript], { env: { ...process.env, QUARRY_TMPDIR: tmp }, stdio: ["ignore", "pipe", "inherit"] });
    let during: string[] = [];
    c.stdout.on("data", () => {
      during = fs.readdirSync(tmp);
      c.kill(signal);
    });
    c.on("exit", (_code, sig) => resolve({ signal: sig, during }));
    c.on("error", reject);
  });
}

describe("temporary files", () => {
  for (const sig of ["SIGINT", "SIGTERM", "SIGKILL"] as const) {
    it(`nothing is left after ${sig}`, async () => {
      const tmp = path.join(s.dir, sig);
      fs.mkdirSync(tmp);
      const r = await runChild(tmp, sig);
      expect(r.signal).toBe(sig); // the default action still happens: Ctrl-C is not swallowed
      expect(r.during).toEqual([]); // unlinked at once, while the descriptor is still in use
      expect(fs.readdirSync(tmp)).toEqual([]);
    });
  }

  it("dispose is idempotent and the data is readable until then", () => {
    const tmp = path.join(s.dir, "dispose");
    fs.mkdirSync(tmp);
    process.env.QUARRY_TMPDIR = tmp;
    try {
      const t = createTempFile();
      fs.writeSync(t.fd, "hello", 0);
      const b = Buffer.alloc(5);
      fs.readSync(t.fd, b, 0, 5, 0);
      expect(b.toString()).toBe("hello");
      t.dispose();
      t.dispose();
      expect(fs.readdirSync(tmp)).toEqual([]);
    } finally {
      delete process.env.QUARRY_TMPDIR;
    }
  });
});
