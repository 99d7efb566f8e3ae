import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { Target, type Issue } from "quarry";
import { file, symlink, type MemoryTree } from "../../../../../src/fs/memory.js";
import { closeAll, compressionOf, findRotations, openRotations, type LogLine } from "../../../../../plugins/os/unix/log/rotations.js";
import { targetFromTree } from "../../../../../plugins/index.js";

function collect() {
  const warnings: Issue[] = [];
  const errors: Issue[] = [];
  return { warnings, errors, rep: { warn: (i: Issue) => warnings.push(i), error: (i: Issue) => errors.push(i) } };
}

const XZ_HEAD = Uint8Array.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 0]);
const BZ2_HEAD = Buffer.from("BZh91AY&SY", "latin1");
const ZSTD_HEAD = Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0]);

async function read(tree: MemoryTree, bases: string[], opts = {}) {
  const t = targetFromTree(tree);
  const c = collect();
  const rotations = findRotations(t.fs, bases);
  const opened = await openRotations(t.fs, rotations, c.rep, opts);
  const lines: (LogLine & { file: string })[] = [];
  for (const o of opened) for (const l of o) lines.push({ ...l, file: o.rotation.path });
  return { rotations, lines, ...c };
}

describe("findRotations", () => {
  it("orders numbered rotations oldest first, the live file last", () => {
    const t = targetFromTree({
      "/var/log/auth.log": "live\n",
      "/var/log/auth.log.1": "one\n",
      "/var/log/auth.log.2.gz": gzipSync("two\n"),
      "/var/log/auth.log.10.gz": gzipSync("ten\n"),
      "/var/log/auth.log.3.gz": gzipSync("three\n"),
      "/var/log/auth.logger": "not a rotation\n",
      "/var/log/auth.log.swp": "not a rotation\n",
    });
    const r = findRotations(t.fs, ["/var/log/auth.log"]);
    expect(r.map((x) => x.path)).toEqual(["/var/log/auth.log.10.gz", "/var/log/auth.log.3.gz", "/var/log/auth.log.2.gz", "/var/log/auth.log.1", "/var/log/auth.log"]);
    expect(r.map((x) => x.compression)).toEqual(["gzip", "gzip", "gzip", "none", "none"]);
    expect(r.map((x) => x.age)).toEqual([4, 3, 2, 1, 0]);
  });

  it("orders dated rotations (daily and hourly) by date, and keeps the bases in the order given", () => {
    const t = targetFromTree({
      "/var/log/secure": "live\n",
      "/var/log/secure-20240310": "b\n",
      "/var/log/secure-20240303.gz": gzipSync("a\n"),
      "/var/log/secure-2024031006": "c\n",
      "/var/log/auth.log": "debian\n",
    });
    const r = findRotations(t.fs, ["/var/log/auth.log", "/var/log/secure"]);
    expect(r.map((x) => x.path)).toEqual([
      "/var/log/auth.log",
      "/var/log/secure-20240303.gz",
      "/var/log/secure-20240310",
      "/var/log/secure-2024031006",
      "/var/log/secure",
    ]);
  });

  it("orders a mix of numbered and dated rotations by mtime", () => {
    const t = targetFromTree({
      "/var/log/messages": file("live\n", { mtime: 5000 }),
      "/var/log/messages.1": file("x\n", { mtime: 3000 }),
      "/var/log/messages-20240301": file("y\n", { mtime: 1000 }),
    });
    expect(findRotations(t.fs, ["/var/log/messages"]).map((x) => x.path)).toEqual(["/var/log/messages-20240301", "/var/log/messages.1", "/var/log/messages"]);
  });

  it("lists a file reached twice once, by its real path, with its mtime and size", () => {
    const t = targetFromTree({
      "/var/log/syslog": file("abc\n", { mtime: 1709500000 }),
      "/var/log/syslog.1": symlink("syslog"),
      "/var/log/messages": symlink("/var/log/syslog"),
    });
    const r = findRotations(t.fs, ["/var/log/syslog", "/var/log/messages"]);
    expect(r).toHaveLength(1);
    expect(r[0]!.path).toBe("/var/log/syslog");
    expect(r[0]!.size).toBe(4);
    expect(r[0]!.mtime?.toSeconds()).toBe(1709500000);
  });

  it("finds nothing where the directory is missing", () => {
    expect(findRotations(targetFromTree({ "/etc/hostname": "x\n" }).fs, ["/var/log/auth.log"])).toEqual([]);
  });

  it("tells compressions apart by magic", () => {
    expect(compressionOf(gzipSync("x"))).toBe("gzip");
    expect(compressionOf(XZ_HEAD)).toBe("xz");
    expect(compressionOf(BZ2_HEAD)).toBe("bzip2");
    expect(compressionOf(ZSTD_HEAD)).toBe("zstd");
    expect(compressionOf(Buffer.from("BZh"))).toBe("none");
    expect(compressionOf(Buffer.from("Mar  4 08:15:03 web01 sshd[1]: x"))).toBe("none");
    expect(compressionOf(new Uint8Array(0))).toBe("none");
  });
});

