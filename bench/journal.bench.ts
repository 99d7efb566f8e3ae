// npm run bench -- journal: a journal of 1,000,000 entries written by systemd-journal-remote from a seeded
// export stream (sshd, sudo, cron, kernel and unit messages, a few long ones that are compressed, binary
// fields, three boots), in a temporary directory (not committed). journal-remote rotates the file at its
// data hash table's fill limit (~84,000 such entries), so the journal is a directory of files, as on a host.
// `target-query -f journal -j` is timed beside `journalctl --file='<dir>/*.journal' -o json --no-pager` in the
// same run, alternating, QUARRY_JOURNAL_BENCH_RUNS (5) times each, medians compared (wall, CPU, peak RSS from
// /usr/bin/time -v); goal: ≤ 0.5× journalctl's wall time, ≤ 150 MB RSS.
// Then every 1,000th entry is compared with journalctl's JSON, field for field. Never run by `npm test`.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { defaultRegistry } from "../plugins/index.js";
import { KNOWN_FIELDS } from "../plugins/os/unix/log/journal/fields.js";
import { runOnTarget } from "../src/plugin/runner.js";
import type { AnyRecord } from "../src/records/descriptor.js";
import { Timestamp } from "../src/records/timestamp.js";
import { Logger } from "../src/util/log.js";
import { encodeSurrogateEscape } from "../src/util/text.js";
import { openTarget } from "../plugins/index.js";
import { prng } from "../test/helpers/prng.js";
import { parseTimeV } from "./time-v.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const REMOTE = "/lib/systemd/systemd-journal-remote";
const ENTRIES = Number(process.env.QUARRY_JOURNAL_BENCH_ENTRIES ?? 1_000_000);
const MACHINE = "5f3b0c1d2e4a4b6c8d9e0f1a2b3c4d5e";
/** Bumped when the generator changes, so a cached journal is remade. */
const VERSION = "1";
/** Each command runs this many times (alternating); medians are reported. */
const RUNS = Number(process.env.QUARRY_JOURNAL_BENCH_RUNS ?? 5);

const hex = (n: number, rnd: () => number) => Array.from({ length: n }, () => Math.floor(rnd() * 16).toString(16)).join("");

/** One export-format entry (docs/JOURNAL_EXPORT_FORMATS.md): NAME=value lines, binary values length-prefixed. */
function exportEntry(fields: [string, string | Buffer][]): Buffer {
  const parts: Buffer[] = [];
  for (const [k, v] of fields) {
    if (typeof v === "string") parts.push(Buffer.from(`${k}=${v}\n`, "utf8"));
    else {
      const len = Buffer.alloc(8);
      len.writeBigUInt64LE(BigInt(v.length));
      parts.push(Buffer.from(`${k}\n`), len, v, Buffer.from("\n"));
    }
  }
  parts.push(Buffer.from("\n"));
  return Buffer.concat(parts);
}

