// npm run bench -- decompress: the journal's DATA payload decompressors (src/util/decompress/) on the hot path,
// beside the candidate packages and the native libraries, on the same payloads in the same run:
//   small: 2,000 payloads of 512 B – 64 KiB of log text (log-uniform sizes), as journald compresses MESSAGE
//          and other fields past its 512-byte threshold;
//   large: 1, 4 and 16 MiB of log text (core dumps, huge messages).
// Payloads are made by fixtures/decompress/systemd-compress.c (the libraries called as systemd 252 calls them).
// Native references: that program's bench mode (in-process libzstd / liblzma / liblz4, the calls systemd makes)
// and the zstd, xz and lz4 CLIs over one file of all payloads (process start included). Candidates that are
// not dependencies are loaded when installed, from node_modules or from $QUARRY_BENCH_MODULES (a directory
// holding a node_modules/, e.g. made by `npm install --prefix DIR fzstd@0.1.1 lz4js@0.2.0 @napi-rs/lzma@1.4.5
// xz-decompress@0.2.3`). Figures and the choices they led to: docs/compression.md. Never run by `npm test`.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Codec, decompress } from "../src/util/decompress/index.js";
import { prng } from "../test/helpers/prng.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const fixtures = path.join(root, "fixtures/decompress");
const EXT: Record<Codec, string> = { zstd: "zst", xz: "xz", lz4: "lz4" };

interface Corpus {
  name: string;
  originals: Uint8Array[];
  payloads: Record<Codec, Uint8Array[]>;
  files: Record<Codec, string[]>;
  bytes: number;
}

type Decoder = (p: Uint8Array, size: number) => Uint8Array | Promise<Uint8Array>;

interface Candidate {
  codec: Codec;
  name: string;
  decode: Decoder;
  note?: string;
}

