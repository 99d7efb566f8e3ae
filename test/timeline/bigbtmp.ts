// A large btmp for the timeline's bounds: record 0 of the committed btmp_basic (sshd's failed root login, written
// by utmpdump -r) cloned N times with its pid and time rewritten. The times are a permutation of N consecutive
// seconds, scattered over the file (record i at base + i × 7919 mod N), so the timeline has every record to move.
import fs from "node:fs";
import path from "node:path";
import { UTMP } from "./oracle.js";

export const RECORD = 384;
export const BASE = 1_709_690_000; // 2024-03-06T01:53:20Z

/** The second of record i (7919 is prime, so i ↦ i × 7919 mod n is a permutation of 0 … n−1). */
export function secondOf(i: number, n: number): number {
  return BASE + ((i * 7919) % n);
}

/** A host directory (etc/hostname, var/log/btmp of n records) below dir; returns its path. */
export function bigBtmpHost(dir: string, n: number, name = "big01"): string {
  const root = path.join(dir, name);
  fs.mkdirSync(path.join(root, "etc"), { recursive: true });
  fs.mkdirSync(path.join(root, "var/log"), { recursive: true });
  fs.writeFileSync(path.join(root, "etc/hostname"), name + "\n");
  const template = fs.readFileSync(path.join(UTMP, "btmp_basic")).subarray(0, RECORD);
  const fd = fs.openSync(path.join(root, "var/log/btmp"), "w");
  try {
    const per = 8192;
    const chunk = Buffer.alloc(per * RECORD);
    for (let first = 0; first < n; first += per) {
      const count = Math.min(per, n - first);
      for (let j = 0; j < count; j++) {
        const at = j * RECORD;
        template.copy(chunk, at);
        chunk.writeInt32LE(4000 + ((first + j) % 30000), at + 4);
        chunk.writeInt32LE(secondOf(first + j, n), at + 340);
        chunk.writeInt32LE(0, at + 344);
      }
      fs.writeSync(fd, chunk, 0, count * RECORD);
    }
  } finally {
    fs.closeSync(fd);
  }
  return root;
}
