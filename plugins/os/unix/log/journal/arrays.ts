// A file's entries in order: through the chain of entry arrays from the header's entry_array_offset (as
// journalctl reads them), then a scan of the objects after the last entry found. Where an array or an entry it
// leads to is damaged, the scan takes over from the last good entry, so every intact entry after the damage is
// still read. The chain must move forward (arrays and the entries in them at increasing offsets: that is how
// systemd writes them), which also makes a looping chain impossible to follow twice.
import { align8, OBJECT_HEADER_SIZE } from "./format.js";
import { ARRAY_CHUNK, blankHead, type EntryHead, type ObjectReader } from "./objects.js";
import type { FileReport } from "./report.js";
import { scanEntries } from "./scan.js";

/** Each entry of the file, in the one head object (read it before asking for the next). */
export function* fileEntries(r: ObjectReader, rep: FileReport): Generator<EntryHead> {
  let found = 0;
  const h = blankHead();
  const hdr = r.header;
  const cut = hdr.truncatedAt !== null;
  /** The last entry read, and where the object after it starts. */
  let last = 0;
  let resume = hdr.headerSize;
  let fallback: string | null = null;
  let arr = hdr.entryArrayOffset;
  let prev = 0;
  walk: while (arr !== 0) {
    if (arr <= prev) {
      fallback = `the entry array at ${prev} links back to byte ${arr}`;
      rep.error(prev, `damaged ENTRY_ARRAY: next_entry_array_offset ${arr} does not lead forward`);
      break;
    }
    if (cut && arr + OBJECT_HEADER_SIZE > r.end) break; // the rest of the chain was cut off
    if (!r.placeable(arr)) {
      fallback = `no entry array can be at byte ${arr}`;
      // a bad entry_array_offset of the header itself was reported with the header (parseHeader)
      if (prev !== 0) rep.error(prev, `damaged ENTRY_ARRAY: next_entry_array_offset ${arr} is not an object offset`);
      break;
    }
    const a = r.entryArray(arr);
    if (typeof a === "string") {
      if (cut && /past the end/.test(a)) break;
      fallback = `the entry array at ${arr} is damaged`;
      rep.error(arr, `damaged ENTRY_ARRAY: ${a}`);
      break;
    }
    const [capacity, next] = a;
    for (let from = 0; from < capacity; from += ARRAY_CHUNK) {
      const want = Math.min(ARRAY_CHUNK, capacity - from);
      const n = r.entryArrayItems(arr, from, want);
      if (n < 0) break walk;
      for (let i = 0; i < n; i++) {
        const off = r.arrayItems[i]!;
        if (off <= last || !r.placeable(off)) {
          if (cut && off + OBJECT_HEADER_SIZE > r.end) break walk;
          fallback = `the entry array at ${arr} is damaged`;
          rep.error(arr, `damaged ENTRY_ARRAY: item ${from + i} is ${off}, ${off <= last ? `not after the previous entry (${last})` : "not an object offset"}`);
          break walk;
        }
        const p = r.entryHead(off, h);
        if (p !== null) {
          if (cut && /past the end/.test(p)) break walk;
          // reported at the array (the scan that follows reports the object itself, with how far it reaches)
          fallback = `the entry at ${off} is damaged`;
          rep.error(arr, `ENTRY_ARRAY item ${from + i} leads to a damaged ENTRY at ${off}: ${p}`);
          break walk;
        }
        found++;
        yield h;
        last = off;
        resume = off + align8(h.size);
      }
      if (n < want) {
        // A zero item ends the used part; systemd links the next array only to a full one.
        if (next !== 0) {
          fallback = `the entry array at ${arr} is damaged`;
          rep.error(arr, `damaged ENTRY_ARRAY: item ${from + n} is zero, yet the array links to another at ${next}`);
          break walk;
        }
        break;
      }
    }
    prev = arr;
    arr = next;
  }
  // The objects after the last entry: after damage, every entry left; else those a writer never linked.
  if (fallback !== null) rep.warn(`reading on by a scan of the objects from byte ${resume}, since ${fallback}`, resume);
  let unlinked = 0;
  let first = 0;
  for (const e of scanEntries(r, rep, resume, last, h)) {
    if (fallback === null && unlinked++ === 0) first = e.offset;
    found++;
    yield e;
  }
  if (fallback === null && unlinked > 0) {
    rep.warn(`${unlinked} entr${unlinked === 1 ? "y" : "ies"} from byte ${first} on are not in the entry arrays (written but never linked: the file was not closed cleanly); read by a scan`, first);
  }
  // journald counts an entry when it links it: fewer found means some were lost without a trace we could follow.
  const claimed = r.header.nEntries;
  if (found < claimed && r.header.truncatedAt === null && rep.errorCount === 0) {
    rep.warn(`the header counts ${claimed} entries, ${found} were found`);
  }
}
