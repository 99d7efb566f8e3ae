// --from / --to: ISO 8601, UTC unless an offset is given, from inclusive, to exclusive; anything else exit 2.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../../src/plugin/args.js";
import { parseDatetime, parseWindow } from "../../src/timeline/window.js";
import { runTool } from "../hostile/harness.js";
import { prng } from "../helpers/prng.js";
import { FUNCTIONS, GENERATED, expectedTimeline, jsonRecords, makeFleet, query, type TimelineFleet } from "./fleet.js";
import { shapeOf } from "./oracle.js";

describe("parseDatetime", () => {
  it("takes ISO 8601 dates and times, UTC unless an offset is given", () => {
    const iso = (s: string) => parseDatetime(s)?.isoformat("T") ?? null;
    expect(iso("2024-03-06")).toBe("2024-03-06T00:00:00+00:00");
    expect(iso("2024-03-06T02:10")).toBe("2024-03-06T02:10:00+00:00");
    expect(iso("2024-03-06 02:10:05")).toBe("2024-03-06T02:10:05+00:00");
    expect(iso("2024-03-06T02:10:05Z")).toBe("2024-03-06T02:10:05+00:00");
    expect(iso("2024-03-06T02:10:05.5z")).toBe("2024-03-06T02:10:05.500000+00:00");
    expect(iso("2024-03-06T04:10:05,123456789+02:00")).toBe("2024-03-06T02:10:05.123456+00:00");
    expect(iso("2024-03-05T21:10:05-0500")).toBe("2024-03-06T02:10:05+00:00");
    expect(iso("2024-03-06T07:40:05+05:30")).toBe("2024-03-06T02:10:05+00:00");
    expect(iso("2024-03-06T03:10:05+01")).toBe("2024-03-06T02:10:05+00:00");
    expect(iso("2024-02-29")).toBe("2024-02-29T00:00:00+00:00");
    expect(iso("0001-01-01")).toBe("0001-01-01T00:00:00+00:00");
  });

  it("refuses what is not a real date and time (no rolling over)", () => {
    for (const s of ["", "yesterday", "1709689805", "2024-3-6", "2024-13-01", "2023-02-29", "2024-04-31", "2024-03-06T24:00", "2024-03-06T02:60", "2024-03-06T02:10:60", "2024-03-06T02:10:05+24:00", "0000-01-01", "2024-03-06T02", "2024-03-06T02:10:05 UTC"]) {
      expect(parseDatetime(s), s).toBeNull();
    }
  });

  it("seeded mutations of valid datetimes: a time in years 1 … 9999 or null, never a throw", () => {
    const seeds = ["2024-03-06T02:10:05.123456+02:00", "0001-01-01", "9999-12-31T23:59:59.999999Z", "2024-02-29 23:59"];
    const alphabet = "0123456789-:+TZ .,z";
    for (let seed = 1; seed <= 3; seed++) {
      const rnd = prng(seed);
      for (let i = 0; i < 3000; i++) {
        const chars = [...seeds[i % seeds.length]!];
        for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) {
          const at = Math.floor(rnd() * (chars.length + 1));
          const op = rnd();
          if (op < 0.4) chars[at] = alphabet[Math.floor(rnd() * alphabet.length)]!;
          else if (op < 0.7) chars.splice(at, 1);
          else chars.splice(at, 0, alphabet[Math.floor(rnd() * alphabet.length)]!);
        }
        const text = chars.join("");
        const ts = parseDatetime(text);
        if (ts) expect(ts.inRange() || /^9999-12-31/.test(text) || /^0001-01-01/.test(text), text).toBe(true);
      }
    }
  });

  it("parseWindow names the option, and an empty window is refused", () => {
    expect(() => parseWindow("yesterday", undefined)).toThrow(UsageError);
    expect(() => parseWindow("yesterday", undefined)).toThrow(/^--from: not an ISO 8601 datetime: "yesterday"/);
    expect(() => parseWindow(undefined, "2024-13-01")).toThrow(/^--to: not an ISO 8601 datetime: "2024-13-01"/);
    expect(() => parseWindow("2024-03-06T02:00:00Z", "2024-03-06T04:00:00+02:00")).toThrow(/not before --to .*: the window is empty/);
    expect(parseWindow(undefined, undefined)).toEqual({ from: null, to: null });
  });
});

