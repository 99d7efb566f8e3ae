// logins bench (npm run bench -- logins): a host with a wtmp of 1,000,000 records and an auth.log of 2,000,000
// lines telling the same 500,000 sshd sessions (LOGINS_BENCH_SESSIONS), generated in a temp dir: each session
// a USER_PROCESS and a DEAD_PROCESS in wtmp, and Accepted, pam_unix session opened, Disconnected, pam_unix
// session closed in auth.log, sessions ~10 s apart and overlapping (ttys reused as on a real host). Then, in
// the same run, `target-query -f wtmp -j`, `-f authlog -j` and `-f logins -j` (and `logins.sessions`), each
// writing to /dev/null: wall time, CPU and peak RSS from GNU time. The issue's bars: logins' peak RSS ≤ 300 MB,
// its time ≤ 1.5 × the sum of the single functions' times. Nothing here runs in CI.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const SESSIONS = Number(process.env.LOGINS_BENCH_SESSIONS ?? 500_000);
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function utmp(type: number, sec: number, usec: number, pid: number, line: string, user: string, ip: string | null): Buffer {
  const b = Buffer.alloc(384);
  b.writeInt16LE(type, 0);
  b.writeInt32LE(pid, 4);
  b.write(line, 8, 32, "latin1");
  b.write(line.slice(-4), 40, 4, "latin1");
  b.write(user, 44, 32, "latin1");
  if (ip) b.write(ip, 76, 256, "latin1");
  b.writeInt32LE(sec, 340);
  b.writeInt32LE(usec, 344);
  if (ip) ip.split(".").forEach((p, i) => (b[348 + i] = Number(p)));
  return b;
}

function stamp(sec: number): string {
  const d = new Date(sec * 1000);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, " ")} ${d.toISOString().slice(11, 19)}`;
}

function build(dir: string): { wtmpBytes: number; authBytes: number; lines: number; records: number } {
  fs.mkdirSync(path.join(dir, "etc"), { recursive: true });
  fs.mkdirSync(path.join(dir, "var/log"), { recursive: true });
  fs.writeFileSync(path.join(dir, "etc/hostname"), "web01\n");
  fs.writeFileSync(path.join(dir, "etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
  const wfd = fs.openSync(path.join(dir, "var/log/wtmp"), "w");
  const afd = fs.openSync(path.join(dir, "var/log/auth.log"), "w");
  let seed = 7;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  // events (time µs, wtmp record or null, auth lines) produced in time order through a small pending list
  type Ev = { t: number; rec: Buffer; lines: string[] };
  const pending: Ev[] = [];
  const free: number[] = [];
  let nextTty = 0;
  let t = Date.UTC(2025, 5, 1) * 1000; // µs, 2025-06-01 UTC
  let wchunk: Buffer[] = [];
  let achunk = "";
  let records = 0;
  let lines = 0;
  const flush = (upTo: number): void => {
    pending.sort((a, b) => a.t - b.t);
    while (pending.length && pending[0]!.t <= upTo) {
      const e = pending.shift()!;
      wchunk.push(e.rec);
      records++;
      for (const l of e.lines) achunk += l + "\n";
      lines += e.lines.length;
      if (wchunk.length >= 4096) {
        fs.writeSync(wfd, Buffer.concat(wchunk));
        wchunk = [];
      }
      if (achunk.length > 1 << 20) {
        fs.writeSync(afd, achunk);
        achunk = "";
      }
    }
  };
  for (let i = 0; i < SESSIONS; i++) {
    t += Math.floor(rnd() * 20_000_000);
    const pid = 1000 + (i % 60000);
    const port = 1024 + Math.floor(rnd() * 64000);
    const user = `user${i % 500}`;
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255 || 1}`;
    const ttyN = free.length ? free.shift()! : nextTty++;
    const tty = `pts/${ttyN}`;
    const dur = 1_000_000 + Math.floor(rnd() * 60_000_000);
    const login = t + 200_000;
    const out = t + dur;
    const sec = Math.floor(login / 1e6);
    const tag = `web01 sshd[${pid}]:`;
    pending.push({
      t: login,
      rec: utmp(7, sec, login % 1e6, pid, tty, user, ip),
      lines: [`${stamp(Math.floor(t / 1e6))} ${tag} Accepted password for ${user} from ${ip} port ${port} ssh2`, `${stamp(Math.floor(t / 1e6))} ${tag} pam_unix(sshd:session): session opened for user ${user}(uid=1000) by (uid=0)`],
    });
    pending.push({
      t: out,
      rec: utmp(8, Math.floor(out / 1e6), out % 1e6, pid, tty, "", null),
      lines: [`${stamp(Math.floor(out / 1e6))} ${tag} Disconnected from user ${user} ${ip} port ${port}`, `${stamp(Math.floor(out / 1e6))} ${tag} pam_unix(sshd:session): session closed for user ${user}`],
    });
    // the tty is free again once its session ended: handed out in order of ending
    free.push(ttyN);
    free.sort((a, b) => a - b);
    flush(t - 70_000_000);
  }
  flush(Infinity);
  fs.writeSync(wfd, Buffer.concat(wchunk));
  fs.writeSync(afd, achunk);
  fs.closeSync(wfd);
  fs.closeSync(afd);
  const end = t / 1e6 + 3600;
  fs.utimesSync(path.join(dir, "var/log/auth.log"), end, end);
  return { wtmpBytes: fs.statSync(path.join(dir, "var/log/wtmp")).size, authBytes: fs.statSync(path.join(dir, "var/log/auth.log")).size, lines, records };
}

