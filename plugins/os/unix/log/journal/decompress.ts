// The one place the reader inflates a compressed DATA payload. Stand-in until src/util/decompress lands
// (branch j-decompress): it names the codec it cannot inflate, so such a field is reported, never guessed.

export type Codec = "xz" | "lz4" | "zstd";

/** The most one payload may inflate to unless the caller says otherwise. */
export const DEFAULT_MAX_OUTPUT = 64 * 1024 * 1024;

export class PayloadError extends Error {
  constructor(
    message: string,
    /** "limit": it would inflate past the limit; "damaged": not a valid stream; "unsupported": no decoder. */
    readonly kind: "limit" | "damaged" | "unsupported",
    /** Where in the compressed bytes it went wrong, or -1. */
    readonly at: number,
  ) {
    super(message);
  }
}

/** The payload as systemd wrote it before compressing it (input as stored, lz4 with its le64 size prefix). */
export function inflate(codec: Codec, input: Uint8Array, maxOutput: number): Uint8Array {
  void input;
  void maxOutput;
  throw new PayloadError(`${codec}: no decompressor yet`, "unsupported", -1);
}
