// Python's repr() of str, bytes and float: the text sink prints records the way flow.record does, so an
// analyst's greps and eyes work the same on our output and on dissect's.

import { escapeChars, hex2 } from "./escape.js";

const NEEDS_ESCAPE = /[\\'"\x00-\x1f\x7f-\xa0\xad\u0378-\uffff]/;

export function pyStr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  if (!NEEDS_ESCAPE.test(s)) return quote + s + quote;
  return quote + escapeChars(s, { quote, backslash: true }) + quote;
}

export function pyBytes(b: Uint8Array): string {
  let hasSingle = false;
  let hasDouble = false;
  for (const c of b) {
    if (c === 0x27) hasSingle = true;
    else if (c === 0x22) hasDouble = true;
  }
  const quote = hasSingle && !hasDouble ? '"' : "'";
  let out = "b" + quote;
  for (const c of b) {
    if (c === 0x5c) out += "\\\\";
    else if (c === quote.charCodeAt(0)) out += "\\" + quote;
    else if (c === 0x09) out += "\\t";
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c < 0x20 || c >= 0x7f) out += hex2(c);
    else out += String.fromCharCode(c);
  }
  return out + quote;
}

/** repr(float): shortest round-trip digits; exponent form when the decimal point is < -4 or > 16 places. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mant, expStr] = Math.abs(x).toExponential().split("e") as [string, string];
  const digits = mant.replace(".", "");
  const exp = Number(expStr); // value = 0.d1d2... * 10^(exp+1)
  const decpt = exp + 1;
  const sign = x < 0 ? "-" : "";
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) return sign + "0." + "0".repeat(-decpt) + digits;
    if (decpt >= digits.length) return sign + digits + "0".repeat(decpt - digits.length) + ".0";
    return sign + digits.slice(0, decpt) + "." + digits.slice(decpt);
  }
  const m = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
  const e = exp < 0 ? "-" + String(-exp).padStart(2, "0") : "+" + String(exp).padStart(2, "0");
  return sign + m + "e" + e;
}
