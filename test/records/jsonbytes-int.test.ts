// The byte encoder's integers (src/records/jsonbytes.ts int: a 32-bit fast path, a loop up to 2^32, String()
// beyond) write exactly the decimal text Python's json.dumps gives an int, at every digit-count boundary.
import { describe, expect, it } from "vitest";
import { defineRecord } from "../../src/records/descriptor.js";
import { jsonByteEncoder } from "../../src/records/jsonbytes.js";

const Num = defineRecord("test/num", { n: "varint" });

function encoded(n: number | bigint): string {
  const rec = Num.create({ n });
  const b = Buffer.alloc(512);
  const end = jsonByteEncoder(Num, false)(rec, b, 0);
  return /"n": ([^,}]+)/.exec(b.toString("latin1", 0, end))![1]!;
}

describe("JSON byte encoder: integers", () => {
  it("writes every boundary as its decimal text", () => {
    const values: (number | bigint)[] = [0, -0, 1, -1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, -(2 ** 31), -(2 ** 53 - 1), 2n ** 64n - 1n, -(2n ** 63n)];
    for (let d = 1; d <= 15; d++) values.push(10 ** d - 1, 10 ** d, 10 ** d + 1);
    for (const v of values) expect(encoded(v), String(v)).toBe(Object.is(v, -0) ? "0" : String(v));
  });
});