function* entries(n: number): Generator<Buffer> {
  const rnd = prng(20240613);
  const boots = [hex(32, rnd), hex(32, rnd), hex(32, rnd)];
  const users = ["alice", "bob", "carol", "deploy", "root"];
  let t = 1_717_000_000_000_000;
  let mono = 5_000_000;
  for (let i = 0; i < n; i++) {
    const boot = Math.floor((i * boots.length) / n);
    if (i > 0 && Math.floor(((i - 1) * boots.length) / n) !== boot) mono = 3_000_000;
    const step = 1 + Math.floor(rnd() * 2_000_000);
    t += step;
    mono += step;
    const kind = Math.floor(rnd() * 10);
    const pid = 300 + Math.floor(rnd() * 30000);
    const user = users[Math.floor(rnd() * users.length)]!;
    const ip = `203.0.113.${Math.floor(rnd() * 254) + 1}`;
    const f: [string, string | Buffer][] = [
      ["__REALTIME_TIMESTAMP", String(t)],
      ["__MONOTONIC_TIMESTAMP", String(mono)],
      ["_BOOT_ID", boots[boot]!],
      ["_MACHINE_ID", MACHINE],
      ["_HOSTNAME", "web01"],
    ];
    const unit = (comm: string, exe: string, u: string, uid: number, transport = "syslog") =>
      f.push(
        ["_TRANSPORT", transport],
        ["_UID", String(uid)],
        ["_GID", String(uid)],
        ["_COMM", comm],
        ["_EXE", exe],
        ["_CMDLINE", `${exe} -D`],
        ["_CAP_EFFECTIVE", "1ffffffffff"],
        ["_SYSTEMD_CGROUP", `/system.slice/${u}`],
        ["_SYSTEMD_UNIT", u],
        ["_SYSTEMD_SLICE", "system.slice"],
        ["_SYSTEMD_INVOCATION_ID", hex(32, rnd)],
        ["_PID", String(pid)],
        ["_SOURCE_REALTIME_TIMESTAMP", String(t - Math.floor(rnd() * 50))],
      );
    if (kind <= 2) {
      unit("sshd", "/usr/sbin/sshd", "ssh.service", 0);
      const port = 30000 + Math.floor(rnd() * 30000);
      const msg = rnd() < 0.7 ? `Accepted publickey for ${user} from ${ip} port ${port} ssh2: ED25519 SHA256:${hex(43, rnd)}` : `Failed password for invalid user ${user}${i} from ${ip} port ${port} ssh2`;
      f.push(["PRIORITY", "6"], ["SYSLOG_FACILITY", "4"], ["SYSLOG_IDENTIFIER", "sshd"], ["SYSLOG_PID", String(pid)], ["MESSAGE", msg]);
    } else if (kind === 3) {
      unit("sudo", "/usr/bin/sudo", "session-4.scope", 1000);
      f.push(["PRIORITY", "5"], ["SYSLOG_FACILITY", "10"], ["SYSLOG_IDENTIFIER", "sudo"], ["MESSAGE", `${user} : TTY=pts/0 ; PWD=/home/${user} ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx.service #${i}`]);
    } else if (kind === 4) {
      unit("cron", "/usr/sbin/cron", "cron.service", 0);
      f.push(["PRIORITY", "6"], ["SYSLOG_FACILITY", "9"], ["SYSLOG_IDENTIFIER", "CRON"], ["SYSLOG_PID", String(pid)], ["MESSAGE", `pam_unix(cron:session): session opened for user root(uid=0) by (uid=0) #${i}`]);
    } else if (kind === 5) {
      f.push(["_TRANSPORT", "kernel"], ["PRIORITY", "4"], ["SYSLOG_FACILITY", "0"], ["SYSLOG_IDENTIFIER", "kernel"], ["_SOURCE_MONOTONIC_TIMESTAMP", String(mono - 10)]);
      f.push(["MESSAGE", `[UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56 SRC=${ip} DST=10.0.0.5 LEN=60 TTL=50 ID=${i % 65536} PROTO=TCP SPT=${40000 + (i % 20000)} DPT=22`]);
    } else if (kind === 6) {
      unit("nginx", "/usr/sbin/nginx", "nginx.service", 33, "stdout");
      f.push(["PRIORITY", "6"], ["SYSLOG_IDENTIFIER", "nginx"], ["_STREAM_ID", hex(32, rnd)]);
      f.push(["MESSAGE", `${ip} - - "GET /api/v1/items?id=${i}&page=${Math.floor(rnd() * 100)} HTTP/1.1" 200 ${Math.floor(rnd() * 90000)} "-" "curl/8.5.0"`]);
    } else if (kind === 7) {
      unit("systemd", "/usr/lib/systemd/systemd", "init.scope", 0, "journal");
      f.push(["PRIORITY", "6"], ["SYSLOG_FACILITY", "3"], ["SYSLOG_IDENTIFIER", "systemd"], ["CODE_FILE", "src/core/job.c"], ["CODE_LINE", "768"], ["CODE_FUNC", "job_emit_done_message"]);
      f.push(["MESSAGE_ID", "39f53479d3a045ac8e11786248231fbf"], ["JOB_ID", String(i)], ["JOB_TYPE", "start"], ["JOB_RESULT", "done"], ["UNIT", "apt-daily.service"], ["MESSAGE", `Started apt-daily.service - Daily apt download activities (${i}).`]);
    } else if (kind === 8) {
      // a long message: compressed (systemd compresses payloads of 512 bytes and more)
      unit("python3", "/usr/bin/python3.11", "app.service", 1001, "journal");
      const trace = Array.from({ length: 8 }, (_, k) => `  File "/srv/app/handlers.py", line ${100 + k * 7}, in handle_${k}\n    result = process(request, ctx${k})`).join("\n");
      f.push(["PRIORITY", "3"], ["SYSLOG_IDENTIFIER", "app"], ["MESSAGE", `Traceback (most recent call last):\n${trace}\nValueError: bad request ${i}`]);
    } else {
      unit("app", "/srv/app/bin/app", "app.service", 1001, "journal");
      const blob = Buffer.from(Array.from({ length: 24 }, () => Math.floor(rnd() * 256)));
      f.push(["PRIORITY", "7"], ["SYSLOG_IDENTIFIER", "app"], ["REQUEST_ID", hex(16, rnd)], ["PAYLOAD", blob], ["MESSAGE", `request ${i} done in ${Math.floor(rnd() * 900)} ms`]);
    }
    yield exportEntry(f);
  }
}

