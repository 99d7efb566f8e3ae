// Byte-identical output on a large btmp: target-query -f btmp as JSON lines, text and the binary stream, and the
// warnings, hashed and compared with hashes recorded by the code before the speed work (issue 18). Any change to
// decoding or encoding that alters a byte fails here. The file (150,000 records, 57.6 MB, seeded) has an
// implausible record, bytes inserted in two places and a truncated tail, so the damage path is covered too.
// Regenerate the hashes only for an intended output change: QUARRY_GOLDEN_PRINT=1 npx vitest run <this file>.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { main } from "../../../../../../src/cli/target-query.js";
import { targetId } from "../../../../../../src/target.js";
import { genUtmp } from "../../../../../helpers/utmp-gen.js";
import { tmpdir } from "../../../../../helpers/tmp.js";

// recorded at ab45554 (main before the speed work): sha256 and byte count of each output, sha256 of the warnings
const GOLDEN: Record<string, string> = {
  json: "bfd7249c1ab2dd337e2c50e6375e3d5fb40f754374401db005e04bcc8847fdaa 86862647",
  text: "d2dbcb3a0066adf6fcda2845a80de5ad6b04d7d7d6f6a32af4d555ed9caccc91 52302664",
  stream: "a71f92c52192bd504b666024e07623e32f9918b877a988b8eda5c2d8b0e6d309 26843242",
  warnings: "05e8d340560d5211c34b223ee2d88a75ac256f2bae9769542864d4a6dc524901",
};

const RECORDS = 150_000;

function hashing(): { stream: Writable; digest: () => string; bytes: () => number } {
  const h = createHash("sha256");
  let n = 0;
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      h.update(chunk);
      n += chunk.length;
      cb();
    },
  });
  return { stream, digest: () => h.digest("hex"), bytes: () => n };
}

describe("btmp output is byte-identical to the recorded one", () => {
  it("JSON lines, text, the stream and the warnings", { timeout: 120_000 }, async () => {
    const root = tmpdir("quarry-golden-");
    const target = path.join(root, "host");
    fs.mkdirSync(path.join(target, "etc"), { recursive: true });
    fs.mkdirSync(path.join(target, "var/log"), { recursive: true });
    fs.writeFileSync(path.join(target, "etc/hostname"), "golden\n");
    const data = genUtmp({ records: RECORDS, seed: 18, implausibleAt: [7, 4000, 4001, 99_999], insertAt: [[20_000, 100], [120_000, 7]], tail: 50 });
    fs.writeFileSync(path.join(target, "var/log/btmp"), data);
    // the target id holds a hash of the absolute path: the same 8 hex digits everywhere (the stream keeps its length)
    const id = targetId(target);
    const stable = Buffer.from(id.replace(/-[0-9a-f]{8}$/, "-00000000"));
    const idBytes = Buffer.from(id);
    const got: Record<string, string> = {};
    let warnings = "";
    for (const [name, flags] of [
      ["json", ["-j"]],
      ["text", ["-s"]],
      ["stream", []],
    ] as const) {
      const out = hashing();
      let err = "";
      const chunks: Buffer[] = [];
      const collect = new Writable({
        write(chunk: Buffer, _enc, cb) {
          chunks.push(Buffer.from(chunk)); // a copy: the writer may reuse its buffer once this write is done
          if (chunks.length > 64) flush();
          cb();
        },
        final(cb) {
          flush(true);
          out.stream.end(cb);
        },
      });
      // replace the id in whole buffers, keeping a tail that may hold the start of an id
      let carry = Buffer.alloc(0);
      const flush = (last = false) => {
        let buf = Buffer.concat([carry, ...chunks]);
        chunks.length = 0;
        let at: number;
        let from = 0;
        while ((at = buf.indexOf(idBytes, from)) >= 0) {
          stable.copy(buf, at);
          from = at + stable.length;
        }
        const keep = last ? 0 : Math.min(buf.length, idBytes.length - 1);
        carry = Buffer.from(buf.subarray(buf.length - keep));
        out.stream.write(buf.subarray(0, buf.length - keep));
        // QUARRY_GOLDEN_DUMP=PREFIX: the outputs also go to PREFIX.json, .text, .stream (to diff against a good run)
        if (process.env.QUARRY_GOLDEN_DUMP) fs.appendFileSync(`${process.env.QUARRY_GOLDEN_DUMP}.${name}`, buf.subarray(0, buf.length - keep));
        buf = Buffer.alloc(0);
      };
      const stderr = new Writable({
        write(chunk: Buffer, _enc, cb) {
          err += chunk.toString();
          cb();
        },
      });
      const code = await main(["-f", "btmp", ...flags, "--generated", "2026-01-01T00:00:00Z", target], { stdout: collect, stderr, stdoutIsTTY: false });
      await new Promise<void>((resolve) => collect.end(resolve));
      err = err.slice(0, err.search(/^summary: /m)); // the summary holds the run's duration and the temp path
      expect(code).toBe(1); // the damage is an error
      got[name] = `${out.digest()} ${out.bytes()}`;
      if (name === "json") warnings = err.split(id).join(stable.toString());
      else expect(err.split(id).join(stable.toString())).toBe(warnings);
    }
    got.warnings = createHash("sha256").update(warnings).digest("hex");
    if (process.env.QUARRY_GOLDEN_PRINT) console.log(JSON.stringify(got, null, 2), "\n", warnings.slice(0, 2000));
    expect(got).toEqual(GOLDEN);
  });
});
