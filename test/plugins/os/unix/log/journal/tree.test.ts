// The layout tree (fixtures/journal/tree): every journal file a host holds is found (system, archived, dirty,
// user, namespace, container, /run), the files of one directory name are interleaved in journalctl's order
// (its own runs over the tree are the oracle, fixtures/journal/tree-oracles), and the same records come out
// of the tree as a directory, a tar and a tar.gz target.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { defaultRegistry } from "../../../../../../plugins/index.js";
import { runOnTarget, type FunctionOutcome } from "../../../../../../src/plugin/runner.js";
import type { AnyRecord } from "../../../../../../src/records/descriptor.js";
import { Timestamp } from "../../../../../../src/records/timestamp.js";
import { Logger } from "../../../../../../src/util/log.js";
import { gzip, tarStream } from "../../../../../fs/tarbuild.js";
import { fileHandle, readHandles } from "./helpers.js";
import { differences, parseOracle, recordEntry } from "./oracle.js";
import { openTarget } from "../../../../../../plugins/index.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../../..");
const TREE = path.join(ROOT, "fixtures/journal/tree");
const ORACLES = path.join(ROOT, "fixtures/journal/tree-oracles");
const SATURN = "b7d1c0a4e2f94c3a8e5d6f7a8b9c0d1e";
const DB01 = "d0b01c0a7a1e4e55a0b1c2d3e4f5a6b7";

async function journal(target: string): Promise<{ records: AnyRecord[]; outcome: FunctionOutcome }> {
  const t = await openTarget(target);
  const records: AnyRecord[] = [];
  const sink = {
    write(r: AnyRecord) {
      records.push(r);
    },
    async close() {},
  };
  const [outcome] = await runOnTarget(t, defaultRegistry.resolve("journal").groups, defaultRegistry, sink, {
    log: new Logger(() => {}, "error"),
    generated: Timestamp.fromUnix(0),
  });
  t.close();
  return { records, outcome: outcome! };
}

/** An entry as journalctl's cursor names it: seqnum id, seqnum, boot, monotonic and realtime. */
function keyOf(r: AnyRecord): string {
  const ts = r.ts as Timestamp;
  const us = BigInt(ts.seconds) * 1_000_000n + BigInt(ts.micros);
  return `s=${String(r.seqnum_id)};i=${Number(r.seqnum).toString(16)};b=${String(r.boot_id)};m=${BigInt(r.monotonic as number).toString(16)};t=${us.toString(16)}`;
}

function oracleKeys(file: string): string[] {
  return fs
    .readFileSync(path.join(ORACLES, file), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => String((JSON.parse(l) as { __CURSOR: string }).__CURSOR).replace(/;x=.*$/, ""));
}

const dirOf = (r: AnyRecord) => path.basename(path.dirname(String(r.filepath)));

const work = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-journal-tree-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

async function archive(): Promise<Buffer> {
  const entries: { header: { name: string; type?: "directory" | "file"; mode?: number }; data?: Buffer }[] = [];
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(TREE, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (fs.statSync(path.join(TREE, r)).isDirectory()) {
        entries.push({ header: { name: r + "/", type: "directory", mode: 0o755 } });
        walk(r);
      } else entries.push({ header: { name: r, mode: 0o644 }, data: fs.readFileSync(path.join(TREE, r)) });
    }
  };
  walk("");
  return tarStream(entries);
}

