// The two hashes a DATA object's `hash` may hold (JOURNAL_FILE_FORMAT.md "Basics"): SipHash-2-4 keyed with the
// file id (keyed-hash files, systemd 246+), else Bob Jenkins' lookup3 hashlittle2 with its first result as the
// high 32 bits. Both written here from the published algorithms, in 32-bit halves (no bigint on the hot path).
// The result is returned as [hi, lo] through the `out` pair to avoid an allocation per hash.

export interface Hash64 {
  hi: number;
  lo: number;
}

// --- lookup3 hashlittle2 -------------------------------------------------------------------------------------

function rot(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** jenkins_hashlittle2(data, length, pc = 0, pb = 0) → (c << 32) | b. */
export function jenkins64(d: Uint8Array, start: number, length: number, out: Hash64): void {
  let a = (0xdeadbeef + length) | 0;
  let b = a;
  let c = a;
  let i = start;
  let n = length;
  while (n > 12) {
    a = (a + (d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16) | (d[i + 3]! << 24))) | 0;
    b = (b + (d[i + 4]! | (d[i + 5]! << 8) | (d[i + 6]! << 16) | (d[i + 7]! << 24))) | 0;
    c = (c + (d[i + 8]! | (d[i + 9]! << 8) | (d[i + 10]! << 16) | (d[i + 11]! << 24))) | 0;
    // mix(a, b, c)
    a = (a - c) | 0; a ^= rot(c, 4); c = (c + b) | 0;
    b = (b - a) | 0; b ^= rot(a, 6); a = (a + c) | 0;
    c = (c - b) | 0; c ^= rot(b, 8); b = (b + a) | 0;
    a = (a - c) | 0; a ^= rot(c, 16); c = (c + b) | 0;
    b = (b - a) | 0; b ^= rot(a, 19); a = (a + c) | 0;
    c = (c - b) | 0; c ^= rot(b, 4); b = (b + a) | 0;
    n -= 12;
    i += 12;
  }
  if (n === 0) {
    out.hi = c >>> 0;
    out.lo = b >>> 0;
    return;
  }
  // The last 1…12 bytes, little-endian, into a, b, c.
  let ta = 0;
  let tb = 0;
  let tc = 0;
  for (let k = 0; k < n; k++) {
    const v = d[i + k]! << ((k & 3) * 8);
    if (k < 4) ta |= v;
    else if (k < 8) tb |= v;
    else tc |= v;
  }
  a = (a + ta) | 0;
  b = (b + tb) | 0;
  c = (c + tc) | 0;
  // final(a, b, c)
  c ^= b; c = (c - rot(b, 14)) | 0;
  a ^= c; a = (a - rot(c, 11)) | 0;
  b ^= a; b = (b - rot(a, 25)) | 0;
  c ^= b; c = (c - rot(b, 16)) | 0;
  a ^= c; a = (a - rot(c, 4)) | 0;
  b ^= a; b = (b - rot(a, 14)) | 0;
  c ^= b; c = (c - rot(b, 24)) | 0;
  out.hi = c >>> 0;
  out.lo = b >>> 0;
}

// --- SipHash-2-4 -----------------------------------------------------------------------------------------------
// The four 64-bit state words as (hi, lo) locals, the rounds written out: no calls, no allocation.

function le32(d: Uint8Array, i: number): number {
  return d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16) | (d[i + 3]! << 24);
}

