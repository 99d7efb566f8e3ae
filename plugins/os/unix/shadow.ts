// passwords (dissect's name and unix/shadow descriptor): /etc/shadow and its backup /etc/shadow-, shadow(5).
// name:password:lastchange:min:max:warn:inactive:expire:reserved, day counts since 1970-01-01 (UTC). The
// password field's prefix names the crypt(5) scheme; "!" before it locks the account (passwd -l), "*" or "!"
// alone mean no password was ever set, empty means none is asked. The hash itself is output, as dissect does.
import { absent, definePlugin, defineRecord, ok, Timestamp } from "quarry";
import { chompCr, configLines } from "./textconfig.js";

export const UnixShadowRecord = defineRecord("unix/shadow", {
  name: "string",
  // the password field as written (a crypt(5) string, "!…" locked, "*", "!", empty)
  crypt: "string",
  // md5, sha256, sha512, yescrypt, gost-yescrypt, bcrypt, scrypt, des …; null when the field holds no hash
  algorithm: "string",
  // the scheme's parameters: yescrypt's cost (j9T), bcrypt's cost (05), rounds=N of sha256/sha512
  crypt_param: "string",
  salt: "string",
  hash: "string",
  // passwd -S's status: P (a usable password), L (locked or never set), NP (no password asked)
  status: "string",
  locked: "boolean",
  last_change: "datetime",
  // last change + min days: before it the password cannot be changed (dissect's min_age)
  min_age: "datetime",
  // last change + max days: when the password expires (dissect's max_age; null for 99999, never)
  max_age: "datetime",
  warning_period: "varint",
  inactivity_period: "varint",
  expiration_date: "datetime",
  unused_field: "string",
  // the day counts as written (last_change_days 0: the password must be changed at the next login)
  last_change_days: "varint",
  min_days: "varint",
  max_days: "varint",
  expire_days: "varint",
  lineno: "varint",
  filepath: "path",
});

const FILES = ["/etc/shadow", "/etc/shadow-"];
const DAY_US = 86_400_000_000n;

/** crypt(5) prefixes (libxcrypt's names). */
const SCHEMES: Record<string, string> = {
  "1": "md5", "2": "bcrypt", "2a": "bcrypt", "2b": "bcrypt", "2x": "bcrypt", "2y": "bcrypt", "3": "nthash", "5": "sha256", "6": "sha512",
  "7": "scrypt", y: "yescrypt", gy: "gost-yescrypt", sha1: "sha1crypt", md5: "sunmd5",
};

export interface CryptParts {
  algorithm: string | null;
  param: string | null;
  salt: string | null;
  hash: string | null;
}

/** The parts of a crypt(5) string (the "!" of a locked account already removed). */
export function cryptParts(c: string): CryptParts {
  const none = { algorithm: null, param: null, salt: null, hash: null };
  if (!c || c === "*" || c === "!" || c === "x") return none;
  if (!c.startsWith("$")) {
    // traditional DES: 2 salt characters and 11 of hash; BSDi extended DES starts with "_"
    if (/^[./0-9A-Za-z]{13}$/.test(c)) return { algorithm: "des", param: null, salt: c.slice(0, 2), hash: c.slice(2) };
    if (/^_[./0-9A-Za-z]{19}$/.test(c)) return { algorithm: "bsdicrypt", param: c.slice(1, 5), salt: c.slice(5, 9), hash: c.slice(9) };
    return none;
  }
  const f = c.split("$"); // "", id, …
  const id = f[1]!;
  const algorithm = SCHEMES[id] ?? `$${id}$`;
  if (id.startsWith("2") && f.length === 4) {
    // bcrypt: $2b$cost$ then 22 characters of salt and 31 of hash, not separated
    return { algorithm, param: f[2]!, salt: f[3]!.slice(0, 22), hash: f[3]!.slice(22) || null };
  }
  if ((id === "5" || id === "6") && f.length === 5 && f[2]!.startsWith("rounds=")) return { algorithm, param: f[2]!, salt: f[3]!, hash: f[4]! };
  if (f.length === 5) return { algorithm, param: f[2]!, salt: f[3]!, hash: f[4]! };
  if (f.length === 4) return { algorithm, param: null, salt: f[2]!, hash: f[3]! };
  return { algorithm, param: null, salt: null, hash: null };
}

