// npm run bench -- disk (issue 19, "Performance and bounds"): reading a 1 GiB file through a disk image, and
// opening a large sparse image. Three images are made with the real tools under os.tmpdir() (cached, keyed by
// VERSION; not committed), each an OS root (etc/hostname, etc/os-release, var/log/):
//   ext4-gpt.qcow2  GPT, p1 ext4 (made by mkfs.ext4 in a file, mounted by the kernel (loop) to write the files,
//                   dd'd into the partition), converted by `qemu-img convert -O qcow2`;
//   xfs-lvm.vmdk    MBR, p1 an LVM2 PV (VG vg0: LVs swap, root); the XFS of root made in a file, written by the
//                   kernel, dd'd at the LV's extents (this kernel has no device-mapper: LVs are never activated, as
//                   in scripts/disk/make-hosts.sh), converted by `qemu-img convert -O vmdk` (monolithicSparse);
//   sparse-20g.qcow2 a 20 GiB (virtual) GPT disk whose ext4 root holds only metadata and a few files.
// The first two hold /srv/random.bin: 1 GiB of AES-128-CTR keystream (fixed key: the same bytes every time).
//
// Measured, alternating, QUARRY_DISK_BENCH_RUNS (3) times each, medians (wall, CPU, peak RSS from /usr/bin/time -v):
//   quarry: `target-fs IMAGE hash -a sha256 /srv/random.bin` (the user's path: the CLI, 1 MiB reads); the same
//     through the public API in a child (Target.open, fs.open, 1 MiB reads into one buffer, node:crypto), and that
//     child reading without hashing (beside `cat`);
//   native: `qemu-img convert -O raw IMAGE` and then the kernel reading the file from the raw disk, loop-mounted
//     read-only at the filesystem's offset (a fresh mount for each reader): `sha256sum`, `cat > /dev/null`, and
//     `openssl dgst -sha256` (coreutils' sha256sum here is the portable C one; OpenSSL and node use SHA-NI).
//   Goal: quarry's wall time ≤ 2× that of convert + sha256sum (≥ 0.5× its speed); the convert + cat
//   comparison is printed beside it. Every digest must equal sha256sum's, or the bench fails.
//   Open: Target.open of sparse-20g.qcow2 to its root filesystem, in a child, median of OPENS after the first
//   (also loadDisk alone, and openTarget with the OS plugins); goal ≤ 200 ms. And the wall time of `target-info`.
// The page cache is warm throughout (dropping it needs privileges this VM does not give, and would disturb other
// jobs): these are CPU costs, not disk speeds. Never run by `npm test`.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadDisk } from "../loaders/disk-open.js";
import { openTarget } from "../plugins/index.js";
import { FILESYSTEM_TYPES } from "../src/disk/fs/index.js";
import { Target } from "../src/target.js";
import { parseTimeV } from "./time-v.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const self = fileURLToPath(import.meta.url);
/** Bumped when the generator changes, so cached images are remade. */
const VERSION = "2";
/** Each command runs this many times (alternating); medians are reported. */
const RUNS = Number(process.env.QUARRY_DISK_BENCH_RUNS ?? 3);
/** Target.open of the sparse image this many times in one process. */
const OPENS = 15;
const FILE = "/srv/random.bin";
const FILE_BYTES = 2 ** 30;
const CHUNK = 2 ** 20;
const TOOLS = ["mkfs.ext4", "mkfs.xfs", "qemu-img", "pvcreate", "losetup", "sgdisk", "sfdisk", "openssl", "sha256sum", "mount", "mkswap"];

interface ImageMeta {
  file: string;
  format: string;
  fstype: string;
  /** The filesystem's byte offset and size in the raw disk. */
  offset: number;
  size: number;
}
interface Meta {
  sha256: string;
  ext4: ImageMeta;
  xfs: ImageMeta;
  sparse: ImageMeta;
}

