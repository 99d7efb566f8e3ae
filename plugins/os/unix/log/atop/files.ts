// Finding and walking the atop raw files of a target, with every problem reported against its file.
import { type FunctionContext, type Target, Timestamp } from "quarry";
import { AtopFormatError } from "./header.js";
import { AtopFile, RRBOOT, type Sample, type Want } from "./reader.js";

export const ATOP_GLOB = "/var/log/atop/*";

export function atopFiles(target: Target): string[] {
  return target.fs.glob(ATOP_GLOB).filter((p) => target.fs.isFile(p));
}

export interface FileSample {
  atop: AtopFile;
  sample: Sample;
  ts: Timestamp;
  sinceBoot: boolean;
}

/** Every decodable sample of every atop file of the target, in file order. */
export function* walkSamples(target: Target, ctx: FunctionContext, want: Want): Generator<FileSample, void, undefined> {
  for (const file of atopFiles(target)) {
    let fh;
    try {
      fh = target.fs.open(file);
    } catch (e) {
      ctx.error({ message: `cannot open: ${(e as Error).message}`, file });
      continue;
    }
    try {
      let atop: AtopFile;
      try {
        atop = AtopFile.open(file, fh);
      } catch (e) {
        if (e instanceof AtopFormatError) {
          const issue = { message: e.message, file, offset: e.offset };
          if (e.kind === "not-atop") ctx.warn(issue);
          else ctx.error(issue);
          continue;
        }
        throw e;
      }
      // Every issue of the sample stream loses samples (or a corrupt tail): an error, so the run exits 1.
      for (const sample of atop.samples(want, (i) => ctx.error({ message: i.message, file, offset: i.offset }))) {
        yield { atop, sample, ts: Timestamp.fromUnix(sample.curtime), sinceBoot: (sample.flags & RRBOOT) !== 0 };
      }
    } finally {
      fh.close();
    }
  }
}
