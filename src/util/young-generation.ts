// V8 grows the young generation of a busy thread to 16 MiB semi-spaces (32 MiB of new space) by default, for a
// throughput gain a record pipeline does not see: the journal bench ran as fast with 4 MiB semi-spaces and peaked
// 25–30 MB lower (docs/journal.md, Performance). Node 20 sets a semi-space's ceiling only from the command line
// (`--max-semi-space-size`, which a bin cannot pass), but V8 reads its growth factor each time it grows the space:
// once the new space has reached the ceiling, a factor of 1 stops it there. Called by the runner every
// CHECK_EVERY records of a command-line tool's main thread (worker threads get theirs from the Worker's
// resourceLimits, src/batch/pool.ts; a program that embeds quarry keeps V8's sizing). Only the memory changes,
// never what is computed. Measured (3 runs each, alternating): journal -j 162–166 → 138–142 MB, atop -j 130–134
// → 99–102 MB, times unchanged within the machine's noise; garbage that lives a little longer now reaches the old
// space (the JSON sink's chunks did, until it reused them: see sinks/jsonl.ts). QUARRY_YOUNG_GENERATION=v8 leaves
// V8's sizing alone.
import v8 from "node:v8";
import { isMainThread } from "node:worker_threads";

/** New space (both semi-spaces) at which growth stops: 4 MiB semi-spaces. */
export const YOUNG_CEILING = 8 * 1024 * 1024;
/** Often enough that the space cannot grow twice between checks (a scavenge needs a semi-space of allocation);
 *  a check costs ~1 µs. */
export const CHECK_EVERY = 256;

/** Nothing is held unless a CLI process asked for it: a program that embeds quarry keeps V8's sizing. */
let held = true;

/** Called by the command-line tools at start (src/cli/common.ts runCli). */
export function allowYoungGenerationHold(): void {
  held = !isMainThread || process.env.QUARRY_YOUNG_GENERATION === "v8";
}

/** Stop the young generation's growth once it has reached YOUNG_CEILING. Cheap: one heap statistic. */
export function holdYoungGeneration(): void {
  if (held) return;
  const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
  if (!space || space.space_size < YOUNG_CEILING) return;
  held = true;
  try {
    v8.setFlagsFromString("--semi-space-growth-factor=1");
  } catch {
    // a V8 whose flags are frozen after start: it keeps its own sizing
  }
}
