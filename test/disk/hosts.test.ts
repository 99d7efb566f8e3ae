// The sample host as a disk (scripts/disk/make-hosts.sh): fixtures/hosts/web01 written by the real tools as
// ext4 "/" + ext4 "/var/log" on GPT in a compressed qcow2, and as XFS "/" + ext4 "/var/log" (two LV segments)
// on LVM2 in a streamOptimized VMDK; and a raw GPT disk of what must be listed, warned of or refused. Two oracles: the kernel's view of each filesystem (find -printf and
// sha256sum of the mounted tree, committed beside the images), and the directory tree itself: the image must
// give the same records and the same listing as fixtures/hosts/web01, through the installed bins.
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RootFilesystem } from "../../src/fs/root.js";
import { Target } from "../../src/target.js";
import { findTime } from "./helpers.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const HOSTS = path.join(ROOT, "fixtures/disk/hosts");
const WEB01 = path.join(ROOT, "fixtures/hosts/web01");

/** Each image, and the oracle files of its filesystems by the point they are mounted at. */
const IMAGES = [
  { image: "web01-gpt.qcow2", mounts: [["/", "web01-gpt.p1"], ["/var/log", "web01-gpt.p2"]], types: "/ (ext4), /var/log (ext4)" },
  { image: "web01-lvm.vmdk", mounts: [["/", "web01-lvm.root"], ["/var/log", "web01-lvm.log"]], types: "/ (xfs), /var/log (ext4)" },
] as const;

/** A time to the microsecond, as the listing compares it (quarry's Timestamp and find's %T@ alike). */
const stamp = (t: { seconds: number; micros: number }): string => `${t.seconds}.${String(t.micros).padStart(6, "0")}`;

const TYPE: Record<string, string> = { file: "f", dir: "d", symlink: "l" };

function bin(name: string, args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, `dist/src/cli/bin/${name}.js`), ...args], { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 28 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** find -printf '%P\t%y\t%m\t%U\t%G\t%s\t%T@\t%l' as quarry sees the tree below `at` (lost+found left out, as in the oracle). */
function listing(root: RootFilesystem, at: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of root.readdir(dir)) {
      const p = dir === "/" ? `/${name}` : `${dir}/${name}`;
      if (p === `${at === "/" ? "" : at}/lost+found`) continue;
      const st = root.lstat(p);
      const rel = p.slice(at === "/" ? 1 : at.length + 1);
      const mtime = st.mtime ? stamp(st.mtime) : "none";
      out.push([rel, TYPE[st.type] ?? st.type, (st.mode & 0o7777).toString(8), st.uid, st.gid, st.size, mtime, st.type === "symlink" ? root.readlink(p) : ""].join("\t"));
      // the other filesystem's mount point is a directory here; its contents are the other oracle's
      if (st.type === "dir" && !(at === "/" && p === "/var/log")) walk(p);
    }
  };
  walk(at);
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function oracleLines(name: string): string[] {
  return fs
    .readFileSync(path.join(HOSTS, `${name}.find.tsv`), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => {
      const f = l.split("\t");
      f[6] = stamp(findTime(f[6]!));
      return f.join("\t");
    });
}

function oracleSums(name: string): [string, string][] {
  return fs
    .readFileSync(path.join(HOSTS, `${name}.sha256`), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => [l.slice(66), l.slice(0, 64)]);
}

describe.each(IMAGES)("$image", ({ image, mounts, types }) => {
  it("every file, directory and link is as the kernel read it from the mounted filesystem", async () => {
    const t = await Target.open(path.join(HOSTS, image));
    try {
      expect(t.loader).toBe("disk");
      expect(t.warnings).toEqual([]);
      for (const [point, oracle] of mounts) {
        // the root's /var/log is the mount point: the kernel listed the empty directory beneath it
        const want = oracleLines(oracle).map((l) => (point === "/" && l.startsWith("var/log\t") ? l.split("\t").slice(0, 3).join("\t") : l));
        const got = listing(t.fs, point).map((l) => (point === "/" && l.startsWith("var/log\t") ? l.split("\t").slice(0, 3).join("\t") : l));
        expect(got, `${image} ${point}`).toEqual(want);
        const sums = oracleSums(oracle);
        expect(sums.length).toBeGreaterThan(10);
        for (const [rel, sha] of sums) {
          const p = point === "/" ? `/${rel}` : `${point}/${rel}`;
          expect(crypto.createHash("sha256").update(t.fs.readFile(p)).digest("hex"), p).toBe(sha);
        }
      }
    } finally {
      t.close();
    }
  });

  it("target-info names the host and shows the disk, its volumes and where each is mounted", () => {
    const r = bin("target-info", [path.join(HOSTS, image)]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^loader +: disk$/m);
    expect(r.out).toMatch(/^hostname +: web01$/m);
    expect(r.out).toContain(`mounts       : ${types}`);
    expect(r.out).toMatch(new RegExp(`^disk +: ${image.replace(".", "\\.")} \\((qcow2|vmdk), \\d+ bytes\\)$`, "m"));
    expect(r.out).toMatch(/^ {2}- .* on \/var\/log$/m);
    expect(r.out).toMatch(/^ {2}- .*: swap$/m);
  });
});

