// authlog bench (npm run bench -- authlog): an auth.log of ≥ 2,000,000 lines (AUTHLOG_BENCH_LINES) generated
// in a temp dir from the message forms of fixtures/logs/auth/forms.jsonl, weighted as on an Internet-facing
// host (mostly sshd failures, cron sessions, some sudo), times advancing and crossing a New Year; then, in the
// same run and on the same file, `target-query -f authlog -j` and awk splitting every line into the same
// fields (stamp, host, service, pid, message), both writing to /dev/null, wall time and peak RSS from GNU time.
// The bars: target-query ≤ 1.5 × awk's wall time, peak RSS ≤ 150 MB. Nothing here runs in CI.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const LINES = Number(process.env.AUTHLOG_BENCH_LINES ?? 2_000_000);
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

interface Form {
  service: string;
  pid: number | null;
  message: string;
}

/** Weights: an Internet-facing sshd sees mostly failures; cron's hourly sessions; a little sudo. */
function weight(f: Form): number {
  if (f.service === "sshd" && /^(Failed password|Invalid user|pam_unix\(sshd:auth\)|Connection closed|Disconnected|Received disconnect)/.test(f.message)) return 12;
  if (f.service === "CRON") return 6;
  if (f.service === "sshd" || f.service === "sudo") return 3;
  return 1;
}

