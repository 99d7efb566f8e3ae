// One audit.log line: `[node=N ]type=T msg=audit(SEC.MS:SERIAL): name=value ...[\x1dNAME=value ...]`, split
// into its header, its name=value pairs (values still encoded: quoted, hex or plain) and the ENRICHED format's
// translated pairs after the 0x1D separator. The rules are those of audit-userspace 3.0.9: the header as
// ausearch's extract_timestamp reads it, the pairs as `ausearch -i` walks them (quoted values run to the
// closing quote, so they may hold spaces) with auparse's clean-up of the old formats (a leading "(" on a name,
// a trailing ":", ",", "'" or ")" on a plain value).

/** One name=value pair as written. */
export interface RawPair {
  name: string;
  /** The value without its quotes. */
  value: string;
  /** `"..."` in the line (a literal string); false for plain values (which may be hex-encoded). */
  quoted: boolean;
}

export interface AuditLine {
  node: string | null;
  /** As written after type= (UNKNOWN[1334] or a number are resolved later). */
  type: string;
  sec: number;
  /** 0..999 */
  ms: number;
  /** The serial as written (digits); a number when it fits, a bigint past 2^53. */
  serial: number | bigint;
  pairs: RawPair[];
  /** The ENRICHED part: translated names, NAME=value (values unquoted). */
  enriched: RawPair[];
  /** Everything after "): " as written (the ENRICHED part included). */
  message: string;
}

export type LineProblem = { problem: string };

const GS = "\x1d";
// The header. ausearch accepts any digits for the seconds and milliseconds; a serial past 20 digits or seconds
// past 12 are no audit line (the kernel writes an unsigned long, an unsigned int and three digits).
const HEADER = /^(?:node=([^ ]*) +)?type=([^ ]+) +msg=audit\((\d{1,12})(?:\.(\d{1,3}))?:(\d{1,20})\):/;

/** The parts of an audit line, or what makes it none. */
export function parseLine(text: string): AuditLine | LineProblem {
  const line = text.endsWith("\r") ? text.slice(0, -1) : text; // a CR LF line end is the copy's, not auditd's
  const m = HEADER.exec(line);
  if (!m) return { problem: line.startsWith("type=") || line.startsWith("node=") ? "no msg=audit(SECONDS.MS:SERIAL): header" : "not an audit record (no type=... msg=audit(...) header)" };
  const ms = m[4] === undefined ? 0 : Number(m[4]);
  const serialText = m[5]!;
  const serialNum = Number(serialText);
  const serial = Number.isSafeInteger(serialNum) ? serialNum : BigInt(serialText);
  let rest = line.slice(m[0].length);
  if (rest.startsWith(" ")) rest = rest.slice(1);
  const gs = rest.indexOf(GS);
  const body = gs < 0 ? rest : rest.slice(0, gs);
  const type = m[2]!;
  return {
    node: m[1] ?? null,
    type,
    sec: Number(m[3]),
    ms,
    serial,
    pairs: splitPairs(body, type),
    enriched: gs < 0 ? [] : splitEnriched(rest.slice(gs + 1)),
    message: rest,
  };
}

const NUMBER = /^-?\d+$/;
const PUNCTUATION = /^[:,;]+$/;

/**
 * The pairs of a record's body. Words without "=" between pairs are the writers' free text: after a plain value
 * that is not a number they continue it (shadow's `op=adding user`, auditctl's `text=hello world`: libaudit
 * writes these unquoted); "old"/"new" before a pair are the 2007 kernels' `old auid=` / `new auid=` (today's
 * old-auid and auid); an AVC's `avc:  denied  { read write } for` becomes auparse's seresult and seperms;
 * other words (`tty`, `login`, `PAM: accounting`) stay in the message only.
 */
