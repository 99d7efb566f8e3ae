// The one error every decompressor throws: which codec, where in the compressed input, and whether the input
// is damaged or would inflate past the caller's limit (a reader reports both as a damaged object, but says which).

export type Codec = "xz" | "lz4" | "zstd";

/** "damaged": the input is not a valid stream; "limit": it would inflate past maxOutput. */
export type DecompressFailure = "damaged" | "limit";

export class DecompressError extends Error {
  constructor(
    readonly codec: Codec,
    /** Byte offset in the compressed input where decoding went wrong, or -1 when no one place is to blame. */
    readonly offset: number,
    readonly kind: DecompressFailure,
    detail: string,
  ) {
    super(`${codec}: ${detail}${offset >= 0 ? ` (at compressed offset ${offset})` : ""}`);
    this.name = "DecompressError";
  }
}
