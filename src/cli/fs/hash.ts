// hash [-a md5|sha1|sha256] PATH...: digests of target files (all three by default), read in chunks.
import { createHash } from "node:crypto";
import { printableName } from "../../util/escape.js";
import { UsageError } from "../common.js";
import { absolute, expandOperands, parseFlags, type FsContext, warn } from "./context.js";
import { forEachChunk } from "./read.js";

const ALGORITHMS = ["md5", "sha1", "sha256"] as const;

export async function hash(ctx: FsContext, argv: readonly string[]): Promise<number> {
  const { values, operands } = parseFlags("hash", argv, "", {}, { "-a": "a", "--algorithm": "a" });
  const want = values.get("a");
  if (want !== undefined && !(ALGORITHMS as readonly string[]).includes(want)) throw new UsageError(`hash: -a ${want}: expected one of ${ALGORITHMS.join(", ")}`);
  const algos = want ? [want] : [...ALGORITHMS];
  let failed = 0;
  for (const p of expandOperands(ctx, operands)) {
    try {
      const hs = algos.map((a) => createHash(a));
      await forEachChunk(ctx.fs, absolute(ctx, p), (c) => {
        for (const h of hs) h.update(c);
      }, Infinity, true);
      let text = "";
      hs.forEach((h, i) => (text += `${algos[i]}  ${h.digest("hex")}  ${printableName(p)}\n`));
      await ctx.out.write(text);
    } catch (e) {
      warn(ctx, `hash: ${(e as Error).message}`);
      failed++;
    }
  }
  return failed;
}