// The generator: sh -eu, $1 = the work directory, $2 = the repository (for scripts/disk/lvm-env.sh). Mounts and loop devices are released by the trap.
const GENERATE = String.raw`
work=$1
t=$work/tmp
mnt=$work/mnt
loops=""
cleanup() {
  cd /
  if mountpoint -q "$mnt"; then umount "$mnt"; fi
  for l in $loops; do losetup -d "$l" 2>/dev/null || true; done
  rm -rf "$t"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
rm -rf "$t"
mkdir -p "$t" "$mnt"
MiB=1048576

echo "  payload: 1 GiB of AES-128-CTR keystream"
head -c 1073741824 /dev/zero | openssl enc -aes-128-ctr -nosalt -K 71756172727964697362656e63680001 -iv 00000000000000000000000000000000 -out "$t/random.bin"
sum=$(sha256sum "$t/random.bin" | cut -d' ' -f1)

# the OS root around it: populate DIR NAME
populate() {
  mkdir -p "$1/etc" "$1/var/log" "$1/srv"
  echo "$2" >"$1/etc/hostname"
  printf 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n' >"$1/etc/os-release"
  printf 'root:x:0:0:root:/root:/bin/bash\n' >"$1/etc/passwd"
  printf 'Dec  3 10:00:00 %s sshd[1]: Server listening on 0.0.0.0 port 22.\n' "$2" >"$1/var/log/auth.log"
}
# place FSIMAGE TAG RAW OFFSET: the kernel writes the OS files and the 1 GiB file into the filesystem image,
# which then goes into the raw disk at OFFSET
place() {
  mount -o loop "$1" "$mnt"
  populate "$mnt" "$2"
  cp "$t/random.bin" "$mnt/srv/random.bin"
  umount "$mnt"
  dd if="$1" of="$3" bs=1M oflag=seek_bytes seek="$4" conv=notrunc,sparse status=none
  rm "$1"
}
# start DISK N, size DISK N: partition N's start and size in sectors (sfdisk -d)
start() { sfdisk -d "$1" | sed -n "s#^.*[^0-9]$2 : start= *\([0-9]*\),.*#\1#p"; }
size() { sfdisk -d "$1" | sed -n "s#^.*[^0-9]$2 : start= *[0-9]*, size= *\([0-9]*\),.*#\1#p"; }

echo "  ext4 on GPT in qcow2"
FS=$((1200 * MiB))
truncate -s $((FS + 2 * MiB)) "$t/a.raw"
sgdisk -o -n 1:2048:+1200M -t 1:8304 -c 1:root "$t/a.raw" >/dev/null
a_off=$(($(start "$t/a.raw" 1) * 512))
a_size=$(($(size "$t/a.raw" 1) * 512))
truncate -s "$a_size" "$t/a.ext4"
mkfs.ext4 -q -F -L root "$t/a.ext4"
place "$t/a.ext4" bench-ext4 "$t/a.raw" "$a_off"
qemu-img convert -f raw -O qcow2 "$t/a.raw" "$work/ext4-gpt.qcow2"
rm "$t/a.raw"

echo "  XFS on LVM2 in VMDK"
truncate -s $((1240 * MiB)) "$t/b.raw"
printf 'label: dos\nunit: sectors\nstart=2048, type=8e\n' | sfdisk -q "$t/b.raw"
p1_start=$(($(start "$t/b.raw" 1) * 512))
p1_size=$(($(size "$t/b.raw" 1) * 512))
pv=$(losetup -f --show -o "$p1_start" --sizelimit "$p1_size" "$t/b.raw")
loops="$loops $pv"
. "$2/scripts/disk/lvm-env.sh"
lvm_env "$t"
devs="--devices $pv"
lvmq() { "$@" 2>&1 | grep -v 'Activation disabled\|not zeroed\|NOT backed up\|successfully created\|Logical volume "[a-z]*" created' >&2 || true; }
lvmq pvcreate -q $devs "$pv"
lvmq vgcreate -q $devs -s 4M vg0 "$pv"
lvmq lvcreate -q $devs -an -Zn -L 16M -n swap vg0
lvmq lvcreate -q $devs -an -Zn -L 1200M -n root vg0
pe=$(pvs --noheadings --units b --nosuffix -o pe_start $devs "$pv" 2>/dev/null | tr -d ' ')
extent=$(vgs --noheadings --units b --nosuffix -o vg_extent_size $devs vg0 2>/dev/null | tr -d ' ')
segs=$(lvs --noheadings --segments -o seg_pe_ranges $devs vg0/root 2>/dev/null)
[ "$(echo "$segs" | wc -l)" = 1 ] || { echo "root LV is not one segment: $segs" >&2; exit 1; }
first=$(echo "$segs" | sed 's#^.*:\([0-9]*\)-.*#\1#')
b_off=$((p1_start + pe + first * extent))
b_size=$((1200 * MiB))
swap=$(lvs --noheadings --segments -o seg_pe_ranges $devs vg0/swap 2>/dev/null | sed 's#^.*:\([0-9]*\)-.*#\1#')
losetup -d "$pv"; loops=""
truncate -s $((16 * MiB)) "$t/b.swap"
mkswap -q -L swap "$t/b.swap"
dd if="$t/b.swap" of="$t/b.raw" bs=1M oflag=seek_bytes seek=$((p1_start + pe + swap * extent)) conv=notrunc status=none
truncate -s "$b_size" "$t/b.xfs"
mkfs.xfs -q -f -L root "$t/b.xfs"
place "$t/b.xfs" bench-xfs "$t/b.raw" "$b_off"
qemu-img convert -f raw -O vmdk -o subformat=monolithicSparse "$t/b.raw" "$work/xfs-lvm.vmdk"
rm "$t/b.raw"

echo "  a 20 GiB sparse qcow2 with an ext4 root (metadata only)"
truncate -s 20G "$t/c.raw"
sgdisk -o -n 1:2048:0 -t 1:8304 -c 1:root "$t/c.raw" >/dev/null
c_off=$(($(start "$t/c.raw" 1) * 512))
c_size=$(($(size "$t/c.raw" 1) / 8 * 4096))
populate "$t/croot" bench-sparse
mkfs.ext4 -q -F -L root -d "$t/croot" -E offset="$c_off" "$t/c.raw" $((c_size / 1024))k
qemu-img convert -f raw -O qcow2 "$t/c.raw" "$work/sparse-20g.qcow2"
rm "$t/c.raw"

cat >"$work/meta.json" <<EOF
{ "sha256": "$sum",
  "ext4": { "file": "ext4-gpt.qcow2", "format": "qcow2", "fstype": "ext4", "offset": $a_off, "size": $a_size },
  "xfs": { "file": "xfs-lvm.vmdk", "format": "vmdk", "fstype": "xfs", "offset": $b_off, "size": $b_size },
  "sparse": { "file": "sparse-20g.qcow2", "format": "qcow2", "fstype": "ext4", "offset": $c_off, "size": $c_size } }
EOF
`;

