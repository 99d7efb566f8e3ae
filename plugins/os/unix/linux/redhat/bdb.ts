// The Berkeley DB hash file rpm ≤ 4.15 kept its package headers in (/var/lib/rpm/Packages of RHEL ≤ 8,
// CentOS, older Fedora): read page by page, without Berkeley DB. Layout (Berkeley DB's dbinc/db_page.h):
//   page 0, the hash meta page: lsn(8) pgno(4) magic(4)=0x061561 version(4) pagesize(4) encrypt_alg(1)
//     type(1)=8 metaflags(1) unused(1) free(4) last_pgno(4) …; the byte order is the writer's, told by the magic.
//   every page: lsn(8) pgno(4) prev_pgno(4) next_pgno(4) entries(2) hf_offset(2) level(1) type(1), then
//     `entries` 2-byte offsets of its items. Hash pages (type 13, or 2 unsorted) hold key/data pairs, items
//     stored from the page's end down: item i runs from offset[i] to offset[i-1] (the page end for i = 0). An
//     item is H_KEYDATA (1, the bytes follow) or H_OFFPAGE (3: pad(3) pgno(4) tlen(4)), whose bytes are a
//     chain of overflow pages (type 7): each holds hf_offset bytes after its 26-byte header, next_pgno links.
// Every page number, offset, count and length is checked against the file before use, chains are cut at a
// loop or past their stated length; checksummed or encrypted files (which change the page layout) are refused.
export class BdbError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const HASH_MAGIC = 0x061561;
const P_HASH_UNSORTED = 2;
const P_OVERFLOW = 7;
const P_HASHMETA = 8;
const P_HASH = 13;
const H_KEYDATA = 1;
const H_OFFPAGE = 3;
const PAGE_HEADER = 26;

export interface BdbPair {
  key: Uint8Array;
  value: Uint8Array;
  /** The page the pair's key is on, for messages. */
  page: number;
}

export function isBdbHash(head: Uint8Array): boolean {
  if (head.length < 26) return false;
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  return (dv.getUint32(12, true) === HASH_MAGIC || dv.getUint32(12, false) === HASH_MAGIC) && head[25] === P_HASHMETA;
}

/** Every key/data pair of the hash file in page order; a damaged item is reported and skipped. */
export function* bdbHashPairs(file: Uint8Array, problem: (message: string, offset: number) => void, maxValue: number): Generator<BdbPair> {
  if (!isBdbHash(file)) throw new BdbError("not a Berkeley DB hash file (no hash meta page)", 0);
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const le = dv.getUint32(12, true) === HASH_MAGIC;
  const u32 = (at: number): number => dv.getUint32(at, le);
  const u16 = (at: number): number => dv.getUint16(at, le);
  const pagesize = u32(20);
  if (pagesize < 512 || pagesize > 65536 || (pagesize & (pagesize - 1)) !== 0) throw new BdbError(`page size ${pagesize} is not a power of two in 512 … 65536`, 20);
  if (file[24] !== 0) throw new BdbError(`encrypted (algorithm ${file[24]}): not read`, 24);
  if ((file[26]! & 1) !== 0) throw new BdbError("checksummed pages (a different page layout): not read", 26);
  const pages = Math.floor(file.length / pagesize);
  const last = u32(32);
  if (last >= pages) problem(`the meta page says the last page is ${last}, the file holds ${pages}: the pages present are read`, 32);

  const overflow = (pgno: number, tlen: number, at: number): Uint8Array | null => {
    if (tlen > maxValue) {
      problem(`an overflow item of ${tlen} bytes, more than ${maxValue}: skipped`, at);
      return null;
    }
    const out = new Uint8Array(tlen);
    let got = 0;
    const seen = new Set<number>();
    while (got < tlen) {
      if (pgno === 0 || pgno >= pages || seen.has(pgno)) {
        problem(`overflow chain broken at page ${pgno} after ${got} of ${tlen} bytes: item skipped`, at);
        return null;
      }
      seen.add(pgno);
      const p = pgno * pagesize;
      if (file[p + 25] !== P_OVERFLOW) {
        problem(`page ${pgno} of an overflow chain is of type ${file[p + 25]}, not an overflow page: item skipped`, p + 25);
        return null;
      }
      const len = u16(p + 22);
      if (len > pagesize - PAGE_HEADER || got + len > tlen) {
        problem(`overflow page ${pgno} holds ${len} bytes, past its page or the item's ${tlen}: item skipped`, p + 22);
        return null;
      }
      out.set(file.subarray(p + PAGE_HEADER, p + PAGE_HEADER + len), got);
      got += len;
      pgno = u32(p + 16);
    }
    return out;
  };

  for (let pg = 1; pg < pages; pg++) {
    const p = pg * pagesize;
    const type = file[p + 25];
    if (type !== P_HASH && type !== P_HASH_UNSORTED) continue;
    const entries = u16(p + 20);
    if (PAGE_HEADER + entries * 2 > pagesize) {
      problem(`hash page ${pg} claims ${entries} items, more than fit: page skipped`, p + 20);
      continue;
    }
    const item = (i: number): Uint8Array | null => {
      const off = u16(p + PAGE_HEADER + i * 2);
      const end = i === 0 ? pagesize : u16(p + PAGE_HEADER + (i - 1) * 2);
      if (off < PAGE_HEADER + entries * 2 || off >= end || end > pagesize) {
        problem(`hash page ${pg} item ${i}: offsets ${off} … ${end} are outside the page's items: skipped`, p + PAGE_HEADER + i * 2);
        return null;
      }
      const t = file[p + off];
      if (t === H_KEYDATA) return file.subarray(p + off + 1, p + end);
      if (t === H_OFFPAGE && end - off >= 12) return overflow(u32(p + off + 4), u32(p + off + 8), p + off);
      problem(`hash page ${pg} item ${i}: item type ${t} (duplicates are not in an rpm database): skipped`, p + off);
      return null;
    };
    for (let i = 0; i + 1 < entries; i += 2) {
      const key = item(i);
      const value = item(i + 1);
      if (key && value) yield { key, value, page: pg };
    }
    if (entries % 2) problem(`hash page ${pg} has an odd number of items (${entries}): the last is no pair`, p + 20);
  }
}
