// Reading CSV back as flow.record's csvfile reader does. The oracle (scripts/flowrecord/make-csv-oracle.sh): the
// sample host's wtmp written by quarry as CSV, and what Python's flow.record rdump -J read from it.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { csvRows, readCsvRecords, CsvError, CSV_ROW_LIMIT } from "../../src/records/stream/csv.js";
import { tmpdir } from "../helpers/tmp.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const FIX = path.join(ROOT, "fixtures/flowrecord");
const rdump = (args: string[]) => spawnSync(process.execPath, [path.join(ROOT, "dist/src/cli/bin/rdump.js"), ...args], { cwd: ROOT, encoding: "utf8" });
const parse = (text: string) => text.trimEnd().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);

async function rows(text: string) {
  const out: string[][] = [];
  for await (const r of csvRows(Readable.from([Buffer.from(text)]))) out.push(r.cells);
  return out;
}

describe("rdump FILE.csv / csvfile://FILE", () => {
  it("every record and field as flow.record's csvfile reader gives them", () => {
    const want = parse(fs.readFileSync(path.join(FIX, "web01-wtmp.csv.flow.jsonl"), "utf8"));
    for (const src of ["fixtures/flowrecord/web01-wtmp.csv", "csvfile://fixtures/flowrecord/web01-wtmp.csv"]) {
      const r = rdump(["-J", src]);
      expect(r.status, r.stderr).toBe(0);
      expect(parse(r.stdout)).toEqual(want);
    }
  });

  it("a selector works on the strings; a second header (quarry's CSV of two record types) starts a new record type", () => {
    const dir = tmpdir();
    const csv = path.join(dir, "two.csv");
    fs.writeFileSync(csv, "hostname,domain,user,_source,_classification,_generated,_version\r\nh,d,root,s,,2024-01-01T00:00:00+00:00,1\r\nhostname,domain,name,n,_source,_classification,_generated,_version\r\nh,d,x,\"a,\"\"b\"\"\",s,,,1\r\n");
    const r = rdump(["-J", csv]);
    expect(r.status, r.stderr).toBe(0);
    expect(parse(r.stdout)).toEqual([
      { hostname: "h", domain: "d", user: "root", _source: "s", _classification: "", _generated: "2024-01-01T00:00:00+00:00", _version: 1 },
      expect.objectContaining({ hostname: "h", domain: "d", name: "x", n: 'a,"b"', _source: "s" }),
    ]);
    expect(rdump(["-s", "r.user == 'root'", "-J", csv]).stdout.trim().split("\n")).toHaveLength(1);
  });
});

describe("the CSV row reader", () => {
  it("quotes, doubled quotes, commas and line breaks in cells; CRLF and LF; a last row without a newline", async () => {
    expect(await rows('a,b\r\n"x,1","say ""hi""\nthere"\r\nlast,row')).toEqual([["a", "b"], ["x,1", 'say "hi"\nthere'], ["last", "row"]]);
  });

  it("an unclosed quote is an error naming the row's line; too many cells for the header is a bad row, the rest read", async () => {
    await expect(rows('a\n"open\n')).rejects.toThrow(/line 2: a quoted cell is not closed/);
    const bad: CsvError[] = [];
    const { batches } = readCsvRecords(Readable.from([Buffer.from("hostname,x\nh,1\nh,2,3\nh,4\n")]), (e) => bad.push(e));
    const got: unknown[] = [];
    for await (const b of batches) for (const r of b) got.push(r.x);
    expect(got).toEqual(["1", "4"]);
    expect(bad.map((e) => e.message)).toEqual(["line 3: 3 cells for 2 columns"]);
  });

  it(`a row longer than ${CSV_ROW_LIMIT} bytes is refused, not held`, async () => {
    const big = Buffer.alloc(CSV_ROW_LIMIT + 10, 0x61);
    await expect(rows(big.toString())).rejects.toThrow(/a row longer than/);
  });
});
