// Every output format writes the timeline: text, -j, -C, the binary stream (rdump reads it back, the nested
// record whole, and selects on its fields), -w FILE by extension, and rdump --timesketch on a saved timeline.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as rdump } from "../../src/cli/rdump.js";
import { DESCRIPTOR, defineRecord, type AnyRecord } from "../../src/records/descriptor.js";
import { JsonLinesSink, formatRecordJson } from "../../src/records/sinks/jsonl.js";
import { decodeStream } from "../../src/records/stream/reader.js";
import { Timestamp } from "../../src/records/timestamp.js";
import { timelineEntry } from "../../src/timeline/entry.js";
import { captureIO } from "../cli/helpers.js";
import { render } from "../helpers/render.js";
import { GENERATED, jsonRecords, makeFleet, query, type TimelineFleet } from "./fleet.js";

let fleet: TimelineFleet;
const ARGS = ["-f", "wtmp,sessions", "--timeline", "-q", "--generated", GENERATED];
beforeAll(() => {
  fleet = makeFleet();
});
afterAll(() => fleet.remove());

async function rd(args: string[], stdin?: Uint8Array): Promise<{ code: number; out: string }> {
  const c = captureIO({ stdin });
  const code = await rdump(args, c.io);
  return { code, out: c.stdout().toString("utf8") };
}

describe("--timeline in every format", () => {
  it("text: one quarry/timeline line per entry, the record nested in its text form", async () => {
    const r = await query([fleet.targets[0], ...ARGS, "-s"]);
    const first = r.out.toString().split("\n")[0]!;
    expect(first).toBe(
      "<quarry/timeline hostname='web01' domain='example.internal' ts=2024-03-04 07:58:12.104512+00:00 ts_description='ts' source='linux/log/wtmp' " +
        `message="ut_type=BOOT_TIME ut_user=reboot ut_line=~ ut_id='~~  ' ut_host=6.1.0-18-amd64 ut_pid=0 ut_session=0 ut_exit_termination=0 ut_exit_status=0" ` +
        "filepath='/var/log/wtmp' offset=0 record=<linux/log/wtmp hostname='web01' domain='example.internal' ts=2024-03-04 07:58:12.104512+00:00 " +
        "ut_type='BOOT_TIME' ut_user='reboot' ut_pid=0 ut_line='~' ut_id='~~  ' ut_host='6.1.0-18-amd64' ut_addr=None ut_session=0 " +
        "ut_exit_termination=0 ut_exit_status=0 ts_logout=None ut_service=None offset=0 filepath='/var/log/wtmp'>>",
    );
  });

  it("-C: one header (one record type), the nested record in one cell", async () => {
    const r = await query([fleet.targets[0], ...ARGS, "-C"]);
    const rows = r.out.toString().split("\r\n").filter(Boolean);
    expect(rows[0]).toBe("hostname,domain,ts,ts_description,source,message,filepath,offset,record,_source,_classification,_generated,_version");
    expect(rows.filter((x) => x.startsWith("hostname,"))).toHaveLength(1);
    expect(rows[1]).toMatch(/^web01,example\.internal,2024-03-04 07:58:12\.104512\+00:00,ts,linux\/log\/wtmp,ut_type=BOOT_TIME [^,]*,\/var\/log\/wtmp,0,<linux\/log\/wtmp hostname='web01' .*>,web01\.tar-[0-9a-f]{8},,2024-06-01 00:00:00\+00:00,1$/);
    expect(rows.length).toBe(1 + 73 + 45);
  });

  it("the binary stream: rdump reads the entries back with their records whole, and selects on nested fields", async () => {
    const stream = (await query([...fleet.targets, ...ARGS])).out;
    const recs = await decodeStream(stream);
    const json = jsonRecords((await query([...fleet.targets, ...ARGS, "-j"])).out);
    expect(recs.length).toBe(json.length);
    const e = recs.find((x) => x.source === "linux/log/wtmp/session" && x.ts_description === "logout")!;
    expect(e[DESCRIPTOR].name).toBe("quarry/timeline");
    const inner = e.record as AnyRecord;
    expect(inner[DESCRIPTOR].name).toBe("linux/log/wtmp/session");
    expect(inner.logout).toBeInstanceOf(Timestamp);
    expect((inner.logout as Timestamp).equals(e.ts as Timestamp)).toBe(true);
    expect(inner.addr).toBe("198.51.100.23");
    // rdump: the stream's text is target-query's text; a selector reaches into the nested record
    const text = await rd([], stream);
    expect(text.out).toBe((await query([...fleet.targets, ...ARGS, "-s"])).out.toString());
    const sel = await rd(["-s", "r.record.ut_user == 'mallory' or r.record.user == 'mallory'", "-J"], stream);
    const picked = sel.out.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(picked.map((p) => `${String(p.hostname)} ${String(p.ts_description)} ${String(p.ts)}`)).toEqual([
      "web01 ts 2024-03-07T10:15:00+00:00",
      "web01 login 2024-03-07T10:15:00+00:00",
      "db01 ts 2024-03-07T10:15:00+00:00",
      "db01 login 2024-03-07T10:15:00+00:00",
      "web01 logout 2024-03-07T10:16:40+00:00",
      "db01 logout 2024-03-07T10:16:40+00:00",
    ]);
  });

  it("-w FILE by extension; rdump --timesketch on the saved stream is --timeline --timesketch", async () => {
    const files = { rec: path.join(fleet.dir, "t.rec"), jsonl: path.join(fleet.dir, "t.jsonl"), csv: path.join(fleet.dir, "t.csv") };
    for (const f of Object.values(files)) expect((await query([...fleet.targets, ...ARGS, "-w", f])).code).toBe(0);
    expect(fs.readFileSync(files.rec).equals((await query([...fleet.targets, ...ARGS])).out)).toBe(true);
    expect(fs.readFileSync(files.jsonl, "utf8")).toBe((await query([...fleet.targets, ...ARGS, "-j"])).out.toString());
    expect(fs.readFileSync(files.csv, "utf8")).toBe((await query([...fleet.targets, ...ARGS, "-C"])).out.toString());
    const ts = await rd(["--timesketch", files.rec]);
    expect(ts.code).toBe(0);
    expect(ts.out).toBe((await query([...fleet.targets, ...ARGS, "--timesketch"])).out.toString());
  });
});

