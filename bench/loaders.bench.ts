// npm run bench loaders — the tar index and the tar.gz strategies, on inputs generated here and deleted after.
//   1. a ~1 GB tar of ~60,000 members: index build time (Target.open) and random-read latency;
//   2. the same tar gzipped (gzip -1; ~0.5 GB): time to the first record and peak RSS, next to `gzip -dc`,
//      with the decompressed archive in a temp file (default above 64 MiB) or forced into memory;
//   3. one streaming pass with tar-stream that keeps only /var/log/** members (the "requested globs" idea);
//   4. node:zlib vs fflate: whole-buffer gunzip of a ~40 MB tar.gz, and the 64 KiB detection sniff.
// Each measurement runs in its own node process so that peak RSS belongs to that scenario alone.
// Environment: QUARRY_BENCH_MB (default 1024) and QUARRY_BENCH_MEMBERS (default 60000) scale the input.
import { execFileSync, spawnSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { Gunzip as FflateGunzip, gunzipSync as fflateGunzipSync } from "fflate";
import { extract as tarExtract } from "tar-stream";
import { Target } from "../src/target.js";
import { openTarget } from "../plugins/index.js";

const self = fileURLToPath(import.meta.url);
const rssMB = (): number => Math.round(process.resourceUsage().maxRSS / 1024);
const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;

// ---------------------------------------------------------------- child scenarios
async function child(mode: string, file: string): Promise<void> {
  const t0 = process.hrtime.bigint();
  const out: Record<string, unknown> = { mode };
  if (mode === "index") {
    const t = await openTarget(file);
    out.openMs = ms(t0);
    const files = t.fs.glob("/var/log/**/*.log");
    out.members = files.length;
    out.globMs = ms(t0) - (out.openMs as number);
    // Random reads: 4 KiB at a random offset of a random member, 20,000 times.
    let seed = 42;
    const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const buf = Buffer.alloc(4096);
    const lat: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const f = files[Math.floor(rnd() * files.length)]!;
      const s0 = process.hrtime.bigint();
      const h = t.fs.open(f);
      h.read(buf, 0, 4096, Math.floor(rnd() * Math.max(1, h.size - 4096)));
      h.close();
      lat.push(Number(process.hrtime.bigint() - s0) / 1e3);
    }
    lat.sort((a, b) => a - b);
    out.readP50us = lat[lat.length >> 1];
    out.readP99us = lat[Math.floor(lat.length * 0.99)];
    out.readMaxUs = lat[lat.length - 1];
    t.close();
  } else if (mode === "first") {
    const t = await openTarget(file);
    out.openMs = ms(t0);
    const first = t.fs.glob("/var/log/app0/*.log")[0]!;
    t.fs.readFile(first);
    out.firstRecordMs = ms(t0);
    t.close();
  } else if (mode === "tarstream") {
    // One pass, keeping only members that match the requested plugins' globs (here: var/log/app0/**).
    let kept = 0;
    let keptBytes = 0;
    let firstMs: number | null = null;
    await new Promise<void>((resolve, reject) => {
      const ex = tarExtract();
      ex.on("entry", (h, stream, next) => {
        const want = h.name.replace(/^\.?\//, "").startsWith("var/log/app0/");
        if (!want) {
          stream.on("end", next);
          stream.resume();
          return;
        }
        const chunks: Buffer[] = [];
        stream.on("data", (c) => chunks.push(c as Buffer));
        stream.on("end", () => {
          kept++;
          keptBytes += chunks.reduce((a, c) => a + c.length, 0);
          if (firstMs === null) firstMs = ms(t0);
          next();
        });
      });
      ex.on("finish", resolve);
      ex.on("error", reject);
      fs.createReadStream(file, { highWaterMark: 1 << 20 }).pipe(zlib.createGunzip()).pipe(ex);
    });
    out.firstKeptMs = firstMs;
    out.totalMs = ms(t0);
    out.kept = kept;
    out.keptMB = Math.round(keptBytes / 1e6);
  } else if (mode === "zlib-whole") {
    const r = zlib.gunzipSync(fs.readFileSync(file));
    out.totalMs = ms(t0);
    out.outMB = Math.round(r.length / 1e6);
  } else if (mode === "fflate-whole") {
    const r = fflateGunzipSync(fs.readFileSync(file));
    out.totalMs = ms(t0);
    out.outMB = Math.round(r.length / 1e6);
  } else if (mode === "sniff") {
    const head = Buffer.alloc(64 * 1024);
    const fd = fs.openSync(file, "r");
    fs.readSync(fd, head, 0, head.length, 0);
    fs.closeSync(fd);
    const N = 2000;
    let s0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) zlib.gunzipSync(head, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    out.zlibSniffUs = (ms(s0) * 1000) / N;
    s0 = process.hrtime.bigint();
    for (let i = 0; i < N; i++) {
      let got = 0;
      const g = new FflateGunzip((d) => (got += d.length));
      g.push(head, false);
      if (got === 0) throw new Error("fflate produced nothing");
    }
    out.fflateSniffUs = (ms(s0) * 1000) / N;
  }
  out.peakRssMB = rssMB();
  process.stdout.write(JSON.stringify(out) + "\n");
}

// ---------------------------------------------------------------- generation
function writeTar(file: string, targetBytes: number, members: number): { members: number; bytes: number } {
  let seed = 7;
  const rnd = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  // A 4 MiB pool: half incompressible bytes, half log-like text, so gzip -1 gives roughly 2:1.
  const pool = Buffer.alloc(4 << 20);
  randomFillSync(pool, 0, pool.length / 2);
  let text = "";
  for (let i = 0; text.length < pool.length / 2; i++) text += `Mar 15 10:${String(i % 60).padStart(2, "0")}:00 web01 app[${1000 + (i % 977)}]: request ${i} served in ${i % 313} ms\n`;
  pool.write(text.slice(0, pool.length / 2), pool.length / 2, "latin1");
  const avg = targetBytes / members;
  const fd = fs.openSync(file, "w");
  let bytes = 0;
  const chunks: Buffer[] = [];
  let pending = 0;
  const flush = (): void => {
    fs.writeSync(fd, Buffer.concat(chunks));
    chunks.length = 0;
    pending = 0;
  };
  const push = (b: Buffer): void => {
    chunks.push(b);
    pending += b.length;
    bytes += b.length;
    if (pending > 8 << 20) flush();
  };
  for (let i = 0; i < members; i++) {
    const size = Math.floor(rnd() * rnd() * avg * 3);
    const h = Buffer.alloc(512);
    h.write(`var/log/app${i % 50}/file${i}.log`, 0, 100, "latin1");
    h.write("0000644\0" + "0000000\0" + "0000000\0", 100, "latin1");
    h.write(size.toString(8).padStart(11, "0") + "\0", 124, "latin1");
    h.write((1_710_000_000 + i).toString(8).padStart(11, "0") + "\0", 136, "latin1");
    h.write("0", 156, "latin1");
    h.write("ustar\x0000", 257, "latin1");
    h.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "latin1");
    push(h);
    const off = Math.floor(rnd() * (pool.length - size - 1));
    push(Buffer.from(pool.subarray(off, off + size)));
    if (size % 512) push(Buffer.alloc(512 - (size % 512)));
  }
  push(Buffer.alloc(1024));
  flush();
  fs.closeSync(fd);
  return { members, bytes };
}

