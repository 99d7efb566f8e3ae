// The decoders from the built package entry ("quarry" as a plugin imports it), synchronously, in a worker thread.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { FIXTURES, manifest, payload } from "./oracle.js";

const ENTRY = path.resolve(FIXTURES, "../../dist/src/index.js");

describe("in a worker thread", () => {
  it("decodes a payload of each codec and throws DecompressError for a damaged one", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-decompress-"));
    const script = path.join(dir, "w.mjs");
    fs.writeFileSync(
      script,
      `import { parentPort, workerData } from "node:worker_threads";
import { decompress, DecompressError } from ${JSON.stringify(pathToFileURL(ENTRY).href)};
const out = workerData.jobs.map(([codec, p]) => {
  try { return decompress(codec, p).length; } catch (e) { return e instanceof DecompressError ? e.kind + " " + e.codec : String(e); }
});
parentPort.postMessage(out);
`,
    );
    const rows = manifest().filter((r) => r.original === "text-8k.log" && !r.payload.includes(".crc"));
    const jobs = rows.map((r) => [r.codec, payload(r.payload)] as const);
    const broken = payload("text-8k.log.zst").slice(0, 100);
    try {
      const result = await new Promise<unknown>((resolve, reject) => {
        const w = new Worker(script, { workerData: { jobs: [...jobs, ["zstd", broken]] } });
        w.once("message", resolve);
        w.once("error", reject);
      });
      expect(result).toEqual([...rows.map((r) => r.length), "damaged zstd"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
