// Class: collection roots that are symlinks. An extracted UAC collection whose [root] is a link (absolute,
// relative, to /, through a chain or an intermediate component), an acquire collection whose fs/, fs/$rootfs$,
// another volume or sysvol is one, a tar whose [root] or fs/$rootfs$ member is a symlink, and a directory whose
// etc/ and var/ are links: none may mount the analysis host or the canary beside the collection. A link that
// stays inside the collection is followed there; one that leaves is a loader error naming it and its target.
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { entry, gzip, tar } from "../fs/tarbuild.js";
import { targetId } from "../../src/target.js";
import { recordsBySource } from "../batch/helpers.js";
import { evidenceRoot, leaks, makeCanary, userNames } from "./canary.js";
import { describeRun, runTool, type BoundedRun } from "./harness.js";

const c = makeCanary("quarry-hostile-roots-", 0x12c0117);
afterAll(() => fs.rmSync(c.dir, { recursive: true, force: true }));

const CEILING = { timeoutMs: 30_000, rssMb: 600 };
const EV = { users: ["ev_in", "root"], hostname: "ev-in" };

interface Case {
  name: string;
  /** Builds the collection below `d` and returns the path to query. */
  build(d: string): string;
  args?: string[];
  /** A refusal: exit 3 and this loader error; else the evidence's own users and hostname. */
  refused?: string | RegExp;
}

let n = 0;
function fresh(): string {
  const d = path.join(c.dir, `case${n++}`);
  fs.mkdirSync(d);
  return d;
}

function uacDir(d: string, root: (coll: string) => void): string {
  const coll = path.join(d, "uac-host-linux-20240101120000");
  fs.mkdirSync(coll);
  fs.writeFileSync(path.join(coll, "uac.log"), "uac\n");
  fs.mkdirSync(path.join(coll, "live_response"));
  root(coll);
  return coll;
}

function acquireDir(d: string, build: (coll: string) => void): string {
  const coll = path.join(d, "acquire-host");
  fs.mkdirSync(coll);
  build(coll);
  return coll;
}

const link = (target: string, at: string): void => {
  fs.mkdirSync(path.dirname(at), { recursive: true });
  fs.symlinkSync(target, at);
};

const uacMembers = (root: Buffer[]): Buffer => tar(...root, entry({ name: "uac.log", data: "uac\n" }), entry({ name: "live_response/x.txt", data: "x\n" }));
const evidenceMembers = (prefix: string): Buffer[] => [
  entry({ name: `${prefix}/etc/passwd`, data: "root:x:0:0:evidence root in:/root:/bin/sh\nev_in:x:1000:1000::/home/ev:/bin/sh\n" }),
  entry({ name: `${prefix}/etc/hostname`, data: "ev-in\n" }),
  entry({ name: `${prefix}/var/log/`, flag: "5" }),
];

