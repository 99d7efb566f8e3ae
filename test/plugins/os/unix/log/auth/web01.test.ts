// The sample host's auth.log rotations (fixtures/logs/make-web01-logs.mjs) against its own wtmp and btmp: every
// sshd login of wtmp is an "Accepted" line a second before it, every sshd failure of btmp a "Failed password"
// line at its second — which holds only if the year (2024, from the rotations) and the zone (Europe/Berlin, from
// the host's /etc/localtime) are applied right. Nothing is warned about.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "../syslog/helpers.js";
import { openTarget } from "../../../../../../plugins/index.js";

const WEB01 = path.resolve(import.meta.dirname, "../../../../../../fixtures/hosts/web01.tar");
type Rec = Record<string, unknown> & { ts: { seconds: number } | null };
const sec = (r: Rec): number => r.ts!.seconds;

describe("web01's auth.log", () => {
  it("tells wtmp's and btmp's story at their seconds, with no warning", async () => {
    const auth = await run(await openTarget(WEB01), "authlog");
    expect(auth.outcome.warnings).toEqual([]);
    expect(auth.outcome.errors).toEqual([]);
    const recs = auth.records as unknown as Rec[];
    expect(new Set(recs.map((r) => r.filepath))).toEqual(new Set(["/var/log/auth.log.2.gz", "/var/log/auth.log.1", "/var/log/auth.log"]));
    expect(recs.every((r) => r.ts_zone === "Europe/Berlin")).toBe(true);

    const wtmp = (await run(await openTarget(WEB01), "wtmp")).records as unknown as Rec[];
    const logins = wtmp.filter((w) => w.ut_type === "USER_PROCESS" && String(w.ut_line).startsWith("pts/") && w.ut_host);
    // (the live file's last lines are the host's two of 2024-03-15, after wtmp ends)
    const accepted = recs.filter((r) => r.action === "accepted authentication" && sec(r) < Date.UTC(2024, 2, 15) / 1000);
    expect(accepted.map((r) => [r.user, sec(r) + 1])).toEqual(logins.map((w) => [w.ut_user, Math.floor(sec(w))]));

    const btmp = (await run(await openTarget(WEB01), "btmp")).records as unknown as Rec[];
    const sshFailures = btmp.filter((b) => b.ut_line === "ssh:notty");
    const failed = recs.filter((r) => r.action === "failed authentication" && sec(r) < Date.UTC(2024, 2, 15) / 1000);
    // btmp is in the order its records were appended (mallory's two come last), the log in time order
    const byTime = (x: [unknown, number], y: [unknown, number]): number => x[1] - y[1] || String(x[0]).localeCompare(String(y[0]));
    const got = failed.map((r): [unknown, number] => [r.user, sec(r)]).sort(byTime);
    const want = sshFailures.map((b): [unknown, number] => [b.ut_user, sec(b)]).sort(byTime);
    expect(got).toEqual(want);
  });

  it("reads the host's syslog rotations in its zone too", async () => {
    const r = await run(await openTarget(WEB01), "syslog");
    expect(r.outcome.warnings).toEqual([]);
    expect(r.records.length).toBeGreaterThan(20);
    expect(r.records.every((x) => (x as unknown as Rec).ts !== null)).toBe(true);
  });
});
