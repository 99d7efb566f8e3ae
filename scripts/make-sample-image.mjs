#!/usr/bin/env node
// Build the sample host image of the README's quick start: a plain tar of a directory tree, deterministic
// (sorted members, fixed mtime, owner root:root, normalised modes), so rebuilding gives the same bytes.
//   node scripts/make-sample-image.mjs [SRC_DIR] [OUT_TAR]      (defaults: fixtures/hosts/web01 → fixtures/hosts/web01.tar)
// Files named .gitkeep only keep empty directories in git; they are left out of the image.
// A file that is mostly holes (half or more of its 512-byte blocks all zeros, as a lastlog is) is stored as
// `tar --sparse --format=pax` stores a file with holes: a GNU PAX 1.0 sparse member, only its data blocks.
import fs from "node:fs";
import path from "node:path";

const MTIME = 1_710_496_800; // 2024-03-15 10:00:00 UTC
const [src = "fixtures/hosts/web01", out = "fixtures/hosts/web01.tar"] = process.argv.slice(2);

function octal(h, off, len, v) {
  h.write(v.toString(8).padStart(len - 1, "0") + "\0", off, "latin1");
}

function paxEntry(attrs) {
  let body = "";
  for (const [k, v] of Object.entries(attrs)) {
    const rec = ` ${k}=${v}\n`;
    let len = Buffer.byteLength(rec) + 1;
    while (String(len).length + Buffer.byteLength(rec) !== len) len = String(len).length + Buffer.byteLength(rec);
    body += len + rec;
  }
  const data = Buffer.from(body, "utf8");
  return [header("PaxHeader", "x", data.length, 0o644, ""), pad(data)];
}

function header(name, flag, size, mode, linkname) {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, "utf8");
  octal(h, 100, 8, mode);
  octal(h, 108, 8, 0);
  octal(h, 116, 8, 0);
  octal(h, 124, 12, size);
  octal(h, 136, 12, MTIME);
  h.write(flag, 156, 1, "latin1");
  h.write(linkname, 157, 100, "utf8");
  h.write("ustar\0", 257, 6, "latin1");
  h.write("00", 263, 2, "latin1");
  h.write("root", 265, 32, "latin1");
  h.write("root", 297, 32, "latin1");
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  octal(h, 148, 7, sum);
  h[155] = 0x20;
  return h;
}

function pad(data) {
  const rem = data.length % 512;
  return rem ? Buffer.concat([data, Buffer.alloc(512 - rem)]) : data;
}

const parts = [];
function add(rel) {
  const full = path.join(src, rel);
  const st = fs.lstatSync(full);
  let name = rel.split(path.sep).join("/");
  let flag = "0";
  let data = Buffer.alloc(0);
  let link = "";
  let mode = st.mode & 0o111 ? 0o755 : 0o644;
  if (st.isDirectory()) {
    flag = "5";
    name += "/";
    mode = 0o755;
  } else if (st.isSymbolicLink()) {
    flag = "2";
    link = fs.readlinkSync(full);
    mode = 0o777;
  } else if (st.isFile()) data = fs.readFileSync(full);
  else return;
  if (rel === "root" && st.isDirectory()) mode = 0o700;
  if (flag === "0" && mostlyHoles(data)) return addSparse(name, data, mode);
  const attrs = {};
  if (Buffer.byteLength(name) > 100) attrs.path = name;
  if (Buffer.byteLength(link) > 100) attrs.linkpath = link;
  if (Object.keys(attrs).length) parts.push(...paxEntry(attrs));
  parts.push(header(Buffer.byteLength(name) > 100 ? name.slice(-99) : name, flag, data.length, mode, link.slice(0, 100)), pad(data));
  if (st.isDirectory()) for (const child of fs.readdirSync(full).sort()) if (child !== ".gitkeep") add(path.join(rel, child));
}

function mostlyHoles(data) {
  let zero = 0;
  for (let off = 0; off < data.length; off += 512) if (isZero(data.subarray(off, off + 512))) zero++;
  return zero > 0 && zero * 2 >= Math.ceil(data.length / 512);
}

function isZero(block) {
  for (const b of block) if (b !== 0) return false;
  return true;
}

/**
 * GNU PAX sparse 1.0: a PAX header (GNU.sparse.major/minor/name/realsize), a member named
 * DIR/GNUSparseFile.0/NAME (GNU tar's %d/GNUSparseFile.%p/%f with pid 0) whose data is the map (the number of
 * segments, then offset and size of each, one decimal per line, padded to a block) and the segments' bytes.
 */
function addSparse(name, data, mode) {
  const segs = [];
  for (let off = 0; off < data.length; off += 512) {
    const block = data.subarray(off, Math.min(off + 512, data.length));
    if (isZero(block)) continue;
    const last = segs[segs.length - 1];
    if (last && last.off + last.len === off) last.len += block.length;
    else segs.push({ off, len: block.length });
  }
  // A file ending in a hole ends with an empty segment at its size, as GNU tar writes it.
  const end = segs.length ? segs[segs.length - 1].off + segs[segs.length - 1].len : 0;
  if (end < data.length) segs.push({ off: data.length, len: 0 });
  const map = pad(Buffer.from([segs.length, ...segs.flatMap((g) => [g.off, g.len])].join("\n") + "\n", "latin1"));
  const body = Buffer.concat([map, ...segs.map((g) => data.subarray(g.off, g.off + g.len))]);
  const slash = name.lastIndexOf("/");
  const stored = `${name.slice(0, slash + 1)}GNUSparseFile.0/${name.slice(slash + 1)}`;
  parts.push(...paxEntry({ "GNU.sparse.major": "1", "GNU.sparse.minor": "0", "GNU.sparse.name": name, "GNU.sparse.realsize": String(data.length) }));
  parts.push(header(stored, "0", body.length, mode, ""), pad(body));
}

for (const child of fs.readdirSync(src).sort()) if (child !== ".gitkeep") add(child);
parts.push(Buffer.alloc(1024));
const tarBytes = Buffer.concat(parts);
fs.writeFileSync(out, tarBytes);
process.stdout.write(`${out}: ${tarBytes.length} bytes\n`);
