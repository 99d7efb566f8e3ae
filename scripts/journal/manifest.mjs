#!/usr/bin/env node
// fixtures/journal/manifest.json: every journal file of the fixtures, how it was written, which journalctl made
// its oracles, and what its header says (inspect.mjs). Tests can walk it instead of globbing.
//   node scripts/journal/manifest.mjs fixtures/journal      (make-fixtures.sh runs it; versions from the env)
import fs from "node:fs";
import path from "node:path";
import { inspect } from "./inspect.mjs";

const root = path.resolve(process.argv[2] ?? "fixtures/journal");
const repo = path.resolve(root, "../..");
const v252 = process.env.W252_VERSION ?? "252";
const v254 = process.env.W254_VERSION ?? "254";
const old = fs.existsSync(path.join(root, "manifest.json")) ? JSON.parse(fs.readFileSync(path.join(root, "manifest.json"), "utf8")) : { files: [] };

const ENV = {
  "v252-default.journal": {},
  "v252-nocompact.journal": { SYSTEMD_JOURNAL_COMPACT: "0" },
  "v252-unkeyed.journal": { SYSTEMD_JOURNAL_KEYED_HASH: "0" },
  "v252-nocompact-unkeyed.journal": { SYSTEMD_JOURNAL_COMPACT: "0", SYSTEMD_JOURNAL_KEYED_HASH: "0" },
  "v254-xz.journal": { SYSTEMD_JOURNAL_COMPRESS: "XZ" },
  "v254-lz4.journal": { SYSTEMD_JOURNAL_COMPRESS: "LZ4" },
  "v254-zstd.journal": {},
};

function walk(dir, out = []) {
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (fs.statSync(p).isDirectory()) walk(p, out);
    else if (/\.journal~?$/.test(name)) out.push(p);
  }
  return out;
}

function role(rel) {
  if (rel.startsWith("fixtures/journal/v25")) return "variant";
  if (rel.startsWith("fixtures/journal/rotated/")) return "rotated";
  if (rel.startsWith("fixtures/journal/dirty/")) return "dirty";
  if (rel.startsWith("fixtures/journal/tree/")) return "tree";
  return "sample-host";
}

/** Where a file's oracles are: beside it, in tree-oracles/ for the tree's own files, or web01.system.journal.*. */
function oracleBase(rel) {
  const base = path.join(repo, rel);
  if (fs.existsSync(`${base}.json`)) return base;
  if (rel.startsWith("fixtures/journal/tree/")) {
    const name = path.basename(rel);
    const bytes = fs.readFileSync(base);
    const copy = ["rotated", "dirty"].map((d) => path.join(root, d, name)).find((p) => fs.existsSync(p) && fs.readFileSync(p).equals(bytes));
    return copy ?? path.join(root, "tree-oracles", rel.slice("fixtures/journal/tree/".length));
  }
  if (rel.startsWith("fixtures/hosts/web01/")) return path.join(root, `web01.${path.basename(rel)}`);
  return base;
}

const files = [...walk(root), ...walk(path.join(repo, "fixtures/hosts/web01/var/log"))].map((p) => {
  const rel = path.relative(repo, p);
  const h = inspect(p);
  const is254 = h.header_size === 272;
  const ob = oracleBase(rel);
  const oracle = Object.fromEntries(["json", "export", "verify.txt", "header.txt"].map((s) => [s, path.relative(repo, `${ob}.${s}`)]));
  for (const o of Object.values(oracle)) if (!fs.existsSync(path.join(repo, o))) throw new Error(`${rel}: no oracle ${o}`);
  const journalctlEntries = fs.readFileSync(path.join(repo, oracle.json), "utf8").split("\n").filter(Boolean).length;
  const verify = fs.readFileSync(path.join(repo, oracle["verify.txt"]), "utf8");
  const name = path.basename(rel);
  const prev = old.files.find((f) => f.path === rel);
  return {
    path: rel,
    role: role(rel),
    writer: `systemd-journal-remote ${is254 ? v254 : v252}`,
    writer_env: ENV[name] ?? {},
    oracle_journalctl: `journalctl ${is254 ? v254 : v252}`,
    oracles: oracle,
    journalctl_entries: journalctlEntries,
    verify_exit_status: Number(/exit status: (\d+)/.exec(verify)?.[1]),
    ...h,
    ...(prev?.note ? { note: prev.note } : {}),
  };
});

const merged = fs.existsSync(path.join(root, "tree-oracles"))
  ? fs.readdirSync(path.join(root, "tree-oracles")).filter((n) => n.endsWith(".json")).sort().map((n) => ({
      oracle: `fixtures/journal/tree-oracles/${n}`,
      entries: fs.readFileSync(path.join(root, "tree-oracles", n), "utf8").split("\n").filter(Boolean).length,
    }))
  : [];
fs.writeFileSync(path.join(root, "manifest.json"), JSON.stringify({ files, merged: merged.length ? merged : undefined }, null, 2) + "\n");
process.stdout.write(`${files.length} files, ${merged.length} merged oracles\n`);
