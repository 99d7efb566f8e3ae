// Batch bench (npm run bench batch; never in CI): 200 generated tar.gz host images, a few MB each, built from the
// atop and utmp fixtures, queried with target-query -f atop,wtmp,btmp (those of them this build has; set
// BENCH_FUNCTIONS to choose) with --jobs 1 and --jobs 2, and with --output-dir. Reports wall time and the peak
// RSS of the whole run (parent and worker threads are one process). BENCH_HOSTS changes the number of images.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { defaultRegistry } from "../plugins/index.js";

const here = path.dirname(fileURLToPath(import.meta.url)); // dist/bench
const root = path.resolve(here, "../..");
const work = path.join(root, ".bench-tmp", "batch");
const HOSTS = Number(process.env.BENCH_HOSTS ?? 200);

/** Fixture folders: the repo's own, else the shared ones (bench only: tests never read ../shared). */
function fixtureDir(kind: "atop" | "utmp"): string | null {
  for (const d of [path.join(root, "fixtures", kind), path.join(root, "..", "..", "shared", "fixtures", kind), `/work/shared/fixtures/${kind}`]) {
    if (fs.existsSync(d)) return d;
  }
  return null;
}

function tarHeader(name: string, size: number, type: "0" | "5"): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, "utf8");
  h.write(type === "5" ? "0000755\0" : "0000644\0", 100);
  h.write("0000000\0", 108);
  h.write("0000000\0", 116);
  h.write(size.toString(8).padStart(11, "0") + "\0", 124);
  h.write("14543246000\0", 136);
  h.write("        ", 148);
  h.write(type, 156);
  h.write("ustar\0", 257);
  h.write("00", 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
  return h;
}

function tarOf(files: [string, Buffer][]): Buffer {
  const parts: Buffer[] = [];
  const dirs = new Set<string>();
  for (const [name] of files) {
    const segs = name.split("/");
    for (let i = 1; i < segs.length; i++) dirs.add(segs.slice(0, i).join("/") + "/");
  }
  for (const d of [...dirs].sort()) parts.push(tarHeader(d, 0, "5"));
  for (const [name, data] of files) {
    parts.push(tarHeader(name, data.length, "0"), data);
    const pad = (512 - (data.length % 512)) % 512;
    if (pad) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

function buildImages(): { dir: string; bytes: number } {
  const dir = path.join(work, `hosts-v2-${HOSTS}`);
  const marker = path.join(dir, ".complete");
  if (fs.existsSync(marker)) return { dir, bytes: Number(fs.readFileSync(marker, "utf8")) };
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const atopDir = fixtureDir("atop");
  const utmpDir = fixtureDir("utmp");
  const atop = atopDir
    ? fs.readdirSync(atopDir).filter((f) => f.endsWith(".raw")).sort().map((f) => fs.readFileSync(path.join(atopDir, f)))
    : [];
  // The large 2.13 file may be only in the shared fixtures (it is big for the repo): take it from wherever it is.
  const largeFile = [atopDir, path.join(root, "..", "..", "shared", "fixtures", "atop"), "/work/shared/fixtures/atop"]
    .filter((d): d is string => !!d)
    .map((d) => path.join(d, "atop_2.13_large.raw"))
    .find((f) => fs.existsSync(f));
  const large = largeFile ? fs.readFileSync(largeFile) : null;
  const wtmp = utmpDir ? fs.readFileSync(path.join(utmpDir, "wtmp_basic")) : Buffer.alloc(0);
  const btmp = utmpDir ? fs.readFileSync(path.join(utmpDir, "btmp_basic")) : Buffer.alloc(0);
  // Bulk that no queried function reads, as in real collections (logs, configs): ~2 MB compressed per image.
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const words = ["sshd", "CRON", "kernel", "systemd", "session", "opened", "closed", "for", "user", "root", "from", "port", "Accepted", "publickey", "audit"];
  let syslog = "";
  for (let n = 0; syslog.length < 5_000_000; n++) {
    syslog += `Jan ${1 + (n % 28)} ${String(n % 24).padStart(2, "0")}:${String(n % 60).padStart(2, "0")}:00 host ${words[Math.floor(rnd() * words.length)]}[${Math.floor(rnd() * 99999)}]:`;
    for (let w = 0; w < 8; w++) syslog += " " + (rnd() < 0.3 ? Math.floor(rnd() * 1e9).toString(36) : words[Math.floor(rnd() * words.length)]);
    syslog += "\n";
  }
  const bulk = Buffer.from(syslog);
  let bytes = 0;
  for (let i = 0; i < HOSTS; i++) {
    const name = `host${String(i).padStart(3, "0")}`;
    const files: [string, Buffer][] = [
      ["etc/hostname", Buffer.from(name + "\n")],
      ["etc/os-release", Buffer.from('NAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="12"\n')],
      ["etc/passwd", Buffer.from(`root:x:0:0:root:/root:/bin/bash\n${name}:x:1000:1000::/home/${name}:/bin/bash\n`)],
      // wtmp a few hundred KB (the fixture's sessions repeated), btmp as is
      ["var/log/wtmp", Buffer.concat(Array.from({ length: 120 }, () => wtmp))],
      ["var/log/btmp", btmp],
      ["var/log/syslog.1", bulk],
    ];
    // atop: the large 2.13 file on every host, and three of the small version files by rotation
    if (large) files.push(["var/log/atop/atop_20240101", large], ["var/log/atop/atop_20240102", large]);
    for (let k = 0; k < 3 && atop.length; k++) files.push([`var/log/atop/atop_2024020${k + 1}`, atop[(i + k) % atop.length]!]);
    const gz = zlib.gzipSync(tarOf(files.map(([n, d]) => [`./${n}`, d])), { level: 6 });
    fs.writeFileSync(path.join(dir, `${name}.tar.gz`), gz);
    bytes += gz.length;
  }
  fs.writeFileSync(marker, String(bytes));
  return { dir, bytes };
}

function wrapper(): string {
  // Runs the compiled CLI in this process and writes its peak RSS (parent + worker threads) on exit.
  const f = path.join(work, "rss-wrap.mjs");
  const cli = path.join(root, "dist/src/cli/bin/target-query.js");
  fs.writeFileSync(
    f,
    `import fs from "node:fs";\nprocess.on("exit", () => fs.writeFileSync(process.env.RSS_OUT, String(process.resourceUsage().maxRSS)));\nawait import(${JSON.stringify("file://" + cli)});\n`,
  );
  return f;
}

function run(label: string, args: string[]): void {
  const rssFile = path.join(work, "rss.txt");
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [wrapper(), ...args], { env: { ...process.env, RSS_OUT: rssFile }, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const secs = (performance.now() - t0) / 1000;
  const rssMb = Number(fs.readFileSync(rssFile, "utf8")) / 1024;
  const summary = r.stderr.split("\n").find((l) => l.startsWith("summary:")) ?? r.stderr.slice(-400);
  console.log(`${label.padEnd(28)} ${secs.toFixed(2).padStart(7)} s   peak RSS ${rssMb.toFixed(0).padStart(5)} MB   exit ${r.status}   ${summary}`);
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