/** Write the journal with systemd-journal-remote into dir (it rotates the file on its own). */
async function writeJournal(dir: string): Promise<void> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const child = spawn(REMOTE, [`--output=${path.join(dir, "system.journal")}`, "-"], { stdio: ["pipe", "ignore", "pipe"] });
  let err = "";
  child.stderr.on("data", (c: Buffer) => (err += c.toString()));
  const done = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
  let batch: Buffer[] = [];
  let size = 0;
  for (const e of entries(ENTRIES)) {
    batch.push(e);
    size += e.length;
    if (size >= 1 << 20) {
      if (!child.stdin.write(Buffer.concat(batch))) await new Promise((r) => child.stdin.once("drain", r));
      batch = [];
      size = 0;
    }
  }
  child.stdin.end(Buffer.concat(batch));
  const code = await done;
  if (code !== 0) throw new Error(`systemd-journal-remote failed (${code}): ${err.slice(-2000)}`);
}

interface Measure {
  label: string;
  wall: number;
  cpu: number;
  rssKb: number;
  rc: number;
}

function timed(label: string, cmd: string[]): Measure {
  const r = spawnSync("/usr/bin/time", ["-v", ...cmd], { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 26 });
  const err = r.stderr.toString();
  const { wall, cpu, rssKb } = parseTimeV(err);
  if (r.status !== 0) process.stdout.write(err.slice(-2000));
  return { label, wall, cpu, rssKb, rc: r.status ?? -1 };
}

/** The run of median wall time (its CPU and RSS with it); rc is the worst of all. */
function median(ms: Measure[]): Measure {
  const sorted = [...ms].sort((a, b) => a.wall - b.wall);
  const m = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return { ...m, rc: ms.some((x) => x.rc !== 0) ? ms.find((x) => x.rc !== 0)!.rc : 0 };
}

// --- the sampled comparison: journalctl's JSON value → hex of its bytes; the record's fields likewise --------

const SAMPLE_EVERY = 1000;
const ADDRESS = new Set(["__CURSOR", "__REALTIME_TIMESTAMP", "__MONOTONIC_TIMESTAMP", "__SEQNUM", "__SEQNUM_ID", "_BOOT_ID"]);
const single = (v: unknown) => typeof v === "string" || (Array.isArray(v) && v.every((x) => typeof x === "number"));
const bytesOf = (v: unknown) => Buffer.from(typeof v === "string" ? Buffer.from(v, "utf8") : Uint8Array.from(v as number[])).toString("hex");

