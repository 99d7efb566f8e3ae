// Shared test plumbing: the utmp fixtures and utmpdump's output; running a function is test/helpers/run.ts's.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { AnyRecord } from "../../../../../../src/records/descriptor.js";
import { Timestamp } from "../../../../../../src/records/timestamp.js";
import { parseIp } from "../../../../../../src/records/ip.js";
import { encodeSurrogateEscape } from "../../../../../../src/util/text.js";
import { utmpAddress } from "../../../../../../plugins/os/unix/log/utmp/address.js";
import { UT_TYPES } from "../../../../../../plugins/os/unix/log/utmp/layout.js";
import { expect } from "vitest";

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES = path.resolve(here, "../../../../../../fixtures/utmp");

export function fixture(name: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES, name));
}

export function fixtureText(name: string): string {
  return fs.readFileSync(path.join(FIXTURES, name), "latin1");
}

export function expected<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name + ".expected.json"), "utf8")) as T;
}

export { run, type RunResult } from "../../../../../helpers/run.js";

/** One line of utmpdump's output. */
export interface DumpLine {
  type: number;
  pid: number;
  id: string;
  user: string;
  line: string;
  host: string;
  addr: string;
  /** tv_sec as glibc 2.36 printed it (signed) and tv_usec as printed (raw). */
  sec: number;
  usec: number;
}

export function parseUtmpdump(text: string): DumpLine[] {
  const out: DumpLine[] = [];
  for (const l of text.split("\n")) {
    if (!l.startsWith("[")) continue;
    const f = l.slice(1, -1).split("] [");
    if (f.length !== 8) throw new Error(`bad utmpdump line: ${l}`);
    const m = /^(-?\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d),(-?\d+)\+00:00$/.exec(f[7]!);
    if (!m) throw new Error(`bad time: ${f[7]}`);
    const sec = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) / 1000;
    out.push({ type: +f[0]!, pid: +f[1]!, id: f[2]!, user: f[3]!, line: f[4]!, host: f[5]!, addr: f[6]!.trim(), sec, usec: +m[7]! });
  }
  return out;
}

/** utmpdump's address text back to the 16 stored bytes (it prints IPv4 only when bytes 4–15 are zero). */
export function addrBytes(text: string): Uint8Array {
  const p = parseIp(text);
  if (!p) throw new Error(`bad address ${text}`);
  const b = new Uint8Array(16);
  if (p.version === 4) {
    const v = Number(p.value);
    b.set([(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255]);
  } else for (let i = 0; i < 16; i++) b[i] = Number((p.value >> BigInt(8 * (15 - i))) & 0xffn);
  return b;
}

/** What utmpdump shows of a string: each byte that is not printable ASCII, '[' or ']' becomes '?'. */
export function dumpView(s: string): string {
  let out = "";
  for (const byte of encodeSurrogateEscape(s)) {
    out += byte >= 0x20 && byte < 0x7f && byte !== 0x5b && byte !== 0x5d ? String.fromCharCode(byte) : "?";
  }
  return out;
}

export function ts(iso: string | null): Timestamp | null {
  return iso === null ? null : Timestamp.parse(iso);
}

export function typeNumber(name: string): number {
  const i = (UT_TYPES as readonly string[]).indexOf(name);
  if (i >= 0) return i;
  const m = /^UNKNOWN\((-?\d+)\)$/.exec(name);
  if (!m) throw new Error(`bad type ${name}`);
  return Number(m[1]);
}

/** One record against utmpdump's line for it (the project's address rule and unsigned tv_sec applied). */
export function compareWithDump(rec: AnyRecord, d: DumpLine, where: string): void {
  expect(typeNumber(rec.ut_type as string), where).toBe(d.type);
  expect(String(rec.ut_pid).padStart(5, "0"), where).toBe(String(d.pid).padStart(5, "0"));
  expect(dumpView(rec.ut_id as string).padEnd(4), where).toBe(d.id);
  expect(dumpView(rec.ut_user as string).trimEnd(), where).toBe(d.user.trimEnd());
  expect(dumpView(rec.ut_line as string).trimEnd(), where).toBe(d.line.trimEnd());
  expect(dumpView(rec.ut_host as string).trimEnd(), where).toBe(d.host.trimEnd());
  expect(rec.ut_addr, where).toBe(utmpAddress(addrBytes(d.addr), rec.ut_host as string));
  const t = rec.ts as Timestamp;
  expect(t.seconds, where).toBe(((d.sec % 2 ** 32) + 2 ** 32) % 2 ** 32);
  expect(t.micros, where).toBe(d.usec >= 0 && d.usec < 1e6 ? d.usec : 0);
}
