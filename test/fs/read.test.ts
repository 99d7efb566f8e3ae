// Bounded reads: whole-file reads refuse what is too large, heads and lines cost what they keep, not what a
// file claims to hold.
import { describe, expect, it } from "vitest";
import { MemoryBackend } from "../../src/fs/memory.js";
import { readHead, readLines, type TextLine } from "../../src/fs/read.js";
import { READ_FILE_LIMIT, RootFilesystem } from "../../src/fs/root.js";
import { FsError, type FileHandle } from "../../src/fs/types.js";

/** A file of `size` bytes that holds `data` at its start and zeros after (a sparse file), counting its reads. */
function sparse(data: string, size: number): FileHandle & { bytesRead: number } {
  const head = Buffer.from(data);
  const h = {
    size,
    bytesRead: 0,
    read(buf: Uint8Array, offset: number, length: number, position: number): number {
      const n = Math.max(0, Math.min(length, size - position));
      buf.fill(0, offset, offset + n);
      if (position < head.length) buf.set(head.subarray(position, Math.min(head.length, position + n)), offset);
      h.bytesRead += n;
      return n;
    },
    close() {},
  };
  return h;
}

const lines = (h: FileHandle, opts = {}): TextLine[] => [...readLines(h, opts)];

describe("whole-file reads", () => {
  const fs = new RootFilesystem(new MemoryBackend({ "/small": "abc\n", "/ten": "0123456789" }));

  it("take files up to the limit, refuse larger ones with EFBIG unless told more", () => {
    expect(fs.readText("/small")).toBe("abc\n");
    expect(() => fs.readFile("/ten", { maxBytes: 9 })).toThrow(FsError);
    expect(() => fs.readFile("/ten", { maxBytes: 9 })).toThrow(/EFBIG: 10 bytes, more than the 9 a whole-file read takes: \/ten/);
    expect(fs.readText("/ten", { maxBytes: 10 })).toBe("0123456789");
    expect(fs.readText("/ten", { maxBytes: Infinity })).toBe("0123456789");
    expect(READ_FILE_LIMIT).toBe(64 * 1024 * 1024);
  });

  it("a head is at most what was asked; readTextHead keeps whole lines only when the file goes on", () => {
    const mem = new RootFilesystem(new MemoryBackend({ "/cfg": "one\ntwo\nthree", "/line": "x".repeat(50) }));
    expect(mem.readHead("/cfg", 5)).toMatchObject({ size: 13, truncated: true });
    expect(mem.readHead("/cfg", 5).data.toString()).toBe("one\nt");
    expect(mem.readTextHead("/cfg", 9)).toEqual({ text: "one\ntwo\n", size: 13, truncated: true, end: 8 });
    expect(mem.readTextHead("/cfg", 100)).toEqual({ text: "one\ntwo\nthree", size: 13, truncated: false, end: 13 });
    expect(mem.readTextHead("/line", 10)).toEqual({ text: "", size: 50, truncated: true, end: 0 });
  });

  it("a sparse 4000 MiB file costs only the head asked for", () => {
    const h = sparse("web01\n", 4000 * 1024 * 1024);
    const head = readHead(h, 1024 * 1024);
    expect(head.data.length).toBe(1024 * 1024);
    expect(head.truncated).toBe(true);
    expect(h.bytesRead).toBe(1024 * 1024);
  });
});

describe("readLines", () => {
  it("splits at \\n, keeps \\r, counts lines and offsets, and yields a last line without \\n", () => {
    const h = sparse("a\r\n\nbb\nccc", 10);
    expect(lines(h)).toEqual([
      { text: "a\r", lineno: 1, offset: 0, bytes: 2, cut: false },
      { text: "", lineno: 2, offset: 3, bytes: 0, cut: false },
      { text: "bb", lineno: 3, offset: 4, bytes: 2, cut: false },
      { text: "ccc", lineno: 4, offset: 7, bytes: 3, cut: false },
    ]);
    expect(lines(sparse("a\n", 2)).map((l) => l.text)).toEqual(["a"]);
    expect(lines(sparse("", 0))).toEqual([]);
  });

  it("joins lines across the 1 MiB window and decodes them leniently", () => {
    const long = "é".repeat(700_000); // 1.4 MB: across a window boundary, a character split between two reads
    const bytes = Buffer.concat([Buffer.from(`xy\n${long}\n`), Buffer.from([0xff])]);
    const file: FileHandle = {
      size: bytes.length,
      read: (buf, offset, length, position) => {
        const n = Math.max(0, Math.min(length, bytes.length - position));
        buf.set(bytes.subarray(position, position + n), offset);
        return n;
      },
      close() {},
    };
    const got = lines(file, { maxLineBytes: 2 * 1024 * 1024 });
    expect(got.map((l) => l.text)).toEqual(["xy", long, "\udcff"]);
    expect(got[2]!.offset).toBe(bytes.length - 1);
  });

  it("a line past maxLineBytes is cut, and the rest of it is skipped without being held", () => {
    const h = sparse("ls\n" + "A".repeat(5000) + "\nnext\n", 3 + 5001 + 5);
    const got = lines(h, { maxLineBytes: 100 });
    expect(got.map((l) => [l.text.length, l.bytes, l.cut])).toEqual([
      [2, 2, false],
      [100, 5000, true],
      [4, 4, false],
    ]);
    expect(got[2]).toMatchObject({ text: "next", lineno: 3, offset: 5004 });
  });

  it("stops at `limit`, marking the line it ends as cut", () => {
    const h = sparse("one\ntwo\nthree\n", 14);
    expect(lines(h, { limit: 10 }).map((l) => [l.text, l.cut])).toEqual([
      ["one", false],
      ["two", false],
      ["th", true],
    ]);
    expect(h.bytesRead).toBe(10);
  });

  it("a 4000 MiB file of zeros is one line, held no longer than maxLineBytes", () => {
    const h = sparse("cmd\n", 4000 * 1024 * 1024);
    const got: TextLine[] = [];
    for (const l of readLines(h, { maxLineBytes: 16, limit: 64 * 1024 * 1024 })) got.push(l);
    expect(got.map((l) => [l.text.length, l.cut])).toEqual([
      [3, false],
      [16, true],
    ]);
    expect(got[1]!.bytes).toBe(64 * 1024 * 1024 - 4);
  });
});
