// npm run bench zip — the zip loader on a zip of ~60,000 members (generated here with Python's zipfile,
// deflated at level 1, and deleted after), beside Info-ZIP's unzip and, when installed outside the project
// (QUARRY_BENCH_ZIPLIBS=DIR holding node_modules/yauzl and node_modules/@zip.js/zip.js, e.g.
// `npm i --prefix DIR yauzl @zip.js/zip.js`), yauzl 3 and zip.js 2:
//   1. index: time to open the target (central directory read, tree built) and peak RSS;
//   2. member open: first read of 4 KiB of a random member (a deflated one is inflated whole on its first
//      read), 5,000 members, p50/p99; and a second read of the same members (already inflated);
//   3. the same two for yauzl (openReadStream, read to its end) and zip.js (getData), which are asynchronous
//      only, and `unzip -l` / `unzip -p` (one process per member) for scale.
// Each scenario runs in its own node process so that peak RSS is its own.
// Environment: QUARRY_BENCH_MEMBERS (default 60000), QUARRY_BENCH_ZIP (use this zip instead of generating one).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openTarget } from "../plugins/index.js";

const self = fileURLToPath(import.meta.url);
const rssMB = (): number => Math.round(process.resourceUsage().maxRSS / 1024);
const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;
const SAMPLE = 5000;

function pick(names: string[], n: number): string[] {
  let seed = 42;
  const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  return Array.from({ length: Math.min(n, names.length) }, () => names[Math.floor(rnd() * names.length)]!);
}

function pct(lat: number[]): Record<string, number> {
  const s = [...lat].sort((a, b) => a - b);
  return { p50us: Math.round(s[s.length >> 1]!), p99us: Math.round(s[Math.floor(s.length * 0.99)]!), maxUs: Math.round(s[s.length - 1]!) };
}

interface YauzlEntry {
  fileName: string;
}
interface YauzlZip {
  on(ev: string, f: (x: YauzlEntry) => void): void;
  readEntry(): void;
  openReadStream(e: YauzlEntry, cb: (err: Error | null, s: NodeJS.ReadableStream) => void): void;
  close(): void;
}

async function child(mode: string, file: string, listFile: string): Promise<void> {
  const names = fs.readFileSync(listFile, "utf8").split("\n").filter(Boolean);
  const sample = pick(names, SAMPLE);
  const out: Record<string, unknown> = { mode };
  const t0 = process.hrtime.bigint();
  if (mode === "quarry") {
    const t = await openTarget(file);
    out.indexMs = Math.round(ms(t0));
    out.indexRssMB = rssMB();
    const buf = Buffer.alloc(4096);
    for (const pass of ["first", "again"]) {
      const lat: number[] = [];
      for (const n of sample) {
        const s0 = process.hrtime.bigint();
        const h = t.fs.open("/" + n);
        h.read(buf, 0, 4096, 0);
        h.close();
        lat.push(Number(process.hrtime.bigint() - s0) / 1e3);
      }
      out[pass] = pct(lat);
    }
    t.close();
  } else if (mode === "yauzl" || mode === "zipjs") {
    const req = createRequire(path.join(process.env.QUARRY_BENCH_ZIPLIBS!, "node_modules", "x.js"));
    if (mode === "yauzl") {
      const yauzl = req("yauzl") as { open(p: string, o: object, cb: (e: Error | null, z: YauzlZip) => void): void };
      const zip = await new Promise<YauzlZip>((res, rej) => yauzl.open(file, { lazyEntries: true, autoClose: false }, (e, z) => (e ? rej(e) : res(z))));
      const byName = new Map<string, YauzlEntry>();
      await new Promise<void>((res) => {
        zip.on("entry", (e) => {
          byName.set(e.fileName, e);
          zip.readEntry();
        });
        zip.on("end", () => res());
        zip.readEntry();
      });
      out.indexMs = Math.round(ms(t0));
      out.indexRssMB = rssMB();
      const lat: number[] = [];
      for (const n of sample) {
        const s0 = process.hrtime.bigint();
        await new Promise<void>((res, rej) =>
          zip.openReadStream(byName.get(n)!, (e, s) => {
            if (e) return rej(e);
            s.on("data", () => {});
            s.on("end", () => res());
            s.on("error", rej);
          }),
        );
        lat.push(Number(process.hrtime.bigint() - s0) / 1e3);
      }
      out.first = pct(lat);
      zip.close();
    } else {
      const zipjs = (await import(req.resolve("@zip.js/zip.js"))) as {
        BlobReader: new (b: Blob) => unknown;
        Uint8ArrayWriter: new () => unknown;
        ZipReader: new (r: unknown, o?: object) => { getEntries(): Promise<{ filename: string; getData(w: unknown): Promise<Uint8Array> }[]>; close(): Promise<void> };
        configure(o: object): void;
      };
      zipjs.configure({ useWebWorkers: false });
      const reader = new zipjs.ZipReader(new zipjs.BlobReader(await fs.openAsBlob(file)));
      const entries = await reader.getEntries();
      const byName = new Map(entries.map((e) => [e.filename, e]));
      out.indexMs = Math.round(ms(t0));
      out.indexRssMB = rssMB();
      const lat: number[] = [];
      for (const n of sample) {
        const s0 = process.hrtime.bigint();
        await byName.get(n)!.getData(new zipjs.Uint8ArrayWriter());
        lat.push(Number(process.hrtime.bigint() - s0) / 1e3);
      }
      out.first = pct(lat);
      await reader.close();
    }
  }
  out.peakRssMB = rssMB();
  process.stdout.write(JSON.stringify(out) + "\n");
}