function days(s: string | undefined): number | null {
  return s !== undefined && /^\d{1,9}$/.test(s) ? Number(s) : null;
}

function dayStamp(d: number | null): Timestamp | null {
  return d === null ? null : Timestamp.fromMicros(BigInt(d) * DAY_US);
}

export default definePlugin({
  name: "shadow",
  path: "os.unix.shadow",
  description: "Password hashes and aging of local accounts from /etc/shadow",
  paths: FILES,
  checkCompatible: (t) => (FILES.some((f) => t.fs.lexists(f)) ? ok() : absent("no /etc/shadow")),
  functions: {
    passwords: {
      output: "records",
      description: "One record per /etc/shadow and /etc/shadow- account (deduplicated on name and password): hash algorithm, salt and hash, locked, last change, aging and expiry",
      records: [UnixShadowRecord],
      *run(t, ctx) {
        const seen = new Set<string>();
        for (const file of FILES) {
          if (!t.fs.lexists(file)) continue;
          for (const line of configLines(t, file, ctx)) {
            const text = chompCr(line.text);
            if (!text.trim() || text.startsWith("#")) continue;
            const f = text.split(":");
            if (f.length < 8 || f.length > 9 || !f[0]) {
              ctx.warn({ message: `line ${line.lineno}: ${f.length} fields, shadow(5) has 9; skipped`, file, offset: line.offset });
              continue;
            }
            const [name, crypt, lc, mn, mx, wn, ina, ex, rest] = f as [string, string, string, string, string, string, string, string, string?];
            const key = `${name}\0${crypt}`;
            if (seen.has(key)) continue;
            seen.add(key);
            const numbers = [lc, mn, mx, wn, ina, ex].map(days);
            const bad = [lc, mn, mx, wn, ina, ex].filter((v, i) => v !== "" && numbers[i] === null && !(v === "-1" && i > 0));
            if (bad.length) ctx.warn({ message: `line ${line.lineno}: ${name}: ${bad.map((b) => JSON.stringify(b.slice(0, 20))).join(", ")} is no day count`, file, offset: line.offset });
            const [lastDays, minDays, maxDays, warnDays, inactiveDays, expireDays] = numbers as [number | null, number | null, number | null, number | null, number | null, number | null];
            const locked = crypt.startsWith("!") || crypt === "*";
            const parts = cryptParts(crypt.startsWith("!") ? crypt.slice(1) : crypt);
            const status = crypt === "" ? "NP" : locked || parts.algorithm === null ? "L" : "P";
            const since = lastDays !== null && lastDays > 0 ? lastDays : null;
            yield UnixShadowRecord.create({
              name,
              crypt,
              algorithm: parts.algorithm,
              crypt_param: parts.param,
              salt: parts.salt,
              hash: parts.hash,
              status,
              locked,
              last_change: dayStamp(since),
              min_age: since !== null && minDays ? dayStamp(since + minDays) : null,
              max_age: since !== null && maxDays !== null && maxDays < 99999 ? dayStamp(since + maxDays) : null,
              warning_period: warnDays ?? null,
              inactivity_period: inactiveDays ?? null,
              expiration_date: dayStamp(expireDays ?? null),
              unused_field: rest ?? null,
              last_change_days: lastDays ?? null,
              min_days: minDays ?? null,
              max_days: maxDays ?? null,
              expire_days: expireDays ?? null,
              lineno: line.lineno,
              filepath: file,
            });
          }
        }
      },
    },
  },
});