interface Measure {
  label: string;
  wall: number;
  cpu: number;
  rssKb: number;
  rc: number;
  stdout: string;
}

/** Runs cmd under /usr/bin/time -v; stdout is kept (digests) unless sent to /dev/null. */
function timed(label: string, cmd: string[], discardStdout = false): Measure {
  const devnull = discardStdout ? fs.openSync("/dev/null", "w") : null;
  const r = spawnSync("/usr/bin/time", ["-v", ...cmd], { stdio: ["ignore", devnull ?? "pipe", "pipe"], maxBuffer: 1 << 26 });
  if (devnull !== null) fs.closeSync(devnull);
  const err = r.stderr.toString();
  const { wall, cpu, rssKb } = parseTimeV(err);
  if (r.status !== 0) process.stdout.write(`${label} failed (${r.status}):\n${err.slice(-2000)}\n`);
  return { label, wall, cpu, rssKb, rc: r.status ?? -1, stdout: r.stdout?.toString() ?? "" };
}

/** Two measures run one after the other, as one (walls and CPU added, the larger RSS). */
function plus(label: string, a: Measure, b: Measure): Measure {
  return { label, wall: a.wall + b.wall, cpu: a.cpu + b.cpu, rssKb: Math.max(a.rssKb, b.rssKb), rc: a.rc || b.rc, stdout: b.stdout };
}

/** The run of median wall time (its CPU and RSS with it); rc is the worst of all. */
function median(ms: Measure[]): Measure {
  const sorted = [...ms].sort((a, b) => a.wall - b.wall);
  const m = sorted[Math.floor((sorted.length - 1) / 2)]!;
  return { ...m, rc: ms.find((x) => x.rc !== 0)?.rc ?? 0 };
}

