// /etc/hosts (hosts(5): an address, a canonical name, aliases, "#" comments) and /etc/resolv.conf (resolv.conf(5):
// nameserver, search, domain, options, sortlist; "#" or ";" comments; glibc uses the first MAXNS = 3
// nameservers and the last of search/domain). Both as records, one per line that says something.
import { canonicalIp, type FunctionContext, type Target } from "quarry";
import { HostsRecord, ResolvRecord } from "./records.js";

export const HOSTS = "/etc/hosts";
export const RESOLV = "/etc/resolv.conf";
/** Ad-blocking hosts files reach tens of megabytes. */
const MAX_HOSTS_BYTES = 64 * 1024 * 1024;
const MAX_LINE_BYTES = 64 * 1024;
const MAX_WARNINGS = 50;

function warner(ctx: FunctionContext, file: string) {
  let n = 0;
  return {
    warn: (message: string, offset: number) => void (++n <= MAX_WARNINGS && ctx.warn({ message, file, offset })),
    done: () => void (n > MAX_WARNINGS && ctx.warn({ message: `${n - MAX_WARNINGS} more malformed lines (not reported one by one)`, file })),
  };
}

export function* hostsEntries(t: Target, ctx: FunctionContext): Generator<ReturnType<typeof HostsRecord.create>> {
  if (!t.fs.isFile(HOSTS)) return;
  const w = warner(ctx, HOSTS);
  try {
    for (const l of t.fs.readLines(HOSTS, { maxLineBytes: MAX_LINE_BYTES, limit: MAX_HOSTS_BYTES })) {
      const hash = l.text.indexOf("#");
      const body = (hash < 0 ? l.text : l.text.slice(0, hash)).trim();
      const comment = hash < 0 ? null : l.text.slice(hash + 1).trim() || null;
      if (body === "") continue;
      const [addr, ...names] = body.split(/\s+/);
      const ipText = canonicalIp(addr!.replace(/%.*$/, ""));
      if (ipText === null || names.length === 0) {
        w.warn(`line ${l.lineno}: ${ipText === null ? `${JSON.stringify(addr!.slice(0, 60))} is not an IP address` : "an address without a name"}; skipped`, l.offset);
        continue;
      }
      yield HostsRecord.create({ ip: ipText, hostnames: names, comment, lineno: l.lineno, filepath: HOSTS });
    }
  } catch (e) {
    ctx.error({ message: `cannot read: ${(e as Error).message}`, file: HOSTS });
  }
  w.done();
}

const SETTINGS = new Set(["nameserver", "search", "domain", "options", "sortlist"]);

export function* resolvEntries(t: Target, ctx: FunctionContext): Generator<ReturnType<typeof ResolvRecord.create>> {
  if (!t.fs.isFile(RESOLV)) return;
  const w = warner(ctx, RESOLV);
  let servers = 0;
  try {
    for (const l of t.fs.readLines(RESOLV, { maxLineBytes: MAX_LINE_BYTES, limit: 1024 * 1024 })) {
      const body = l.text.trim();
      if (body === "" || body[0] === "#" || body[0] === ";") continue;
      const [setting, ...vals] = body.split(/\s+/);
      if (!SETTINGS.has(setting!)) {
        w.warn(`line ${l.lineno}: ${JSON.stringify(setting!.slice(0, 40))} is no resolv.conf setting; skipped`, l.offset);
        continue;
      }
      if (setting === "nameserver") {
        const a = canonicalIp((vals[0] ?? "").replace(/%.*$/, ""));
        if (a === null) {
          w.warn(`line ${l.lineno}: nameserver ${JSON.stringify((vals[0] ?? "").slice(0, 60))} is not an IP address; skipped`, l.offset);
          continue;
        }
        if (++servers === 4) w.warn(`line ${l.lineno}: a fourth nameserver: glibc uses only the first 3 (MAXNS)`, l.offset);
        vals.splice(0, vals.length, a);
      }
      yield ResolvRecord.create({ setting: setting!, values: vals, lineno: l.lineno, filepath: RESOLV });
    }
  } catch (e) {
    ctx.error({ message: `cannot read: ${(e as Error).message}`, file: RESOLV });
  }
  w.done();
}
