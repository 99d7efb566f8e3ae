// Class: nothing outside the target, per loader. For every loader (dir; UAC extracted, tar and tar.gz, auto and
// -L uac; acquire extracted and tar; tar; tar.gz; memory) one hostile collection whose links and members point at
// the host canary beside it and at the analysis machine's own /etc/passwd by every in-target route: an absolute
// link, a relative link climbing far above the root, a link as an intermediate component, `..` members, hard
// links to host paths, links in the side trees (/$uac$, /$acquire$). The real CLI (target-query, target-info,
// target-fs cat / walk / tar) must print nothing of either. (Collection roots that are links:
// collection-root-links.test.ts; fleet entries: fleet-entry-links.test.ts.)
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { registerMemoryTree } from "../../loaders/memory.js";
import { dir, file, symlink } from "../../src/fs/memory.js";
import { entry, gzip, tar } from "../fs/tarbuild.js";
import { leaks, makeCanary } from "./canary.js";
import { describeRun, runTool, type BoundedRun } from "./harness.js";
import { openTarget } from "../../plugins/index.js";

const c = makeCanary("quarry-hostile-canary-", 0xca7a2);
afterAll(() => fs.rmSync(c.dir, { recursive: true, force: true }));

const CEILING = { timeoutMs: 30_000, rssMb: 600 };
const UP = "../".repeat(40);
/** The in-target routes, as link targets (none spells the token: it lives only in the canary's contents). */
const ROUTES = {
  "etc/passwd": "/home/etc/passwd", // absolute, through an intermediate link (home) to the canary
  "etc/shadow": path.join(c.outside, "etc/passwd"), // absolute, to the canary
  "etc/hostname": UP + path.join(c.outside, "etc/hostname").slice(1), // relative, far above the root
  "etc/group": UP + "etc/passwd", // relative, to the host's own passwd
  "etc/os-release": UP + "etc/os-release", // relative, to the host's own release file (read by OS detection)
  home: c.outside, // absolute, a directory: an intermediate component of /home/etc/passwd
  "var/log/messages": "/etc/passwd", // absolute, the host's (inside the target: the target's own, a link)
};
const SECRET = `ESCAPED ${c.token}\n`; // the data of members whose names climb out: must never be readable

function hostileDirRoot(root: string): void {
  fs.mkdirSync(path.join(root, "etc"), { recursive: true });
  fs.mkdirSync(path.join(root, "var/log"), { recursive: true });
  for (const [p, t] of Object.entries(ROUTES)) fs.symlinkSync(t, path.join(root, p));
}

function hostileMembers(prefix: string): Buffer[] {
  return [
    entry({ name: `${prefix}etc/`, flag: "5" }),
    entry({ name: `${prefix}var/log/`, flag: "5" }),
    ...Object.entries(ROUTES).map(([p, t]) => entry({ name: `${prefix}${p}`, flag: "2", linkname: t })),
    entry({ name: `${prefix}../../outside/etc/motd`, data: SECRET }),
    entry({ name: `../${prefix}etc/motd`, data: SECRET }),
    entry({ name: `${prefix}etc/gshadow`, flag: "1", linkname: path.join(c.outside, "etc/passwd") }),
    entry({ name: `${prefix}etc/subuid`, flag: "1", linkname: "../../outside/etc/passwd" }),
  ];
}

const sideLinks = (at: string): Buffer[] => [
  entry({ name: `${at}/hostname.txt`, flag: "2", linkname: path.join(c.outside, "etc/hostname") }),
  entry({ name: `${at}/up`, flag: "2", linkname: UP }),
];

function build(): { name: string; path: string; loader?: string }[] {
  const out: { name: string; path: string; loader?: string }[] = [];
  const d = (n: string): string => path.join(c.dir, n);
  // dir
  hostileDirRoot(d("dir-host"));
  out.push({ name: "dir", path: d("dir-host") });
  // UAC, extracted
  const uac = d("uac-dir");
  hostileDirRoot(path.join(uac, "[root]"));
  fs.writeFileSync(path.join(uac, "uac.log"), "uac\n");
  fs.mkdirSync(path.join(uac, "live_response/network"), { recursive: true });
  fs.symlinkSync(path.join(c.outside, "etc/hostname"), path.join(uac, "live_response/network/hostname.txt"));
  out.push({ name: "uac (extracted)", path: uac });
  // UAC archives
  const uacTar = tar(...hostileMembers("[root]/"), entry({ name: "uac.log", data: "uac\n" }), ...sideLinks("live_response/network"));
  fs.writeFileSync(d("uac.tar"), uacTar);
  fs.writeFileSync(d("uac.tar.gz"), gzip(uacTar));
  out.push({ name: "uac (tar, auto)", path: d("uac.tar") }, { name: "uac (tar.gz, -L uac)", path: d("uac.tar.gz"), loader: "uac" });
  // acquire, extracted and tar
  const acq = d("acquire-dir");
  hostileDirRoot(path.join(acq, "fs/$rootfs$"));
  fs.mkdirSync(path.join(acq, "$metadata$"));
  fs.symlinkSync(c.outside, path.join(acq, "$metadata$/outside"));
  out.push({ name: "acquire (extracted)", path: acq });
  fs.writeFileSync(d("acquire.tar"), tar(...hostileMembers("fs/$rootfs$/"), ...sideLinks("$metadata$")));
  out.push({ name: "acquire (tar, -L acquire)", path: d("acquire.tar"), loader: "acquire" });
  // generic tar and tar.gz
  const generic = tar(...hostileMembers(""));
  fs.writeFileSync(d("generic.tar"), generic);
  fs.writeFileSync(d("generic.tgz"), gzip(generic));
  out.push({ name: "tar", path: d("generic.tar") }, { name: "tar.gz", path: d("generic.tgz") });
  return out;
}