function build(dir: string): { file: string; bytes: number } {
  const forms: Form[] = fs
    .readFileSync(path.join(root, "fixtures/logs/auth/forms.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Form);
  const deck: Form[] = [];
  for (const f of forms) for (let k = 0; k < weight(f); k++) deck.push(f);
  fs.mkdirSync(path.join(dir, "etc"), { recursive: true });
  fs.mkdirSync(path.join(dir, "var/log"), { recursive: true });
  fs.mkdirSync(path.join(dir, "usr/share/zoneinfo/Europe"), { recursive: true });
  fs.writeFileSync(path.join(dir, "etc/hostname"), "web01\n");
  fs.writeFileSync(path.join(dir, "etc/timezone"), "Europe/Berlin\n");
  fs.copyFileSync(path.join(root, "fixtures/tz/zoneinfo/Europe/Berlin"), path.join(dir, "usr/share/zoneinfo/Europe/Berlin"));
  fs.symlinkSync("/usr/share/zoneinfo/Europe/Berlin", path.join(dir, "etc/localtime"));
  const file = path.join(dir, "var/log/auth.log");
  const fd = fs.openSync(file, "w");
  // from 2025-11-20 local, ~3 s apart on average: 2,000,000 lines reach into February
  let t = Date.UTC(2025, 10, 20) / 1000;
  let seed = 1;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  let chunk = "";
  for (let i = 0; i < LINES; i++) {
    t += Math.floor(rnd() * 6);
    const d = new Date(t * 1000);
    const f = deck[Math.floor(rnd() * deck.length)]!;
    const day = String(d.getUTCDate()).padStart(2, " ");
    const hms = d.toISOString().slice(11, 19);
    const pid = f.pid === null ? "" : `[${f.pid + (i % 7919)}]`;
    chunk += `${MONTHS[d.getUTCMonth()]} ${day} ${hms} web01 ${f.service}${pid}: ${f.message}\n`;
    if (chunk.length > 1 << 20) {
      fs.writeSync(fd, chunk);
      chunk = "";
    }
  }
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  fs.utimesSync(file, t + 60, t + 60);
  return { file, bytes: fs.statSync(file).size };
}

interface Timed {
  wallS: number;
  cpuS: number;
  rssKiB: number;
  status: number | null;
}

function timed(cmd: string, args: string[]): Timed {
  const fd = fs.openSync("/dev/null", "w");
  const start = process.hrtime.bigint();
  const r = spawnSync("/usr/bin/time", ["-v", cmd, ...args], { stdio: ["ignore", fd, "pipe"], maxBuffer: 64 << 20 });
  const wallS = Number(process.hrtime.bigint() - start) / 1e9;
  fs.closeSync(fd);
  const err = r.stderr.toString();
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
  const user = /User time \(seconds\): ([\d.]+)/.exec(err);
  const sys = /System time \(seconds\): ([\d.]+)/.exec(err);
  if (r.status !== 0) process.stderr.write(err.slice(-2000));
  return { wallS, cpuS: user && sys ? Number(user[1]) + Number(sys[1]) : NaN, rssKiB: rss ? Number(rss[1]) : NaN, status: r.status };
}

// The same split as the parser's: the stamp (3 fields), the host, the tag into service and pid, the message.
const AWK = String.raw`{
  tag = $5; pid = ""
  if (sub(/:$/, "", tag)) { i = index(tag, "["); if (i > 0) { pid = substr(tag, i + 1, length(tag) - i - 1); tag = substr(tag, 1, i - 1) } }
  msg = $0; sub(/^[^ ]+ +[^ ]+ [^ ]+ [^ ]+ [^ ]+ /, "", msg)
  print $1 " " $2 " " $3 "\t" $4 "\t" tag "\t" pid "\t" msg
}`;

// The same split written as JSON lines: the five fields under their names, the message's backslashes and quotes
// escaped (no other escaping, no typed fields, no year or zone: what awk can do in a line).
const AWK_JSON = String.raw`{
  tag = $5; pid = "null"
  if (sub(/:$/, "", tag)) { i = index(tag, "["); if (i > 0) { pid = substr(tag, i + 1, length(tag) - i - 1); tag = substr(tag, 1, i - 1) } }
  msg = $0; sub(/^[^ ]+ +[^ ]+ [^ ]+ [^ ]+ [^ ]+ /, "", msg); gsub(/\\/, "\\\\\\\\", msg); gsub(/"/, "\\\"", msg)
  print "{\"stamp\": \"" $1 " " $2 " " $3 "\", \"syslog_hostname\": \"" $4 "\", \"service\": \"" tag "\", \"pid\": " pid ", \"message\": \"" msg "\"}"
}`;

function main(): void {
  if (!fs.existsSync("/usr/bin/time")) {
    console.log("skipped: /usr/bin/time (GNU time) is needed for peak RSS");
    return;
  }
  // AUTHLOG_BENCH_KEEP=DIR: the target is built (once) and kept there, for profiling
  const keep = process.env.AUTHLOG_BENCH_KEEP;
  const dir = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), "authlog-bench-"));
  try {
    const kept = path.join(dir, "var/log/auth.log");
    const f = keep && fs.existsSync(kept) ? { file: kept, bytes: fs.statSync(kept).size } : build(dir);
    console.log(`input: ${f.file}: ${LINES} lines, ${(f.bytes / 1e6).toFixed(1)} MB`);
    const awkPath = spawnSync("sh", ["-c", "command -v awk"]).stdout.toString().trim();
    const awkName = fs.realpathSync(awkPath);
    const cli = path.join(root, "dist/src/cli/bin/target-query.js");
    const runs = Number(process.env.AUTHLOG_BENCH_RUNS ?? 5);
    const q: Timed[] = [];
    const a: Timed[] = [];
    const aj: Timed[] = [];
    // interleaved, medians: the machine is shared, a neighbour's burst lands on either side alike
    for (let k = 0; k < runs; k++) {
      a.push(timed(awkPath, [AWK, f.file]));
      aj.push(timed(awkPath, [AWK_JSON, f.file]));
      q.push(timed(process.execPath, [cli, "-q", "-f", "authlog", "-j", dir]));
    }
    const median = (xs: number[]): number => {
      const s = [...xs].sort((x, y) => x - y);
      const m = s.length >> 1;
      return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
    };
    const walls = (xs: Timed[]): string => xs.map((x) => x.wallS.toFixed(2)).join(" ");
    const mq = { wallS: median(q.map((x) => x.wallS)), cpuS: median(q.map((x) => x.cpuS)) };
    const ma = { wallS: median(a.map((x) => x.wallS)), cpuS: median(a.map((x) => x.cpuS)) };
    const rss = Math.max(...q.map((x) => x.rssKiB)) / 1024;
    const maj = { wallS: median(aj.map((x) => x.wallS)), cpuS: median(aj.map((x) => x.cpuS)) };
    const awkRss = Math.max(...a.map((x) => x.rssKiB)) / 1024;
    const status = q.find((x) => x.status !== 0)?.status ?? 0;
    console.log(`awk (${awkName}) split into fields: median ${ma.wallS.toFixed(2)} s wall, ${ma.cpuS.toFixed(2)} s CPU, peak RSS ${awkRss.toFixed(0)} MiB (runs: ${walls(a)})`);
    console.log(`awk (${awkName}) the same as JSON lines: median ${maj.wallS.toFixed(2)} s wall, ${maj.cpuS.toFixed(2)} s CPU (runs: ${walls(aj)})`);
    console.log(
      `target-query -f authlog -j: median ${mq.wallS.toFixed(2)} s wall, ${mq.cpuS.toFixed(2)} s CPU, ${Math.round(LINES / mq.wallS)} lines/s, peak RSS ${rss.toFixed(0)} MiB (runs: ${walls(q)}; exit ${status})`,
    );
    const ratio = mq.wallS / ma.wallS;
    console.log(`ratio target-query/awk (medians of ${runs}): wall ${ratio.toFixed(2)}, CPU ${(mq.cpuS / ma.cpuS).toFixed(2)} (load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs)`);
    console.log(`ratio target-query/awk writing JSON lines: wall ${(mq.wallS / maj.wallS).toFixed(2)}, CPU ${(mq.cpuS / maj.cpuS).toFixed(2)}`);
    const ok = ratio <= 1.5 && rss <= 150 && status === 0;
    console.log(`${ok ? "PASS" : "FAIL"}: wall ratio ${ratio.toFixed(2)} (bar 1.5), peak RSS ${rss.toFixed(0)} MiB (bar 150)`);
    if (!ok) process.exitCode = 1;
  } finally {
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
