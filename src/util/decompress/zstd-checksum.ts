// XXH64 (seed 0), whose low 32 bits end a zstd frame that has its checksum flag (the zstd CLI sets it by
// default; ZSTD_compress, as systemd calls it, never does). BigInt arithmetic: only such frames pay for it.
const M = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;

const rotl = (v: bigint, r: bigint): bigint => ((v << r) | (v >> (64n - r))) & M;
const round = (acc: bigint, lane: bigint): bigint => (rotl((acc + lane * P2) & M, 31n) * P1) & M;
const merge = (acc: bigint, v: bigint): bigint => (((acc ^ round(0n, v)) * P1) & M) + P4 & M;

export function xxh64(b: Uint8Array, start: number, end: number): bigint {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const lane = (i: number): bigint => view.getBigUint64(i, true);
  let i = start;
  const len = end - start;
  let h: bigint;
  if (len >= 32) {
    let v1 = (P1 + P2) & M;
    let v2 = P2;
    let v3 = 0n;
    let v4 = (M + 1n - P1) & M;
    for (; i + 32 <= end; i += 32) {
      v1 = round(v1, lane(i));
      v2 = round(v2, lane(i + 8));
      v3 = round(v3, lane(i + 16));
      v4 = round(v4, lane(i + 24));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M;
    h = merge(h, v1);
    h = merge(h, v2);
    h = merge(h, v3);
    h = merge(h, v4);
  } else h = P5;
  h = (h + BigInt(len)) & M;
  for (; i + 8 <= end; i += 8) h = ((rotl(h ^ round(0n, lane(i)), 27n) * P1) & M) + P4 & M;
  if (i + 4 <= end) {
    h = ((rotl(h ^ ((BigInt(view.getUint32(i, true)) * P1) & M), 23n) * P2) & M) + P3 & M;
    i += 4;
  }
  for (; i < end; i++) h = (rotl(h ^ ((BigInt(b[i]!) * P5) & M), 11n) * P1) & M;
  h ^= h >> 33n;
  h = (h * P2) & M;
  h ^= h >> 29n;
  h = (h * P3) & M;
  h ^= h >> 32n;
  return h;
}
