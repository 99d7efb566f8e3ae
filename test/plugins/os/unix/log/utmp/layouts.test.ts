// Byte order and record size: the 400-byte aarch64 layout, the ambiguous 76800-byte size, --byte-order.
import { describe, expect, it } from "vitest";
import type { AnyRecord } from "../../../../../../src/records/descriptor.js";
import { fixture, run } from "./helpers.js";

/** Re-lay 384-byte x86_64 records as the 400-byte aarch64 layout (64-bit ut_session, tv_sec, tv_usec). */
function to400(src: Buffer, order: "le" | "be" = "le"): Buffer {
  const n = Math.floor(src.length / 384);
  const out = Buffer.alloc(n * 400);
  for (let i = 0; i < n; i++) {
    const a = src.subarray(i * 384, i * 384 + 384);
    const b = out.subarray(i * 400, i * 400 + 400);
    a.copy(b, 0, 0, 336);
    if (order === "le") {
      b.writeBigInt64LE(BigInt(a.readInt32LE(336)), 336);
      b.writeBigInt64LE(BigInt(a.readUInt32LE(340)), 344);
      b.writeBigInt64LE(BigInt(a.readInt32LE(344)), 352);
    } else {
      // from a little-endian source to a big-endian 400-byte file
      b.writeInt16BE(a.readInt16LE(0), 0);
      b.writeInt32BE(a.readInt32LE(4), 4);
      b.writeInt16BE(a.readInt16LE(332), 332);
      b.writeInt16BE(a.readInt16LE(334), 334);
      b.writeBigInt64BE(BigInt(a.readInt32LE(336)), 336);
      b.writeBigInt64BE(BigInt(a.readUInt32LE(340)), 344);
      b.writeBigInt64BE(BigInt(a.readInt32LE(344)), 352);
    }
    a.copy(b, 360, 348, 364);
  }
  return out;
}

function values(records: AnyRecord[]): unknown[] {
  return records.map(({ _generated: _g, offset: _o, ...rest }) => rest);
}

describe("record size and byte order", () => {
  it("the 400-byte layout decodes to the same records (LE and BE)", async () => {
    const base = (await run({ "/var/log/wtmp": fixture("wtmp_basic") }, "wtmp")).records;
    for (const order of ["le", "be"] as const) {
      const { records, outcome } = await run({ "/var/log/wtmp": to400(fixture("wtmp_basic"), order) }, "wtmp");
      expect(outcome.warnings).toEqual([]);
      expect(values(records)).toEqual(values(base));
      expect(records.map((r) => r.offset)).toEqual(base.map((_, i) => i * 400));
    }
  });

  it("76800 bytes (200 × 384 = 192 × 400) is decided by plausibility, both ways", async () => {
    const btmp = fixture("btmp_basic");
    expect(btmp.length).toBe(76800);
    const as384 = await run({ "/var/log/btmp": btmp }, "btmp");
    expect(as384.records.length).toBe(200);
    const b400 = to400(btmp.subarray(0, 192 * 384));
    expect(b400.length).toBe(76800);
    const as400 = await run({ "/var/log/btmp": b400 }, "btmp");
    expect(as400.records.length).toBe(192);
    expect(values(as400.records)).toEqual(values(as384.records.slice(0, 192)));
  });

  it("--byte-order overrides detection", async () => {
    const be = fixture("wtmp_basic.be");
    const forced = await run({ "/var/log/wtmp": be }, "wtmp", { "byte-order": "le" });
    expect(forced.records[0]!.ut_type).toBe("UNKNOWN(512)");
    expect(forced.outcome.status).toBe("error");
    const right = await run({ "/var/log/wtmp": be }, "wtmp", { "byte-order": "be" });
    expect(right.records[0]!.ut_type).toBe("BOOT_TIME");
    expect(right.outcome.warnings).toEqual([]);
  });

  it("journal side files and directories are not read as wtmp; a non-utmp file is reported", async () => {
    const { records, outcome } = await run(
      {
        "/var/log/wtmp": fixture("wtmp_basic"),
        "/var/log/wtmp.db-journal": Buffer.alloc(512, 0xd9),
        "/var/log/wtmp.old": Buffer.from("this is not a utmp file at all, just text. ".repeat(40)),
      },
      "wtmp",
    );
    expect(records.length).toBe(73);
    expect(outcome.errors).toEqual([{ file: "/var/log/wtmp.old", offset: 0, message: expect.stringMatching(/not a utmp file/) }]);
  });
});