describe("openRotations", () => {
  it("reads every file's lines in order, with line numbers and offsets (inflated offsets in a gzip)", async () => {
    const { lines, warnings, errors } = await read(
      {
        "/var/log/auth.log": "c1\nc2",
        "/var/log/auth.log.1": "b1\n\nb3\n",
        "/var/log/auth.log.2.gz": gzipSync("a1\na22\n"),
      },
      ["/var/log/auth.log"],
    );
    expect(lines.map((l) => [l.file, l.lineNumber, l.offset, l.text])).toEqual([
      ["/var/log/auth.log.2.gz", 1, 0, "a1"],
      ["/var/log/auth.log.2.gz", 2, 3, "a22"],
      ["/var/log/auth.log.1", 1, 0, "b1"],
      ["/var/log/auth.log.1", 2, 3, ""],
      ["/var/log/auth.log.1", 3, 4, "b3"],
      ["/var/log/auth.log", 1, 0, "c1"],
      ["/var/log/auth.log", 2, 3, "c2"],
    ]);
    expect(warnings).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("refuses xz, bzip2 and zstd rotations with an error naming the file, and reads the others", async () => {
    const { lines, errors } = await read(
      {
        "/var/log/messages": "live\n",
        "/var/log/messages.1.xz": XZ_HEAD,
        "/var/log/messages.2.bz2": BZ2_HEAD,
        "/var/log/messages.3.zst": ZSTD_HEAD,
      },
      ["/var/log/messages"],
    );
    expect(lines.map((l) => l.text)).toEqual(["live"]);
    expect(errors.map((e) => [e.file, e.message.split(":")[0]])).toEqual([
      ["/var/log/messages.3.zst", "zstd-compressed rotation not supported"],
      ["/var/log/messages.2.bz2", "bzip2-compressed rotation not supported"],
      ["/var/log/messages.1.xz", "xz-compressed rotation not supported"],
    ]);
    expect(errors[2]!.message).toContain("xz -dk");
  });

  it("reads a .gz that is plain text as text, with a warning", async () => {
    const { lines, warnings } = await read({ "/var/log/syslog.2.gz": "plain\n" }, ["/var/log/syslog"]);
    expect(lines.map((l) => l.text)).toEqual(["plain"]);
    expect(warnings).toEqual([{ message: "named as gzip-compressed but its bytes are plain text: read as plain text", file: "/var/log/syslog.2.gz" }]);
  });

  it("keeps the lines before the damage of a truncated gzip, and warns with the inflated offset", async () => {
    const text = Array.from({ length: 5000 }, (_, i) => `Mar  4 08:15:03 web01 sshd[${1000 + i}]: Connection closed by 192.0.2.${i % 250} port ${20000 + i}`).join("\n") + "\n";
    const gz = gzipSync(text);
    const cut = gz.subarray(0, Math.floor(gz.length * 0.6));
    const { lines, warnings, errors } = await read({ "/var/log/auth.log.2.gz": cut, "/var/log/auth.log": "after\n" }, ["/var/log/auth.log"]);
    expect(errors).toEqual([]);
    const good = lines.filter((l) => l.file.endsWith(".gz"));
    expect(good.length).toBeGreaterThan(100);
    const all = text.split("\n");
    // every line but the last one read is whole and equal to the original
    for (const l of good.slice(0, -1)) expect(l.text).toBe(all[l.lineNumber - 1]);
    expect(all[good.length - 1]!.startsWith(good.at(-1)!.text)).toBe(true);
    expect(lines.at(-1)!.text).toBe("after");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.file).toBe("/var/log/auth.log.2.gz");
    expect(warnings[0]!.message).toMatch(/^gzip stream damaged after \d+ decompressed bytes .*: \d+ lines read before the damage/);
    const last = good.at(-1)!;
    expect(warnings[0]!.offset).toBeGreaterThanOrEqual(last.offset + last.bytes);
  });

  it("reports a gzip from which nothing inflates as an error for that file only", async () => {
    const { lines, errors } = await read({ "/var/log/auth.log.2.gz": Uint8Array.from([0x1f, 0x8b, 8, 0, 0, 0]), "/var/log/auth.log": "x\n" }, ["/var/log/auth.log"]);
    expect(lines.map((l) => l.text)).toEqual(["x"]);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.file).toBe("/var/log/auth.log.2.gz");
    expect(errors[0]!.message).toMatch(/^cannot inflate: gzip decompression failed/);
  });

  it("cuts a line past maxLineBytes and says which line, capping the warnings", async () => {
    const long = "x".repeat(300);
    const { lines, warnings } = await read({ "/var/log/auth.log": `a\n${long}\n${long}\n${long}\nb\n` }, ["/var/log/auth.log"], { maxLineBytes: 100, maxWarnings: 2 });
    expect(lines.map((l) => [l.text.length, l.bytes, l.cut])).toEqual([
      [1, 1, false],
      [100, 300, true],
      [100, 300, true],
      [100, 300, true],
      [1, 1, false],
    ]);
    expect(warnings).toEqual([
      { message: "line 2 is 300 bytes long: only its first 100 bytes are kept", file: "/var/log/auth.log", offset: 2 },
      { message: "line 3 is 300 bytes long: only its first 100 bytes are kept", file: "/var/log/auth.log", offset: 303 },
      { message: "1 more lines longer than 100 bytes (cut, not reported one by one)", file: "/var/log/auth.log" },
    ]);
  });

  it("keeps undecodable bytes as surrogate escapes", async () => {
    const { lines } = await read({ "/var/log/syslog": Uint8Array.from([0x61, 0xff, 0x62, 0x0a]) }, ["/var/log/syslog"]);
    expect(lines[0]!.text).toBe("a\udcffb");
  });

  it("spills inflated rotations past the shared memory limit to temp files, reading them the same", async () => {
    const text = Array.from({ length: 20000 }, (_, i) => `line ${i}`).join("\n") + "\n";
    const old = process.env.QUARRY_GZIP_MEMORY_LIMIT;
    process.env.QUARRY_GZIP_MEMORY_LIMIT = "1000";
    try {
      const { lines } = await read({ "/var/log/syslog.1.gz": gzipSync(text), "/var/log/syslog.2.gz": gzipSync("old\n") }, ["/var/log/syslog"]);
      expect(lines.length).toBe(20001);
      expect(lines[0]!.text).toBe("old");
      expect(lines.at(-1)!.text).toBe("line 19999");
    } finally {
      if (old === undefined) delete process.env.QUARRY_GZIP_MEMORY_LIMIT;
      else process.env.QUARRY_GZIP_MEMORY_LIMIT = old;
    }
  });

  it("scans a file silently without closing it, then reads it again", async () => {
    const t = targetFromTree({ "/var/log/syslog": `a\n${"x".repeat(50)}\n` });
    const c = collect();
    const [log] = await openRotations(t.fs, findRotations(t.fs, ["/var/log/syslog"]), c.rep, { maxLineBytes: 10 });
    expect([...log!.scan()].map((l) => l.text)).toEqual(["a", "x".repeat(10)]);
    expect(c.warnings).toEqual([]);
    expect([...log!].map((l) => l.text)).toEqual(["a", "x".repeat(10)]);
    expect(c.warnings).toHaveLength(1);
    expect(log!.rotation.base).toBe("/var/log/syslog");
  });

  it("closes files not read (closeAll is idempotent with the iterator's own close)", async () => {
    const t = targetFromTree({ "/var/log/syslog": "a\nb\n", "/var/log/syslog.1.gz": gzipSync("z\n") });
    const opened = await openRotations(t.fs, findRotations(t.fs, ["/var/log/syslog"]), collect().rep);
    for (const l of opened[0]!) {
      expect(l.text).toBe("z");
      break;
    }
    closeAll(opened);
    closeAll(opened);
  });
});