const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.status}: ${r.stderr.toString().trim()}`);
}

// --- loop mounts of the raw disk (the kernel as the native reader); always released ----------------------------

const mounted = new Set<string>();
function mountRo(raw: string, m: ImageMeta, dir: string): void {
  // a loop device made by mount (autoclear: freed at umount); XFS: norecovery, the log is clean anyway
  const opts = `ro,loop,offset=${m.offset},sizelimit=${m.size}${m.fstype === "xfs" ? ",norecovery" : ""}`;
  run("mount", ["-t", m.fstype, "-o", opts, raw, dir]);
  mounted.add(dir);
}
function umount(dir: string): void {
  run("umount", [dir]);
  mounted.delete(dir);
}
function releaseAll(): void {
  for (const dir of mounted) spawnSync("umount", [dir]);
  mounted.clear();
}
process.on("exit", releaseAll);
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.on(sig, () => {
    releaseAll();
    process.exit(130);
  });
}

// --- the children ------------------------------------------------------------------------------------------

/** `--inner hash|read IMAGE PATH`: the public API, as a plugin or a script would read a file. */
async function innerRead(mode: string, image: string, file: string): Promise<number> {
  const t = await Target.open(image);
  const h = t.fs.open(file);
  const buf = Buffer.allocUnsafe(CHUNK);
  const sha = mode === "hash" ? createHash("sha256") : null;
  let pos = 0;
  for (;;) {
    const n = h.read(buf, 0, CHUNK, pos);
    if (n <= 0) break;
    sha?.update(n === CHUNK ? buf : buf.subarray(0, n));
    pos += n;
  }
  h.close();
  t.close();
  process.stdout.write(`${sha ? sha.digest("hex") : "-"} ${pos}\n`);
  return 0;
}

interface Opens {
  target: number[];
  loadDisk: number[];
  openTarget: number[];
  hostname: string;
}

/** `--inner open IMAGE`: milliseconds of each Target.open (+ close), loadDisk and openTarget, as JSON. */
async function innerOpen(image: string): Promise<number> {
  const times: Opens = { target: [], loadDisk: [], openTarget: [], hostname: "" };
  for (let i = 0; i < OPENS; i++) {
    let t0 = performance.now();
    const t = await Target.open(image);
    times.target.push(performance.now() - t0);
    if (!t.fs.lstat("/etc/hostname")) throw new Error("no /etc/hostname: not the root filesystem");
    t.close();
    t0 = performance.now();
    const d = loadDisk(image, FILESYSTEM_TYPES);
    times.loadDisk.push(performance.now() - t0);
    d.close?.();
    t0 = performance.now();
    const o = await openTarget(image);
    times.openTarget.push(performance.now() - t0);
    times.hostname = o.hostname ?? "";
    o.close();
  }
  process.stdout.write(JSON.stringify(times) + "\n");
  return 0;
}

// --- the bench ----------------------------------------------------------------------------------------------

interface Row {
  image: string;
  cli: Measure;
  api: Measure;
  apiRead: Measure;
  convert: Measure;
  sha256sum: Measure;
  cat: Measure;
  openssl: Measure;
  native: Measure;
  nativeCat: Measure;
}

function which(tool: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" }).status === 0;
}

const digestOf = (m: Measure): string => m.stdout.trim().split(/\s+/).find((w) => /^[0-9a-f]{64}$/.test(w)) ?? `(none: ${m.stdout.trim().slice(0, 80)})`;

async function main(): Promise<number> {
  if (process.getuid?.() !== 0) {
    console.log("disk bench skipped: needs root (mount -o loop, losetup, LVM)");
    return 0;
  }
  const missing = [...TOOLS, "/usr/bin/time"].filter((t) => !which(t));
  if (missing.length) {
    console.log(`disk bench skipped: not installed: ${missing.join(", ")}`);
    return 0;
  }
  const work = process.env.QUARRY_DISK_BENCH_DIR ?? path.join(os.tmpdir(), "quarry-disk-bench");
  const stamp = path.join(work, `made-${VERSION}`);
  if (!fs.existsSync(stamp)) {
    console.log(`making the images in ${work} …`);
    const t0 = performance.now();
    fs.rmSync(work, { recursive: true, force: true });
    fs.mkdirSync(work, { recursive: true });
    const g = spawnSync("sh", ["-eu", "-c", GENERATE, "sh", work, root], { stdio: "inherit" });
    if (g.status !== 0) {
      console.log("disk bench: making the images failed");
      return 1;
    }
    fs.writeFileSync(stamp, "");
    console.log(`  done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const meta = JSON.parse(fs.readFileSync(path.join(work, "meta.json"), "utf8")) as Meta;
  const mnt = path.join(work, "mnt");
  fs.mkdirSync(mnt, { recursive: true });
  const raw = path.join(work, "converted.raw");
  const node = process.execPath;
  const targetFs = path.join(root, "dist/src/cli/bin/target-fs.js");
  const targetInfo = path.join(root, "dist/src/cli/bin/target-info.js");
  for (const m of [meta.ext4, meta.xfs, meta.sparse]) {
    const p = path.join(work, m.file);
    console.log(`${m.file}: ${(fs.statSync(p).size / 2 ** 20).toFixed(0)} MiB file, ${m.fstype} of ${(m.size / 2 ** 20).toFixed(0)} MiB at ${m.offset}`);
  }
  console.log(`${FILE}: ${FILE_BYTES} bytes, sha256 ${meta.sha256}`);

  const rows: Row[] = [];
  const digests: string[] = [];
  let ok = true;
  for (const m of [meta.ext4, meta.xfs]) {
    const image = path.join(work, m.file);
    const runs: Omit<Row, "image">[] = [];
    for (let i = 0; i < RUNS; i++) {
      const cli = timed("target-fs hash -a sha256", [node, targetFs, image, "hash", "-a", "sha256", FILE]);
      const api = timed("API read + sha256", [node, self, "--inner", "hash", image, FILE]);
      const apiRead = timed("API read only", [node, self, "--inner", "read", image, FILE]);
      fs.rmSync(raw, { force: true });
      const convert = timed("qemu-img convert -O raw", ["qemu-img", "convert", "-f", m.format, "-O", "raw", image, raw]);
      const inMount = path.join(mnt, FILE);
      const reader = (label: string, cmd: string[], discard = false): Measure => {
        mountRo(raw, m, mnt);
        try {
          return timed(label, cmd, discard);
        } finally {
          umount(mnt);
        }
      };
      const sha256sum = reader("sha256sum", ["sha256sum", inMount]);
      const cat = reader("cat > /dev/null", ["cat", inMount], true);
      const openssl = reader("openssl dgst -sha256", ["openssl", "dgst", "-sha256", "-r", inMount]);
      fs.rmSync(raw, { force: true });
      const r = { cli, api, apiRead, convert, sha256sum, cat, openssl, native: plus("convert + sha256sum", convert, sha256sum), nativeCat: plus("convert + cat", convert, cat) };
      runs.push(r);
      for (const x of [cli, api, sha256sum, openssl]) digests.push(`${m.file} ${x.label}: ${digestOf(x)}`);
      ok &&= [cli, api, sha256sum, openssl].every((x) => digestOf(x) === meta.sha256);
      ok &&= apiRead.stdout.trim() === `- ${FILE_BYTES}` && Object.values(r).every((x) => x.rc === 0);
      console.log(
        `  ${m.file} run ${i + 1}: target-fs ${cli.wall.toFixed(2)} s, API ${api.wall.toFixed(2)} s (read only ${apiRead.wall.toFixed(2)}), ` +
          `convert ${convert.wall.toFixed(2)} + sha256sum ${sha256sum.wall.toFixed(2)} / cat ${cat.wall.toFixed(2)} / openssl ${openssl.wall.toFixed(2)} s; load ${os.loadavg()[0]!.toFixed(2)}`,
      );
    }
    const pick = (k: keyof Omit<Row, "image">) => median(runs.map((r) => r[k]));
    rows.push({ image: m.file, cli: pick("cli"), api: pick("api"), apiRead: pick("apiRead"), convert: pick("convert"), sha256sum: pick("sha256sum"), cat: pick("cat"), openssl: pick("openssl"), native: pick("native"), nativeCat: pick("nativeCat") });
  }

  // open time of the 20 GiB sparse image
  const sparse = path.join(work, meta.sparse.file);
  const info: Measure[] = [];
  let opens = null as Opens | null;
  for (let i = 0; i < RUNS; i++) {
    info.push(timed("target-info", [node, targetInfo, sparse]));
    const o = timed("open", [node, self, "--inner", "open", sparse]);
    if (o.rc === 0 && !opens) opens = JSON.parse(o.stdout) as Opens;
    ok &&= o.rc === 0;
  }
  ok &&= info.every((m) => m.rc === 0) && /bench-sparse/.test(info[0]!.stdout) && opens?.hostname === "bench-sparse";

  const s = (x: number) => x.toFixed(2);
  const mb = (m: Measure) => (m.rssKb / 1024).toFixed(0);
  const gbs = (m: Measure) => (FILE_BYTES / 1e9 / Math.max(m.wall, 0.001)).toFixed(2);
  console.log(`\nmedians of ${RUNS} runs each (warm page cache); wall s, cpu s, peak RSS MB, GB/s of the 1 GiB file:`);
  console.log(`${"image".padEnd(16)} ${"command".padEnd(28)} ${"wall".padStart(6)} ${"cpu".padStart(6)} ${"RSS".padStart(5)} ${"GB/s".padStart(5)}`);
  for (const r of rows) {
    for (const m of [r.cli, r.api, r.apiRead, r.convert, r.sha256sum, r.cat, r.openssl, r.native, r.nativeCat]) {
      console.log(`${r.image.padEnd(16)} ${m.label.padEnd(28)} ${s(m.wall).padStart(6)} ${s(m.cpu).padStart(6)} ${mb(m).padStart(5)} ${gbs(m).padStart(5)}`);
    }
  }
  console.log(
    `\n${"image".padEnd(16)} ${"quarry wall".padStart(11)} ${"cpu".padStart(6)} ${"RSS MB".padStart(6)} ${"native wall".padStart(11)} ${"cpu".padStart(6)} ${"ratio".padStart(6)} ${"cpu ratio".padStart(9)}  goal (quarry's wall ≤ 2× convert + sha256sum's)`,
  );
  for (const r of rows) {
    const ratio = r.cli.wall / r.native.wall;
    const met = ratio <= 2;
    ok &&= met;
    console.log(
      `${r.image.padEnd(16)} ${s(r.cli.wall).padStart(11)} ${s(r.cli.cpu).padStart(6)} ${mb(r.cli).padStart(6)} ${s(r.native.wall).padStart(11)} ${s(r.native.cpu).padStart(6)} ` +
        `${ratio.toFixed(2).padStart(6)} ${(r.cli.cpu / Math.max(r.native.cpu, 0.01)).toFixed(2).padStart(9)}  ${met ? "met" : "NOT met"}`,
    );
    console.log(
      `${"".padEnd(16)} beside convert + cat (${s(r.nativeCat.wall)} s): target-fs ${(r.cli.wall / r.nativeCat.wall).toFixed(2)}×, API read only ${(r.apiRead.wall / r.nativeCat.wall).toFixed(2)}× (issue: ≤ 2×)`,
    );
  }
  if (opens) {
    const first = (xs: number[]) => xs[0]!.toFixed(1);
    const rest = (xs: number[]) => med(xs.slice(1)).toFixed(1);
    const openMs = med(opens.target.slice(1));
    const met = openMs <= 200;
    ok &&= met;
    console.log(`\n${meta.sparse.file} (20 GiB virtual, ${(fs.statSync(sparse).size / 2 ** 20).toFixed(1)} MiB file), ms: first open in a process, then the median of ${OPENS - 1} more`);
    console.log(`  Target.open (no OS plugins)  ${first(opens.target).padStart(7)} ${rest(opens.target).padStart(7)}   goal ≤ 200 ms: ${met ? "met" : "NOT met"}`);
    console.log(`  loadDisk(FILESYSTEM_TYPES)   ${first(opens.loadDisk).padStart(7)} ${rest(opens.loadDisk).padStart(7)}`);
    console.log(`  openTarget (+ OS detection)  ${first(opens.openTarget).padStart(7)} ${rest(opens.openTarget).padStart(7)}`);
  }
  const im = median(info);
  console.log(`  target-info, whole process: wall ${s(im.wall)} s, cpu ${s(im.cpu)} s, peak RSS ${mb(im)} MB`);
  console.log(`\ndigests (want ${meta.sha256}):\n  ${[...new Set(digests)].join("\n  ")}`);
  console.log(`machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log(ok ? "ok" : "FAIL");
  return ok ? 0 : 1;
}

if (process.argv[2] === "--inner") {
  const [mode, image, file] = process.argv.slice(3) as [string, string, string];
  process.exitCode = mode === "open" ? await innerOpen(image) : await innerRead(mode, image, file);
} else process.exitCode = await main();
