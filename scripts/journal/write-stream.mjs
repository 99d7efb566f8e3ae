#!/usr/bin/env node
// Write one journal export stream for systemd-journal-remote to turn into a journal file.
//   node scripts/journal/write-stream.mjs NAME OUT.export      (also writes OUT.export.count: its entry count)
// NAME is one of streams/index.mjs. Deterministic: the same bytes on every run.
import fs from "node:fs";
import { serializeStream } from "./lib/export.mjs";
import { streams } from "./streams/index.mjs";

const [name, out] = process.argv.slice(2);
const make = streams[name];
if (!make || !out) {
  process.stderr.write(`usage: write-stream.mjs NAME OUT.export; NAME one of: ${Object.keys(streams).join(", ")}\n`);
  process.exit(2);
}
const entries = make();
fs.writeFileSync(out, serializeStream(entries));
fs.writeFileSync(`${out}.count`, `${entries.length}\n`);