function run(mode: string, file: string, list: string): Record<string, unknown> {
  const r = spawnSync(process.execPath, [self, "--child", mode, file, list], { encoding: "utf8", maxBuffer: 1 << 20 });
  if (r.status !== 0) return { mode, error: (r.stderr || "").slice(0, 500) };
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Record<string, unknown>;
}

function timed(cmd: string, args: string[]): { ms: number; ok: boolean } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ["ignore", "ignore", "ignore"] });
  return { ms: ms(t0), ok: r.status === 0 };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-zip-bench-"));
  try {
    const members = Number(process.env.QUARRY_BENCH_MEMBERS || 60000);
    const file = process.env.QUARRY_BENCH_ZIP || path.join(dir, "collection.zip");
    const list = path.join(dir, "names.txt");
    if (!process.env.QUARRY_BENCH_ZIP) {
      const t0 = process.hrtime.bigint();
      // Log-like members of 100 B – 16 KiB (one in 1,000 of 1 MiB), every line different, in 600 directories,
      // deflated at level 1 (about 5:1, as real logs).
      const py = `
import random, sys, zipfile
r = random.Random(1)
n = int(sys.argv[2])
users = ["root", "alice", "bob", "deploy", "backup"]
def line(i, k):
    return "Mar  1 12:%02d:%02d web01 sshd[%d]: Accepted publickey for %s from 10.0.%d.%d port %d ssh2: ED25519 SHA256:%016x\\n" % (k % 60, (i + k) % 60, r.randint(100, 99999), users[k % 5], r.randint(0, 255), r.randint(0, 255), r.randint(1024, 65535), r.getrandbits(64))
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
    for i in range(n):
        size = 1 << 20 if i % 1000 == 0 else r.randint(100, 16384)
        out, total = [], 0
        while total < size:
            out.append(line(i, len(out))); total += len(out[-1])
        z.writestr("var/log/d%03d/f%05d.log" % (i % 600, i), "".join(out).encode()[:size])
`;
      const g = spawnSync("python3", ["-c", py, file, String(members)], { stdio: "inherit" });
      if (g.status !== 0) throw new Error("python3 could not generate the zip");
      console.log(`generated ${members} members, ${(fs.statSync(file).size / 1e6).toFixed(0)} MB zip in ${(ms(t0) / 1000).toFixed(1)} s`);
    }
    const ls = spawnSync("python3", ["-c", "import sys, zipfile; print('\\n'.join(n for n in zipfile.ZipFile(sys.argv[1]).namelist() if not n.endswith('/')))", file], { encoding: "utf8", maxBuffer: 1 << 30 });
    fs.writeFileSync(list, ls.stdout);
    console.log(JSON.stringify(run("quarry", file, list)));
    if (process.env.QUARRY_BENCH_ZIPLIBS) {
      console.log(JSON.stringify(run("yauzl", file, list)));
      console.log(JSON.stringify(run("zipjs", file, list)));
    } else console.log("yauzl / zip.js: set QUARRY_BENCH_ZIPLIBS to compare");
    const unzipL = timed("unzip", ["-l", file]);
    if (unzipL.ok) {
      const names = pick(ls.stdout.split("\n").filter(Boolean), 50);
      const lat = names.map((n) => timed("unzip", ["-p", file, n]).ms * 1000);
      console.log(JSON.stringify({ mode: "unzip", listMs: Math.round(unzipL.ms), extractOneProcess: pct(lat) }));
    } else console.log("unzip: not installed");
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--child") await child(process.argv[3]!, process.argv[4]!, process.argv[5]!);
else await main();
