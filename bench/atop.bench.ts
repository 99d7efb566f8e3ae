// atop bench (npm run bench -- atop): a raw file of ≥ 1,000,000 task records, made by repeating the
// non-boot samples of the real Debian 2.8.1 fixture behind its header (curtime advanced so the file stays
// a plausible log), read by `target-query -f atop -j` and by Debian's `atop -r FILE -P PRG,PRC,PRM,PRD`
// in the same run: wall time, records/s and peak RSS (/usr/bin/time -v). Also the decoder alone,
// in-process, without a sink. Output goes to /dev/null (ATOP_BENCH_OUT=file: a temp file, sizes shown);
// ATOP_BENCH_RECORDS sets the size. Nothing here runs in CI.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { atopTasks } from "../plugins/os/unix/log/atop/index.js";
import { AtopTaskRecord } from "../plugins/os/unix/log/atop/records.js";
import { formatRecordJson } from "../src/records/sinks/jsonl.js";
import { openTarget } from "../plugins/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const FIXTURE = path.join(root, "fixtures/atop/atop_2.8.1-debian.raw");
const TARGET_RECORDS = Number(process.env.ATOP_BENCH_RECORDS ?? 1_000_000);
/** Where both tools write: /dev/null (default: parsing and formatting speed) or "file" (a temp file, sizes shown). */
const TO_FILE = process.env.ATOP_BENCH_OUT === "file";

function build(dir: string): { file: string; records: number; samples: number; bytes: number } {
  const raw = fs.readFileSync(FIXTURE);
  const samples: { buf: Buffer; ndeviat: number }[] = [];
  let pos = 480;
  while (pos + 96 <= raw.length) {
    const len = 96 + raw.readUInt32LE(pos + 16) + raw.readUInt32LE(pos + 20) + raw.readUInt32LE(pos + 72) + raw.readUInt32LE(pos + 84);
    samples.push({ buf: raw.subarray(pos, pos + len), ndeviat: raw.readUInt32LE(pos + 28) });
    pos += len;
  }
  const file = path.join(dir, "var/log/atop/atop_20261121");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.mkdirSync(path.join(dir, "etc"), { recursive: true });
  fs.writeFileSync(path.join(dir, "etc/hostname"), "benchhost\n");
  const fd = fs.openSync(file, "w");
  fs.writeSync(fd, raw.subarray(0, 480));
  let records = 0;
  let n = 0;
  let t = Number(samples[0]!.buf.readBigInt64LE(0));
  const chunk: Buffer[] = [];
  const flush = (): void => {
    fs.writeSync(fd, Buffer.concat(chunk));
    chunk.length = 0;
  };
  for (let i = 0; records < TARGET_RECORDS; i++) {
    const s = i < samples.length ? samples[i]! : samples[1 + ((i - samples.length) % (samples.length - 1))]!;
    const b = Buffer.from(s.buf);
    if (i >= samples.length) {
      t += 1;
      b.writeBigInt64LE(BigInt(t), 0);
    } else t = Number(b.readBigInt64LE(0));
    chunk.push(b);
    if (chunk.length >= 256) flush();
    records += s.ndeviat;
    n++;
  }
  flush();
  fs.closeSync(fd);
  return { file, records, samples: n, bytes: fs.statSync(file).size };
}

interface Timed {
  wallS: number;
  /** user + system CPU seconds: steadier than wall time on a busy machine. */
  cpuS: number;
  rssKiB: number;
  status: number | null;
  outBytes: number;
}