const CASES: Case[] = [
  // UAC, extracted
  { name: "uac [root] -> /", build: (d) => uacDir(d, (u) => link("/", path.join(u, "[root]"))), refused: "[root] is a symlink to / outside the collection: refused" },
  { name: "uac [root] -> the canary (absolute)", build: (d) => uacDir(d, (u) => link(c.outside, path.join(u, "[root]"))), refused: `[root] is a symlink to ${c.outside} outside the collection: refused` },
  { name: "uac [root] -> ../../outside (relative)", build: (d) => uacDir(d, (u) => link("../../outside", path.join(u, "[root]"))), refused: "[root] is a symlink to ../../outside outside the collection: refused" },
  { name: "uac [root] -> ../.. (up to /)", build: (d) => uacDir(d, (u) => link("../".repeat(30), path.join(u, "[root]"))), refused: /\[root\] is a symlink to (\.\.\/)+ outside the collection: refused/ },
  {
    name: "uac [root] -> hop -> ../../outside (a chain)",
    build: (d) => uacDir(d, (u) => (link("hop", path.join(u, "[root]")), link("../../outside", path.join(u, "hop")))),
    refused: "hop is a symlink to ../../outside outside the collection: refused (on the way to [root])",
  },
  {
    name: "uac [root] -> data/root where data -> .. (an intermediate component)",
    build: (d) => uacDir(d, (u) => (link("data/root", path.join(u, "[root]")), link("..", path.join(u, "data")))),
    refused: "data is a symlink to .. outside the collection: refused (on the way to [root])",
  },
  { name: "uac [root] -> ./data/root (inside)", build: (d) => uacDir(d, (u) => (evidenceRoot(path.join(u, "data/root"), "in"), link("./data/root", path.join(u, "[root]")))) },
  {
    name: "uac [root] -> store/root where store -> ./real (inside, through an intermediate link)",
    build: (d) => uacDir(d, (u) => (evidenceRoot(path.join(u, "real/root"), "in"), link("./real", path.join(u, "store")), link("store/root", path.join(u, "[root]")))),
  },
  {
    name: "uac [root] -> an absolute path inside the collection",
    build: (d) => uacDir(d, (u) => (evidenceRoot(path.join(u, "data/root"), "in"), link(path.join(fs.realpathSync(u), "data/root"), path.join(u, "[root]")))),
  },
  {
    name: "uac collection given through the analyst's own link (followed: it is their path)",
    build: (d) => {
      const u = uacDir(d, (x) => evidenceRoot(path.join(x, "[root]"), "in"));
      link(u, path.join(d, "current"));
      return path.join(d, "current");
    },
  },
  // acquire, extracted
  { name: "acquire fs/$rootfs$ -> /", build: (d) => acquireDir(d, (a) => link("/", path.join(a, "fs/$rootfs$"))), refused: "fs/$rootfs$ is a symlink to / outside the collection: refused" },
  {
    name: "acquire fs -> ../acqfs (fs itself leaves; $rootfs$ there is the canary)",
    build: (d) => {
      link(c.outside, path.join(d, "acqfs/$rootfs$"));
      return acquireDir(d, (a) => link("../acqfs", path.join(a, "fs")));
    },
    refused: "fs is a symlink to ../acqfs outside the collection: refused",
  },
  { name: "acquire sysvol -> the canary", build: (d) => acquireDir(d, (a) => link(c.outside, path.join(a, "sysvol"))), refused: `sysvol is a symlink to ${c.outside} outside the collection: refused` },
  {
    name: "acquire fs/D: -> / beside a real $rootfs$",
    build: (d) => acquireDir(d, (a) => (evidenceRoot(path.join(a, "fs/$rootfs$"), "in"), link("/", path.join(a, "fs/D:")))),
    refused: "fs/D: is a symlink to / outside the collection: refused",
  },
  { name: "acquire fs/$rootfs$ -> ../vols/root (inside)", build: (d) => acquireDir(d, (a) => (evidenceRoot(path.join(a, "vols/root"), "in"), link("../vols/root", path.join(a, "fs/$rootfs$")))) },
  // a plain directory whose etc/ and var/ are links
  {
    // Not an OS root, so target-query takes it as a folder of collections: its entries are links out, refused.
    name: "dir etc -> canary etc, var -> canary var, with -L dir",
    build: (d) => {
      const r = path.join(d, "host");
      link(path.join(c.outside, "etc"), path.join(r, "etc"));
      link(path.join(c.outside, "var"), path.join(r, "var"));
      return r;
    },
    args: ["-L", "dir"],
    refused: /etc is a symlink to \S+\/outside\/etc outside the folder \S+\/host: refused/,
  },
  // tar members
  { name: "uac tar [root] symlink member -> /", build: (d) => write(d, "uac.tar", uacMembers([entry({ name: "[root]", flag: "2", linkname: "/" })])), refused: 'member "[root]" at offset 0: [root] is a symlink to / outside the collection: refused' },
  {
    name: "uac tar.gz [root] -> ../outside with -L uac",
    build: (d) => write(d, "uac.tar.gz", gzip(uacMembers([entry({ name: "./[root]", flag: "2", linkname: "../outside" })]))),
    args: ["-L", "uac"],
    refused: "[root] is a symlink to ../outside outside the collection: refused",
  },
  { name: "uac tar [root] -> data/root (inside the archive)", build: (d) => write(d, "uac-in.tar", uacMembers([...evidenceMembers("data/root"), entry({ name: "[root]", flag: "2", linkname: "data/root" })])) },
  {
    name: "acquire tar fs/$rootfs$ -> ../../.. ",
    build: (d) => write(d, "acq.tar", tar(entry({ name: "fs/$rootfs$", flag: "2", linkname: "../../.." }), entry({ name: "$metadata$/x", data: "x" }))),
    refused: "fs/$rootfs$ is a symlink to ../../.. outside the collection: refused",
  },
];

