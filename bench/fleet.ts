// The batch benches' fleet (npm run bench batch, npm run bench timeline): HOSTS generated tar.gz host images, a few MB
// each, built from the atop and utmp fixtures, cached under .bench-tmp/batch (a marker says they are complete).
// BENCH_HOSTS changes the number of images.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

export const here = path.dirname(fileURLToPath(import.meta.url)); // dist/bench
export const root = path.resolve(here, "../..");
export const work = path.join(root, ".bench-tmp", "batch");
export const HOSTS = Number(process.env.BENCH_HOSTS ?? 200);

/** Fixture folders: the repo's own, else the shared ones (bench only: tests never read ../shared). */
function fixtureDir(kind: "atop" | "utmp"): string | null {
  for (const d of [path.join(root, "fixtures", kind), path.join(root, "..", "..", "shared", "fixtures", kind), `/work/shared/fixtures/${kind}`]) {
    if (fs.existsSync(d)) return d;
  }
  return null;
}

function tarHeader(name: string, size: number, type: "0" | "5"): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, "utf8");
  h.write(type === "5" ? "0000755\0" : "0000644\0", 100);
  h.write("0000000\0", 108);
  h.write("0000000\0", 116);
  h.write(size.toString(8).padStart(11, "0") + "\0", 124);
  h.write("14543246000\0", 136);
  h.write("        ", 148);
  h.write(type, 156);
  h.write("ustar\0", 257);
  h.write("00", 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148);
  return h;
}

function tarOf(files: [string, Buffer][]): Buffer {
  const parts: Buffer[] = [];
  const dirs = new Set<string>();
  for (const [name] of files) {
    const segs = name.split("/");
    for (let i = 1; i < segs.length; i++) dirs.add(segs.slice(0, i).join("/") + "/");
  }
  for (const d of [...dirs].sort()) parts.push(tarHeader(d, 0, "5"));
  for (const [name, data] of files) {
    parts.push(tarHeader(name, data.length, "0"), data);
    const pad = (512 - (data.length % 512)) % 512;
    if (pad) parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export function buildImages(): { dir: string; bytes: number } {
  const dir = path.join(work, `hosts-v2-${HOSTS}`);
  const marker = path.join(dir, ".complete");
  if (fs.existsSync(marker)) return { dir, bytes: Number(fs.readFileSync(marker, "utf8")) };
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const atopDir = fixtureDir("atop");
  const utmpDir = fixtureDir("utmp");
  const atop = atopDir
    ? fs.readdirSync(atopDir).filter((f) => f.endsWith(".raw")).sort().map((f) => fs.readFileSync(path.join(atopDir, f)))
    : [];
  // The large 2.13 file may be only in the shared fixtures (it is big for the repo): take it from wherever it is.
  const largeFile = [atopDir, path.join(root, "..", "..", "shared", "fixtures", "atop"), "/work/shared/fixtures/atop"]
    .filter((d): d is string => !!d)
    .map((d) => path.join(d, "atop_2.13_large.raw"))
    .find((f) => fs.existsSync(f));
  const large = largeFile ? fs.readFileSync(largeFile) : null;
  const wtmp = utmpDir ? fs.readFileSync(path.join(utmpDir, "wtmp_basic")) : Buffer.alloc(0);
  const btmp = utmpDir ? fs.readFileSync(path.join(utmpDir, "btmp_basic")) : Buffer.alloc(0);
  // Bulk that no queried function reads, as in real collections (logs, configs): ~2 MB compressed per image.
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const words = ["sshd", "CRON", "kernel", "systemd", "session", "opened", "closed", "for", "user", "root", "from", "port", "Accepted", "publickey", "audit"];
  let syslog = "";
  for (let n = 0; syslog.length < 5_000_000; n++) {
    syslog += `Jan ${1 + (n % 28)} ${String(n % 24).padStart(2, "0")}:${String(n % 60).padStart(2, "0")}:00 host ${words[Math.floor(rnd() * words.length)]}[${Math.floor(rnd() * 99999)}]:`;
    for (let w = 0; w < 8; w++) syslog += " " + (rnd() < 0.3 ? Math.floor(rnd() * 1e9).toString(36) : words[Math.floor(rnd() * words.length)]);
    syslog += "\n";
  }
  const bulk = Buffer.from(syslog);
  let bytes = 0;
  for (let i = 0; i < HOSTS; i++) {
    const name = `host${String(i).padStart(3, "0")}`;
    const files: [string, Buffer][] = [
      ["etc/hostname", Buffer.from(name + "\n")],
      ["etc/os-release", Buffer.from('NAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="12"\n')],
      ["etc/passwd", Buffer.from(`root:x:0:0:root:/root:/bin/bash\n${name}:x:1000:1000::/home/${name}:/bin/bash\n`)],
      // wtmp a few hundred KB (the fixture's sessions repeated), btmp as is
      ["var/log/wtmp", Buffer.concat(Array.from({ length: 120 }, () => wtmp))],
      ["var/log/btmp", btmp],
      ["var/log/syslog.1", bulk],
    ];
    // atop: the large 2.13 file on every host, and three of the small version files by rotation
    if (large) files.push(["var/log/atop/atop_20240101", large], ["var/log/atop/atop_20240102", large]);
    for (let k = 0; k < 3 && atop.length; k++) files.push([`var/log/atop/atop_2024020${k + 1}`, atop[(i + k) % atop.length]!]);
    const gz = zlib.gzipSync(tarOf(files.map(([n, d]) => [`./${n}`, d])), { level: 6 });
    fs.writeFileSync(path.join(dir, `${name}.tar.gz`), gz);
    bytes += gz.length;
  }
  fs.writeFileSync(marker, String(bytes));
  return { dir, bytes };
}

