// struct rawheader (480 bytes in every version) and version detection: aversion first (MSB set), checked
// against the header's length fields; otherwise, or when they disagree, the length fields alone
// (atop-format §8). 1.x files, big-endian or 32-bit writers and unknown layouts are refused with a reason.
import { cString } from "quarry";
import type { VersionLayout } from "./layout.js";
import { LAYOUTS } from "./layouts.generated.js";

export const MAGIC = 0xfeedbeef;
export const RAWHEADLEN = 480;
export const RAWRECLEN = 96;

export class AtopFormatError extends Error {
  constructor(
    readonly file: string,
    message: string,
    /** "not-atop": no atop raw file at all (a warning); "unsupported": an atop file we cannot read (an error). */
    readonly kind: "not-atop" | "unsupported" = "unsupported",
    readonly offset = 0,
  ) {
    super(message);
    this.name = "AtopFormatError";
  }
}

export interface AtopHeader {
  /** The layout version used to decode ("2.8"), and how it was chosen. */
  readonly version: string;
  readonly detectedBy: "aversion" | "lengths";
  /** The version stored in aversion (MSB set), or null. */
  readonly aversion: string | null;
  readonly layout: VersionLayout;
  readonly rawheadlen: number;
  readonly rawreclen: number;
  readonly hertz: number;
  readonly pagesize: number;
  readonly pidwidth: number;
  readonly sstatlen: number;
  readonly tstatlen: number;
  readonly cstatlen: number;
  readonly supportflags: number;
  readonly sysname: string;
  readonly nodename: string;
  readonly release: string;
  readonly machine: string;
  readonly domainname: string;
}

const ORDERED = Object.keys(LAYOUTS).sort((a, b) => {
  const [x, y] = [LAYOUTS[a]!, LAYOUTS[b]!];
  return x.major - y.major || x.minor - y.minor;
});

function sizesAgree(l: VersionLayout, sstatlen: number, tstatlen: number, cstatlen: number): boolean {
  if (l.sizes.sstat !== sstatlen || l.sizes.tstat !== tstatlen) return false;
  return cstatlen === 0 || l.sizes.cstat === cstatlen;
}

/** Decode and validate a rawheader; throws AtopFormatError naming the file and what was found. */
export function parseHeader(b: Buffer, file: string): AtopHeader {
  if (b.length < RAWHEADLEN) {
    throw new AtopFormatError(file, `file too short for an atop raw header (${b.length} of ${RAWHEADLEN} bytes)`, "not-atop");
  }
  const magic = b.readUInt32LE(0);
  if (magic === 0xefbeedfe) throw new AtopFormatError(file, "atop raw file written on a big-endian host: unsupported");
  if (magic !== MAGIC) {
    throw new AtopFormatError(file, `not an atop raw file (magic 0x${magic.toString(16).padStart(8, "0")}, expected 0xfeedbeef)`, "not-atop");
  }
  const av = b.readUInt16LE(4);
  const aversion = av & 0x8000 ? `${(av >> 8) & 0x7f}.${av & 0xff}` : null;
  const rawheadlen = b.readUInt16LE(10);
  const rawreclen = b.readUInt16LE(12);
  const sstatlen = b.readUInt32LE(28);
  const tstatlen = b.readUInt32LE(32);
  const found = `aversion ${aversion ?? `0x${av.toString(16)} (no version)`}, rawheadlen ${rawheadlen}, rawreclen ${rawreclen}, sstatlen ${sstatlen}, tstatlen ${tstatlen}`;
  if (rawreclen === 80) throw new AtopFormatError(file, `atop 1.x raw file (${found}): unsupported`);
  if (rawheadlen !== RAWHEADLEN || rawreclen !== RAWRECLEN) {
    throw new AtopFormatError(file, `unsupported atop raw layout, not a 64-bit atop 2.x writer (${found})`);
  }
  const major = (av >> 8) & 0x7f;
  // cstatlen (2.11+) shares its bytes with ifuture[0], which older writers leave zero.
  const cstatlen = b.readInt32LE(456);
  let version: string | null = null;
  let detectedBy: AtopHeader["detectedBy"] = "aversion";
  if (aversion && LAYOUTS[aversion] && sizesAgree(LAYOUTS[aversion]!, sstatlen, tstatlen, cstatlen)) version = aversion;
  if (!version) {
    detectedBy = "lengths";
    for (const v of ORDERED) if (sizesAgree(LAYOUTS[v]!, sstatlen, tstatlen, cstatlen)) version = v; // newest match
  }
  if (!version) {
    const what = aversion && major === 1 ? "atop 1.x raw file" : "unknown atop raw layout";
    throw new AtopFormatError(file, `${what} (${found}, cstatlen ${cstatlen}): no known layout has these sizes`);
  }
  const layout = LAYOUTS[version]!;
  return {
    version,
    detectedBy,
    aversion,
    layout,
    rawheadlen,
    rawreclen,
    hertz: b.readUInt16LE(14) || 100,
    pagesize: b.readUInt32LE(436) || 4096,
    pidwidth: layout.major > 2 || layout.minor >= 8 ? b.readUInt16LE(16) || 5 : 5,
    sstatlen,
    tstatlen,
    cstatlen: layout.sizes.cstat ? cstatlen || layout.sizes.cstat : 0,
    supportflags: b.readInt32LE(440),
    sysname: cString(b, 36, 65),
    nodename: cString(b, 101, 65),
    release: cString(b, 166, 65),
    machine: cString(b, 296, 65),
    domainname: cString(b, 361, 65),
  };
}
