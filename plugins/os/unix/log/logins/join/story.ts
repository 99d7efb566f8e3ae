// The pipeline: sources merged by time → the join → each event as it is complete, oldest first.
import type { FunctionContext, Target } from "quarry";
import type { Assembled } from "./event.js";
import { Joiner } from "./join.js";
import { mergeRecords, openSources, type OpenedSources, type SourceRecords } from "./sources.js";

/** Every login event of the target, oldest first; `only` limits the sources (tests, the bench). */
export async function story(t: Target, ctx: FunctionContext, only?: readonly string[]): Promise<Iterable<Assembled>> {
  return joined(await openSources(t, ctx, only), ctx);
}

/** The story of records given by source (tests: real-format records of the journal, say). */
export function storyOfRecords(given: readonly SourceRecords[], ctx: Pick<FunctionContext, "warn">): Iterable<Assembled> {
  return joined(mergeRecords(given), ctx);
}

function joined(sources: OpenedSources, ctx: Pick<FunctionContext, "warn">): Iterable<Assembled> {
  return (function* () {
    const ready: Assembled[] = [];
    const joiner = new Joiner((e) => ready.push(e));
    try {
      for (const o of sources.observations) {
        joiner.add(o);
        if (ready.length) {
          for (let i = 0; i < ready.length; i++) yield ready[i]!;
          ready.length = 0;
        }
      }
      joiner.finish();
      yield* ready.splice(0);
      const late = joiner.stats.late;
      if (late) {
        ctx.warn({ message: `${late} source records were more out of time order than the reorder buffer holds: joined only with what was still pending, and output slightly out of order` });
      }
    } finally {
      sources.close();
    }
  })();
}
