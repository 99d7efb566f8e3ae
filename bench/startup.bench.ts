// npm run bench -- startup: how long `target-query -f hostname fixtures/hosts/web01.tar` takes from exec to exit
// (goal ≤ 150 ms wall, ≤ 60 MB peak RSS), beside `node -e 0` (Node's own start-up) in the same run: runs alternate,
// medians are printed. Never run by `npm test`.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const RUNS = Number(process.env.STARTUP_RUNS ?? 21);

interface Sample {
  wall: number;
  rssKb: number;
}

function timed(cmd: string[]): Sample {
  const t0 = process.hrtime.bigint();
  const r = spawnSync("/usr/bin/time", ["-f", "%M", ...cmd], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9; // /usr/bin/time's own %e has 10 ms steps
  const rss = Number(r.stderr.toString().trim().split("\n").pop());
  if (r.status !== 0) throw new Error(`${cmd.join(" ")}: exit ${r.status}: ${r.stderr}`);
  return { wall, rssKb: rss };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function main(): number {
  if (!fs.existsSync("/usr/bin/time")) {
    console.log("startup bench skipped: /usr/bin/time is not installed");
    return 0;
  }
  const tq = path.join(root, "dist/src/cli/bin/target-query.js");
  const cases: [string, string[]][] = [
    ["node -e 0", [process.execPath, "-e", "0"]],
    ["target-query -f hostname web01.tar", [process.execPath, tq, "-f", "hostname", "-q", "fixtures/hosts/web01.tar"]],
    ["target-query -f hostname -j web01.tar", [process.execPath, tq, "-f", "hostname", "-j", "-q", "fixtures/hosts/web01.tar"]],
    ["target-query --help", [process.execPath, tq, "--help"]],
  ];
  const samples = cases.map(() => [] as Sample[]);
  for (let i = 0; i < RUNS; i++) cases.forEach(([, cmd], k) => samples[k]!.push(timed(cmd)));
  console.log(`${"command".padEnd(40)} ${"median wall ms".padStart(14)} ${"min ms".padStart(7)} ${"peak RSS MB".padStart(11)}`);
  cases.forEach(([label], k) => {
    const s = samples[k]!;
    console.log(
      `${label.padEnd(40)} ${(median(s.map((x) => x.wall)) * 1000).toFixed(0).padStart(14)} ${(Math.min(...s.map((x) => x.wall)) * 1000).toFixed(0).padStart(7)} ${(median(s.map((x) => x.rssKb)) / 1024).toFixed(1).padStart(11)}`,
    );
  });
  const base = median(samples[0]!.map((x) => x.wall));
  const tqm = median(samples[1]!.map((x) => x.wall));
  console.log(`\ntarget-query -f hostname: ${(tqm * 1000).toFixed(0)} ms, ${((tqm - base) * 1000).toFixed(0)} ms above node's own start-up (goal ≤ 150 ms, ≤ 60 MB)`);
  console.log(`${RUNS} alternating runs; machine: ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  return 0;
}

process.exitCode = main();