function oracleFields(o: Record<string, unknown>): string {
  const m: [string, string[]][] = [];
  for (const [k, v] of Object.entries(o)) if (!ADDRESS.has(k)) m.push([k, single(v) ? [bytesOf(v)] : (v as unknown[]).map(bytesOf)]);
  const cursor = String(o.__CURSOR);
  m.push(["__REALTIME_TIMESTAMP", [String(o.__REALTIME_TIMESTAMP)]], ["__MONOTONIC_TIMESTAMP", [String(o.__MONOTONIC_TIMESTAMP)]], ["_BOOT_ID", [String(o._BOOT_ID)]]);
  m.push(["__SEQNUM", [String(BigInt("0x" + (/i=([0-9a-f]+)/.exec(cursor)?.[1] ?? "0")))]], ["__SEQNUM_ID", [/s=([0-9a-f]+)/.exec(cursor)?.[1] ?? ""]]);
  return JSON.stringify(m.sort(([a], [b]) => (a < b ? -1 : 1)));
}

function recordFields(r: AnyRecord): string {
  const m = new Map<string, string[]>();
  const add = (k: string, v: string) => (m.get(k) ?? m.set(k, []).get(k)!).push(v);
  const text = (v: unknown) => (v instanceof Timestamp ? String(BigInt(v.seconds) * 1_000_000n + BigInt(v.micros)) : String(v));
  for (const k of KNOWN_FIELDS) if (r[k.field] !== null) add(k.journal, encodeSurrogateEscape(text(r[k.field])).toString("hex"));
  for (const p of r.fields as string[]) add(p.slice(0, p.indexOf("=")), encodeSurrogateEscape(p.slice(p.indexOf("=") + 1)).toString("hex"));
  const out: [string, string[]][] = [...m];
  out.push(["__REALTIME_TIMESTAMP", [text(r.ts)]], ["__MONOTONIC_TIMESTAMP", [String(r.monotonic)]], ["_BOOT_ID", [String(r.boot_id)]]);
  out.push(["__SEQNUM", [String(r.seqnum)]], ["__SEQNUM_ID", [String(r.seqnum_id)]]);
  return JSON.stringify(out.sort(([a], [b]) => (a < b ? -1 : 1)));
}

async function compareSample(target: string, dir: string): Promise<{ total: number; compared: number; differ: number; oracleTotal: number }> {
  const ours: string[] = [];
  let total = 0;
  const t = await openTarget(target);
  const sink = {
    write(r: AnyRecord) {
      if (total++ % SAMPLE_EVERY === 0) ours.push(recordFields(r));
    },
    async close() {},
  };
  await runOnTarget(t, defaultRegistry.resolve("journal").groups, defaultRegistry, sink, { log: new Logger(() => {}, "error") });
  t.close();
  const jc = spawn("journalctl", [`--file=${dir}/*.journal`, "-o", "json", "--all", "--no-pager"], { stdio: ["ignore", "pipe", "inherit"] });
  let n = 0;
  let differ = 0;
  for await (const line of readline.createInterface({ input: jc.stdout, crlfDelay: Infinity })) {
    if (n % SAMPLE_EVERY === 0) {
      const want = oracleFields(JSON.parse(line) as Record<string, unknown>);
      const got = ours[n / SAMPLE_EVERY];
      if (got !== want && differ++ < 3) console.log(`entry #${n} differs:\n  ours       ${got?.slice(0, 600)}\n  journalctl ${want.slice(0, 600)}`);
    }
    n++;
  }
  return { total, compared: ours.length, differ, oracleTotal: n };
}

