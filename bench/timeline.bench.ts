// Timeline bench (npm run bench timeline; never in CI): the batch bench's fleet (bench/fleet.ts: 200 tar.gz host
// images) queried with -f atop,wtmp,btmp -j --jobs 2, without and with --timeline (and with --timeline and the
// smallest worker heap ceiling), stdout into a pipe that counts it.
// Reports wall time, the peak RSS of the whole process (the goal: ≤ 500 MB with --timeline), the bytes written,
// and with --timeline the entries and what went through the temp files. BENCH_HOSTS, BENCH_FUNCTIONS and
// BENCH_JOBS change the fleet, the functions and the workers.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defaultRegistry } from "../plugins/index.js";
import { HOSTS, buildImages, root, work } from "./fleet.js";

const GOAL_MB = 500;

function wrapper(): string {
  // Runs the compiled CLI in this process and writes its peak RSS (parent + worker threads) on exit.
  const f = path.join(work, "rss-wrap-timeline.mjs");
  const cli = path.join(root, "dist/src/cli/bin/target-query.js");
  fs.writeFileSync(
    f,
    `import fs from "node:fs";\nprocess.on("exit", () => fs.writeFileSync(process.env.RSS_OUT, String(process.resourceUsage().maxRSS)));\nawait import(${JSON.stringify("file://" + cli)});\n`,
  );
  return f;
}

interface Figures {
  secs: number;
  rssMb: number;
  bytes: number;
  status: number | null;
  stderr: string;
}

function run(args: string[]): Figures {
  const rssFile = path.join(work, "rss-timeline.txt");
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-bench-timeline-"));
  const t0 = performance.now();
  // stdout through wc -c: a pipe, as an analyst's `| rdump` or `> file` over ssh would be, read as fast as it comes
  const r = spawnSync("sh", ["-c", '"$@" | wc -c >"$BYTES_OUT"', "sh", process.execPath, wrapper(), ...args], {
    env: { ...process.env, RSS_OUT: rssFile, BYTES_OUT: path.join(work, "bytes.txt"), QUARRY_TMPDIR: tmp },
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  const secs = (performance.now() - t0) / 1000;
  const left = fs.readdirSync(tmp);
  fs.rmSync(tmp, { recursive: true, force: true });
  if (left.length) throw new Error(`the run left ${left.length} files in its temp folder`);
  return {
    secs,
    rssMb: Number(fs.readFileSync(rssFile, "utf8")) / 1024,
    bytes: Number(fs.readFileSync(path.join(work, "bytes.txt"), "utf8").trim()),
    status: r.status,
    stderr: r.stderr,
  };
}

function line(label: string, f: Figures, extra = ""): void {
  const summary = f.stderr.split("\n").find((l) => l.startsWith("summary:")) ?? f.stderr.slice(-400);
  console.log(
    `${label.padEnd(30)} ${f.secs.toFixed(1).padStart(7)} s   peak RSS ${f.rssMb.toFixed(0).padStart(5)} MB   ${(f.bytes / 1e9).toFixed(2)} GB out   exit ${f.status}   ${extra || summary}`,
  );
}

const wanted = (process.env.BENCH_FUNCTIONS ?? "atop,wtmp,btmp").split(",");
const present = wanted.filter((f) => defaultRegistry.match(f).length > 0);
const functions = present.length ? present : ["users", "hostname"];
const jobs = process.env.BENCH_JOBS ?? "2";
const t0 = performance.now();
const { dir, bytes } = buildImages();
console.log(`${HOSTS} tar.gz images in ${dir}: ${(bytes / 1e6).toFixed(1)} MB, ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
console.log(`functions: ${functions.join(",")}; --jobs ${jobs}; cores: ${os.availableParallelism()}, node ${process.version}`);
const base = [dir, "-f", functions.join(","), "-j", "--jobs", jobs];
const plain = run(base);
line("without --timeline", plain);
function timelineRow(label: string, args: string[]): Figures {
  const f = run([...base, ...args, "--timeline", "-v"]);
  const m = /timeline: (\d+) entries from (\d+) records; (\d+) runs spilled \((\d+) bytes\), merging (\d+)/.exec(f.stderr);
  const detail = m
    ? `${Number(m[1]).toLocaleString("en")} entries from ${Number(m[2]).toLocaleString("en")} records; ${m[3]} runs spilled (${(Number(m[4]) / 1e9).toFixed(2)} GB), final merge of ${m[5]}`
    : f.stderr.slice(-400);
  line(label, f, detail);
  console.log(`  ${(f.secs / plain.secs).toFixed(2)}× the time without; peak RSS ${f.rssMb.toFixed(0)} MB (goal ≤ ${GOAL_MB} MB: ${f.rssMb <= GOAL_MB ? "met" : "MISSED"})`);
  return f;
}
// The default JS heap ceiling of a worker grows with the machine's memory (4096 MB each on 24 GB), and a worker
// with room collects late: the same run with the smallest ceiling shows what the timeline itself costs.
const rows = [timelineRow("--timeline", []), timelineRow("--timeline --worker-heap 256", ["--worker-heap", "256"])];
if (plain.status !== 0 || rows.some((r) => r.status !== 0)) process.exitCode = 1;