const TARGETS = build();

async function inParallel<T, R>(items: readonly T[], width: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await f(items[i]!);
      }
    }),
  );
  return out;
}

function clean(r: BoundedRun, what: string): void {
  const about = `${what}: ${describeRun(r)}`;
  expect(r.timedOut, about).toBe(false);
  expect(r.peakRssMb ?? 0, about).toBeLessThan(CEILING.rssMb);
  expect(leaks(r, c), about).toEqual([]);
  expect(r.stdout.includes(SECRET), about).toBe(false);
}

describe("hostile: nothing outside the target, per loader (host canary)", () => {
  it("target-query -f hostname,users and target-info on every loader's hostile collection", async () => {
    const byLoader = new Map<string, string[]>();
    for (const t of TARGETS) byLoader.set(t.loader ?? "", [...(byLoader.get(t.loader ?? "") ?? []), t.path]);
    const runs = await Promise.all(
      [...byLoader].flatMap(([loader, paths]) => {
        const L = loader ? ["-L", loader] : [];
        return [
          runTool("target-query", ["-f", "hostname,users", "-j", ...L, ...paths], { timeoutMs: CEILING.timeoutMs, env: { QUARRY_TMPDIR: c.dir } }).then((r) => ({ r, what: `target-query ${loader}` })),
          runTool("target-info", [...L, ...paths], { timeoutMs: CEILING.timeoutMs, env: { QUARRY_TMPDIR: c.dir } }).then((r) => ({ r, what: `target-info ${loader}` })),
        ];
      }),
    );
    for (const { r, what } of runs) {
      clean(r, what);
      // Every target opens (nothing to refuse: the routes are inside), none has users or a hostname.
      expect(r.code, `${what}: ${describeRun(r)}`).toBe(0);
      expect(r.stdout.toString()).not.toContain('"unix/user"');
    }
    const info = runs.filter((x) => x.what.startsWith("target-info")).map((x) => x.r.stdout.toString()).join("\n");
    expect(info.match(/^hostname +: None$/gm)?.length).toBe(TARGETS.length);
  });

  it("target-fs tar of / (every file the target can read) on every loader's collection; walk and cat on two", async () => {
    // One process per command: every loader exports its whole tree; a dir and a tar loader also walk and read
    // the relative route to the host's passwd.
    const jobs = TARGETS.flatMap((t, i) => {
      const L = t.loader ? ["-L", t.loader] : [];
      return [
        { what: `${t.name}: tar /`, args: [...L, t.path, "tar", "/"], code: 0 },
        ...(i === 0 || t.name === "tar"
          ? [
              { what: `${t.name}: cat /etc/group`, args: [...L, t.path, "cat", "/etc/group"], code: 1 },
              { what: `${t.name}: cat /home/etc/passwd`, args: [...L, t.path, "cat", "/home/etc/passwd"], code: 1 },
              { what: `${t.name}: walk /`, args: [...L, t.path, "walk", "/"], code: 0 },
            ]
          : []),
      ];
    });
    const runs = await inParallel(jobs, 4, (j) => runTool("target-fs", j.args, { timeoutMs: CEILING.timeoutMs, env: { QUARRY_TMPDIR: c.dir } }));
    jobs.forEach((j, i) => {
      const r = runs[i]!;
      clean(r, j.what);
      expect(r.code, `${j.what}: ${describeRun(r)}`).toBe(j.code);
    });
  });

  it("memory: the same routes in a registered tree read nothing of the host", async () => {
    const tree: Record<string, ReturnType<typeof file>> = { "/etc": dir(), "/var/log": dir(), "/etc/os-release": file("ID=debian\n") };
    for (const [p, t] of Object.entries(ROUTES)) tree["/" + p] = symlink(t);
    const t = await openTarget(registerMemoryTree("hostile-canary", tree));
    expect(t.hostname).toBeNull();
    for (const p of [...Object.keys(ROUTES).map((r) => "/" + r), "/home/etc/passwd", "/home/canary.txt"]) {
      expect(t.fs.exists(p), p).toBe(false);
      expect(() => t.fs.readFile(p), p).toThrow();
    }
    const seen: string[] = [];
    for (const { path: p, entry } of t.fs.walk("/")) {
      seen.push(p);
      if (entry.type === "file") expect(t.fs.readText(p)).not.toContain(c.token);
    }
    expect(seen.join("\n")).not.toContain(c.token);
    t.close();
  });
});
