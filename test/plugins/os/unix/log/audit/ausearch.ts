// Reading ausearch's outputs (the committed oracles) and checking a record against one of its `-i` lines.
//
// `ausearch -i` prints each event between "----" lines, its records newest first (LIFO), each as
// `[node=N ]type=T msg=audit(MM/DD/YY HH:MM:SS.mmm:SERIAL) : name=value ...` with every value interpreted. The
// check walks that line with the record's fields in line order: a field quarry decodes (hex and quoted values,
// numbers, names it looks up) must print exactly as ausearch printed it, by the display rules below (written
// from ausearch's source, never from quarry's code); a field ausearch interprets with a table quarry does not
// carry (arch, a0..a3, modes, capabilities, socket addresses, errno names, signals, keystrokes) is stepped over
// and counted as not compared.
import { decodeLenient } from "../../../../../../src/util/text.js";
import type { AnyRecord } from "../../../../../../src/records/descriptor.js";
import type { Timestamp } from "../../../../../../src/records/timestamp.js";

export interface OracleLine {
  node: string | null;
  type: string;
  /** MM/DD/YY HH:MM:SS.mmm */
  time: string;
  serial: string;
  /** After "msg=audit(...) : ". */
  body: string;
  text: string;
}

/** The events of an `ausearch -i` output, each with its lines back in file order (ausearch prints them LIFO). */
export function oracleEvents(bytes: Buffer): OracleLine[][] {
  const events: OracleLine[][] = [];
  let cur: OracleLine[] | null = null;
  for (const raw of decodeLenient(bytes).split("\n")) {
    if (raw === "----") {
      if (cur) events.push(cur.reverse());
      cur = [];
      continue;
    }
    const m = /^(?:node=(\S+) )?type=(\S+) msg=audit\((\d\d\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d{3}):(\d+)\) : ?(.*)$/.exec(raw);
    if (!m || !cur) continue; // the empty line after an EOE, nothing else
    cur.push({ node: m[1] ?? null, type: m[2]!, time: m[3]!, serial: m[4]!, body: m[5]!, text: raw });
  }
  if (cur) events.push(cur.reverse());
  return events;
}

/** A record's time as ausearch prints it (TZ=UTC, %x %T.mmm). */
export function ausearchTime(ts: Timestamp): string {
  const [y, mo, d, h, mi, s, us] = ts.parts();
  const p = (n: number, w = 2): string => String(n).padStart(w, "0");
  return `${p(mo)}/${p(d)}/${p(y % 100)} ${p(h)}:${p(mi)}:${p(s)}.${p(Math.floor(us / 1000), 3)}`;
}

/** uid and gid names as ausearch looked them up (in the fixture's accounts: make_fixtures.sh binds them). */
export interface Accounts {
  users: Map<number, string>;
  groups: Map<number, string>;
}

export function accounts(passwd: string, group: string): Accounts {
  const table = (text: string): Map<number, string> => {
    const m = new Map<number, string>();
    for (const l of text.split("\n")) {
      const f = l.split(":");
      if (f.length >= 3 && !m.has(Number(f[2]))) m.set(Number(f[2]), f[0]!);
    }
    return m;
  };
  return { users: table(passwd), groups: table(group) };
}

// typetab.h: uid and gid fields
const UID = new Set(["auid", "uid", "euid", "suid", "fsuid", "ouid", "oauid", "old-auid", "iuid", "id", "inode_uid", "sauid", "obj_uid"]);
const GID = new Set(["obj_gid", "gid", "egid", "sgid", "fsgid", "ogid", "igid", "inode_gid", "new_gid"]);
// Fields ausearch -i interprets with tables quarry does not carry: stepped over, not compared.
const INTERPRETED = new Set([
  "arch", "mode", "perm", "perm_mask", "saddr", "prom", "old_prom", "capability", "sig", "sigev_signo", "list",
  "data", "family", "icmptype", "proto", "per", "code", "oflag", "flags", "hook", "action", "macproto",
  "ioctlcmd", "resp", "nl-mcgrp", "resolve", "cap_pi", "cap_pe", "cap_pp", "cap_pa", "cap_fi", "cap_fp", "fp",
  "fi", "old_pp", "old_pi", "old_pe", "old_pa", "new_pp", "new_pi", "new_pe", "pp", "pi", "pe", "pa",
]);