function sh(cmd: string, args: string[], input?: Uint8Array): Buffer {
  const r = spawnSync(cmd, args, { input, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr?.toString() ?? r.error}`);
  return r.stdout;
}

function buildCorpus(work: string, tool: string, text: Uint8Array, name: string, sizes: number[]): Corpus {
  const dir = path.join(work, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const rnd = prng(7);
  const originals: Uint8Array[] = [];
  const pairs: Record<Codec, string[]> = { zstd: [], xz: [], lz4: [] };
  const files: Record<Codec, string[]> = { zstd: [], xz: [], lz4: [] };
  sizes.forEach((size, i) => {
    const at = Math.floor(rnd() * (text.length - size));
    const o = text.subarray(at, at + size);
    originals.push(o);
    const f = path.join(dir, `${i}`);
    fs.writeFileSync(f, o);
    for (const c of ["zstd", "xz", "lz4"] as Codec[]) {
      pairs[c].push(f, `${f}.${EXT[c]}`);
      files[c].push(`${f}.${EXT[c]}`);
    }
  });
  for (const c of ["zstd", "xz", "lz4"] as Codec[]) {
    for (let i = 0; i < pairs[c].length; i += 400) sh(tool, ["compress", c, ...pairs[c].slice(i, i + 400)]);
  }
  const payloads = { zstd: [], xz: [], lz4: [] } as Record<Codec, Uint8Array[]>;
  for (const c of ["zstd", "xz", "lz4"] as Codec[]) for (const f of files[c]) payloads[c].push(new Uint8Array(fs.readFileSync(f)));
  return { name, originals, payloads, files, bytes: originals.reduce((a, o) => a + o.length, 0) };
}

/** Loads an optional candidate package (CommonJS entry) from the project or $QUARRY_BENCH_MODULES. */
function optional(name: string): unknown {
  const bases = [path.join(root, "package.json")];
  if (process.env.QUARRY_BENCH_MODULES) bases.push(path.join(process.env.QUARRY_BENCH_MODULES, "package.json"));
  for (const b of bases) {
    try {
      return createRequire(b)(name);
    } catch {
      // not there
    }
  }
  return null;
}

function candidates(): { list: Candidate[]; missing: string[] } {
  const list: Candidate[] = [
    { codec: "zstd", name: "quarry (own)", decode: (p) => decompress("zstd", p) },
    { codec: "xz", name: "quarry (own)", decode: (p) => decompress("xz", p) },
    { codec: "lz4", name: "quarry (own)", decode: (p) => decompress("lz4", p) },
  ];
  const missing: string[] = [];
  const fzstd = optional("fzstd") as { decompress(d: Uint8Array, buf?: Uint8Array): Uint8Array } | null;
  if (fzstd) list.push({ codec: "zstd", name: "fzstd 0.1.1", decode: (p) => fzstd.decompress(p) });
  else missing.push("fzstd@0.1.1");
  const lz4js = optional("lz4js") as { decompressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, dIndex: number): number } | null;
  if (lz4js) {
    list.push({
      codec: "lz4",
      name: "lz4js 0.2.0 (decompressBlock)",
      decode: (p, size) => {
        const out = new Uint8Array(size);
        lz4js.decompressBlock(p, out, 8, p.length - 8, 0);
        return out;
      },
    });
  } else missing.push("lz4js@0.2.0");
  const napi = optional("@napi-rs/lzma") as { xz: { decompressSync(d: Uint8Array): Uint8Array } } | null;
  if (napi) list.push({ codec: "xz", name: "@napi-rs/lzma 1.4.5 (xz.decompressSync)", decode: (p) => napi.xz.decompressSync(p) });
  else missing.push("@napi-rs/lzma@1.4.5");
  const xzd = optional("xz-decompress") as { XzReadableStream: new (s: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array> } | null;
  if (xzd) {
    list.push({
      codec: "xz",
      name: "xz-decompress 0.2.3 (async stream)",
      decode: async (p) => new Uint8Array(await new Response(new xzd.XzReadableStream(new Blob([p]).stream())).arrayBuffer()),
      note: "asynchronous only",
    });
  } else missing.push("xz-decompress@0.2.3");
  return { list, missing };
}

async function verify(c: Candidate, corpus: Corpus): Promise<string | null> {
  const ps = corpus.payloads[c.codec];
  for (let i = 0; i < ps.length; i++) {
    let out: Uint8Array;
    try {
      out = await c.decode(ps[i]!, corpus.originals[i]!.length);
    } catch (e) {
      return `payload ${i}: ${(e as Error).message}`;
    }
    if (Buffer.compare(Buffer.from(out.buffer, out.byteOffset, out.length), Buffer.from(corpus.originals[i]!)) !== 0) return `payload ${i}: wrong output`;
  }
  return null;
}

/** Output MB/s over the whole corpus, repeated for at least `seconds`, best of 3 rounds. */
async function throughput(c: Candidate, corpus: Corpus, seconds: number): Promise<number> {
  const ps = corpus.payloads[c.codec];
  const sizes = corpus.originals.map((o) => o.length);
  let best = 0;
  for (let round = 0; round < 3; round++) {
    let bytes = 0;
    const t0 = performance.now();
    let elapsed = 0;
    do {
      for (let i = 0; i < ps.length; i++) {
        const r = c.decode(ps[i]!, sizes[i]!);
        bytes += (r instanceof Promise ? await r : r).length;
      }
      elapsed = (performance.now() - t0) / 1000;
    } while (elapsed < seconds / 3);
    best = Math.max(best, bytes / 1e6 / elapsed);
  }
  return best;
}

function nativeInProcess(tool: string, codec: Codec, corpus: Corpus, work: string): number {
  const list = path.join(work, `${corpus.name}.${codec}.list`);
  fs.writeFileSync(list, corpus.files[codec].join("\n") + "\n");
  let repeat = 1;
  for (;;) {
    const [bytes, secs] = sh(tool, ["bench", codec, list, String(repeat)]).toString().trim().split(" ").map(Number) as [number, number];
    if (secs >= 0.5 || repeat > 10000) return bytes / 1e6 / secs;
    repeat *= Math.max(2, Math.ceil(0.6 / Math.max(secs, 1e-4)));
  }
}

/** The CLI decompressing one file holding every payload of the corpus (lz4: the legacy frame of raw blocks). */
function nativeCli(codec: Codec, corpus: Corpus, work: string): number | null {
  const file = path.join(work, `${corpus.name}.all.${EXT[codec]}`);
  const parts: Uint8Array[] = [];
  if (codec === "lz4") {
    parts.push(Uint8Array.of(0x02, 0x21, 0x4c, 0x18));
    for (const p of corpus.payloads.lz4) {
      const n = p.length - 8;
      parts.push(Uint8Array.of(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24), p.subarray(8));
    }
  } else parts.push(...corpus.payloads[codec]);
  fs.writeFileSync(file, Buffer.concat(parts));
  const args = { zstd: ["zstd", "-d", "-q", "-c", file], xz: ["xz", "-d", "-q", "-c", "-T1", file], lz4: ["lz4", "-d", "-q", "-c", file] }[codec];
  const out = spawnSync(args[0]!, args.slice(1), { maxBuffer: 1 << 30 });
  if (out.status !== 0 || out.stdout.length !== corpus.bytes) return null;
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    spawnSync("sh", ["-c", `${args.map((a) => `'${a}'`).join(" ")} > /dev/null`]);
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return corpus.bytes / 1e6 / best;
}

async function main(): Promise<number> {
  const work = process.env.QUARRY_DECOMPRESS_BENCH_DIR ?? path.join(os.tmpdir(), "quarry-decompress-bench");
  fs.mkdirSync(work, { recursive: true });
  const tool = path.join(work, "systemd-compress");
  const cc = spawnSync("cc", ["-O2", "-o", tool, path.join(fixtures, "systemd-compress.c"), "-llz4", "-llzma", "-lzstd", "-lcrypto"], { stdio: "inherit" });
  if (cc.status !== 0) {
    console.log("decompress bench skipped: cannot build fixtures/decompress/systemd-compress.c (cc and the liblz4, liblzma, libzstd, libssl dev headers)");
    return 0;
  }
  sh("python3", [path.join(fixtures, "gen_inputs.py"), path.join(work, "inputs"), "--large"]);
  const text = new Uint8Array(fs.readFileSync(path.join(work, "inputs/text-16m.log")));
  const rnd = prng(11);
  const smallSizes = Array.from({ length: 2000 }, () => Math.floor(512 * 2 ** (rnd() * 7)));
  const small = buildCorpus(work, tool, text, "small", smallSizes);
  const large = buildCorpus(work, tool, text, "large", [1 << 20, 4 << 20, text.length - 1]);
  const { list, missing } = candidates();
  if (missing.length) console.log(`not installed (skipped): ${missing.join(" ")}`);
  console.log(`small: ${small.originals.length} payloads, ${(small.bytes / 1e6).toFixed(1)} MB of text; large: ${large.originals.map((o) => `${(o.length / 2 ** 20).toFixed(0)} MiB`).join(", ")}`);
  for (const corpus of [small, large]) {
    for (const codec of ["zstd", "xz", "lz4"] as Codec[]) {
      const packed = corpus.payloads[codec].reduce((a, p) => a + p.length, 0);
      const native = nativeInProcess(tool, codec, corpus, work);
      const cli = nativeCli(codec, corpus, work);
      console.log(`\n${corpus.name} ${codec} (ratio ${(corpus.bytes / packed).toFixed(2)}): output MB/s, and × the native library`);
      console.log(`  native lib${codec === "xz" ? "lzma" : codec} (in-process C, systemd's calls)`.padEnd(56) + native.toFixed(0).padStart(7));
      console.log(`  ${codec} CLI (one file of all payloads)`.padEnd(56) + (cli === null ? "   n/a" : `${cli.toFixed(0).padStart(7)}  ${(cli / native).toFixed(2)}×`));
      for (const c of list.filter((x) => x.codec === codec)) {
        const bad = await verify(c, corpus);
        if (bad) {
          console.log(`  ${c.name}`.padEnd(56) + `  wrong: ${bad}`);
          continue;
        }
        const mbs = await throughput(c, corpus, corpus.name === "small" ? 3 : 4);
        console.log(`  ${c.name}`.padEnd(56) + `${mbs.toFixed(0).padStart(7)}  ${(mbs / native).toFixed(2)}×${c.note ? `  (${c.note})` : ""}`);
      }
    }
  }
  return 0;
}

main().then(
  (rc) => {
    process.exitCode = rc;
  },
  (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  },
);
