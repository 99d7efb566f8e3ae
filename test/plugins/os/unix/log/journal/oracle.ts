// Comparing records with journalctl's own JSON (`journalctl -o json --all`): every field of every entry,
// byte for byte. journalctl prints a value as a string when it is printable UTF-8, else as an array of byte
// numbers; a field with several values as an array of those. Both sides become NAME → [bytes…] here.
import { KNOWN_FIELDS } from "../../../../../../plugins/os/unix/log/journal/fields.js";
import type { AnyRecord } from "../../../../../../src/records/descriptor.js";
import { Timestamp } from "../../../../../../src/records/timestamp.js";
import { encodeSurrogateEscape } from "../../../../../../src/util/text.js";

export type Multimap = Map<string, string[]>;

/** The entry-object fields journalctl prints beside the entry's data (and the record's own columns). */
export interface OracleHead {
  realtime: string;
  monotonic: string;
  bootId: string;
  seqnum: string;
  seqnumId: string;
}

export interface OracleEntry {
  head: OracleHead;
  fields: Multimap;
}

const ADDRESS_FIELDS = new Set(["__CURSOR", "__REALTIME_TIMESTAMP", "__MONOTONIC_TIMESTAMP", "__SEQNUM", "__SEQNUM_ID", "_BOOT_ID"]);

/** A value as bytes in hex (a stable, exact key for comparing). */
function hex(b: Uint8Array): string {
  return Buffer.from(b).toString("hex");
}

function oracleValue(v: unknown): string {
  if (typeof v === "string") return hex(Buffer.from(v, "utf8"));
  if (Array.isArray(v) && v.every((x) => typeof x === "number")) return hex(Uint8Array.from(v as number[]));
  throw new Error(`unexpected journalctl value ${JSON.stringify(v)}`);
}

function isSingle(v: unknown): boolean {
  return typeof v === "string" || (Array.isArray(v) && v.every((x) => typeof x === "number"));
}

export function parseOracle(text: string): OracleEntry[] {
  const out: OracleEntry[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    const o = JSON.parse(line) as Record<string, unknown>;
    // A DATA field that is named like an address field (a crafted export stream can make one) is printed by
    // journalctl after the entry's own value, as a second value.
    const extra: [string, unknown[]][] = [];
    for (const k of ADDRESS_FIELDS) {
      const v = o[k];
      if (k !== "__CURSOR" && Array.isArray(v) && !isSingle(v)) {
        o[k] = v[0];
        extra.push([k, v.slice(1)]);
      }
    }
    const cursor = String(o.__CURSOR);
    const part = (k: string) => new RegExp(`(?:^|;)${k}=([^;]*)`).exec(cursor)?.[1] ?? "";
    const head: OracleHead = {
      realtime: String(o.__REALTIME_TIMESTAMP),
      monotonic: String(o.__MONOTONIC_TIMESTAMP),
      bootId: String(o._BOOT_ID),
      // systemd 254 prints __SEQNUM and __SEQNUM_ID; 252 only has them in the cursor (i=, s= in hex / id)
      seqnum: o.__SEQNUM !== undefined ? String(o.__SEQNUM) : String(BigInt("0x" + part("i"))),
      seqnumId: o.__SEQNUM_ID !== undefined ? String(o.__SEQNUM_ID) : part("s"),
    };
    const fields: Multimap = new Map();
    for (const [k, v] of Object.entries(o)) {
      if (ADDRESS_FIELDS.has(k)) continue;
      fields.set(k, isSingle(v) ? [oracleValue(v)] : (v as unknown[]).map(oracleValue));
    }
    for (const [k, vs] of extra) fields.set(k, vs.map(oracleValue));
    out.push({ head, fields });
  }
  return out;
}

function valueText(v: unknown): string {
  if (v instanceof Timestamp) return String(BigInt(v.seconds) * 1_000_000n + BigInt(v.micros));
  return String(v);
}

/** A record as journalctl would print it: its known fields under their journal names, then `fields`. */
export function recordEntry(r: AnyRecord): OracleEntry {
  const fields: Multimap = new Map();
  const add = (name: string, bytes: string) => {
    const l = fields.get(name);
    if (l) l.push(bytes);
    else fields.set(name, [bytes]);
  };
  for (const k of KNOWN_FIELDS) {
    const v = r[k.field];
    if (v !== null && v !== undefined) add(k.journal, hex(encodeSurrogateEscape(valueText(v))));
  }
  for (const pair of r.fields as string[]) {
    const eq = pair.indexOf("=");
    add(pair.slice(0, eq), hex(encodeSurrogateEscape(pair.slice(eq + 1))));
  }
  const ts = r.ts as Timestamp;
  return {
    head: {
      realtime: valueText(ts),
      monotonic: String(r.monotonic),
      bootId: String(r.boot_id),
      seqnum: String(r.seqnum),
      seqnumId: String(r.seqnum_id),
    },
    fields,
  };
}

/** The differences between a record and journalctl's entry, as sentences (empty when equal). */
export function differences(got: OracleEntry, want: OracleEntry): string[] {
  const out: string[] = [];
  for (const k of Object.keys(want.head) as (keyof OracleHead)[]) {
    if (got.head[k] !== want.head[k]) out.push(`${k}: ${got.head[k]} ≠ journalctl's ${want.head[k]}`);
  }
  const names = new Set([...got.fields.keys(), ...want.fields.keys()]);
  for (const n of names) {
    const a = JSON.stringify(got.fields.get(n) ?? []);
    const b = JSON.stringify(want.fields.get(n) ?? []);
    if (a !== b) out.push(`${n}: ${a.slice(0, 200)} ≠ journalctl's ${b.slice(0, 200)}`);
  }
  return out;
}