function write(d: string, name: string, data: Buffer): string {
  const p = path.join(d, name);
  fs.writeFileSync(p, data);
  return p;
}

interface RunReport {
  targets: { path: string; status: "ok" | "error"; error?: string }[];
}

/** One target-query run over many collections (one process: the cases share its start-up). */
async function queryAll(paths: string[], args: string[]): Promise<{ r: BoundedRun; report: RunReport }> {
  const reportFile = path.join(c.dir, `report-${n++}.json`);
  const r = await runTool("target-query", ["-f", "hostname,users", "-j", "-q", "--report", reportFile, ...args, ...paths], {
    timeoutMs: CEILING.timeoutMs,
    env: { QUARRY_TMPDIR: c.dir },
  });
  return { r, report: JSON.parse(fs.readFileSync(reportFile, "utf8")) as RunReport };
}

describe("hostile: collection roots that are symlinks", () => {
  it("every case: refused by name when a link leaves the collection, followed when it stays inside; never the host", async () => {
    const built = CASES.map((k) => ({ k, p: k.build(fresh()) }));
    const groups = new Map<string, typeof built>();
    for (const b of built) {
      const key = (b.k.args ?? []).join(" ");
      groups.set(key, [...(groups.get(key) ?? []), b]);
    }
    const runs = await Promise.all([...groups].map(async ([key, cases]) => ({ cases, ...(await queryAll(cases.map((b) => b.p), key ? key.split(" ") : [])) })));
    for (const { cases, r, report } of runs) {
      const what = describeRun(r);
      expect(leaks(r, c, EV.users), what).toEqual([]);
      expect(r.timedOut, what).toBe(false);
      expect(r.peakRssMb ?? 0, what).toBeLessThan(CEILING.rssMb);
      expect(r.code, what).toBe(cases.every((b) => b.k.refused === undefined) ? 0 : cases.some((b) => b.k.refused === undefined) ? 1 : 3);
      const records = recordsBySource(r.stdout.toString());
      for (const { k, p } of cases) {
        // The target itself, or (a folder that is not a collection) the entries it was expanded into.
        const ts = report.targets.filter((x) => x.path === p || x.path.startsWith(p + "/"));
        const t = ts[0];
        const about = `${k.name}: ${JSON.stringify(ts)}`;
        expect(t, about).toBeDefined();
        const mine = ts.flatMap((x) => records.get(targetId(x.path)) ?? []);
        if (k.refused !== undefined) {
          expect(ts.map((x) => x.status), about).not.toContain("ok");
          if (typeof k.refused === "string") expect(t!.error, about).toContain(k.refused);
          else expect(t!.error, about).toMatch(k.refused);
          expect(mine, about).toEqual([]);
        } else {
          expect(t!.status, about).toBe("ok");
          expect(userNames(mine), about).toEqual(EV.users);
          expect(mine.filter((x) => x.function === "hostname").map((x) => x.value), about).toEqual(["ev-in"]);
        }
      }
    }
  });

  it("a directory whose etc/ and var/ link to the canary is not an OS root, and its links are not followed", async () => {
    const d = fresh();
    const r = path.join(d, "host");
    link(path.join(c.outside, "etc"), path.join(r, "etc"));
    link(path.join(c.outside, "var"), path.join(r, "var"));
    const [info, fsWalk] = await Promise.all([
      runTool("target-info", [r], { timeoutMs: CEILING.timeoutMs }),
      runTool("target-fs", ["-L", "dir", r, "cat", "/etc/passwd"], { timeoutMs: CEILING.timeoutMs }),
    ]);
    expect(info.code, describeRun(info)).not.toBe(0);
    expect(info.stderr).toContain("no loader recognises this path");
    expect(leaks(info, c)).toEqual([]);
    // Forced: mounted, and /etc -> <canary>/etc resolves through the target's root (where nothing is).
    expect(fsWalk.code, describeRun(fsWalk)).toBe(1);
    expect(leaks(fsWalk, c)).toEqual([]);
  });
});
