// A large btmp/wtmp of the 384-byte x86_64 layout, seeded: the same bytes on every machine and every run. Damage
// can be added (an implausible record, inserted bytes, a truncated tail) so that the warnings path is covered too.
import { prng } from "./prng.js";

const REC = 384;
const TYPES = [6, 6, 6, 6, 6, 7, 8, 1, 2, 5];
const USERS = ["root", "admin", "ubuntu", "oracle", "test", "pi", "git", "user", "", "caf\u00e9", "a b", 'q"t', "back\\slash", "\u{1F600}"];

export interface GenOptions {
  records: number;
  seed?: number;
  /** Overwrite record i with an unknown ut_type (for each i). */
  implausibleAt?: readonly number[];
  /** Insert n junk bytes before record i ([i, n] pairs, ascending). */
  insertAt?: readonly (readonly [number, number])[];
  /** Bytes of a partial record at the end. */
  tail?: number;
}

export function genUtmp(opts: GenOptions): Buffer {
  const rnd = prng(opts.seed ?? 1);
  const int = (n: number) => Math.floor(rnd() * n);
  const body = Buffer.alloc(opts.records * REC);
  let sec = 1_700_000_000;
  const bad = new Set(opts.implausibleAt ?? []);
  for (let i = 0; i < opts.records; i++) {
    const o = i * REC;
    const type = bad.has(i) ? 0x4242 : TYPES[int(TYPES.length)]!;
    body.writeInt16LE(type, o);
    body.writeInt32LE(1000 + int(4_000_000), o + 4);
    const line = int(4) === 0 ? `pts/${int(20)}` : "ssh:notty";
    body.write(line, o + 8, 32, "latin1");
    body.write(int(3) === 0 ? "ts/1" : "", o + 40, 4, "latin1");
    const user = USERS[int(USERS.length)]! + (int(5) === 0 ? String(int(1000)) : "");
    Buffer.from(user, "utf8").copy(body, o + 44, 0, 32);
    if (int(50) === 0) body[o + 44 + 5] = 0xff; // a byte that is not UTF-8
    let host = "";
    const addrKind = int(4);
    if (addrKind === 0) {
      const a = [10, int(256), int(256), 1 + int(254)];
      host = a.join(".");
      for (let k = 0; k < 4; k++) body[o + 348 + k] = a[k]!;
    } else if (addrKind === 1) {
      const groups = [0x2001, 0xdb8, int(65536), 0, 0, 0, int(65536), 1 + int(65535)];
      host = groups.map((g) => g.toString(16)).join(":");
      for (let k = 0; k < 8; k++) body.writeUInt16BE(groups[k]!, o + 348 + 2 * k);
    } else if (addrKind === 2) host = `host-${int(1000)}.example.net`;
    body.write(host, o + 76, 256, "latin1");
    body.writeInt16LE(int(10) === 0 ? int(3) : 0, o + 332);
    body.writeInt16LE(int(10) === 0 ? int(256) : 0, o + 334);
    body.writeInt32LE(int(100000), o + 336);
    sec += int(30);
    body.writeUInt32LE(sec, o + 340);
    body.writeInt32LE(int(1_000_000), o + 344);
  }
  const parts: Buffer[] = [];
  let from = 0;
  for (const [at, n] of opts.insertAt ?? []) {
    parts.push(body.subarray(from * REC, at * REC));
    const junk = Buffer.alloc(n);
    for (let k = 0; k < n; k++) junk[k] = int(256);
    parts.push(junk);
    from = at;
  }
  parts.push(body.subarray(from * REC));
  if (opts.tail) parts.push(Buffer.alloc(opts.tail, 0x41));
  return Buffer.concat(parts);
}