/** Records whose ts is the file's mtime: a checkout's time in the tree, the generator's in the image. */
const MTIME_TS = new Set(["unix/cronjob", "linux/service"]);

/** Records (no descriptor lines), each without the fields that name the target, sorted. */
function records(jsonl: string): string[] {
  const out: string[] = [];
  for (const line of jsonl.split("\n")) {
    if (!line) continue;
    const r = JSON.parse(line) as Record<string, unknown>;
    if (r._type === "recorddescriptor") continue;
    delete r._source;
    if (MTIME_TS.has((r._recorddescriptor as [string, number])[0])) delete r.ts;
    out.push(JSON.stringify(r));
  }
  return out.sort();
}

describe("the sample host as a directory and as disk images", () => {
  const FNS = "wtmp,btmp,utmp,atop,lastlog,users,groups,authlog,journal,audit,cronjobs,services,ssh.authorized_keys";
  const common = ["-q", "-j", "-f", FNS, "--generated", "2024-01-01T00:00:00Z"];

  it("gives the same records", () => {
    const dir = bin("target-query", [...common, WEB01]);
    expect(dir.code, dir.err).toBe(0);
    const want = records(dir.out);
    expect(want.length).toBeGreaterThan(2000);
    for (const { image } of IMAGES) {
      const img = bin("target-query", [...common, path.join(HOSTS, image)]);
      expect(img.code, `${image}: ${img.err}`).toBe(0);
      const got = records(img.out);
      expect(got.length, image).toBe(want.length);
      expect(got, image).toEqual(want);
    }
  });

  it("gives the same target-fs walk, but for the image's /etc/fstab and the filesystems' lost+found", () => {
    const walk = (target: string): string[] => {
      const r = bin("target-fs", [target, "walk", "/"]);
      expect(r.code, `${target}: ${r.err}`).toBe(0);
      return r.out.split("\n").filter((l) => l && l !== "/etc/fstab" && !/\/lost\+found$/.test(l));
    };
    const want = walk(WEB01);
    expect(want.length).toBeGreaterThan(100);
    for (const { image } of IMAGES) expect(walk(path.join(HOSTS, image)), image).toEqual(want);
  });
});

describe("web01-mixed.img: an ESP, a BIOS boot partition, the root, a LUKS volume and noise", () => {
  const blkid = new Map(
    fs
      .readFileSync(path.join(HOSTS, "web01-mixed.blkid.txt"), "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => l.split(" TYPE=") as [string, string]),
  );
  let image: string;
  beforeAll(() => {
    image = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "quarry-mixed-")), "web01-mixed.img");
    fs.writeFileSync(image, gunzipSync(fs.readFileSync(path.join(HOSTS, "web01-mixed.img.gz"))));
  });
  afterAll(() => fs.rmSync(path.dirname(image), { recursive: true, force: true }));

  it("the root is read; the LUKS volume is not read, and the exit code says so; the rest is listed", () => {
    // blkid's names for the partitions, and how quarry shows each
    expect([...blkid]).toEqual([["p1", "vfat"], ["p2", ""], ["p3", "ext4"], ["p4", "crypto_LUKS"], ["p5", ""]]);
    const r = bin("target-info", [image]);
    expect(r.code, r.err).toBe(1);
    expect(r.out).toMatch(/^hostname +: web01$/m);
    expect(r.out).toMatch(/^ {2}- web01-mixed\.img p1 \(EFI system partition, 3145728 bytes at 1048576\): FAT: not supported yet$/m);
    expect(r.out).toMatch(/^ {2}- web01-mixed\.img p2 \(BIOS boot partition, .*\): unknown filesystem: the first bytes are all zeros$/m);
    expect(r.out).toMatch(/^ {2}- web01-mixed\.img p3 .*: ext4 UUID=1c0f7a2e-5b3d-4e6f-8a9b-0c1d2e3f4a5b LABEL=root on \/$/m);
    expect(r.out).toMatch(/^not read +: 1\n {2}- web01-mixed\.img p4: LUKS-encrypted volume; supply the decrypted image$/m);
    // warned of: the noise, and the fstab line whose filesystem is not in this image; the ESP and BIOS boot are not
    expect(r.out).toMatch(/^ {2}- web01-mixed\.img p5: unknown filesystem, first bytes [0-9a-f ]+$/m);
    expect(r.out).toMatch(/fstab line 3: UUID=7e57a11d-0b5e-4c0d-9e1f-a2b3c4d5e6f7 for \/var\/log matches no filesystem in the image/);
    expect(r.out).not.toMatch(/^ {2}- web01-mixed\.img p[12]:/m);

    const q = bin("target-query", ["-q", "-j", "-f", "users", image]);
    expect(q.code, q.err).toBe(1);
    expect(q.err).toContain("web01-mixed.img p4: LUKS-encrypted volume; supply the decrypted image");
    expect(records(q.out).map((l) => (JSON.parse(l) as { name: string }).name)).toEqual(expect.arrayContaining(["root", "alice", "bob"]));
  });
});
