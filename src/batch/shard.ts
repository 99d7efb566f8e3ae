// `--shard K/N`: the K-th of N deterministic slices of the target list, so that any scheduler (GNU parallel,
// Slurm array jobs, Kubernetes indexed Jobs) can spread a fleet over machines with no coordinator of ours.
//
// A target belongs to slice 1 + (h mod N), h being the first 4 bytes of sha256 of the target's path exactly as
// it appears in the expanded list. This depends only on the target itself, not on its position, so the slices
// stay a partition even when shards start at different times and the folder has grown in between: a new
// collection lands in exactly one slice, and no other target moves.
import { createHash } from "node:crypto";
import { UsageError } from "../plugin/args.js";

export interface Shard {
  /** 1-based slice number. */
  k: number;
  n: number;
}

export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new UsageError(`--shard: expected K/N (for example 3/8), got "${text}"`);
  const k = Number(m[1]);
  const n = Number(m[2]);
  if (n < 1 || k < 1 || k > n) throw new UsageError(`--shard: need 1 <= K <= N, got ${k}/${n}`);
  return { k, n };
}

export function shardOf(key: string, n: number): number {
  return 1 + (createHash("sha256").update(key, "utf8").digest().readUInt32BE(0) % n);
}

export function selectShard<T extends { path: string }>(items: readonly T[], shard: Shard | null | undefined): T[] {
  if (!shard || shard.n === 1) return [...items];
  return items.filter((t) => shardOf(t.path, shard.n) === shard.k);
}
