// Warnings about evidence, capped per kind: a hostile archive can make one warning per member (130,000
// duplicate names), and the analyst needs the first few of each kind and a count of the rest, not 130,000
// lines. Nothing is lost silently: every warning past the cap is counted in a closing line of its kind.

/** Warnings kept per kind (per target); the rest are counted. */
export const WARNINGS_PER_KIND = 100;

interface Kind {
  kept: number;
  dropped: number;
  /** Keys (e.g. member offsets) already warned about in this kind: two views of one archive warn once. */
  seen: Set<number>;
  /** Where the closing "… and N more" line goes: after the last kept warning of the kind. */
  lastIndex: number;
}

export class WarningLog {
  private readonly lines_: string[] = [];
  private readonly kinds = new Map<string, Kind>();

  constructor(readonly perKind = WARNINGS_PER_KIND) {}

  /**
   * Record a warning of a kind ("duplicate member names"). With `key`, the same (kind, key) is recorded once
   * however often it is reported.
   */
  add(kind: string, message: string, key?: number): void {
    let k = this.kinds.get(kind);
    if (!k) this.kinds.set(kind, (k = { kept: 0, dropped: 0, seen: new Set(), lastIndex: -1 }));
    if (key !== undefined) {
      if (k.seen.has(key)) return;
      k.seen.add(key);
    }
    if (k.kept < this.perKind) {
      k.kept++;
      k.lastIndex = this.lines_.length;
      this.lines_.push(message);
    } else k.dropped++;
  }

  /** Every warning recorded, kept or not. */
  get total(): number {
    let n = 0;
    for (const k of this.kinds.values()) n += k.kept + k.dropped;
    return n;
  }

  /** The kept warnings in order, each kind with dropped ones followed by "… and N more warnings of this kind". */
  lines(): string[] {
    const closing = new Map<number, string>();
    for (const [name, k] of this.kinds) if (k.dropped > 0) closing.set(k.lastIndex, `… and ${k.dropped} more warnings of this kind (${name})`);
    if (closing.size === 0) return this.lines_.slice();
    const out: string[] = [];
    for (let i = 0; i < this.lines_.length; i++) {
      out.push(this.lines_[i]!);
      const c = closing.get(i);
      if (c !== undefined) out.push(c);
    }
    return out;
  }
}
