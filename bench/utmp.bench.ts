// npm run bench -- utmp: 1,000,000-record btmp and wtmp files (fixtures/utmp/gen_large.py) through
// `target-query -f btmp -j` and `-f sessions -j`, beside utmpdump (and last) on the same files in the same run:
// wall time, records/s and peak RSS from /usr/bin/time -v. Never run by `npm test`.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defaultRegistry } from "../plugins/index.js";
import { runOnTarget } from "../src/plugin/runner.js";
import { Timestamp } from "../src/records/timestamp.js";
import { Logger } from "../src/util/log.js";
import { openTarget } from "../plugins/index.js";
import { parseTimeV } from "./time-v.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const GEN_CANDIDATES = ["/work/shared/fixtures/utmp/gen_large.py", path.join(root, "fixtures/utmp/gen_large.py")];
const SIZE = 384_000_000;

interface Measure {
  label: string;
  wall: number;
  rssKb: number;
  /** user + system CPU seconds (steadier than wall time on a busy machine). */
  cpu: number;
  records: number;
  rc: number;
}

function timed(label: string, cmd: string[], records: number): Measure {
  const r = spawnSync("/usr/bin/time", ["-v", ...cmd], { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 1 << 26 });
  const err = r.stderr.toString();
  const { wall, cpu, rssKb } = parseTimeV(err);
  return { label, wall, rssKb, cpu, records, rc: r.status ?? -1 };
}

/** `--inner FN TARGET`: run one function into a counting sink (decoding and analysis without the JSON sink). */
async function inner(fn: string, target: string): Promise<number> {
  const t = await openTarget(target);
  let n = 0;
  const sink = {
    write() {
      n++;
    },
    async close() {},
  };
  const generated = Timestamp.fromUnix(0);
  await runOnTarget(t, defaultRegistry.resolve(fn).groups, defaultRegistry, sink, { log: new Logger(() => {}, "error"), generated });
  t.close();
  process.stderr.write(`${fn}: ${n} records\n`);
  return 0;
}

/** Counts from the analysis on the large files against gen_large.py's own summary (exact). */
async function verify(target: string, summary: Summary): Promise<boolean> {
  const t = await openTarget(target);
  const collect = async (fn: string, args: Record<string, unknown> = {}) => {
    const recs: Record<string, unknown>[] = [];
    const sink = {
      write(r: Record<string, unknown>) {
        recs.push(r.key !== undefined ? { key: r.key, count: r.count } : { end_reason: r.end_reason });
      },
      async close() {},
    };
    await runOnTarget(t, defaultRegistry.resolve(fn).groups, defaultRegistry, sink, { args, log: new Logger(() => {}, "error") });
    return recs;
  };
  const byReason = (recs: Record<string, unknown>[]) => {
    const c: Record<string, number> = {};
    for (const r of recs) c[String(r.end_reason)] = (c[String(r.end_reason)] ?? 0) + 1;
    return c;
  };
  const w = summary.wtmp_large;
  const sessions = byReason(await collect("sessions"));
  const uptime = byReason(await collect("uptime"));
  const addrs = await collect("failed_logins", { by: "addr" });
  const users = await collect("failed_logins", { by: "user" });
  t.close();
  const checks: [string, unknown, unknown][] = [
    ["sessions by end reason", sessions, w.sessions_by_end_reason],
    ["uptime windows (boots)", Object.values(uptime).reduce((a, b) => a + b, 0), w.boots],
    ["crashes", uptime.crash ?? 0, w.crashes],
    ["distinct addresses", addrs.length, summary.btmp_large.distinct_addrs],
    ["top 10 addresses", addrs.slice(0, 10).map((r) => [r.key, r.count]), summary.btmp_large.top10_addr],
    ["distinct users", users.length, summary.btmp_large.distinct_users],
  ];
  let ok = true;
  for (const [what, got, want] of checks) {
    const same = JSON.stringify(sortKeys(got)) === JSON.stringify(sortKeys(want));
    ok &&= same;
    console.log(`${same ? "ok  " : "FAIL"} ${what}${same ? "" : `: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`}`);
  }
  return ok;
}

function sortKeys(v: unknown): unknown {
  if (!v || typeof v !== "object" || Array.isArray(v)) return v;
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)));
}

interface Summary {
  wtmp_large: { sessions: number; records: number; boots: number; crashes: number; sessions_by_end_reason: Record<string, number> };
  btmp_large: { records: number; distinct_addrs: number; distinct_users: number; top10_addr: [string, number][] };
}

