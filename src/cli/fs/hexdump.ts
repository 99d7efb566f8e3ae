// hexdump [-n LENGTH] [-s OFFSET] PATH: as `hexdump -C` (offset, 16 bytes in two groups, printable ASCII).
import { UsageError } from "../common.js";
import { absolute, expandOperands, parseFlags, type FsContext, warn } from "./context.js";
import { openRegular } from "./read.js";

export function hexLines(data: Uint8Array, base: number): string {
  let text = "";
  let prev: string | null = null;
  let starred = false;
  for (let off = 0; off < data.length; off += 16) {
    const row = data.subarray(off, off + 16);
    let hex = "";
    let ascii = "";
    for (let i = 0; i < 16; i++) {
      hex += i < row.length ? row[i]!.toString(16).padStart(2, "0") + " " : "   ";
      if (i === 7) hex += " ";
      if (i < row.length) ascii += row[i]! >= 0x20 && row[i]! < 0x7f ? String.fromCharCode(row[i]!) : ".";
    }
    const key = hex;
    // identical full rows collapse to "*", as hexdump -C does
    if (row.length === 16 && key === prev) {
      if (!starred) text += "*\n";
      starred = true;
      continue;
    }
    starred = false;
    prev = row.length === 16 ? key : null;
    text += `${(base + off).toString(16).padStart(8, "0")}  ${hex} |${ascii}|\n`;
  }
  return text;
}

const MAX_DUMP = 64 * 1024 * 1024;

function count(cmd: string, flag: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = /^0x[0-9a-f]+$/i.test(v) ? parseInt(v, 16) : /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw new UsageError(`${cmd}: ${flag}: expected a byte count, got ${JSON.stringify(v)}`);
  return n;
}

export async function hexdump(ctx: FsContext, argv: readonly string[]): Promise<number> {
  const { values, operands } = parseFlags("hexdump", argv, "C", {}, { "-n": "n", "-s": "s" });
  const length = Math.min(count("hexdump", "-n", values.get("n"), MAX_DUMP), MAX_DUMP);
  const skip = count("hexdump", "-s", values.get("s"), 0);
  let failed = 0;
  for (const p of expandOperands(ctx, operands)) {
    try {
      const h = openRegular(ctx.fs, absolute(ctx, p));
      try {
        const end = Math.min(h.size, skip + length);
        // whole 16-byte rows per chunk so that offsets and "*" stay aligned across chunks
        for (let pos = skip; pos < end; ) {
          const buf = Buffer.alloc(Math.min(1 << 16, end - pos));
          const n = h.read(buf, 0, buf.length, pos);
          if (n <= 0) break;
          await ctx.out.write(hexLines(buf.subarray(0, n), pos));
          pos += n;
        }
        await ctx.out.write(end.toString(16).padStart(8, "0") + "\n");
      } finally {
        h.close();
      }
    } catch (e) {
      warn(ctx, `hexdump: ${(e as Error).message}`);
      failed++;
    }
  }
  return failed;
}