describe("journal: the layout tree", () => {
  let dir: { records: AnyRecord[]; outcome: FunctionOutcome };

  it("reads every file of the tree as a directory target: no errors, one group per directory name", async () => {
    dir = await journal(TREE);
    expect(dir.outcome.errors).toEqual([]);
    expect(dir.outcome.status).toBe("ok");
    const files = new Set(dir.records.map((r) => String(r.filepath)));
    expect([...files].sort()).toEqual(
      [
      `/run/log/journal/${SATURN}/system.journal`,
      `/var/log/journal/${DB01}/system.journal`,
      `/var/log/journal/${SATURN}.batch/system.journal`,
      `/var/log/journal/${SATURN}/system.journal`,
      `/var/log/journal/${SATURN}/system@000661a87386576f-e45d158b887fb8a5.journal~`,
      `/var/log/journal/${SATURN}/system@4832c8efdb964d14909caa022675aed4-0000000000000094-000610b18bc7e9f1.journal`,
      `/var/log/journal/${SATURN}/system@4832c8efdb964d14909caa022675aed4-0000000000000190-000610b1f9af9895.journal`,
      `/var/log/journal/${SATURN}/user-1000.journal`,
      ].sort(),
    );
    // groups in name order, each contiguous
    const order = dir.records.map(dirOf).filter((d, i, a) => i === 0 || a[i - 1] !== d);
    expect(order).toEqual([SATURN, `${SATURN}.batch`, DB01]);
  });

  it("saturn's /var and /run files come out in the order journalctl shows the local machine's journal", () => {
    const ours = dir.records.filter((r) => dirOf(r) === SATURN).map(keyOf);
    expect(ours.length).toBe(765);
    expect(ours).toEqual(oracleKeys("live.default.json"));
  });

  it("the namespace directory, as journalctl --namespace=batch; the container's file, in journalctl -D's order", () => {
    expect(dir.records.filter((r) => dirOf(r) === `${SATURN}.batch`).map(keyOf)).toEqual(oracleKeys("live.namespace-batch.json"));
    const db01 = dir.records.filter((r) => dirOf(r) === DB01);
    const ids = new Set(db01.map((r) => String(r.seqnum_id)));
    const want = oracleKeys("dir.var-log-journal.json").filter((k) => ids.has(/^s=([0-9a-f]+)/.exec(k)![1]!));
    expect(db01.map(keyOf)).toEqual(want);
  });

  it("one writer's files (one seqnum id: the archives, the dirty file, the active one) by seqnum, as journalctl", async () => {
    const id = "4832c8efdb964d14909caa022675aed4";
    const names = fs.readdirSync(path.join(TREE, "var/log/journal", SATURN)).filter((f) => f.startsWith("system"));
    const items = names.map((n) => ({ name: `/var/log/journal/${SATURN}/${n}`, handle: fileHandle(path.join(TREE, "var/log/journal", SATURN, n)) }));
    const got = readHandles(items);
    expect(got.errors).toEqual([]);
    expect(new Set(got.records.map((r) => r.seqnum_id))).toEqual(new Set([id]));
    expect(got.records.map(keyOf)).toEqual(oracleKeys("live.default.json").filter((k) => k.startsWith(`s=${id};`)));
  });

  it("every record equals journalctl's JSON of its own file", () => {
    const byFile = new Map<string, AnyRecord[]>();
    for (const r of dir.records) (byFile.get(String(r.filepath)) ?? byFile.set(String(r.filepath), []).get(String(r.filepath))!).push(r);
    let compared = 0;
    for (const [file, recs] of byFile) {
      // the system journals of saturn's /var are copies of rotated/ and dirty/ (their oracles are there)
      const own = path.join(ORACLES, file + ".json");
      const copy = path.join(ROOT, "fixtures/journal", file.endsWith("~") ? "dirty" : "rotated", path.basename(file) + ".json");
      const want = parseOracle(fs.readFileSync(fs.existsSync(own) ? own : copy, "utf8"));
      // one file's entries keep their file order in the interleaved stream
      expect(recs.length, file).toBe(want.length);
      recs.forEach((r, i) => expect(differences(recordEntry(r), want[i]!), `${file} #${i}`).toEqual([]));
      compared += recs.length;
    }
    expect(compared).toBe(dir.records.length);
  });

  it("a tar and a tar.gz of the tree give the same records", async () => {
    const tar = await archive();
    fs.writeFileSync(path.join(work, "tree.tar"), tar);
    fs.writeFileSync(path.join(work, "tree.tar.gz"), gzip(tar));
    const strip = (r: AnyRecord) => JSON.stringify({ ...r, _source: null }, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
    for (const name of ["tree.tar", "tree.tar.gz"]) {
      const got = await journal(path.join(work, name));
      expect(got.outcome.errors, name).toEqual([]);
      expect(got.records.length, name).toBe(dir.records.length);
      got.records.forEach((r, i) => expect(strip(r), `${name} #${i}`).toBe(strip(dir.records[i]!)));
    }
  });
});