let fleet: TimelineFleet;
beforeAll(() => {
  fleet = makeFleet();
});
afterAll(() => fleet.remove());

describe("--from / --to on the three targets", () => {
  it("from inclusive, to exclusive, an offset honoured: the root attempts of 02:10:05 and :08, not :15", async () => {
    const from = "2024-03-06T02:10:05Z";
    const to = "2024-03-06T04:10:15+02:00"; // 02:10:15 UTC
    const r = await query([...fleet.targets, "-f", FUNCTIONS, "--timeline", "-j", "-q", "--generated", GENERATED, "--from", from, "--to", to]);
    expect(r.code, r.err).toBe(0);
    const got = jsonRecords(r.out).map(shapeOf);
    const lo = Date.parse(from) * 1000;
    const hi = Date.parse("2024-03-06T02:10:15Z") * 1000;
    expect(got).toEqual(expectedTimeline().filter((e) => e.us >= lo && e.us < hi).map(({ us: _us, ...e }) => e));
    const btmp = (hostname: string, ts: string, offset: number) => ({ hostname, ts, source: "linux/log/btmp", ts_description: "ts", what: `LOGIN_PROCESS root ssh:notty @${offset}` });
    expect(got).toEqual([
      btmp("web01", "2024-03-06T02:10:05+00:00", 384),
      btmp("mail01", "2024-03-06T02:10:05+00:00", 384),
      btmp("web01", "2024-03-06T02:10:08+00:00", 768),
      btmp("mail01", "2024-03-06T02:10:08+00:00", 768),
    ]);
  });

  it("a date alone is its midnight; --to alone bounds only the end", async () => {
    const r = await query([...fleet.targets, "-f", FUNCTIONS, "--timeline", "-j", "-q", "--generated", GENERATED, "--from", "2024-03-11"]);
    const got = jsonRecords(r.out).map(shapeOf);
    expect(got.map((e) => e.hostname)).toEqual(Array(18).fill("mail01")); // wtmp_addr_edge: 9 records, 9 sessions
    const r2 = await query([...fleet.targets, "-f", "wtmp", "--timeline", "-j", "-q", "--generated", GENERATED, "--to", "2024-03-04T08:00:00Z"]);
    expect(jsonRecords(r2.out).map((e) => `${String(e.hostname)} ${String(e.ts)}`)).toEqual([
      "web01 2024-03-04T07:58:12.104512+00:00",
      "db01 2024-03-04T07:58:12.104512+00:00",
      "web01 2024-03-04T07:58:19.331047+00:00",
      "db01 2024-03-04T07:58:19.331047+00:00",
      "web01 2024-03-04T07:58:20.450120+00:00",
      "db01 2024-03-04T07:58:20.450120+00:00",
      "web01 2024-03-04T07:58:20.450390+00:00",
      "db01 2024-03-04T07:58:20.450390+00:00",
    ]);
  });

  it("usage errors: a bad time names its option; --from without --timeline; --timeline with --output-dir", async () => {
    await expect(query([fleet.targets[0], "-f", "wtmp", "--timeline", "--from", "last week"])).rejects.toThrow(/--from: not an ISO 8601 datetime: "last week"/);
    await expect(query([fleet.targets[0], "-f", "wtmp", "--from", "2024-03-06"])).rejects.toThrow(/--from and --to go with --timeline/);
    await expect(query([fleet.targets[0], "-f", "wtmp", "--timeline", "--output-dir", fleet.dir + "/out"])).rejects.toThrow(/not with --output-dir/);
  });

  it("the CLI: exit 2 and one line naming --to", async () => {
    const r = await runTool("target-query", [fleet.targets[0], "-f", "wtmp", "--timeline", "--to", "2024-02-30"], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'target-query: error: --to: not an ISO 8601 datetime: "2024-02-30" (for example 2024-03-05, 2024-03-05T14:00:00Z or 2024-03-05T16:00:00+02:00; UTC unless an offset is given)\n',
    );
    expect(r.stdout.length).toBe(0);
  });
});
