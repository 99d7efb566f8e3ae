// The host canary for the containment tests: a fake system root OUTSIDE every collection (in the test's own temp
// dir), whose passwd, hostname and one file carry a token no evidence holds, beside the analysis machine's own
// /etc/passwd and hostname. Hostile collections point at both; neither may ever appear in any output.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseJsonLines, type JsonLine } from "../batch/helpers.js";
import type { BoundedRun } from "./harness.js";

export interface Canary {
  /** The test's temp dir: collections are built below it, the canary beside them. */
  dir: string;
  token: string;
  /** The canary's fake OS root: etc/passwd, etc/hostname, var/log/, and the file below. */
  outside: string;
  /** outside/canary-<token>.txt, holding the token (its name shows in a walk that escaped). */
  file: string;
}

/** A deterministic token from a seed (xorshift32): unique enough that no evidence or host holds it. */
export function token(seed: number): string {
  let x = seed >>> 0 || 1;
  let out = "";
  while (out.length < 24) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += (x >>> 0).toString(16).padStart(8, "0");
  }
  return out.slice(0, 24);
}

export function makeCanary(prefix: string, seed: number): Canary {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const t = token(seed);
  const outside = path.join(dir, "outside");
  fs.mkdirSync(path.join(outside, "etc"), { recursive: true });
  fs.mkdirSync(path.join(outside, "var", "log"), { recursive: true });
  fs.writeFileSync(path.join(outside, "etc", "passwd"), `canary_${t}:x:0:0:canary ${t}:/root:/bin/sh\n`);
  fs.writeFileSync(path.join(outside, "etc", "hostname"), `canary-${t}\n`);
  const file = path.join(outside, `canary-${t}.txt`);
  fs.writeFileSync(file, `CANARY ${t}\n`);
  return { dir, token: t, outside, file };
}

/** An extracted system root of the evidence, with users of its own (a distinctive root line) and a hostname. */
export function evidenceRoot(root: string, name: string): { users: string[]; hostname: string } {
  fs.mkdirSync(path.join(root, "etc"), { recursive: true });
  fs.mkdirSync(path.join(root, "var", "log"), { recursive: true });
  fs.writeFileSync(path.join(root, "etc", "passwd"), `root:x:0:0:evidence root ${name}:/root:/bin/sh\nev_${name}:x:1000:1000::/home/ev:/bin/sh\n`);
  fs.writeFileSync(path.join(root, "etc", "hostname"), `ev-${name}\n`);
  return { users: [`ev_${name}`, "root"], hostname: `ev-${name}` }; // sorted, as userNames() gives them
}

const HOST_PASSWD_LINES = (() => {
  try {
    return fs.readFileSync("/etc/passwd", "utf8").split("\n").filter((l) => l.includes(":"));
  } catch {
    return [];
  }
})();
const HOST_USERS = HOST_PASSWD_LINES.map((l) => l.split(":")[0]!);
const HOST_NAME = os.hostname();
/** The host's PRETTY_NAME (its own release file, which OS detection would read as the target's version). */
const HOST_RELEASE = (() => {
  try {
    return /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(fs.readFileSync("/etc/os-release", "utf8"))?.[1] ?? null;
  } catch {
    return null;
  }
})();

/**
 * What of the outside world a run printed: the canary token anywhere (stdout or stderr), a line of the host's
 * /etc/passwd, a host user (not among the evidence's own users), the host's hostname as a value or its
 * release name.
 */
export function leaks(r: BoundedRun, c: Canary, evidenceUsers: readonly string[] = []): string[] {
  const out = r.stdout.toString("utf8");
  const all = out + "\n" + r.stderr;
  const found: string[] = [];
  if (all.includes(c.token)) found.push(`the canary token ${c.token}`);
  for (const l of HOST_PASSWD_LINES) if (out.includes(l)) found.push(`the host's passwd line ${JSON.stringify(l)}`);
  for (const u of HOST_USERS) if (!evidenceUsers.includes(u) && out.includes(`"name": ${JSON.stringify(u)}`)) found.push(`the host user ${u}`);
  for (const pat of [`"hostname": ${JSON.stringify(HOST_NAME)}`, `"value": ${JSON.stringify(HOST_NAME)}`, `hostname  : ${HOST_NAME}\n`]) {
    if (all.includes(pat)) found.push(`the host's hostname (${pat})`);
  }
  if (HOST_RELEASE && all.includes(HOST_RELEASE)) found.push(`the host's release (${HOST_RELEASE})`);
  return found;
}

/** User names of the unix/user records, from JSON lines output or parsed records. */
export function userNames(out: Buffer | string | readonly JsonLine[]): string[] {
  const records = typeof out === "string" || Buffer.isBuffer(out) ? parseJsonLines(out.toString()) : out;
  return records
    .filter((r) => (r._recorddescriptor as unknown[] | undefined)?.[0] === "unix/user")
    .map((r) => String(r.name))
    .sort();
}