describe("OpenedLog.prefixes", () => {
  it("gives each line's start after its NULs with the line numbers and offsets of the lines, long lines included", async () => {
    const { prng } = await import("../../../../helpers/prng.js");
    const rnd = prng(77);
    const parts: string[] = [];
    for (let k = 0; k < 3000; k++) {
      const r = rnd();
      const len = r < 0.01 ? 1_500_000 + Math.floor(rnd() * 2_000_000) : Math.floor(rnd() * 120);
      const nuls = rnd() < 0.05 ? "\0".repeat(Math.floor(rnd() * 300)) : "";
      parts.push(nuls + "Mar  4 08:15:03 h x: " + "y".repeat(len));
    }
    const text = parts.join("\n") + (rnd() < 0.5 ? "\n" : "");
    const t = targetFromTree({ "/var/log/syslog": text });
    const [log] = await openRotations(t.fs, findRotations(t.fs, ["/var/log/syslog"]), collect().rep, { maxLineBytes: 200 });
    const want = [...log!.scan()]
      .map((l) => ({ ...l, stripped: l.text.replace(/^\0+/, "") }))
      .filter((l) => l.stripped !== "")
      .map((l) => [l.stripped.slice(0, 24), l.lineNumber, l.offset]);
    const got: unknown[] = [];
    for (const l of log!.prefixes(24)) got.push([l.prefix, l.lineNumber, l.offset]); // the object is reused
    const bad = got.findIndex((g, k) => JSON.stringify(g) !== JSON.stringify(want[k]));
    expect(JSON.stringify([bad, got[bad], want[bad], got.length, want.length])).toBe(JSON.stringify([-1, null, null, want.length, want.length]));
  });
});
