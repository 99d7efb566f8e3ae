// Batch bench (npm run bench batch; never in CI): 200 generated tar.gz host images, a few MB each, built from the
// atop and utmp fixtures, queried with target-query -f atop,wtmp,btmp (those of them this build has; set
// BENCH_FUNCTIONS to choose) with --jobs 1 and --jobs 2, and with --output-dir. Reports wall time and the peak
// RSS of the whole run (parent and worker threads are one process). BENCH_HOSTS changes the number of images.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defaultRegistry } from "../plugins/index.js";
import { HOSTS, buildImages, root, work } from "./fleet.js";

function wrapper(): string {
  // Runs the compiled CLI in this process and writes its peak RSS (parent + worker threads) on exit.
  const f = path.join(work, "rss-wrap.mjs");
  const cli = path.join(root, "dist/src/cli/bin/target-query.js");
  fs.writeFileSync(
    f,
    `import fs from "node:fs";\nprocess.on("exit", () => { const u = process.resourceUsage(); fs.writeFileSync(process.env.RSS_OUT, JSON.stringify([u.maxRSS, u.userCPUTime, u.systemCPUTime])); });\nawait import(${JSON.stringify("file://" + cli)});\n`,
  );
  return f;
}

function run(label: string, args: string[]): void {
  const rssFile = path.join(work, "rss.txt");
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [wrapper(), ...args], { env: { ...process.env, RSS_OUT: rssFile }, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const secs = (performance.now() - t0) / 1000;
  const [maxRss, user, system] = JSON.parse(fs.readFileSync(rssFile, "utf8")) as [number, number, number];
  const rssMb = maxRss / 1024;
  const cpu = (user + system) / 1e6;
  const summary = r.stderr.split("\n").find((l) => l.startsWith("summary:")) ?? r.stderr.slice(-400);
  console.log(`${label.padEnd(28)} ${secs.toFixed(2).padStart(7)} s   CPU ${cpu.toFixed(1).padStart(6)} s (user ${(user / 1e6).toFixed(1)}, system ${(system / 1e6).toFixed(1)}; ${(cpu / secs).toFixed(2)} cores)   peak RSS ${rssMb.toFixed(0).padStart(5)} MB   exit ${r.status}   ${summary}`);
}

const wanted = (process.env.BENCH_FUNCTIONS ?? "atop,wtmp,btmp").split(",");
const present = wanted.filter((f) => defaultRegistry.match(f).length > 0);
const functions = present.length ? present : ["users", "hostname"];
const t0 = performance.now();
const { dir, bytes } = buildImages();
console.log(`${HOSTS} tar.gz images in ${dir}: ${(bytes / 1e6).toFixed(1)} MB (${(bytes / HOSTS / 1e6).toFixed(2)} MB each), ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
console.log(`functions: ${functions.join(",")}${present.length < wanted.length ? `  (asked ${wanted.join(",")}; not in this build: ${wanted.filter((f) => !present.includes(f)).join(",") || "-"})` : ""}`);
console.log(`cores: ${os.availableParallelism()}, node ${process.version}`);
const base = [dir, "-f", functions.join(","), "-j"];
run("--jobs 1  (stdout)", [...base, "--jobs", "1"]);
run("--jobs 2  (stdout)", [...base, "--jobs", "2"]);
const out = path.join(work, "out");
fs.rmSync(out, { recursive: true, force: true });
run("--jobs 2  --output-dir", [...base, "--jobs", "2", "--output-dir", out]);
fs.rmSync(out, { recursive: true, force: true });