/** SipHash-2-4 of d[start, start + length) with the 16-byte key (k0 = bytes 0…7, k1 = 8…15, little-endian). */
export function siphash24(d: Uint8Array, start: number, length: number, key: Uint8Array, out: Hash64): void {
  const k0l = le32(key, 0), k0h = le32(key, 4), k1l = le32(key, 8), k1h = le32(key, 12);
  let v0h = k0h ^ 0x736f6d65, v0l = k0l ^ 0x70736575;
  let v1h = k1h ^ 0x646f7261, v1l = k1l ^ 0x6e646f6d;
  let v2h = k0h ^ 0x6c796765, v2l = k0l ^ 0x6e657261;
  let v3h = k1h ^ 0x74656462, v3l = k1l ^ 0x79746573;
  let t = 0, u = 0, lo = 0;
  const whole = start + (length & ~7);
  const blocks = (length >>> 3) + 1;
  for (let n = 0, i = start; n < blocks; n++, i += 8) {
    let ml: number, mh: number;
    if (i < whole) {
      ml = le32(d, i);
      mh = le32(d, i + 4);
    } else {
      // The last block: the remaining bytes, and the length's low byte in the top byte.
      ml = 0;
      mh = (length & 0xff) << 24;
      for (let k = 0; i + k < start + length; k++) {
        if (k < 4) ml |= d[i + k]! << (k * 8);
        else mh |= d[i + k]! << ((k - 4) * 8);
      }
    }
    v3h ^= mh; v3l ^= ml;
    // two SipRounds, written out: v0 += v1, v1 = rotl(v1, 13) ^ v0, v0 = rotl(v0, 32); v2 += v3,
    // v3 = rotl(v3, 16) ^ v2; v0 += v3, v3 = rotl(v3, 21) ^ v0; v2 += v1, v1 = rotl(v1, 17) ^ v2, v2 = rotl(v2, 32)
      lo = (v0l >>> 0) + (v1l >>> 0); v0h = (v0h + v1h + (lo > 0xffffffff ? 1 : 0)) | 0; v0l = lo | 0;
      t = (v1h << 13) | (v1l >>> 19); u = (v1l << 13) | (v1h >>> 19); v1h = t ^ v0h; v1l = u ^ v0l;
      t = v0h; v0h = v0l; v0l = t;
      lo = (v2l >>> 0) + (v3l >>> 0); v2h = (v2h + v3h + (lo > 0xffffffff ? 1 : 0)) | 0; v2l = lo | 0;
      t = (v3h << 16) | (v3l >>> 16); u = (v3l << 16) | (v3h >>> 16); v3h = t ^ v2h; v3l = u ^ v2l;
      lo = (v0l >>> 0) + (v3l >>> 0); v0h = (v0h + v3h + (lo > 0xffffffff ? 1 : 0)) | 0; v0l = lo | 0;
      t = (v3h << 21) | (v3l >>> 11); u = (v3l << 21) | (v3h >>> 11); v3h = t ^ v0h; v3l = u ^ v0l;
      lo = (v2l >>> 0) + (v1l >>> 0); v2h = (v2h + v1h + (lo > 0xffffffff ? 1 : 0)) | 0; v2l = lo | 0;
      t = (v1h << 17) | (v1l >>> 15); u = (v1l << 17) | (v1h >>> 15); v1h = t ^ v2h; v1l = u ^ v2l;
      t = v2h; v2h = v2l; v2l = t;
      lo = (v0l >>> 0) + (v1l >>> 0); v0h = (v0h + v1h + (lo > 0xffffffff ? 1 : 0)) | 0; v0l = lo | 0;
      t = (v1h << 13) | (v1l >>> 19); u = (v1l << 13) | (v1h >>> 19); v1h = t ^ v0h; v1l = u ^ v0l;
      t = v0h; v0h = v0l; v0l = t;
      lo = (v2l >>> 0) + (v3l >>> 0); v2h = (v2h + v3h + (lo > 0xffffffff ? 1 : 0)) | 0; v2l = lo | 0;
      t = (v3h << 16) | (v3l >>> 16); u = (v3l << 16) | (v3h >>> 16); v3h = t ^ v2h; v3l = u ^ v2l;
      lo = (v0l >>> 0) + (v3l >>> 0); v0h = (v0h + v3h + (lo > 0xffffffff ? 1 : 0)) | 0; v0l = lo | 0;
      t = (v3h << 21) | (v3l >>> 11); u = (v3l << 21) | (v3h >>> 11); v3h = t ^ v0h; v3l = u ^ v0l;
      lo = (v2l >>> 0) + (v1l >>> 0); v2h = (v2h + v1h + (lo > 0xffffffff ? 1 : 0)) | 0; v2l = lo | 0;
      t = (v1h << 17) | (v1l >>> 15); u = (v1l << 17) | (v1h >>> 15); v1h = t ^ v2h; v1l = u ^ v2l;
      t = v2h; v2h = v2l; v2l = t;
    v0h ^= mh; v0l ^= ml;
  }
  v2l ^= 0xff;
  for (let r = 0; r < 4; r++) {
    lo = (v0l >>> 0) + (v1l >>> 0); v0h = (v0h + v1h + (lo > 0xffffffff ? 1 : 0)) | 0; v0l = lo | 0;
    t = (v1h << 13) | (v1l >>> 19); u = (v1l << 13) | (v1h >>> 19); v1h = t ^ v0h; v1l = u ^ v0l;
    t = v0h; v0h = v0l; v0l = t;
    lo = (v2l >>> 0) + (v3l >>> 0); v2h = (v2h + v3h + (lo > 0xffffffff ? 1 : 0)) | 0; v2l = lo | 0;
    t = (v3h << 16) | (v3l >>> 16); u = (v3l << 16) | (v3h >>> 16); v3h = t ^ v2h; v3l = u ^ v2l;
    lo = (v0l >>> 0) + (v3l >>> 0); v0h = (v0h + v3h + (lo > 0xffffffff ? 1 : 0)) | 0; v0l = lo | 0;
    t = (v3h << 21) | (v3l >>> 11); u = (v3l << 21) | (v3h >>> 11); v3h = t ^ v0h; v3l = u ^ v0l;
    lo = (v2l >>> 0) + (v1l >>> 0); v2h = (v2h + v1h + (lo > 0xffffffff ? 1 : 0)) | 0; v2l = lo | 0;
    t = (v1h << 17) | (v1l >>> 15); u = (v1l << 17) | (v1h >>> 15); v1h = t ^ v2h; v1l = u ^ v2l;
    t = v2h; v2h = v2l; v2l = t;
  }
  out.hi = (v0h ^ v1h ^ v2h ^ v3h) >>> 0;
  out.lo = (v0l ^ v1l ^ v2l ^ v3l) >>> 0;
}
