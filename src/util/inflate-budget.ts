// How much a compressed input may inflate to. A gzip of zeros inflates ~1030:1 (a 20 MB file → 20 GiB), real
// collections 2–20:1, so the default limit scales with the input: the larger of 1 GiB and 100 × the
// compressed size. Below 1 GiB any ratio is accepted (small inputs say nothing about ratios and cost
// little); above it a ratio past 100:1 is a bomb, or a collection that should be inflated deliberately:
// `--max-inflate SIZE` (or QUARRY_MAX_INFLATE) replaces the rule by a fixed limit.

export const INFLATE_FLOOR = 1024 ** 3;
export const INFLATE_RATIO = 100;
export const MAX_INFLATE_ENV = "QUARRY_MAX_INFLATE";

const UNITS: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** "64M", "2G", "1.5TiB", "1048576" (binary units; a trailing "B" or "iB" is allowed) → bytes, or null. */
export function parseSize(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) return null;
  const n = Math.floor(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

/** 1073741824 → "1 GiB", 21237840 → "20.3 MiB". */
export function formatSize(n: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let u = 0;
  let v = n;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}

/** QUARRY_MAX_INFLATE as bytes; undefined when unset. A value that is not a size is an error, not ignored. */
export function maxInflateFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const v = env[MAX_INFLATE_ENV];
  if (v === undefined || v === "") return undefined;
  const n = parseSize(v);
  if (n === null) throw new Error(`${MAX_INFLATE_ENV}=${JSON.stringify(v)} is not a size (e.g. 64M, 2G, 500G)`);
  return n;
}

/** Inflating went past its budget; says where, in the compressed input and in the output. */
export class InflateLimitError extends Error {
  constructor(
    message: string,
    readonly compressedOffset: number,
    readonly inflatedOffset: number,
    readonly limit: number,
  ) {
    super(message);
    this.name = "InflateLimitError";
  }
}

/** The budget of one compressed input: call `check` with the running totals as output arrives. */
export class InflateBudget {
  readonly limit: number;
  /** The rule, for messages ("the larger of 1 GiB and 100 × the 20.3 MiB compressed input"). */
  readonly rule: string;

  /**
   * `maxInflate`: a fixed limit (from --max-inflate); else QUARRY_MAX_INFLATE; else the default rule.
   * `label` names the input in messages ("" when the caller's message names it already).
   */
  constructor(
    readonly compressedSize: number,
    maxInflate?: number,
    private readonly label = "",
  ) {
    const fixed = maxInflate ?? maxInflateFromEnv();
    if (fixed !== undefined) {
      this.limit = fixed;
      this.rule = `the --max-inflate / ${MAX_INFLATE_ENV} limit`;
    } else {
      this.limit = Math.max(INFLATE_FLOOR, INFLATE_RATIO * compressedSize);
      this.rule = `the larger of ${formatSize(INFLATE_FLOOR)} and ${INFLATE_RATIO} × the ${formatSize(compressedSize)} compressed input`;
    }
  }

  /** Throws InflateLimitError once `inflated` passes the limit. */
  check(inflated: number, compressedOffset: number): void {
    if (inflated <= this.limit) return;
    const who = this.label ? `${this.label}: ` : "";
    throw new InflateLimitError(
      `${who}gzip inflates to more than ${formatSize(this.limit)} (${this.rule}): stopped at compressed offset ${compressedOffset}, ` +
        `inflated offset ${inflated}; refused (--max-inflate SIZE or ${MAX_INFLATE_ENV} sets another limit)`,
      compressedOffset,
      inflated,
      this.limit,
    );
  }
}
