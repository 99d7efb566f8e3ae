// flow.record stream throughput and memory: write 1,000,000 wtmp-like records to a file through the sink
// target-query uses, read them back with the reader rdump uses, then run target-query itself on a
// 1,000,000-record function into a file (stdout piped → binary stream). Records/s and peak RSS per phase.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { main as targetQuery } from "../src/cli/target-query.js";
import { PLUGINS, defaultRegistry } from "../plugins/index.js";
import { definePlugin, ok } from "../src/plugin/define.js";
import { Registry } from "../src/plugin/registry.js";
import { defineRecord, type AnyRecord } from "../src/records/descriptor.js";
import { Output } from "../src/records/output.js";
import { RecordStreamSink } from "../src/records/sinks/stream.js";
import { openRecordFile } from "../src/records/stream/source.js";
import { Timestamp } from "../src/records/timestamp.js";
import { writeBtmp } from "./btmp.js";

const N = Number(process.env.BENCH_RECORDS ?? 1_000_000);

const Wtmp = defineRecord("bench/wtmp", {
  ts: "datetime", ut_type: "string", ut_user: "string", ut_pid: "varint", ut_line: "string", ut_id: "string",
  ut_host: "string", ut_addr: "net.ipaddress", offset: "varint", filepath: "path",
});

const USERS = ["root", "alice", "bob", "deploy", "postgres"];
const HOSTS = ["10.0.0.5", "192.168.1.20", "2001:db8::7", "172.16.3.4"];

function* records(n: number): Generator<AnyRecord> {
  const generated = Timestamp.parse("2024-06-01T00:00:00Z");
  for (let i = 0; i < n; i++) {
    const rec = Wtmp.create({
      ts: Timestamp.fromUnix(1_700_000_000 + i, i % 1_000_000),
      ut_type: i % 7 === 0 ? "DEAD_PROCESS" : "USER_PROCESS",
      ut_user: USERS[i % USERS.length]!,
      ut_pid: 1000 + (i % 30000),
      ut_line: "pts/" + (i % 64),
      ut_id: "ts/" + (i % 64),
      ut_host: HOSTS[i % HOSTS.length]!,
      ut_addr: HOSTS[i % HOSTS.length]!,
      offset: i * 384,
      filepath: "/var/log/wtmp",
    }) as unknown as AnyRecord;
    rec.hostname = "web01";
    rec.domain = null;
    rec._source = "bench";
    rec._classification = null;
    rec._generated = generated;
    rec._version = 1;
    yield rec;
  }
}

class Peak {
  rss = 0;
  sample(): void {
    const r = process.memoryUsage().rss;
    if (r > this.rss) this.rss = r;
  }
}

const mb = (b: number): string => (b / 1024 / 1024).toFixed(0) + " MiB";

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-bench-"));
  const file = path.join(dir, "wtmp.rec");
  try {
    // 1. write
    {
      const peak = new Peak();
      const t0 = performance.now();
      const sink = new RecordStreamSink(new Output(fs.createWriteStream(file), true));
      let i = 0;
      for (const r of records(N)) {
        const p = sink.write(r);
        if (p) await p;
        if (++i % 20000 === 0) peak.sample();
      }
      await sink.close();
      const s = (performance.now() - t0) / 1000;
      const size = fs.statSync(file).size;
      console.log(`write: ${N} records, ${(size / 1e6).toFixed(1)} MB in ${s.toFixed(2)} s = ${Math.round(N / s).toLocaleString("en")} records/s, peak RSS ${mb(peak.rss)}`);
    }
    // 2. read
    {
      const peak = new Peak();
      const t0 = performance.now();
      const src = await openRecordFile(file);
      let n = 0;
      for await (const batch of src.batches) {
        n += batch.length;
        if (n % 20000 < batch.length) peak.sample();
      }
      const s = (performance.now() - t0) / 1000;
      if (n !== N) throw new Error(`read ${n} records, expected ${N}`);
      console.log(`read:  ${n} records in ${s.toFixed(2)} s = ${Math.round(n / s).toLocaleString("en")} records/s, peak RSS ${mb(peak.rss)}`);
    }
    // 3. target-query -f benchwtmp HOST > file (piped stdout: the binary stream)
    {
      const host = path.join(dir, "host");
      fs.mkdirSync(path.join(host, "etc"), { recursive: true });
      fs.mkdirSync(path.join(host, "var/log"), { recursive: true });
      fs.writeFileSync(path.join(host, "etc/hostname"), "web01\n");
      const peak = new Peak();
      const plugin = definePlugin({
        name: "benchwtmp",
        path: "bench.wtmp",
        description: "bench: N generated wtmp-like records",
        checkCompatible: () => ok(),
        functions: {
          benchwtmp: {
            output: "records",
            description: "N generated records",
            records: [Wtmp],
            *run() {
              let i = 0;
              for (const r of records(N)) {
                if (++i % 20000 === 0) peak.sample();
                yield r;
              }
            },
          },
        },
      });
      const out = path.join(dir, "tq.rec");
      const stdout = fs.createWriteStream(out);
      const t0 = performance.now();
      const code = await targetQuery([host, "-f", "benchwtmp", "-q"], { stdout, stderr: process.stderr, stdoutIsTTY: false }, new Registry([...PLUGINS, plugin]));
      await new Promise<void>((resolve) => stdout.end(resolve));
      const s = (performance.now() - t0) / 1000;
      console.log(`target-query -f benchwtmp > file: exit ${code}, ${N} records, ${(fs.statSync(out).size / 1e6).toFixed(1)} MB in ${s.toFixed(2)} s = ${Math.round(N / s).toLocaleString("en")} records/s, peak RSS ${mb(peak.rss)}`);
    }
    // 4. the real thing once the utmp plugin is registered: target-query -f btmp on a 1,000,000-record btmp.
    if (defaultRegistry.resolve(["btmp"]).invalid.length === 0) {
      const host = path.join(dir, "btmphost");
      fs.mkdirSync(path.join(host, "etc"), { recursive: true });
      fs.mkdirSync(path.join(host, "var/log"), { recursive: true });
      fs.writeFileSync(path.join(host, "etc/hostname"), "web01\n");
      writeBtmp(path.join(host, "var/log/btmp"), N);
      const out = path.join(dir, "btmp.rec");
      const stdout = fs.createWriteStream(out);
      const peak4 = new Peak();
      const sampler = setInterval(() => peak4.sample(), 50);
      const t0 = performance.now();
      const code = await targetQuery([host, "-f", "btmp", "-q"], { stdout, stderr: process.stderr, stdoutIsTTY: false });
      await new Promise<void>((resolve) => stdout.end(resolve));
      clearInterval(sampler);
      const s = (performance.now() - t0) / 1000;
      console.log(`target-query -f btmp (real plugin) > file: exit ${code}, ${(fs.statSync(out).size / 1e6).toFixed(1)} MB in ${s.toFixed(2)} s = ${Math.round(N / s).toLocaleString("en")} records/s, peak RSS ${mb(peak4.rss)}`);
    } else console.log("target-query -f btmp: skipped (no btmp function registered yet)");
    console.log(`process max RSS: ${mb(process.resourceUsage().maxRSS * 1024)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
