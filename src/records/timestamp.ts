// A UTC instant with microsecond precision. JS Date has only milliseconds; evidence (utmp tv_usec, wtmpdb,
// flow.record datetimes) has microseconds, and we keep them exactly.

const US_PER_S = 1_000_000;

/** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z: the years ISO text, Python's datetime and flow.record carry. */
const MIN_SECONDS = -62135596800;
const MAX_SECONDS = 253402300799;

export class Timestamp {
  /** The first and last whole seconds every output can carry (years 1 … 9999, as Python's datetime). */
  static readonly MIN_SECONDS = MIN_SECONDS;
  static readonly MAX_SECONDS = MAX_SECONDS;

  /** Memoised ISO form: a Timestamp is immutable, and sinks format the same one many times (_generated). */
  private isoT: string | undefined;

  /**
   * Whole seconds since the epoch (may be negative) and the microseconds within that second (0..999999). The guard
   * keeps garbage out (NaN, 1e294 seconds): such a value could only render as invalid text. A value that is exact
   * but beyond year 9999 may exist (arithmetic, comparisons); `inRange()` tells, and the sinks write it as null.
   */
  private constructor(
    readonly seconds: number,
    readonly micros: number,
  ) {
    if (!Number.isSafeInteger(seconds) || !(micros >= 0 && micros < US_PER_S && Number.isInteger(micros))) {
      throw new RangeError(`not a representable time: ${seconds} s ${micros} µs`);
    }
  }

  /**
   * The one range check for evidence: whether `seconds` since the epoch (a number or bigint) falls in years
   * 1 … 9999, what ISO text, Python's datetime and the flow.record stream can carry. Decoders call it (or the
   * `…InRange` constructors) and report a value outside as null with a warning naming the file and offset.
   */
  static secondsInRange(seconds: number | bigint): boolean {
    if (typeof seconds === "bigint") return seconds >= BigInt(MIN_SECONDS) && seconds <= BigInt(MAX_SECONDS);
    return seconds >= MIN_SECONDS && seconds <= MAX_SECONDS; // false for NaN
  }

  /** fromUnix when the time is in range (years 1 … 9999), else null. */
  static fromUnixInRange(seconds: number, micros = 0): Timestamp | null {
    if (!Number.isFinite(seconds) || !Number.isFinite(micros)) return null;
    if (seconds + micros / US_PER_S < MIN_SECONDS - 1 || seconds + micros / US_PER_S > MAX_SECONDS + 1) return null;
    const t = Timestamp.fromUnix(seconds, micros);
    return t.inRange() ? t : null;
  }

  /** fromMicros when the time is in range (years 1 … 9999), else null (also for a float that is no integer). */
  static fromMicrosInRange(us: bigint | number): Timestamp | null {
    if (typeof us === "number" && !Number.isSafeInteger(us)) {
      if (!Number.isFinite(us) || !Number.isInteger(us)) return null;
      us = BigInt(us);
    }
    const v = BigInt(us);
    if (v < BigInt(MIN_SECONDS) * 1_000_000n || v > BigInt(MAX_SECONDS) * 1_000_000n + 999_999n) return null;
    return Timestamp.fromMicros(v);
  }

  /** Years 1 … 9999: what every output can carry (the sinks write any other Timestamp as null). */
  inRange(): boolean {
    return this.seconds >= MIN_SECONDS && this.seconds <= MAX_SECONDS;
  }

  static fromUnix(seconds: number, micros = 0): Timestamp {
    if (!Number.isFinite(seconds)) throw new RangeError(`invalid epoch seconds: ${seconds}`);
    let s = Math.floor(seconds);
    let us = Math.round((seconds - s) * US_PER_S) + micros;
    if (us < 0 || us >= US_PER_S) {
      const carry = Math.floor(us / US_PER_S);
      s += carry;
      us -= carry * US_PER_S;
    }
    return new Timestamp(s, us);
  }

  static fromMicros(us: bigint | number): Timestamp {
    const v = BigInt(us);
    let s = v / 1_000_000n;
    let r = v % 1_000_000n;
    if (r < 0n) {
      r += 1_000_000n;
      s -= 1n;
    }
    return new Timestamp(Number(s), Number(r));
  }

  static fromMillis(ms: number): Timestamp {
    return Timestamp.fromMicros(BigInt(Math.round(ms * 1000)));
  }

  static fromDate(d: Date): Timestamp {
    return Timestamp.fromMillis(d.getTime());
  }

  static now(): Timestamp {
    return Timestamp.fromMillis(Date.now());
  }