function timed(cmd: string, args: string[]): Timed {
  const outFile = TO_FILE ? path.join(os.tmpdir(), `atop-bench-out-${process.pid}`) : "/dev/null";
  const fd = fs.openSync(outFile, "w");
  const start = process.hrtime.bigint();
  const r = spawnSync("/usr/bin/time", ["-v", cmd, ...args], { stdio: ["ignore", fd, "pipe"], maxBuffer: 64 << 20 });
  const wallS = Number(process.hrtime.bigint() - start) / 1e9;
  fs.closeSync(fd);
  const outBytes = TO_FILE ? fs.statSync(outFile).size : NaN;
  if (TO_FILE) fs.rmSync(outFile, { force: true });
  const err = r.stderr.toString();
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
  const user = /User time \(seconds\): ([\d.]+)/.exec(err);
  const sys = /System time \(seconds\): ([\d.]+)/.exec(err);
  const cpuS = user && sys ? Number(user[1]) + Number(sys[1]) : NaN;
  if (r.status !== 0) process.stderr.write(err.slice(-2000));
  return { wallS, cpuS, rssKiB: rss ? Number(rss[1]) : NaN, status: r.status, outBytes };
}

async function decodeOnly(dir: string, format: boolean): Promise<{ s: number; n: number }> {
  const target = await openTarget(dir);
  const ctx = { args: {}, warn: () => {}, error: () => {} };
  const start = process.hrtime.bigint();
  let n = 0;
  let bytes = 0;
  for (const f of atopTasks(target, ctx)) {
    const rec = AtopTaskRecord.create(f);
    if (format) {
      Object.assign(rec, { hostname: "benchhost", domain: null, _source: "bench", _classification: null, _generated: null, _version: 1 });
      bytes += formatRecordJson(rec).length;
    }
    n++;
  }
  if (bytes < 0) console.log(bytes);
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  target.close();
  return { s, n };
}

async function main(): Promise<void> {
  if (!fs.existsSync("/usr/bin/time")) {
    console.log("skipped: /usr/bin/time (GNU time) is needed for peak RSS");
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "atop-bench-"));
  try {
    const f = build(dir);
    console.log(`input: ${f.file}: ${f.samples} samples, ${f.records} task records, ${(f.bytes / 1e6).toFixed(1)} MB`);
    const d = await decodeOnly(dir, false);
    console.log(`decode only (in-process, records created, no sink): ${d.n} records in ${d.s.toFixed(2)} s = ${Math.round(d.n / d.s)} records/s`);
    const j = await decodeOnly(dir, true);
    console.log(`decode + formatRecordJson (in-process, no output): ${j.s.toFixed(2)} s = ${Math.round(j.n / j.s)} records/s`);
    const cli = path.join(root, "dist/src/cli/bin/target-query.js");
    const q = timed(process.execPath, [cli, "-q", "-f", "atop", "-j", dir]);
    console.log(
      `target-query -f atop -j: ${q.wallS.toFixed(2)} s wall, ${q.cpuS.toFixed(2)} s CPU, ${Math.round(f.records / q.wallS)} records/s, peak RSS ${(q.rssKiB / 1024).toFixed(0)} MiB${TO_FILE ? `, ${(q.outBytes / 1e6).toFixed(0)} MB of JSON` : ", output to /dev/null"} (exit ${q.status})`,
    );
    const atop = spawnSync("sh", ["-c", "command -v atop"]).stdout.toString().trim();
    if (!atop) {
      console.log("atop: not installed, native side skipped (apt-get install -y atop gives Debian's 2.8.1)");
      return;
    }
    const a = timed(atop, ["-r", f.file, "-P", "PRG,PRC,PRM,PRD"]);
    console.log(
      `atop -r FILE -P PRG,PRC,PRM,PRD: ${a.wallS.toFixed(2)} s wall, ${a.cpuS.toFixed(2)} s CPU, ${Math.round(f.records / a.wallS)} records/s, peak RSS ${(a.rssKiB / 1024).toFixed(0)} MiB${TO_FILE ? `, ${(a.outBytes / 1e6).toFixed(0)} MB of text` : ", output to /dev/null"} (exit ${a.status})`,
    );
    console.log(`ratio target-query/atop: wall ${(q.wallS / a.wallS).toFixed(2)}, CPU ${(q.cpuS / a.cpuS).toFixed(2)} (load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