async function main(): Promise<number> {
  const gen = GEN_CANDIDATES.find((p) => fs.existsSync(p));
  if (!gen) {
    console.log(`utmp bench skipped: gen_large.py not found (looked at ${GEN_CANDIDATES.join(", ")})`);
    return 0;
  }
  if (!fs.existsSync("/usr/bin/time")) {
    console.log("utmp bench skipped: /usr/bin/time is not installed");
    return 0;
  }
  const work = process.env.QUARRY_UTMP_BENCH_DIR ?? path.join(os.tmpdir(), "quarry-utmp-bench");
  const large = path.join(work, "large");
  fs.mkdirSync(large, { recursive: true });
  const have = (f: string): boolean => fs.existsSync(path.join(large, f)) && fs.statSync(path.join(large, f)).size === SIZE;
  if (!have("wtmp_large") || !have("btmp_large") || !fs.existsSync(path.join(large, "large.summary.json"))) {
    console.log(`generating 1,000,000-record files with ${gen} …`);
    const g = spawnSync("python3", [gen, large], { stdio: "inherit" });
    if (g.status !== 0) {
      console.log("gen_large.py failed");
      return 1;
    }
  }
  const summary = JSON.parse(fs.readFileSync(path.join(large, "large.summary.json"), "utf8")) as Summary;
  // a directory target: etc/hostname, var/log/{wtmp,btmp} (hard links when possible: no 768 MB copy)
  const target = path.join(work, "target");
  fs.mkdirSync(path.join(target, "etc"), { recursive: true });
  fs.mkdirSync(path.join(target, "var/log"), { recursive: true });
  fs.writeFileSync(path.join(target, "etc/hostname"), "bench\n");
  for (const [src, dst] of [
    ["wtmp_large", "wtmp"],
    ["btmp_large", "btmp"],
  ] as const) {
    const to = path.join(target, "var/log", dst);
    if (fs.existsSync(to) && fs.statSync(to).size === SIZE) continue;
    fs.rmSync(to, { force: true });
    try {
      fs.linkSync(path.join(large, src), to);
    } catch {
      fs.copyFileSync(path.join(large, src), to);
    }
  }
  const tq = path.join(root, "dist/src/cli/bin/target-query.js");
  const node = process.execPath;
  const rows: Measure[] = [];
  const btmp = summary.btmp_large.records;
  const wtmp = summary.wtmp_large.records;
  const sessions = summary.wtmp_large.sessions;
  const self = fileURLToPath(import.meta.url);
  rows.push(timed("utmpdump btmp_large", ["utmpdump", path.join(large, "btmp_large")], btmp));
  rows.push(timed("target-query -f btmp -j", [node, tq, target, "-f", "btmp", "-j", "-q"], btmp));
  rows.push(timed("  (btmp, no sink: decode only)", [node, self, "--inner", "btmp", target], btmp));
  rows.push(timed("utmpdump wtmp_large", ["utmpdump", path.join(large, "wtmp_large")], wtmp));
  rows.push(timed("target-query -f wtmp -j", [node, tq, target, "-f", "wtmp", "-j", "-q"], wtmp));
  rows.push(timed("last -F -i -x -w wtmp_large", ["last", "-f", path.join(large, "wtmp_large"), "-F", "-i", "-x", "-w"], sessions));
  rows.push(timed("target-query -f sessions -j", [node, tq, target, "-f", "sessions", "-j", "-q"], sessions));
  rows.push(timed("  (sessions, no sink)", [node, self, "--inner", "sessions", target], sessions));
  console.log(`\n${"command".padEnd(34)} ${"wall s".padStart(7)} ${"cpu s".padStart(6)} ${"records".padStart(9)} ${"records/s".padStart(10)} ${"peak RSS MB".padStart(11)} rc`);
  for (const m of rows) {
    const rate = m.wall > 0 ? Math.round(m.records / m.wall) : 0;
    console.log(
      `${m.label.padEnd(34)} ${m.wall.toFixed(2).padStart(7)} ${m.cpu.toFixed(2).padStart(6)} ${String(m.records).padStart(9)} ${String(rate).padStart(10)} ${(m.rssKb / 1024).toFixed(1).padStart(11)} ${m.rc}`,
    );
  }
  const ratio = (a: number, b: number): string =>
    rows[b]!.wall > 0 ? `${(rows[a]!.wall / rows[b]!.wall).toFixed(2)} (cpu ${(rows[a]!.cpu / Math.max(rows[b]!.cpu, 0.01)).toFixed(2)})` : "n/a";
  console.log(
    `\nbtmp: target-query / utmpdump = ${ratio(1, 0)}× (no sink ${ratio(2, 0)}×); wtmp: ${ratio(4, 3)}×; ` +
      `sessions / last = ${ratio(6, 5)}× (no sink ${ratio(7, 5)}×) (goal ≤ 1.5×)`,
  );
  console.log(`machine: ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log("\nanalysis of the large files against gen_large.py's summary:");
  const ok = await verify(target, summary);
  return rows.some((m) => m.rc !== 0) || !ok ? 1 : 0;
}

if (process.argv[2] === "--inner") process.exitCode = await inner(process.argv[3]!, process.argv[4]!);
else process.exitCode = await main();
