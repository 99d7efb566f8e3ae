#!/usr/bin/env node
// Summarise journal files for fixtures/journal/manifest.json: header flags and counters, and a walk over the
// objects (header_size .. tail_object_offset) counting each type and the compressed DATA objects by algorithm.
// A cross-check made for the README, independent of quarry's reader; the oracles are journalctl's outputs.
//   node scripts/journal/inspect.mjs FILE...     → one JSON object per file on stdout
import fs from "node:fs";

const INCOMPAT = { 1: "COMPRESSED-XZ", 2: "COMPRESSED-LZ4", 4: "KEYED-HASH", 8: "COMPRESSED-ZSTD", 16: "COMPACT" };
const COMPAT = { 1: "SEALED", 2: "TAIL_ENTRY_BOOT_ID", 4: "SEALED_CONTINUOUS" };
const STATES = ["OFFLINE", "ONLINE", "ARCHIVED"];
const TYPES = ["unused", "data", "field", "entry", "data_hash_table", "field_hash_table", "entry_array", "tag"];
const COMPRESSION = { 1: "xz", 2: "lz4", 4: "zstd" };

const id = (b, off) => b.subarray(off, off + 16).toString("hex");
const flags = (v, names) => Object.entries(names).filter(([bit]) => v & Number(bit)).map(([, n]) => n);

export function inspect(file) {
  const b = fs.readFileSync(file);
  if (b.subarray(0, 8).toString("latin1") !== "LPKSHHRH") throw new Error(`${file}: not a journal file`);
  const u64 = (off) => Number(b.readBigUInt64LE(off));
  const compat = b.readUInt32LE(8);
  const incompat = b.readUInt32LE(12);
  const headerSize = u64(88);
  const tail = u64(136);
  const objects = {};
  const compressed = {};
  let off = headerSize;
  while (off >= headerSize && off <= tail && off + 16 <= b.length) {
    const type = TYPES[b[off]] ?? `type${b[off]}`;
    const size = u64(off + 8);
    if (size < 16) break;
    objects[type] = (objects[type] ?? 0) + 1;
    if (b[off] === 1 && b[off + 1]) {
      const algo = COMPRESSION[b[off + 1]] ?? `flags${b[off + 1]}`;
      compressed[algo] = (compressed[algo] ?? 0) + 1;
    }
    off += Math.ceil(size / 8) * 8;
  }
  return {
    file_size: b.length,
    header_size: headerSize,
    state: STATES[b[16]] ?? b[16],
    compatible_flags: flags(compat, COMPAT),
    incompatible_flags: flags(incompat, INCOMPAT),
    file_id: id(b, 24),
    machine_id: id(b, 40),
    tail_entry_boot_id: id(b, 56),
    seqnum_id: id(b, 72),
    n_entries: u64(152),
    head_entry_seqnum: u64(168),
    tail_entry_seqnum: u64(160),
    data_hash_table_items: u64(112) / 16,
    field_hash_table_items: u64(128) / 16,
    objects,
    compressed_data_objects: compressed,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const f of process.argv.slice(2)) process.stdout.write(JSON.stringify({ file: f, ...inspect(f) }) + "\n");
}