async function main(): Promise<number> {
  for (const tool of [REMOTE, "/usr/bin/time"]) {
    if (!fs.existsSync(tool)) {
      console.log(`journal bench skipped: ${tool} is not installed`);
      return 0;
    }
  }
  const work = process.env.QUARRY_JOURNAL_BENCH_DIR ?? path.join(os.tmpdir(), "quarry-journal-bench");
  const target = path.join(work, "target");
  const dir = path.join(target, "var/log/journal", MACHINE);
  const stamp = path.join(work, `made-${VERSION}-${ENTRIES}`);
  if (!fs.existsSync(stamp)) {
    console.log(`writing ${ENTRIES} entries with ${REMOTE} into ${dir} …`);
    const t0 = performance.now();
    fs.rmSync(work, { recursive: true, force: true });
    await writeJournal(dir);
    fs.mkdirSync(path.join(target, "etc"), { recursive: true });
    fs.writeFileSync(path.join(target, "etc/hostname"), "web01\n");
    fs.writeFileSync(stamp, "");
    console.log(`  done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".journal"));
  const bytes = files.reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
  console.log(`journal: ${files.length} files, ${(bytes / 2 ** 20).toFixed(0)} MiB, ${ENTRIES} entries`);
  const tq = path.join(root, "dist/src/cli/bin/target-query.js");
  // The machine is shared: the two commands alternate, RUNS times each, and the medians are compared.
  const jcRuns: Measure[] = [];
  const ourRuns: Measure[] = [];
  // the same with V8's young generation capped (semi-spaces of 4 MiB instead of 16): where the peak RSS goes
  const semiRuns: Measure[] = [];
  for (let i = 0; i < RUNS; i++) {
    jcRuns.push(timed("journalctl -o json", ["journalctl", `--file=${dir}/*.journal`, "-o", "json", "--no-pager"]));
    ourRuns.push(timed("target-query -f journal -j", [process.execPath, tq, target, "-f", "journal", "-j", "-q"]));
    semiRuns.push(timed("… node --max-semi-space-size=4", [process.execPath, "--max-semi-space-size=4", tq, target, "-f", "journal", "-j", "-q"]));
    console.log(
      `  run ${i + 1}: journalctl ${jcRuns[i]!.wall.toFixed(2)} s, target-query ${ourRuns[i]!.wall.toFixed(2)} s (${(ourRuns[i]!.rssKb / 1024).toFixed(0)} MB), ` +
        `semi-space 4 MiB ${semiRuns[i]!.wall.toFixed(2)} s (${(semiRuns[i]!.rssKb / 1024).toFixed(0)} MB); load ${os.loadavg()[0]!.toFixed(2)}`,
    );
  }
  const rows = [median(jcRuns), median(ourRuns), median(semiRuns)];
  console.log(`\nmedians of ${RUNS} runs each:`);
  console.log(`${"command".padEnd(30)} ${"wall s".padStart(7)} ${"cpu s".padStart(7)} ${"entries/s".padStart(10)} ${"peak RSS MB".padStart(11)} rc`);
  for (const m of rows) {
    console.log(
      `${m.label.padEnd(30)} ${m.wall.toFixed(2).padStart(7)} ${m.cpu.toFixed(2).padStart(7)} ${String(Math.round(ENTRIES / Math.max(m.wall, 0.01))).padStart(10)} ${(m.rssKb / 1024).toFixed(1).padStart(11)} ${m.rc}`,
    );
  }
  const [jc, ours, semi] = rows as [Measure, Measure, Measure];
  const ratio = ours.wall / jc.wall;
  const cpuRatio = ours.cpu / Math.max(jc.cpu, 0.01);
  // the goal is on the worst run's memory, not the median's
  const rss = Math.max(...ourRuns.map((m) => m.rssKb)) / 1024;
  console.log(`\ntarget-query / journalctl: wall ${ratio.toFixed(2)}× (goal ≤ 0.5×), cpu ${cpuRatio.toFixed(2)}×; peak RSS ${rss.toFixed(0)} MB at most (goal ≤ 150)`);
  const semiRss = Math.max(...semiRuns.map((m) => m.rssKb)) / 1024;
  console.log(`with --max-semi-space-size=4: wall ${(semi.wall / jc.wall).toFixed(2)}×, cpu ${(semi.cpu / Math.max(jc.cpu, 0.01)).toFixed(2)}×; peak RSS ${semiRss.toFixed(0)} MB at most`);
  console.log(`machine: ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log(`\nevery ${SAMPLE_EVERY}th entry against journalctl -o json --all:`);
  const c = await compareSample(target, dir);
  console.log(`  ${c.total} records, journalctl ${c.oracleTotal} entries; ${c.compared} compared field for field, ${c.differ} differ`);
  const ok = [...jcRuns, ...ourRuns, ...semiRuns].every((m) => m.rc === 0) && ratio <= 0.5 && rss <= 150 && c.differ === 0 && c.total === c.oracleTotal && c.total === ENTRIES;
  console.log(ok ? "ok" : "FAIL");
  return ok ? 0 : 1;
}

process.exitCode = await main();