export function splitPairs(body: string, type: string): RawPair[] {
  const pairs: RawPair[] = [];
  const avc = type === "AVC" || type === "USER_AVC";
  let avcWords: string[] | null = avc ? [] : null; // collecting the AVC's words before its first pair
  let inMsg = false; // inside msg='...': the body's last plain value ends with the closing quote
  let open: { pair: RawPair; start: number } | null = null; // a plain, non-numeric value bare words continue
  let qualifier: string | null = null; // "old" / "new" just before a pair
  const n = body.length;
  const plainValue = (start: number, end: number): string => {
    let v = body.slice(start, end);
    if (inMsg && end === n && v.endsWith("'")) v = v.slice(0, -1);
    return tidy(v);
  };
  let i = 0;
  while (i < n) {
    while (i < n && body.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    let sp = body.indexOf(" ", i);
    if (sp < 0) sp = n;
    const eq = body.indexOf("=", i);
    if (eq < 0 || eq > sp || eq === i) {
      const word = body.slice(i, sp);
      if (avcWords) avcWords.push(word);
      else if ((word === "old" || word === "new") && nextIsPair(body, sp)) qualifier = word;
      else if (open && !PUNCTUATION.test(word)) open.pair.value = plainValue(open.start, sp);
      else open = null;
      i = sp;
      continue;
    }
    let name = body.slice(i, eq);
    if (name.startsWith("(")) name = name.slice(1);
    if (name.startsWith("'")) name = name.slice(1);
    if (qualifier === "old") name = `old-${name}`;
    qualifier = null;
    const v = eq + 1;
    const first = body[v];
    if (name === "msg" && first === "'") {
      // a user-space message: its text is more pairs (USER_AVC's starts with the AVC words)
      inMsg = true;
      open = null;
      if (type === "USER_AVC") avcWords = [];
      i = v + 1;
      continue;
    }
    if (avcWords) {
      pushAvc(pairs, avcWords);
      avcWords = null;
    }
    if (first === '"' || (first === "'" && name !== "msg")) {
      const close = body.indexOf(first, v + 1);
      pairs.push({ name, value: body.slice(v + 1, close < 0 ? n : close), quoted: first === '"' });
      open = null;
      i = close < 0 ? n : close + 1;
      continue;
    }
    const pair: RawPair = { name, value: plainValue(v, sp), quoted: false };
    pairs.push(pair);
    open = pair.value !== "" && !NUMBER.test(pair.value) ? { pair, start: v } : null;
    i = sp;
  }
  if (avcWords && avcWords.length) pushAvc(pairs, avcWords);
  return pairs;
}

function nextIsPair(body: string, from: number): boolean {
  let i = from;
  while (body.charCodeAt(i) === 32) i++;
  const sp = body.indexOf(" ", i);
  const eq = body.indexOf("=", i);
  return eq > i && (sp < 0 || eq < sp);
}

/** auparse's clean-up of a plain value (ellist.c): a trailing ":", ",", "'", ")" in that order ("(null)" kept). */
function tidy(value: string): string {
  let v = value;
  if (v.endsWith(":")) v = v.slice(0, -1);
  if (v.endsWith(",")) v = v.slice(0, -1);
  if (v.endsWith("'")) v = v.slice(0, -1);
  if (v.endsWith(")") && v !== "(none)" && v !== "(null)") v = v.slice(0, -1);
  return v;
}

/** `avc:  denied  { read write } for` → seresult=denied seperms=read,write (auparse's names). */
function pushAvc(pairs: RawPair[], words: string[]): void {
  const w = words.filter((x) => x !== "");
  let k = w[0] === "avc:" ? 1 : 0;
  if (k < w.length && w[k] !== "{") pairs.push({ name: "seresult", value: w[k++]!, quoted: false });
  if (w[k] === "{") {
    const close = w.indexOf("}", k);
    const perms = w.slice(k + 1, close < 0 ? w.length : close);
    pairs.push({ name: "seperms", value: perms.join(","), quoted: false });
  }
}

/** The ENRICHED part: `ARCH=x86_64 SYSCALL=execve AUID="alice"`, or a SOCKADDR's `SADDR={ ... }`. */
export function splitEnriched(text: string): RawPair[] {
  const out: RawPair[] = [];
  const t = text.endsWith("\n") ? text.slice(0, -1) : text;
  if (t.startsWith("SADDR={")) {
    const close = t.indexOf("}");
    return [{ name: "SADDR", value: t.slice(6, close < 0 ? t.length : close + 1), quoted: false }];
  }
  for (const word of t.split(" ")) {
    const eq = word.indexOf("=");
    if (eq <= 0) continue;
    const raw = word.slice(eq + 1);
    const quoted = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"');
    out.push({ name: word.slice(0, eq), value: quoted ? raw.slice(1, -1) : raw, quoted });
  }
  return out;
}
