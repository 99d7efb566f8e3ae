// -w sqlite://FILE as flow.record's sqlite adapter writes it. The oracle (scripts/flowrecord/make-sqlite-oracle.sh):
// a database quarry wrote from the sample host, and what Python's flow.record (its rdump, sqlite adapter) read
// from it. Here: quarry still writes that database byte for byte, and every record flow.record read carries
// quarry's values (as its sqlite reader types them back: booleans as 0/1, lists and other non-SQL types as text).
import fs from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/target-query.js";
import { parseWriteTarget } from "../../src/cli/output.js";
import { UsageError } from "../../src/plugin/args.js";
import { tmpdir } from "../helpers/tmp.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const FIX = path.join(ROOT, "fixtures/flowrecord");
const FUNCTIONS = "wtmp,btmp,users,lastlog,audit.events,atop.system";
// _source is "<file name>-<sha256 of the absolute path>": the oracle read the sample from this fixed path
const SAMPLE = "/tmp/quarry-oracle/web01.tar";

function io() {
  const out: Buffer[] = [];
  const stdout = new PassThrough();
  stdout.on("data", (c: Buffer) => out.push(c));
  return { io: { stdout, stderr: new PassThrough(), stdoutIsTTY: false }, text: () => Buffer.concat(out).toString() };
}

async function query(args: string[]): Promise<string> {
  fs.mkdirSync(path.dirname(SAMPLE), { recursive: true });
  fs.copyFileSync(path.join(ROOT, "fixtures/hosts/web01.tar"), SAMPLE);
  const x = io();
  expect(await main(["-q", "--generated", "2024-01-01T00:00:00Z", "-f", FUNCTIONS, ...args, SAMPLE], x.io)).toBe(0);
  return x.text();
}

describe("-w sqlite://", () => {
  it("writes the database flow.record read, byte for byte", async () => {
    const db = path.join(tmpdir(), "out.db");
    await query(["-w", `sqlite://${db}`]);
    expect(fs.readFileSync(db).equals(fs.readFileSync(path.join(FIX, "web01.sqlite")))).toBe(true);
  });

  it("every record flow.record read from it holds quarry's values", async () => {
    const flow = gunzipSync(fs.readFileSync(path.join(FIX, "web01.sqlite.flow.jsonl.gz"))).toString().trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    // ours, as JSON lines with descriptor lines (so the field types are known)
    const lines = (await query(["-j"])).trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    const types = new Map<string, Map<string, string>>();
    const ours: { name: string; rec: Record<string, unknown> }[] = [];
    for (const l of lines) {
      if (l._type === "recorddescriptor") {
        const [name, fields] = l._data as [string, [string, string][]];
        types.set(name, new Map(fields.map(([t, n]) => [n, t])));
      } else ours.push({ name: (l._recorddescriptor as [string, number])[0], rec: l });
    }
    expect(flow.length).toBe(ours.length);
    // flow.record reads the tables in creation order, each in insertion order: ours grouped the same way
    const byTable = [...new Set(ours.map((o) => o.name))].flatMap((n) => ours.filter((o) => o.name === n));
    let compared = 0;
    byTable.forEach(({ name, rec }, i) => {
      const got = flow[i]!;
      for (const [field, type] of types.get(name)!) {
        const want = rec[field];
        if (type.endsWith("[]")) expect(typeof got[field] === "string" || got[field] === null, `${name}.${field}`).toBe(true);
        else if (type === "boolean") expect(got[field], `${name} #${i} ${field}`).toBe(want === null ? null : want ? 1 : 0);
        else expect(got[field], `${name} #${i} ${field}`).toEqual(want);
        compared++;
      }
      for (const f of ["_source", "_generated", "_version"]) expect(got[f]).toEqual(rec[f]);
    });
    expect(compared).toBeGreaterThan(10_000);
  });
});

describe("-w: flow.record's adapters, and what quarry does not write", () => {
  it.each([
    ["sqlite://out.db", "sqlite", "out.db"],
    ["jsonfile://out.jsonl", "jsonl", "out.jsonl"],
    ["jsonfile://-", "jsonl", "-"],
    ["csvfile://x.csv", "csv", "x.csv"],
    ["text://", "text", "-"],
    ["line://l.txt", "line", "l.txt"],
    ["stream://r", "stream", "r"],
    ["out.db", "sqlite", "out.db"],
    ["out.rec.gz", "stream", "out.rec.gz"],
    ["out", "stream", "out"],
    ["/dev/null", "stream", "/dev/null"],
  ])("%s → %s", (spec, format, file) => {
    expect(parseWriteTarget(spec)).toMatchObject({ format, path: file });
  });

  it.each(["x.xlsx", "elastic+http://localhost:9200", "splunk://h", "sqlite://", "a.db.gz"])("%s is a usage error naming what is written", (spec) => {
    expect(() => parseWriteTarget(spec)).toThrow(UsageError);
    expect(() => parseWriteTarget(spec)).toThrow(/sqlite:\/\/|sqlite:\/\/ needs a file name|writes/);
  });
});
