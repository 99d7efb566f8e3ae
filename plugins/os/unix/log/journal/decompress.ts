// The one place the reader inflates a compressed DATA payload: quarry's own decoders (src/util/decompress,
// docs/compression.md), synchronous and bounded by the caller's limit.
import { decompress, DecompressError, JOURNAL_DATA_SIZE_MAX, type Codec } from "quarry";

export type { Codec };

/**
 * The most one field may be unless --max-field-size says otherwise: 64 MiB. systemd accepts up to 768 MiB
 * (JOURNAL_DATA_SIZE_MAX: core dumps kept in the journal), but a field that size costs several times its size
 * in memory on its way out as text; the option raises the limit up to that.
 */
export const DEFAULT_MAX_OUTPUT = 64 * 1024 * 1024;
export const MAX_OUTPUT_LIMIT = JOURNAL_DATA_SIZE_MAX;

export class PayloadError extends Error {
  constructor(
    message: string,
    /** "limit": it would inflate past the limit; "damaged": not a valid stream. */
    readonly kind: "limit" | "damaged",
    /** Where in the compressed bytes it went wrong, or -1. */
    readonly at: number,
  ) {
    super(message);
  }
}

/** The payload as systemd wrote it before compressing it (input as stored, lz4 with its le64 size prefix). */
export function inflate(codec: Codec, input: Uint8Array, maxOutput: number): Uint8Array {
  try {
    return decompress(codec, input, maxOutput);
  } catch (e) {
    if (e instanceof DecompressError) throw new PayloadError(e.message, e.kind, e.offset);
    throw e;
  }
}
