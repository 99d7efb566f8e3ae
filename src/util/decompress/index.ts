// Decompressing a systemd journal DATA payload (docs/compression.md): synchronous, bounded, exact.
//   zstd: one frame as ZSTD_compress writes it (content size in its header);
//   xz:   one .xz stream as lzma_stream_buffer_encode writes it (LZMA2, LZMA_CHECK_NONE);
//   lz4:  systemd's own framing: the size as a little-endian 64-bit integer, then one raw LZ4 block.
// Never allocates more than maxOutput (plus a constant) whatever the payload claims, never loops, and takes
// time linear in the bytes it reads and writes; a damaged payload is a DecompressError naming the offset.
import { type Codec, DecompressError } from "./error.js";
import { decompressLz4 } from "./lz4.js";
import { decompressXz } from "./xz.js";
import { decompressZstd } from "./zstd.js";

export { type Codec, DecompressError, type DecompressFailure } from "./error.js";

/**
 * systemd's DATA_SIZE_MAX (src/shared/journal-importer.h: 768 MiB): the largest field value journald and
 * systemd-journal-remote accept, so the largest payload a journal written by systemd can inflate to. The
 * default limit for a reader; a smaller one trades such fields (core dumps stored in the journal) for memory.
 */
export const JOURNAL_DATA_SIZE_MAX = 768 * 1024 * 1024;

export function decompress(codec: Codec, input: Uint8Array, maxOutput: number = JOURNAL_DATA_SIZE_MAX): Uint8Array {
  if (!Number.isSafeInteger(maxOutput) || maxOutput < 0) throw new RangeError(`maxOutput ${maxOutput} is not a byte count`);
  switch (codec) {
    case "zstd":
      return decompressZstd(input, maxOutput);
    case "xz":
      return decompressXz(input, maxOutput);
    case "lz4":
      return decompressLz4(input, maxOutput);
    default:
      throw new DecompressError(codec, -1, "damaged", "unknown codec");
  }
}
