// The batch run as a library ("quarry/batch"): what target-query does with many targets, for a program of its
// own (docs/batch.md, "Using it from code"). src/cli/target-query.ts is the reference caller.
export { expandTargets, gatherTargetArgs, type SkippedEntry, type TargetList, type TargetSpec } from "./targets.js";
export { parseShard, selectShard, type Shard } from "./shard.js";
export { runBatch, type BatchOptions, type BatchResult } from "./run.js";
