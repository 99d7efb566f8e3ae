// Seeded damage to the rsyslog fixtures (bytes overwritten, files cut, gzip'd copies cut): authlog and messages
// never throw, keep every line the damage did not touch, and report what they could not read.
import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { file } from "../../../../../../src/fs/memory.js";
import { prng } from "../../../../../helpers/prng.js";
import { LOGS, run, zoneTree } from "./helpers.js";

const MTIME = Date.UTC(2027, 0, 1) / 1000;

const CASES = ["traditional", "rfc3339", "rfc5424"].flatMap((format) => [
  { fn: "authlog", dir: "auth", log: "/var/log/auth.log", format },
  { fn: "messages", dir: "messages", log: "/var/log/syslog", format },
]);

describe.each(CASES)("$fn on damaged copies of rsyslog's $dir/$format.log", ({ fn, dir, log, format }) => {
  const data = fs.readFileSync(path.join(LOGS, `${dir}/${format}.log`));
  const lines = data.toString("latin1").split("\n").filter(Boolean);
  const rotation = `${log}.2.gz`;

  it("keeps every untouched line when bytes are overwritten (30 seeds)", async () => {
    const rnd = prng(format.length * 1000 + 7);
    for (let n = 0; n < 30; n++) {
      const bad = Buffer.from(data);
      const hits = new Set<number>();
      for (let k = 0; k < 1 + Math.floor(rnd() * 5); k++) {
        const at = Math.floor(rnd() * bad.length);
        bad[at] = Math.floor(rnd() * 256);
        // counted in the original: an earlier hit may have overwritten a newline before this one
        hits.add(data.subarray(0, at).toString("latin1").split("\n").length - 1);
      }
      const r = await run({ ...zoneTree("Europe/Berlin"), [log]: file(bad, { mtime: MTIME }) }, fn);
      expect(r.outcome.status, `seed ${n}`).toBe("ok");
      const got = new Set(r.records.map((x) => (x as unknown as { message: string }).message));
      lines.forEach((l, i) => {
        // a newline written over a byte splits a line, one overwritten merges two: both touch the lines at the hit
        if (hits.has(i) || hits.has(i - 1) || hits.has(i + 1)) return;
        // (the bytes of a non-ASCII line are compared with its decoded message elsewhere: messages/forms.test.ts)
        if (/[^\x20-\x7e]/.test(l)) return;
        expect([...got].some((m) => l.endsWith(m)), `seed ${n} line ${i + 1}`).toBe(true);
      });
    }
  });

  it("reads a cut file up to the cut and a cut gzip'd copy up to its damage (30 seeds)", async () => {
    const rnd = prng(format.length * 1000 + 8);
    const gz = gzipSync(data);
    const firstLine = data.indexOf(10);
    for (let n = 0; n < 30; n++) {
      const cut = Math.floor(rnd() * data.length);
      const r = await run(
        {
          ...zoneTree("Europe/Berlin"),
          [log]: file(data.subarray(0, cut), { mtime: MTIME }),
          [rotation]: file(gz.subarray(0, Math.floor(rnd() * gz.length)), { mtime: MTIME - 86400 }),
        },
        fn,
      );
      // a gzip cut before anything inflates is an error for that file; so is a file cut inside its first line
      // (no line has a header: not a syslog file); nothing else
      const allowed = (e: { file?: string; message: string }): boolean =>
        e.file === rotation ? /^(cannot inflate|not a syslog file)/.test(e.message) : cut < firstLine && /^not a syslog file/.test(e.message);
      expect(r.outcome.errors.filter((e) => !allowed(e)), `seed ${n}`).toEqual([]);
      const live = r.records.filter((x) => (x as unknown as { filepath: string }).filepath === log);
      const whole = data.subarray(0, cut).toString("latin1").split("\n").length - 1;
      expect(live.length, `seed ${n}`).toBeGreaterThanOrEqual(whole);
    }
  });
});
