// The acceptance test on the sample host (fixtures/hosts/web01.tar) with the real plugins: what
// target-query writes into a pipe, rdump reads back as the same records in the same order.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as rdump } from "../../src/cli/rdump.js";
import { main as targetQuery } from "../../src/cli/target-query.js";
import { DESCRIPTOR, type AnyRecord } from "../../src/records/descriptor.js";
import { decodeStream } from "../../src/records/stream/reader.js";
import { openRecordSource } from "../../src/records/stream/source.js";
import { Timestamp } from "../../src/records/timestamp.js";
import { defaultRegistry } from "../../plugins/index.js";
import { captureIO } from "./helpers.js";

const HOST = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../fixtures/hosts/web01.tar");
// atop joins once its plugin is registered; wtmp and btmp are there.
const FUNCTIONS = ["atop", "wtmp", "btmp"].filter((f) => defaultRegistry.resolve([f]).invalid.length === 0);

let dir: string;
let stream: Buffer;
let fromJson: AnyRecord[];

async function tq(args: string[]) {
  const c = captureIO();
  const code = await targetQuery([HOST, "-f", FUNCTIONS.join(","), "-q", "--generated", "2024-06-01T00:00:00Z", ...args], c.io);
  return { code, out: c.stdout() };
}

async function rd(args: string[], stdin?: Uint8Array) {
  const c = captureIO({ stdin });
  const code = await rdump(args, c.io);
  return { code, out: c.stdout().toString("utf8"), err: c.stderr() };
}

function plain(r: AnyRecord): Record<string, unknown> {
  const o: Record<string, unknown> = { _d: r[DESCRIPTOR].name };
  for (const f of r[DESCRIPTOR].allFields) {
    const v = r[f.name];
    o[f.name] = v instanceof Timestamp ? v.toJSON() : typeof v === "number" && Number.isInteger(v) ? BigInt(v) : v;
  }
  return o;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-rdump-host-"));
  const piped = await tq([]);
  expect(piped.code).toBe(0);
  stream = piped.out;
  const json = await tq(["-j"]);
  const src = await openRecordSource((async function* () {
    yield json.out;
  })());
  fromJson = [];
  for await (const r of src.records) fromJson.push(r);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe(`target-query -f ${FUNCTIONS.join(",")} on the sample host, read back by rdump`, () => {
  it("gives the same records in the same order as target-query's JSON", async () => {
    const back = await decodeStream(stream);
    expect(back.length).toBeGreaterThan(200);
    expect(back.length).toBe(fromJson.length);
    expect(back.map(plain)).toEqual(fromJson.map(plain));
  });

  it("--list names every record type with its count", async () => {
    const r = await rd(["--list"], stream);
    for (const name of new Set(fromJson.map((x) => x[DESCRIPTOR].name))) {
      const n = fromJson.filter((x) => x[DESCRIPTOR].name === name).length;
      expect(r.out).toMatch(new RegExp(`# ${name.replace("/", "\\/")} \\(hash 0x[0-9a-f]{8}\\): ${n} records?\\n`));
    }
  });

  it("-s, -F, -J, -C and -w behave on it", async () => {
    const roots = fromJson.filter((x) => x.ut_user === "root");
    const s = await rd(["-s", 'r.ut_user == "root"', "-J", "-F", "ts,ut_user,ut_addr"], stream);
    const lines = s.out.trim().split("\n");
    expect(lines.length).toBe(roots.length);
    expect(Object.keys(JSON.parse(lines[0]!))).toEqual(["ts", "ut_user", "ut_addr"]);
    const net = await rd(["-s", 'r.ut_addr in net.ipnetwork("2001:db8::/32")', "--stats"], stream);
    expect(net.err).toMatch(/matched=[1-9]\d*/);
    const csv = await rd(["-C", "-F", "ts,ut_user"], stream);
    const types = new Set(fromJson.map((x) => x[DESCRIPTOR].name)).size;
    expect(csv.out.split("\r\n").filter(Boolean).length).toBeGreaterThanOrEqual(fromJson.length + types);
    const gz = path.join(dir, "all.rec.gz");
    expect((await rd(["-w", gz], stream)).code).toBe(0);
    expect(gunzipSync(fs.readFileSync(gz)).equals(stream)).toBe(true);
    const jl = path.join(dir, "all.jsonl");
    expect((await rd(["-w", jl], stream)).code).toBe(0);
    const again = await rd([jl]);
    expect(again.out).toBe((await rd([], stream)).out);
  });
});