  /** UTC calendar parts, the shape flow.record packs: [Y, M, D, h, m, s, µs]. */
  static fromParts(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, us = 0): Timestamp {
    return Timestamp.fromUnix(daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s, us);
  }

  /** Parse ISO 8601 (`2024-01-02T03:04:05.123456+00:00`, `Z`, space separator, any offset, up to 9 fraction digits). */
  static parse(text: string): Timestamp {
    const m = /^(-?\d{4,})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d\d:?\d\d(?::?\d\d)?)?$/i.exec(
      text.trim(),
    );
    if (!m) throw new RangeError(`not an ISO 8601 datetime: ${JSON.stringify(text)}`);
    const frac = (m[7] ?? "").padEnd(6, "0").slice(0, 6);
    const base = Timestamp.fromParts(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), +frac);
    let offset = 0;
    const tz = m[8];
    if (tz && tz.toUpperCase() !== "Z") {
      const digits = tz.replace(/:/g, "");
      const sign = digits[0] === "-" ? -1 : 1;
      offset = sign * (+digits.slice(1, 3) * 3600 + +digits.slice(3, 5) * 60 + +(digits.slice(5, 7) || 0));
    }
    return new Timestamp(base.seconds - offset, base.micros);
  }

  toMicros(): bigint {
    return BigInt(this.seconds) * 1_000_000n + BigInt(this.micros);
  }

  /** Milliseconds since the epoch (microseconds truncated toward the past). */
  toMillis(): number {
    return this.seconds * 1000 + Math.floor(this.micros / 1000);
  }

  toDate(): Date {
    return new Date(this.toMillis());
  }

  /** Seconds since the epoch as a float (loses precision beyond ~2^53 µs; for arithmetic, not storage). */
  toSeconds(): number {
    return this.seconds + this.micros / US_PER_S;
  }

  parts(): [number, number, number, number, number, number, number] {
    const days = Math.floor(this.seconds / 86400);
    const sod = this.seconds - days * 86400;
    const [y, mo, d] = civilFromDays(days);
    return [y, mo, d, Math.floor(sod / 3600), Math.floor((sod % 3600) / 60), sod % 60, this.micros];
  }

  /** Python's datetime.isoformat(sep): the fraction is omitted when it is zero; always `+00:00`. */
  isoformat(sep = "T"): string {
    if (sep === "T" && this.isoT !== undefined) return this.isoT;
    const days = Math.floor(this.seconds / 86400);
    const sod = this.seconds - days * 86400;
    let out =
      dayText(days) + sep + p2(Math.floor(sod / 3600)) + ":" + p2(Math.floor((sod % 3600) / 60)) + ":" + p2(sod % 60);
    if (this.micros) out += "." + String(this.micros).padStart(6, "0");
    out += "+00:00";
    if (sep === "T") this.isoT = out;
    return out;
  }

  /** ISO 8601 with `T` (what flow.record's JSON writer emits). */
  toJSON(): string {
    return this.isoformat("T");
  }

  /** flow.record's text form: space separator. */
  toString(): string {
    return this.isoformat(" ");
  }

  compare(other: Timestamp): number {
    return this.seconds - other.seconds || this.micros - other.micros;
  }

  equals(other: Timestamp | null | undefined): boolean {
    return !!other && this.seconds === other.seconds && this.micros === other.micros;
  }
}

// Records of one file mostly fall on few days: the date text of the last day asked for is kept.
let lastDay = NaN;
let lastDayText = "";

function dayText(days: number): string {
  if (days !== lastDay) {
    const [y, mo, d] = civilFromDays(days);
    const year = y < 0 ? "-" + String(-y).padStart(4, "0") : y >= 1000 ? String(y) : String(y).padStart(4, "0");
    lastDayText = year + "-" + p2(mo) + "-" + p2(d);
    lastDay = days;
  }
  return lastDayText;
}

// Two days kept at hand: a record's own time and its _generated time alternate in every record.
let daysA = NaN;
let civilA: [number, number, number] = [1970, 1, 1];
let daysB = NaN;
let civilB: [number, number, number] = [1970, 1, 1];

/** civilFromDays for the two days asked last (encoders ask for the same few days again and again). */
export function civilOfDay(days: number): readonly [number, number, number] {
  if (days === daysA) return civilA;
  if (days === daysB) return civilB;
  daysB = daysA;
  civilB = civilA;
  daysA = days;
  civilA = civilFromDays(days);
  return civilA;
}

/** Days since 1970-01-01 → proleptic Gregorian [year, month, day] (Howard Hinnant's civil_from_days). */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function p2(n: number): string {
  return n < 10 ? "0" + n : String(n);
}
