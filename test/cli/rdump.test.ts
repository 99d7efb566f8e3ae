import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as rdump } from "../../src/cli/rdump.js";
import { main as targetQuery } from "../../src/cli/target-query.js";
import { DESCRIPTOR, type AnyRecord } from "../../src/records/descriptor.js";
import { decodeStream } from "../../src/records/stream/reader.js";
import { encodeStream } from "../../src/records/stream/writer.js";
import { Timestamp } from "../../src/records/timestamp.js";
import { GOLDEN_HEX } from "../records/golden.js";
import { encodeSurrogateEscape } from "../../src/util/text.js";
import { captureIO } from "./helpers.js";
import { TESTLOG, testRegistry } from "./records-plugin.js";

let dir: string;
let host: string;
let streamFile: string;
let streamBytes: Buffer;

function write(rel: string, text: string): void {
  const p = path.join(host, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, encodeSurrogateEscape(text)); // "\udcff" in the text is the raw byte 0xff in the file
}

async function tq(args: string[], opts: { tty?: boolean } = {}) {
  const c = captureIO(opts);
  const code = await targetQuery([...args, "--generated", "2024-06-01T00:00:00Z"], c.io, testRegistry);
  return { code, out: c.stdout(), err: c.stderr() };
}

async function rd(args: string[], stdin?: Uint8Array) {
  const c = captureIO({ stdin });
  const code = await rdump(args, c.io);
  return { code, out: c.stdout().toString("utf8"), bytes: c.stdout(), err: c.stderr() };
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-rdump-"));
  host = path.join(dir, "host");
  write("etc/hostname", "web01\n");
  write("etc/passwd", "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n");
  write("etc/os-release", 'NAME="Debian GNU/Linux"\nVERSION_ID="12"\n');
  write("var/log/testlog", TESTLOG);
  // Piped stdout (not a TTY): target-query writes the binary stream.
  const r = await tq([host, "-f", "tatop,twtmp,tbtmp"]);
  expect(r.code).toBe(0);
  streamBytes = r.out;
  streamFile = path.join(dir, "host.rec");
  fs.writeFileSync(streamFile, streamBytes);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function plain(r: AnyRecord): Record<string, unknown> {
  const o: Record<string, unknown> = { _d: r[DESCRIPTOR].name };
  for (const f of r[DESCRIPTOR].allFields) {
    const v = r[f.name];
    o[f.name] = v instanceof Timestamp ? v.toJSON() : typeof v === "number" ? BigInt(v) : v;
  }
  return o;
}

describe("target-query output selection", () => {
  it("writes the flow.record binary stream when stdout is piped, text on a TTY or with -s", async () => {
    expect(streamBytes.subarray(0, 19).toString("hex")).toBe(GOLDEN_HEX.slice(0, 38));
    const tty = await tq([host, "-f", "twtmp"], { tty: true });
    expect(tty.out.toString()).toMatch(/^<test\/wtmp hostname='web01' domain=None ts=2023-11-14 22:13:21.123456\+00:00 ut_type='USER_PROCESS' ut_user='root'/);
    const s = await tq([host, "-f", "twtmp", "-s"]);
    expect(s.out.toString()).toBe(tty.out.toString());
    const j = await tq([host, "-f", "twtmp", "-j"]);
    expect(j.out.toString().split("\n")[0]).toMatch(/^\{"_type": "recorddescriptor", "_data": \["test\/wtmp"/);
  });

  it("the stream read back by rdump gives the same records in the same order", async () => {
    const back = await decodeStream(streamBytes);
    const json = await tq([host, "-f", "tatop,twtmp,tbtmp", "-j"]);
    const fromJson: AnyRecord[] = [];
    const { openRecordSource } = await import("../../src/records/stream/source.js");
    const src = await openRecordSource((async function* () { yield json.out; })());
    for await (const r of src.records) fromJson.push(r);
    expect(back.map((r) => r[DESCRIPTOR].name)).toEqual([
      "test/atop", "test/atop", "test/wtmp", "test/wtmp", "test/wtmp", "test/btmp", "test/btmp", "test/btmp",
    ]);
    expect(back.map(plain)).toEqual(fromJson.map(plain));
    expect(back[0]!.rmem).toBe(2n ** 70n);
    expect(back[7]!.ut_user).toBe("\udcffuser");
    // rdump prints the same text target-query prints on a terminal.
    const tty = await tq([host, "-f", "tatop,twtmp,tbtmp"], { tty: true });
    const text = await rd([streamFile]);
    expect(text.code).toBe(0);
    expect(text.out).toBe(tty.out.toString());
  });

  it("-w FILE picks the format from the extension; -C and --timesketch", async () => {
    const rec = path.join(dir, "out.rec");
    const gz = path.join(dir, "out.rec.gz");
    const jl = path.join(dir, "out.jsonl");
    const csv = path.join(dir, "out.csv");
    for (const f of [rec, gz, jl, csv]) expect((await tq([host, "-f", "tatop,twtmp,tbtmp", "-w", f])).code).toBe(0);
    expect(fs.readFileSync(rec).equals(streamBytes)).toBe(true);
    expect(gunzipSync(fs.readFileSync(gz)).equals(streamBytes)).toBe(true);
    expect(fs.readFileSync(jl, "utf8")).toBe((await tq([host, "-f", "tatop,twtmp,tbtmp", "-j"])).out.toString());
    expect(fs.readFileSync(csv, "utf8").split("\r\n")[0]).toBe("hostname,domain,ts,process,pid,rmem,filepath,_source,_classification,_generated,_version");
    const c = await tq([host, "-f", "twtmp", "-C"]);
    const rows = c.out.toString().split("\r\n");
    expect(rows[1]).toMatch(/^web01,,2023-11-14 22:13:21\.123456\+00:00,USER_PROCESS,root,1001,pts\/1,10\.0\.0\.5,10\.0\.0\.5,\/var\/log\/wtmp,host-[0-9a-f]{8},,2024-06-01 00:00:00\+00:00,1$/);
    const ts = await tq([host, "-f", "twtmp", "--timesketch"]);
    const first = JSON.parse(ts.out.toString().split("\n")[0]!);
    expect(first.datetime).toBe("2023-11-14T22:13:21.123456+00:00");
    expect(first.timestamp_desc).toBe("ts");
    expect(first.timestamp).toBe(1700000001123456);
    expect(first.message).toMatch(/^ut_type=USER_PROCESS ut_user=root /); // the one-line summary (docs/timeline.md)
    expect(first.ut_user).toBe("root");
    expect(ts.out.toString().trim().split("\n").length).toBe(3);
  });
});

describe("rdump", () => {
  it("reads stdin, files, gzip and JSON lines alike", async () => {
    const a = await rd([], streamBytes);
    const b = await rd([streamFile]);
    const c = await rd([path.join(dir, "out.rec.gz")]);
    const d = await rd([path.join(dir, "out.jsonl")]);
    expect(a.out).toBe(b.out);
    expect(c.out).toBe(b.out);
    expect(d.out).toBe(b.out);
    expect(b.out.split("\n").filter(Boolean).length).toBe(8);
  });

  it("-s selects with the selector language", async () => {
    const r = await rd([streamFile, "-s", 'r.ut_user == "root"', "-J"]);
    const objs = r.out.trim().split("\n").map((l) => JSON.parse(l));
    expect(objs.map((o) => [o.ut_pid, o.ut_addr])).toEqual([[1001, "10.0.0.5"], [1006, "192.168.1.20"], [2005, "10.1.1.1"]]);
    const n = await rd([streamFile, "-s", 'r.ut_addr in net.ipnetwork("10.0.0.0/8") and name(r) == "test/btmp"', "-J"]);
    expect(n.out.trim().split("\n").map((l) => JSON.parse(l).ut_host)).toEqual(["10.1.1.1", "10.9.9.9"]);
    const bad = await rd([streamFile, "-s", "__import__('os')"]).catch((e: Error) => e);
    expect(bad).toBeInstanceOf(Error);
    expect((bad as Error).message).toMatch(/invalid selector/);
  });

  it("-F, -X, -J, -j, -L, -C shape the output", async () => {
    const f = await rd([streamFile, "-s", "r.ut_pid == 1001", "-F", "ut_user,ut_addr"]);
    expect(f.out).toBe("<test/wtmp ut_user='root' ut_addr=net.ipaddress('10.0.0.5')>\n");
    const x = await rd([streamFile, "-s", "r.ut_pid == 1001", "-J", "-X", "_source,_generated,_classification,_version,hostname,domain,filepath"]);
    expect(x.out).toBe('{"ts": "2023-11-14T22:13:21.123456+00:00", "ut_type": "USER_PROCESS", "ut_user": "root", "ut_pid": 1001, "ut_line": "pts/1", "ut_host": "10.0.0.5", "ut_addr": "10.0.0.5"}\n');
    const j = await rd([streamFile, "-s", "r.ut_pid == 1001", "-j", "-F", "ut_user,ut_pid"]);
    expect(j.out).toBe('{\n  "ut_user": "root",\n  "ut_pid": 1001\n}\n');
    const l = await rd([streamFile, "-s", "r.ut_pid == 1001", "-L", "-F", "ut_user,ut_pid,ut_line"]);
    expect(l.out).toBe("--[ RECORD 1 ]--\nut_user = root\n ut_pid = 1001\nut_line = pts/1\n");
    const c = await rd([streamFile, "-s", "r.ut_user == 'root'", "-C", "-F", "ut_user,ut_pid,ts"]);
    expect(c.out).toBe(
      "ut_user,ut_pid,ts\r\nroot,1001,2023-11-14 22:13:21.123456+00:00\r\nroot,1006,2023-11-14 22:13:26.123456+00:00\r\n" +
        "ut_user,ut_pid,ts\r\nroot,2005,2023-11-14 22:13:25+00:00\r\n",
    );
  });

  it("-w writes by extension, and -F projects the descriptor of a binary stream", async () => {
    const out = path.join(dir, "sel.rec");
    const r = await rd([streamFile, "-s", "r.ut_user == 'root'", "-F", "ut_user,ts", "-w", out]);
    expect(r.code).toBe(0);
    const back = await decodeStream(fs.readFileSync(out));
    expect(back.length).toBe(3);
    expect(back[0]![DESCRIPTOR].fields.map((f) => f.name)).toEqual(["ut_user", "ts"]);
    expect(back[0]!._source).toMatch(/^host-/);
    const csv = path.join(dir, "sel.csv");
    await rd([streamFile, "-c", "1", "-w", csv]);
    expect(fs.readFileSync(csv, "utf8").split("\r\n").length).toBe(3);
    const dash = await rd([streamFile, "-c", "2", "-w", "-"]);
    expect((await decodeStream(dash.bytes)).length).toBe(2);
  });

  it("-c limits, --skip skips, --stats counts", async () => {
    const r = await rd([streamFile, "--skip", "1", "-c", "2", "-F", "pid,ut_pid", "--stats"]);
    expect(r.out).toBe("<test/atop pid=104>\n<test/wtmp ut_pid=1001>\n");
    const s = await rd([streamFile, "-s", "r.ut_user == 'root'", "--stats"]);
    expect(s.err).toBe("Processed 8 records (matched=3, unmatched=5)\n");
  });

  it("--list names every descriptor with its count", async () => {
    const r = await rd(["--list", streamFile]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/# test\/atop \(hash 0x[0-9a-f]{8}\): 2 records\n/);
    expect(r.out).toMatch(/# test\/wtmp \(hash 0x[0-9a-f]{8}\): 3 records\n/);
    expect(r.out).toMatch(/# test\/btmp \(hash 0x[0-9a-f]{8}\): 3 records\n/);
    expect(r.out).toContain("    net.ipaddress ut_addr\n");
    expect(r.out).toMatch(/Processed 8 records \(3 descriptors\)\n$/);
  });

  it("reads concatenated streams and several sources; a broken source is reported, exit 1", async () => {
    const twice = Buffer.concat([streamBytes, streamBytes]);
    const r = await rd(["--list"], twice);
    expect(r.out).toMatch(/test\/atop .*: 4 records/);
    const bad = path.join(dir, "bad.rec");
    fs.writeFileSync(bad, Buffer.concat([streamBytes.subarray(0, 19), streamBytes.subarray(19 + 200)]));
    const b = await rd([bad, streamFile]);
    expect(b.code).toBe(1);
    expect(b.err).toMatch(/bad\.rec: .*at byte offset \d+/);
    expect(b.out.split("\n").filter(Boolean).length).toBeGreaterThanOrEqual(8);
    const missing = await rd([path.join(dir, "nope.rec")]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/nope\.rec/);
    const text = await rd([], Buffer.from("<test/wtmp x=1>\n"));
    expect(text.code).toBe(1);
    expect(text.err).toMatch(/looks like text output/);
  });

  it("reads Python's golden stream", async () => {
    const r = await rd(["-L"], Buffer.from(GOLDEN_HEX, "hex"));
    expect(r.out).toBe(
      [
        "--[ RECORD 1 ]--",
        "       hostname = h1",
        "             ts = 2024-01-02 03:04:05.123456+00:00",
        "            pid = 42",
        "         source = /var/log/wtmp",
        "             ip = 10.1.2.3",
        "             ok = True",
        "        _source = a.tar",
        "_classification = None",
        "     _generated = 2024-06-01 00:00:00+00:00",
        "       _version = 1",
        "",
      ].join("\n"),
    );
    const reenc = await rd(["-w", "-"], Buffer.from(GOLDEN_HEX, "hex"));
    expect(reenc.bytes.toString("hex")).toBe(GOLDEN_HEX);
    expect(Buffer.from(encodeStream(await decodeStream(Buffer.from(GOLDEN_HEX, "hex")))).toString("hex")).toBe(GOLDEN_HEX);
  });
});

describe("rdump -h", () => {
  it("prints the help once, with the selector and the writer", async () => {
    const r = await rd(["-h"]);
    expect(r.code).toBe(0);
    expect(r.out.match(/Options:/g)).toHaveLength(1);
    expect(r.out).toMatch(/-s, --selector/);
    expect(r.out).toMatch(/-w, --writer/);
  });
});