/** ausearch's terminal escape: control characters as \ooo. */
export function ttyEscape(s: string): string {
  return s.replace(/[\x00-\x1f]/g, (c) => "\\" + c.charCodeAt(0).toString(8).padStart(3, "0"));
}

export interface Tally {
  compared: number;
  skipped: number;
  skippedNames: Map<string, number>;
}

export function tally(): Tally {
  return { compared: 0, skipped: 0, skippedNames: new Map() };
}

export interface FieldOfLine {
  name: string;
  /** The record's value for it: a typed column's or the fields entry's. */
  value: string | number | bigint | boolean | null;
  /** Where it came from. */
  column: boolean;
}

/**
 * What ausearch prints for a field, by its display rules, or null when it interprets the field with a table
 * quarry does not carry. `enriched` holds the line's translations (ausearch prints those for uids and gids).
 */
export function expectedText(type: string, f: FieldOfLine, acc: Accounts, enriched: Map<string, string>): string[] | null {
  const { name, value } = f;
  if (type === "SYSCALL" && /^a[0-3]$/.test(name)) return null;
  if (type === "CRYPTO_KEY_USER" && name === "fp") return [String(value)];
  if (INTERPRETED.has(name) && !(type === "EXECVE" && name.startsWith("a"))) return null;
  if (type === "PATH" && name === "flags") return null;
  if (name === "exit") return Number(value) < 0 ? null : [String(value)];
  if ((UID.has(name) || GID.has(name)) && !(type === "EXECVE")) {
    const gid = GID.has(name) || (name === "id" && (type === "ADD_GROUP" || type === "GRP_MGMT" || type === "DEL_GROUP"));
    const e = enriched.get(name.toUpperCase());
    if (e !== undefined) return [e];
    const n = Number(value);
    if (n === 4294967295 || n === -1) return ["unset"];
    const found = (gid ? acc.groups : acc.users).get(n);
    return [found ?? `unknown(${n})`];
  }
  if (name === "ses") return [String(value) === "4294967295" ? "unset" : String(value)];
  if (name === "res" || name === "result") {
    const v = String(value);
    return /^\d/.test(v) ? [Number.parseInt(v, 10) === 0 ? "no" : "yes"] : [v];
  }
  if (name === "success") return [value === true ? "yes" : value === false ? "no" : String(value)];
  if (name === "key") return [value === null ? "(null)" : String(value).split(",").join(" key=")];
  if (value === null) return ["?", "(none)", "(null)"];
  const v = ttyEscape(String(value));
  // unclassified values are printed as written: with their quotes when they had them
  return [v, `"${v}"`, `'${v}'`];
}

const END = /^[ ,)']/;

/**
 * Walk an `ausearch -i` line with a record's fields; throws with a description at the first difference.
 * `avc` is the record's seresult/seperms, checked against the words before the first field.
 */
