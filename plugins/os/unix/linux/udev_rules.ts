// udev rules that run programs: RUN (when the event is handled), PROGRAM and IMPORT{program} (while matching).
// A RUN+= rule on "add" of any device is a boot-time hook that survives a unit audit. Files as udev(7) finds
// them: *.rules in the rules directories, by file name, a name in a higher directory replacing a lower one and
// a link to /dev/null masking it; a line ending in a backslash goes on on the next.
import { absent, definePlugin, defineRecord, ok, type FunctionContext, type Target, type TextLine } from "quarry";
import { configLines, filesIn, lineWarning, shown, statOrNull } from "../configlines.js";

export const UdevRuleRecord = defineRecord("linux/udev_rule", {
  // the rules file's mtime
  ts: "datetime",
  // RUN, RUN{program}, RUN{builtin}, PROGRAM, IMPORT{program}
  key: "string",
  // the assignment's operator (+=, =, :=; == for PROGRAM)
  op: "string",
  // the command line as written (udev substitutes %k, $devpath … when it runs it)
  program: "string",
  // the whole rule (continuation lines joined)
  rule: "string",
  lineno: "varint",
  filepath: "path",
});

const DIRS = ["/etc/udev/rules.d", "/run/udev/rules.d", "/usr/local/lib/udev/rules.d", "/usr/lib/udev/rules.d", "/lib/udev/rules.d"];
// KEY, KEY{attr}, an operator, a double-quoted value (backslash escapes), then a comma or the end.
const PAIR = /[ \t]*([A-Za-z_]+)(\{[^}]*\})?[ \t]*(==|!=|\+=|-=|:=|=)[ \t]*"((?:[^"\\]|\\.)*)"[ \t]*(,|$)/y;

export interface UdevPair {
  key: string;
  attr: string | null;
  op: string;
  value: string;
}

/** The key-value pairs of one rule line, or null when the line is not a list of them. */
export function udevPairs(rule: string): UdevPair[] | null {
  const out: UdevPair[] = [];
  PAIR.lastIndex = 0;
  let at = 0;
  const text = rule.replace(/[ \t\r]+$/, "");
  while (at < text.length) {
    PAIR.lastIndex = at;
    const m = PAIR.exec(text);
    if (!m) return null;
    out.push({ key: m[1]!, attr: m[2] ? m[2].slice(1, -1) : null, op: m[3]!, value: m[4]! });
    at = PAIR.lastIndex;
    if (m[5] === "") break;
  }
  return at >= text.length && out.length > 0 ? out : null;
}

/** The rules files udev reads, in its order. */
export function rulesFiles(t: Target): string[] {
  const byName = new Map<string, string>();
  const seen = new Set<string>();
  for (const d of DIRS) {
    if (!t.fs.isDir(d)) continue;
    const real = t.fs.realpath(d);
    if (seen.has(real)) continue;
    seen.add(real);
    let names: string[] = [];
    try {
      names = t.fs.readdir(d);
    } catch {
      continue;
    }
    for (const n of names) if (n.endsWith(".rules") && !byName.has(n)) byName.set(n, `${d}/${n}`);
  }
  const files = new Set(DIRS.flatMap((d) => filesIn(t, d)));
  return [...byName.keys()].sort().map((k) => byName.get(k)!).filter((p) => files.has(p));
}

/** Rule lines with continuations joined, each with its first line. */
function* rules(t: Target, ctx: FunctionContext, p: string): Generator<{ text: string; at: TextLine }> {
  let pending: { text: string; at: TextLine } | null = null;
  for (const line of configLines(t, ctx, p)) {
    const s = line.text.replace(/^[ \t]+/, "").replace(/[\r]$/, "");
    if (!pending && (!s || s.startsWith("#"))) continue;
    if (s.endsWith("\\")) {
      pending = pending ? { text: pending.text + s.slice(0, -1), at: pending.at } : { text: s.slice(0, -1), at: line };
      continue;
    }
    if (pending) {
      yield { text: pending.text + s, at: pending.at };
      pending = null;
    } else yield { text: s, at: line };
  }
  if (pending) yield pending;
}

const RUNS = (p: UdevPair): boolean => p.key === "RUN" || p.key === "PROGRAM" || (p.key === "IMPORT" && p.attr === "program");

export default definePlugin({
  name: "udev_rules",
  path: "os.unix.linux.udev_rules",
  description: "udev rules that run programs (RUN, PROGRAM, IMPORT{program})",
  paths: DIRS.map((d) => `${d}/*.rules`),
  checkCompatible: (t) => (rulesFiles(t).length ? ok() : absent("no udev rules.d/*.rules")),
  functions: {
    udev_rules: {
      output: "records",
      description: "One record per program a udev rule runs (RUN+=, PROGRAM, IMPORT{program}), with the whole rule and its file, in udev's file order",
      records: [UdevRuleRecord],
      *run(t, ctx) {
        for (const p of rulesFiles(t)) {
          const ts = statOrNull(t, p)?.mtime ?? null;
          for (const r of rules(t, ctx, p)) {
            const pairs = udevPairs(r.text);
            if (!pairs) {
              lineWarning(ctx, p, r.at, `not a udev rule (KEY op "value", …): ${shown(r.text)}; skipped`);
              continue;
            }
            for (const pair of pairs.filter(RUNS)) {
              const key = pair.attr === null ? pair.key : `${pair.key}{${pair.attr}}`;
              yield UdevRuleRecord.create({ ts, key, op: pair.op, program: pair.value, rule: r.text, lineno: r.at.lineno, filepath: p });
            }
          }
        }
      },
    },
  },
});