function run(mode: string, file: string, env: Record<string, string> = {}): Record<string, unknown> {
  const r = spawnSync(process.execPath, [self, "--child", mode, file], { env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as Record<string, unknown>;
}

function timed(cmd: string): { seconds: number; peakRssMB: number } {
  const r = spawnSync("/usr/bin/time", ["-f", "%e %M", "sh", "-c", cmd], { encoding: "utf8" });
  const last = r.stderr.trim().split("\n").pop()!.split(" ");
  return { seconds: Number(last[0]), peakRssMB: Math.round(Number(last[1]) / 1024) };
}

async function mainBench(): Promise<void> {
  const mb = Number(process.env.QUARRY_BENCH_MB ?? 1024);
  const members = Number(process.env.QUARRY_BENCH_MEMBERS ?? 60_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-bench-"));
  const cleanup = (): void => fs.rmSync(dir, { recursive: true, force: true });
  process.once("SIGINT", () => {
    cleanup();
    process.exit(130);
  });
  try {
    const tarFile = path.join(dir, "big.tar");
    let t0 = process.hrtime.bigint();
    const g = writeTar(tarFile, mb * 1024 * 1024, members);
    console.log(`node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}`);
    console.log(`generated ${tarFile}: ${(g.bytes / 1e6).toFixed(0)} MB, ${g.members} members (${(ms(t0) / 1000).toFixed(1)} s)`);

    console.log("\n[1] plain tar: index build (Target.open) and 20,000 random 4 KiB reads (page cache warm)");
    for (let i = 0; i < 2; i++) console.log("   ", JSON.stringify(run("index", tarFile)));

    const gz = path.join(dir, "big.tar.gz");
    t0 = process.hrtime.bigint();
    execFileSync("sh", ["-c", `gzip -1 -c '${tarFile}' > '${gz}'`]);
    console.log(`\n[2] ${gz}: ${(fs.statSync(gz).size / 1e6).toFixed(0)} MB (gzip -1, ${(ms(t0) / 1000).toFixed(1)} s)`);
    console.log("    gzip -dc > /dev/null:            ", JSON.stringify(timed(`gzip -dc '${gz}' > /dev/null`)));
    console.log("    quarry, temp file (default):      ", JSON.stringify(run("first", gz, { QUARRY_TMPDIR: dir })));
    console.log("    quarry, forced into memory:       ", JSON.stringify(run("first", gz, { QUARRY_GZIP_MEMORY_LIMIT: String(1e12) })));
    console.log("    tar-stream single filtered pass:  ", JSON.stringify(run("tarstream", gz)));
    fs.rmSync(gz);

    // A small tar.gz (~40 MB uncompressed): memory vs temp file, and zlib vs fflate.
    const small = path.join(dir, "small.tar");
    writeTar(small, 40 * 1024 * 1024, 2400);
    const sgz = path.join(dir, "small.tar.gz");
    execFileSync("sh", ["-c", `gzip -1 -c '${small}' > '${sgz}'`]);
    console.log(`\n[3] small: ${(fs.statSync(sgz).size / 1e6).toFixed(1)} MB tar.gz of ${(fs.statSync(small).size / 1e6).toFixed(0)} MB`);
    for (let i = 0; i < 2; i++) {
      console.log("    memory:   ", JSON.stringify(run("first", sgz, { QUARRY_GZIP_MEMORY_LIMIT: String(1e12) })));
      console.log("    temp file:", JSON.stringify(run("first", sgz, { QUARRY_GZIP_MEMORY_LIMIT: "0", QUARRY_TMPDIR: dir })));
    }
    console.log("    zlib.gunzipSync whole:  ", JSON.stringify(run("zlib-whole", sgz)));
    console.log("    fflate.gunzipSync whole:", JSON.stringify(run("fflate-whole", sgz)));
    console.log("    detection sniff (64 KiB head):", JSON.stringify(run("sniff", sgz)));
    console.log(`    load average now ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}`);
    const leftovers = fs.readdirSync(dir).filter((f) => !["big.tar", "small.tar", "small.tar.gz"].includes(f));
    console.log(`\n    temp files left in ${dir} by quarry: ${leftovers.length === 0 ? "none" : leftovers.join(", ")}`);
  } finally {
    cleanup();
  }
}

if (process.argv[2] === "--child") await child(process.argv[3]!, process.argv[4]!);
else if (process.argv[2] === "--gen") writeTar(process.argv[3]!, Number(process.argv[4]) * 1024 * 1024, Number(process.argv[5]));
else await mainBench();
