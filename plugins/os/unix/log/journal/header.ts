// The file header: what it says, and what of it can be trusted. Every offset and count is checked against
// the file's real size before the reader uses it (journal-file.c's journal_file_verify_header is the model:
// the same limits, but a header that fails one is read as far as it can be, not refused).
import {
  HEADER_INCOMPATIBLE_COMPACT,
  HEADER_INCOMPATIBLE_KEYED_HASH,
  HEADER_INCOMPATIBLE_KNOWN,
  HEADER_SIZE_254,
  HEADER_SIZE_MIN,
  SIGNATURE,
  STATE_NAMES,
  id128,
  u32,
  u64,
  u64Exact,
} from "./format.js";

export interface JournalHeader {
  compatibleFlags: number;
  incompatibleFlags: number;
  state: number;
  /** The siphash24 key of a keyed-hash file. */
  fileId: Uint8Array;
  machineId: string;
  tailEntryBootId: string;
  seqnumId: string;
  headerSize: number;
  arenaSize: number;
  tailObjectOffset: number;
  nObjects: number;
  nEntries: number;
  entryArrayOffset: number;
  /** Fields added after the first format (null when the header is too short to hold them). */
  nData: number | null;
  tailEntryArrayOffset: number | null;
  tailEntryArrayNEntries: number | null;
  tailEntryOffset: number | null;
  compact: boolean;
  keyedHash: boolean;
  /** Where objects may lie: [headerSize, end). The smaller of the arena's end and the file's size. */
  end: number;
  /** The file is shorter than header_size + arena_size claims: a copy cut short or a write cut off. */
  truncatedAt: number | null;
}

/** A header field that cannot be true of this file: reported as an error at the field's offset. */
export interface HeaderProblem {
  offset: number;
  message: string;
}

export type HeaderResult = { ok: true; header: JournalHeader; warnings: string[]; problems: HeaderProblem[] } | { ok: false; reason: string };

/** The smallest object of each kind that counts: an ENTRY (compact: 68 bytes, aligned 72) and any object (16). */
const ENTRY_MIN = 72;
const OBJECT_MIN = 16;

/** The bytes to read for the header: 272 (systemd 254's), or the whole file when it is shorter. */
export const HEADER_READ = HEADER_SIZE_254;