interface Timed {
  wallS: number;
  cpuS: number;
  rssKiB: number;
  status: number | null;
}

function timed(args: string[]): Timed {
  const fd = fs.openSync("/dev/null", "w");
  const start = process.hrtime.bigint();
  const r = spawnSync("/usr/bin/time", ["-v", process.execPath, ...args], { stdio: ["ignore", fd, "pipe"], maxBuffer: 64 << 20 });
  const wallS = Number(process.hrtime.bigint() - start) / 1e9;
  fs.closeSync(fd);
  const err = r.stderr.toString();
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
  const user = /User time \(seconds\): ([\d.]+)/.exec(err);
  const sys = /System time \(seconds\): ([\d.]+)/.exec(err);
  if (r.status !== 0) process.stderr.write(err.slice(-2000));
  return { wallS, cpuS: user && sys ? Number(user[1]) + Number(sys[1]) : NaN, rssKiB: rss ? Number(rss[1]) : NaN, status: r.status };
}

function count(cli: string, dir: string, fn: string): number {
  const r = spawnSync("sh", ["-c", `"$0" "$1" -q -f "$2" -j "$3" | grep -c '"_type": "record"'`, process.execPath, cli, fn, dir]);
  return Number(r.stdout.toString().trim());
}

function main(): void {
  if (!fs.existsSync("/usr/bin/time")) {
    console.log("skipped: /usr/bin/time (GNU time) is needed for peak RSS");
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "logins-bench-"));
  try {
    const f = build(dir);
    // LOGINS_BENCH_BUILD_ONLY=1: make the host and keep it (for a profile), print where
    if (process.env.LOGINS_BENCH_BUILD_ONLY) {
      console.log(dir);
      return;
    }
    console.log(`input: wtmp ${f.records} records (${(f.wtmpBytes / 1e6).toFixed(0)} MB), auth.log ${f.lines} lines (${(f.authBytes / 1e6).toFixed(0)} MB), ${SESSIONS} sessions`);
    const cli = path.join(root, "dist/src/cli/bin/target-query.js");
    const runs = Number(process.env.LOGINS_BENCH_RUNS ?? 1);
    const fns = ["wtmp", "authlog", "logins", "logins.sessions"];
    const res = new Map<string, Timed[]>(fns.map((n) => [n, []]));
    for (let k = 0; k < runs; k++) for (const fn of fns) res.get(fn)!.push(timed([cli, "-q", "-f", fn, "-j", dir]));
    const best = (xs: Timed[]): Timed => xs.reduce((m, x) => (x.wallS < m.wallS ? x : m));
    for (const fn of fns) {
      const b = best(res.get(fn)!);
      const peak = Math.max(...res.get(fn)!.map((x) => x.rssKiB)) / 1024;
      console.log(`target-query -f ${fn} -j: ${b.wallS.toFixed(2)} s wall, ${b.cpuS.toFixed(2)} s CPU, peak RSS ${peak.toFixed(0)} MiB (best of ${runs}; exit ${b.status})`);
    }
    if (process.env.LOGINS_BENCH_COUNT) {
      for (const fn of ["logins", "logins.sessions"]) console.log(`${fn}: ${count(cli, dir, fn)} records`);
    }
    const sum = best(res.get("wtmp")!).wallS + best(res.get("authlog")!).wallS;
    const l = best(res.get("logins")!);
    const rss = Math.max(...res.get("logins")!.map((x) => x.rssKiB)) / 1024;
    const ratio = l.wallS / sum;
    console.log(`logins / (wtmp + authlog): wall ${ratio.toFixed(2)} (load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} CPUs)`);
    const ok = ratio <= 1.5 && rss <= 300 && l.status === 0;
    console.log(`${ok ? "PASS" : "FAIL"}: wall ratio ${ratio.toFixed(2)} (bar 1.5), peak RSS ${rss.toFixed(0)} MiB (bar 300)`);
    if (!ok) process.exitCode = 1;
  } finally {
    if (!process.env.LOGINS_BENCH_BUILD_ONLY) fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