describe("JSON of a nested record", () => {
  it("-j's byte encoder writes it as render.ts does (the generated formatter of the nested descriptor)", async () => {
    const Odd = defineRecord("test/odd", { ts: "datetime", f: "float", raw: "bytes", s: "string", n: "varint", l: "string[]", far: "datetime" });
    const inner = Odd.create({ ts: Timestamp.fromUnix(1, 5), f: NaN, raw: new Uint8Array([1, 2]), s: "x\udcff\"\n", n: 2n ** 70n, l: ["a"], far: Timestamp.fromParts(10000, 1, 1) });
    Object.assign(inner, { hostname: "h", domain: null, _source: "s", _classification: null, _generated: Timestamp.fromUnix(0), _version: 1 });
    const entries = [timelineEntry(inner, inner.ts as Timestamp, "ts"), { ...timelineEntry(inner, inner.ts as Timestamp, "ts"), record: null }];
    const out = await render((o) => new JsonLinesSink(o, false), entries);
    expect(out).toBe(entries.map((e) => formatRecordJson(e, false) + "\n").join(""));
    expect(out).toContain('"record": {"hostname": "h", "domain": null, "ts": "1970-01-01T00:00:01.000005+00:00", "f": null, "raw": "AQI=", "s": "x\\udcff\\"\\n", "n": 1180591620717411303424, "l": ["a"], "far": null,');
  });
});
