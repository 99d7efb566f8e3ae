// An ENTRY's xor_hash: the XOR of the Jenkins hashes of the DATA objects it was written with. The writer
// computes it before it drops an item repeated in the entry (the same NAME=value twice), so the stored hash may
// differ from the XOR of the items kept by the hashes of such repeated values. A difference that is a sum
// (over GF(2)) of the entry's own item hashes is explained that way; any other is damage to an item or to the
// hash. Past XOR_ITEMS_MAX items the check says little, and each DATA object's own hash is checked instead.

/** With n items the chance that random damage is "explained" is 2^(n-64): past this many the check says little. */
export const XOR_ITEMS_MAX = 40;

/** Whether (hi, lo) is an XOR of some of the n hashes (his[i], los[i]). Gaussian elimination, 64 pivots. */
export function xorOfSome(hi: number, lo: number, his: Uint32Array, los: Uint32Array, n: number): boolean {
  const bHi = new Uint32Array(64);
  const bLo = new Uint32Array(64);
  const has = new Uint8Array(64);
  const reduce = (vh: number, vl: number, insert: boolean): boolean => {
    for (let bit = 63; bit >= 0; bit--) {
      const set = bit >= 32 ? (vh >>> (bit - 32)) & 1 : (vl >>> bit) & 1;
      if (!set) continue;
      if (has[bit]) {
        vh = (vh ^ bHi[bit]!) >>> 0;
        vl = (vl ^ bLo[bit]!) >>> 0;
      } else {
        if (insert) {
          has[bit] = 1;
          bHi[bit] = vh;
          bLo[bit] = vl;
        }
        return false;
      }
    }
    return true;
  };
  for (let i = 0; i < n; i++) reduce(his[i]!, los[i]!, true);
  return reduce(hi >>> 0, lo >>> 0, false);
}