/** The header of a file of `fileSize` bytes from its first bytes `b` (at most HEADER_READ of them). */
export function parseHeader(b: Uint8Array, fileSize: number): HeaderResult {
  if (b.length < 8 || String.fromCharCode(...b.subarray(0, 8)) !== SIGNATURE) {
    return { ok: false, reason: `not a journal file: no "${SIGNATURE}" signature` };
  }
  if (b.length < HEADER_SIZE_MIN) return { ok: false, reason: `truncated: ${fileSize} bytes cannot hold a journal header (${HEADER_SIZE_MIN})` };
  const incompatibleFlags = u32(b, 12);
  const unknown = incompatibleFlags & ~HEADER_INCOMPATIBLE_KNOWN;
  if (unknown) {
    // As systemd does: a flag we do not know changes the format in a way we cannot guess.
    return { ok: false, reason: `unknown incompatible flags 0x${unknown.toString(16)}: a newer format this reader does not know` };
  }
  const headerSize = u64(b, 88);
  if (headerSize < HEADER_SIZE_MIN || headerSize % 8 !== 0) {
    return { ok: false, reason: `header_size ${headerSize} is not a header size (at least ${HEADER_SIZE_MIN}, a multiple of 8)` };
  }
  if (headerSize > fileSize) return { ok: false, reason: `truncated: header_size ${u64Exact(b, 88)} is past the end of the file (${fileSize} bytes)` };
  const has = (offset: number, width: number) => headerSize >= offset + width && b.length >= offset + width;
  const warnings: string[] = [];
  const state = b[16]!;
  if (state >= STATE_NAMES.length) warnings.push(`unknown state ${state} (not OFFLINE, ONLINE or ARCHIVED)`);
  const arenaSize = u64(b, 96);
  const claimedEnd = headerSize + arenaSize;
  let end = claimedEnd;
  let truncatedAt: number | null = null;
  if (!(claimedEnd <= fileSize)) {
    truncatedAt = fileSize;
    end = fileSize;
  }
  // What the reader does not need (hash tables, counts) is still checked, so a header that lies is reported;
  // what it needs (the tail object, the entry array chain) is checked again where it is used.
  const problems: HeaderProblem[] = [];
  // counts are checked against the arena the header claims (a file cut short holds fewer, rightly)
  const room = claimedEnd;
  const arenaEnd = String(BigInt(headerSize) + BigInt(u64Exact(b, 96)));
  for (const [at, name] of [
    [104, "data hash table"],
    [120, "field hash table"],
  ] as const) {
    const off = u64(b, at);
    const size = u64(b, at + 8);
    // the offset is that of the table's items, after its object header
    if (off !== 0 || size !== 0) {
      if (!(off >= headerSize + OBJECT_MIN && off % 8 === 0 && size % 16 === 0 && off + size <= claimedEnd)) {
        problems.push({ offset: at, message: `damaged header: the ${name} at ${u64Exact(b, at)} (${u64Exact(b, at + 8)} bytes) is not inside the arena [${headerSize}, ${arenaEnd})` });
      }
    }
  }
  const tail = u64(b, 136);
  if (tail !== 0 && !(tail >= headerSize && tail % 8 === 0 && tail + OBJECT_MIN <= claimedEnd)) {
    problems.push({ offset: 136, message: `damaged header: tail_object_offset ${u64Exact(b, 136)} is not an object offset inside the arena [${headerSize}, ${arenaEnd})` });
  }
  const nObjects = u64(b, 144);
  if (nObjects > (room - headerSize) / OBJECT_MIN) {
    problems.push({ offset: 144, message: `damaged header: n_objects ${u64Exact(b, 144)} is more than the arena's ${room - headerSize} bytes can hold` });
  }
  const nEntries = u64(b, 152);
  if (nEntries > (room - headerSize) / ENTRY_MIN) {
    problems.push({ offset: 152, message: `damaged header: n_entries ${u64Exact(b, 152)} is more than the arena's ${room - headerSize} bytes can hold` });
  }
  const arrays = u64(b, 176);
  if (arrays !== 0 && !(arrays >= headerSize && arrays % 8 === 0 && arrays + OBJECT_MIN <= claimedEnd)) {
    problems.push({ offset: 176, message: `damaged header: entry_array_offset ${u64Exact(b, 176)} is not an object offset inside the arena [${headerSize}, ${arenaEnd}); the entries are found by a scan` });
  }
  return {
    ok: true,
    warnings,
    problems,
    header: {
      compatibleFlags: u32(b, 8),
      incompatibleFlags,
      state,
      fileId: new Uint8Array(b.subarray(24, 40)),
      machineId: id128(b, 40),
      tailEntryBootId: id128(b, 56),
      seqnumId: id128(b, 72),
      headerSize,
      arenaSize,
      tailObjectOffset: tail,
      nObjects,
      nEntries,
      entryArrayOffset: arrays,
      nData: has(208, 8) ? u64(b, 208) : null,
      tailEntryArrayOffset: has(256, 4) ? u32(b, 256) : null,
      tailEntryArrayNEntries: has(260, 4) ? u32(b, 260) : null,
      tailEntryOffset: has(264, 8) ? u64(b, 264) : null,
      compact: (incompatibleFlags & HEADER_INCOMPATIBLE_COMPACT) !== 0,
      keyedHash: (incompatibleFlags & HEADER_INCOMPATIBLE_KEYED_HASH) !== 0,
      end,
      truncatedAt,
    },
  };
}

export function stateName(state: number): string {
  return STATE_NAMES[state] ?? `state ${state}`;
}
