// Small setters shared by the message parsers.
import { canonicalIp } from "quarry";
import type { AuthFields } from "./records.js";

// The addresses of one log repeat (a scanner's thousand attempts): their canonical forms are kept, a bounded few.
const canonical = new Map<string, string | null>();
const MAX_CACHED = 4096;

function canonicalOf(text: string): string | null {
  let v = canonical.get(text);
  if (v === undefined) {
    v = canonicalIp(text);
    if (canonical.size >= MAX_CACHED) canonical.clear();
    canonical.set(text, v);
  }
  return v;
}

/** An address as logged: canonical in remote_ip, else (a host name) as written in remote_host. */
export function setRemote(f: AuthFields, text: string | undefined): void {
  if (text === undefined || text === "" || text === "UNKNOWN") return;
  const ip = canonicalOf(text);
  if (ip !== null) f.remote_ip = ip;
  else f.remote_host = text;
}

/** A decimal count, port or id as logged; null past 2^53 (no such value is real). */
export function int(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,15}$/.test(text)) return null;
  return Number(text);
}

/** Empty fields of a log line ("tty=" "ruser=") are absent, not empty names. */
export function orNull(text: string | undefined): string | null {
  return text === undefined || text === "" ? null : text;
}
