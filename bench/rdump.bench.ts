// npm run bench -- rdump: `rdump -s` over a record stream of 600,000 btmp records, beside Python's rdump
// (flow.record, when it can be imported: set QUARRY_FLOW_RECORD to a checkout's folder, which goes on PYTHONPATH)
// on the same file, and beside the `target-query -f btmp` run that wrote the stream (the issue's bar: reading and
// selecting costs no more than writing). Runs alternate, RDUMP_BENCH_RUNS (3) each; medians of wall and CPU time,
// peak RSS from /usr/bin/time -v. Both rdumps write their matches to a file, and the two files must hold the same
// records. Never run by `npm test`.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { writeBtmp } from "./btmp.js";
import { parseTimeV, type TimeV } from "./time-v.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const N = Number(process.env.RDUMP_BENCH_RECORDS ?? 600_000);
const RUNS = Number(process.env.RDUMP_BENCH_RUNS ?? 3);
const SELECTOR = 'r.ut_user == "root"';
const PYTHON = process.env.QUARRY_PYTHON ?? "/usr/bin/python3";
const FLOW_RECORD = process.env.QUARRY_FLOW_RECORD ?? "/tmp/flowrec";

interface Run extends TimeV {
  label: string;
}

function timed(label: string, cmd: string[], stdout: string, env: NodeJS.ProcessEnv = process.env): Run {
  const fd = fs.openSync(stdout, "w");
  const r = spawnSync("/usr/bin/time", ["-v", ...cmd], { stdio: ["ignore", fd, "pipe"], env, maxBuffer: 1 << 26 });
  fs.closeSync(fd);
  const err = r.stderr.toString();
  if (r.status !== 0) throw new Error(`${cmd.join(" ")}: exit ${r.status}: ${err.slice(-1500)}`);
  return { label, ...parseTimeV(err) };
}

const median = (rs: Run[]): Run => [...rs].sort((a, b) => a.wall - b.wall)[Math.floor((rs.length - 1) / 2)]!;

function main(): number {
  if (!fs.existsSync("/usr/bin/time")) {
    console.log("rdump bench skipped: /usr/bin/time (GNU time) is needed");
    return 0;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-rdump-bench-"));
  try {
    const target = path.join(work, "target");
    fs.mkdirSync(path.join(target, "var/log"), { recursive: true });
    fs.mkdirSync(path.join(target, "etc"));
    fs.writeFileSync(path.join(target, "etc/hostname"), "bench\n");
    writeBtmp(path.join(target, "var/log/btmp"), N);
    const tq = path.join(root, "dist/src/cli/bin/target-query.js");
    const rdump = path.join(root, "dist/src/cli/bin/rdump.js");
    const stream = path.join(work, "btmp.rec");
    const pyEnv = { ...process.env, PYTHONPATH: FLOW_RECORD };
    const py = spawnSync(PYTHON, ["-c", "import flow.record"], { env: pyEnv });
    const havePy = py.status === 0;
    if (!havePy) console.log(`Python's flow.record cannot be imported (${PYTHON}, PYTHONPATH=${FLOW_RECORD}): its rdump is left out`);
    const write: Run[] = [];
    const ours: Run[] = [];
    const theirs: Run[] = [];
    const oursOut = path.join(work, "ours.rec");
    const theirsOut = path.join(work, "theirs.rec");
    for (let i = 0; i < RUNS; i++) {
      write.push(timed("target-query -f btmp > FILE.rec", [process.execPath, tq, "-q", "-f", "btmp", target], stream));
      ours.push(timed("rdump -s (quarry)", [process.execPath, rdump, "-s", SELECTOR, stream, "-w", oursOut], "/dev/null"));
      if (havePy) theirs.push(timed("rdump -s (flow.record)", [PYTHON, "-m", "flow.record.tools.rdump", "-s", SELECTOR, stream, "-w", theirsOut], "/dev/null", pyEnv));
      console.log(`  run ${i + 1}: write ${write[i]!.wall.toFixed(2)} s, rdump ${ours[i]!.wall.toFixed(2)} s${havePy ? `, Python rdump ${theirs[i]!.wall.toFixed(2)} s` : ""}`);
    }
    console.log(`${N} btmp records, ${(fs.statSync(stream).size / 2 ** 20).toFixed(0)} MiB of record stream; selector ${SELECTOR}`);
    console.log(`${"command".padEnd(34)} ${"wall s".padStart(7)} ${"cpu s".padStart(7)} ${"records/s".padStart(10)} ${"peak RSS MB".padStart(11)}`);
    const rows = [median(write), median(ours), ...(havePy ? [median(theirs)] : [])];
    for (const m of rows) {
      console.log(`${m.label.padEnd(34)} ${m.wall.toFixed(2).padStart(7)} ${m.cpu.toFixed(2).padStart(7)} ${String(Math.round(N / Math.max(m.wall, 0.01))).padStart(10)} ${(m.rssKb / 1024).toFixed(1).padStart(11)}`);
    }
    const [w, o] = rows as [Run, Run];
    console.log(`\nrdump -s / the write: wall ${(o.wall / w.wall).toFixed(2)}×, CPU ${(o.cpu / w.cpu).toFixed(2)}× (goal ≤ 1.0×)`);
    let same = true;
    if (havePy) {
      const p = rows[2]!;
      console.log(`Python rdump / ours: wall ${(p.wall / o.wall).toFixed(1)}×, CPU ${(p.cpu / o.cpu).toFixed(1)}× (goal ≥ 10×)`);
      // the two selections, read back as JSON lines by our rdump, must be the same records
      const lines = (f: string) => spawnSync(process.execPath, [rdump, "-J", f], { maxBuffer: 1 << 30 }).stdout.toString();
      const a = lines(oursOut);
      same = a === lines(theirsOut);
      console.log(`the selections: ${a.split("\n").length - 1} records each, ${same ? "identical" : "DIFFERENT"}`);
    }
    console.log(`machine: ${os.cpus().length} CPUs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
    return same ? 0 : 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = main();