export function checkLine(o: OracleLine, type: string, fields: FieldOfLine[], acc: Accounts, enriched: Map<string, string>, t: Tally): void {
  const L = o.body;
  let pos = 0;
  const real = fields.filter((f) => f.name !== "seresult" && f.name !== "seperms");
  const se = fields.find((f) => f.name === "seresult");
  const perms = fields.find((f) => f.name === "seperms");
  if (se || perms) {
    // the words before the first pair (an AVC) or before the first pair of the msg='...' (a USER_AVC)
    const from = type === "USER_AVC" ? L.indexOf("msg='") + 5 : 0;
    const eq = L.indexOf("=", from);
    const words = L.slice(from, eq < 0 ? L.length : eq);
    const want = new RegExp(`^avc:\\s+${se ? String(se.value) : ""}\\s+\\{ ${String(perms?.value ?? "").split(",").join(" ")} \\}`);
    if (!want.test(words)) throw new Error(`AVC words ${JSON.stringify(words)} do not match ${want}`);
    t.compared += (se ? 1 : 0) + (perms ? 1 : 0);
  }
  for (let i = 0; i < real.length; i++) {
    const f = real[i]!;
    const at = findName(L, pos, f.name);
    if (at < 0) throw new Error(`field ${f.name} not found at ${pos} in: ${L}`);
    pos = at;
    const exp = expectedText(type, f, acc, enriched);
    if (exp === null) {
      t.skipped++;
      t.skippedNames.set(f.name, (t.skippedNames.get(f.name) ?? 0) + 1);
      const next = real[i + 1];
      if (!next) return;
      const n = findNext(L, pos, next.name);
      if (n < 0) throw new Error(`field ${next.name} (after ${f.name}) not found in: ${L}`);
      pos = n;
      continue;
    }
    const hit = exp.find((e) => L.startsWith(e, pos) && (pos + e.length === L.length || END.test(L.slice(pos + e.length))));
    if (hit === undefined) throw new Error(`${f.name}: expected ${JSON.stringify(exp)} at ${JSON.stringify(L.slice(pos, pos + 80))} in: ${L}`);
    t.compared++;
    pos += hit.length;
  }
  const rest = L.slice(pos);
  if (!/^[\s',)]*(\\015)?[\s']*$/.test(rest)) throw new Error(`ausearch shows more than the record has: ${JSON.stringify(rest)} in: ${L}`);
}

/** Position of the value of NAME at `pos`: words without "=" may come first, then msg=' or "(" (old formats). */
function findName(L: string, pos: number, name: string): number {
  const names = name.startsWith("old-") ? [name, `old ${name.slice(4)}`] : [name];
  let i = pos;
  for (;;) {
    while (L[i] === " ") i++;
    for (const n of names) {
      for (const pre of ["", "msg='", "(", "'"]) {
        const s = `${pre}${n}=`;
        if (L.startsWith(s, i)) return i + s.length;
      }
    }
    // step over msg=' before words (a USER_AVC's), or one word without "="
    if (L.startsWith("msg='", i)) {
      i += 5;
      continue;
    }
    const sp = L.indexOf(" ", i);
    const word = L.slice(i, sp < 0 ? L.length : sp);
    if (sp < 0 || word.includes("=")) return -1;
    i = sp;
  }
}

/** Where the next field NAME begins, after a value ausearch interpreted (which holds no " NAME="). */
function findNext(L: string, pos: number, name: string): number {
  const names = name.startsWith("old-") ? [name, `old ${name.slice(4)}`] : [name];
  let best = -1;
  for (const n of names) {
    for (const pre of [" ", " msg='", " (", ", "]) {
      const i = L.indexOf(`${pre}${n}=`, pos);
      // the start of the name (or of its msg=' / "(" prefix, which findName steps over)
      const start = i + (pre.startsWith(",") ? 2 : 1);
      if (i >= 0 && (best < 0 || start < best)) best = start;
    }
  }
  return best;
}

/**
 * A record's fields in line order, by the names of the line's pairs: the first pair of a typed name is in its
 * column (or, when the column is null and `fields` has the name, there: a value that is no such thing), the
 * others are the `fields` entries, in order.
 */
export function fieldsInOrder(r: AnyRecord, names: readonly string[], columns: ReadonlySet<string>): FieldOfLine[] {
  const rest = [...(r.fields as string[])];
  const used = new Set<string>();
  const take = (name: string): FieldOfLine => {
    const idx = rest.findIndex((x) => x.startsWith(`${name}=`));
    if (idx < 0) throw new Error(`record has no ${name}: ${JSON.stringify(r.fields)}`);
    const [entry] = rest.splice(idx, 1);
    return { name, value: entry!.slice(name.length + 1), column: false };
  };
  return names.map((name) => {
    const col = name === "hostname" ? "audit_hostname" : name;
    if (!columns.has(col) || used.has(col)) return take(name);
    used.add(col);
    const v = r[col] as FieldOfLine["value"];
    if (v === null && rest.some((x) => x.startsWith(`${name}=`))) return take(name);
    return { name, value: v, column: true };
  });
}
