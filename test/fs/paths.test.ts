// Path resolution and walks: bounded by PATH_MAX and the 40-link limit, iterative, and the same answers as before.
import { afterAll, describe, expect, it } from "vitest";
import { MemoryBackend, symlink } from "../../src/fs/memory.js";
import { byteLength, PATH_MAX } from "../../src/fs/path.js";
import { RootFilesystem } from "../../src/fs/root.js";
import { FsError, type DirEntry, type FileHandle, type FileStat, type FsBackend } from "../../src/fs/types.js";
import { entry, pax, scratch, tar } from "./tarbuild.js";
import { openTarget } from "../../plugins/index.js";

const s = scratch();
afterAll(() => s.cleanup());

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof FsError ? e.code : `not an FsError: ${String(e)}`;
  }
  return undefined;
}

describe("path resolution", () => {
  it("counts bytes, not characters, against PATH_MAX", () => {
    expect(byteLength("/etc")).toBe(4);
    expect(byteLength("é")).toBe(2);
    expect(byteLength("\u{1F600}")).toBe(4);
    expect(byteLength("\udcff")).toBe(1); // an escaped raw byte
    const fs = new RootFilesystem(new MemoryBackend({ "/etc/x": "x" }));
    expect(code(() => fs.stat("/" + "é".repeat(2047)))).toBe("ENOENT"); // 4095 bytes
    expect(code(() => fs.stat("/" + "é".repeat(2048)))).toBe("ENAMETOOLONG"); // 4097 bytes, 2049 characters
    expect(fs.exists("/" + "etc/../".repeat(584) + "etc/x")).toBe(true); // 4094 bytes
    expect(code(() => fs.stat("/" + "etc/../".repeat(585) + "etc/x"))).toBe("ENAMETOOLONG"); // 4101
  });

  it("a path reached through a link longer than PATH_MAX is ENAMETOOLONG, naming the link; the message stays short", () => {
    const fs = new RootFilesystem(
      new MemoryBackend({
        "/d/f": "data",
        "/long": symlink("d/" + "../d/".repeat(1000) + "f"), // 5002 bytes
        "/ok": symlink("d/" + "../d/".repeat(800) + "f"),
        "/dir/deep": symlink("/" + "x".repeat(4000)),
      }),
    );
    expect(fs.readText("/ok")).toBe("data");
    let err: FsError | undefined;
    try {
      fs.stat("/long");
    } catch (e) {
      err = e as FsError;
    }
    expect(err?.code).toBe("ENAMETOOLONG");
    expect(err?.message).toBe("ENAMETOOLONG: path longer than 4096 bytes through the link /long: /long");
    // 4001 bytes of target plus what is left of the path.
    expect(code(() => fs.stat("/dir/deep/" + "y".repeat(100)))).toBe("ENAMETOOLONG");
    expect(code(() => fs.stat("/dir/deep"))).toBe("ENOENT");
  });

  it("a link target of megabytes is refused before it is split (a tar never holds one: its index skips it)", async () => {
    const target = "d/..".repeat(2_500_000) + "/f"; // 10 MB
    const fs = new RootFilesystem(new Synthetic({ link: target }));
    const t0 = performance.now();
    expect(code(() => fs.readText("/etc/l"))).toBe("ENAMETOOLONG");
    expect(performance.now() - t0).toBeLessThan(2000);
    const t = await openTarget(s.file("huge-link.tar", tar(entry({ name: "var/log/", flag: "5" }), entry({ name: "d/f", data: "x" }), pax({ linkpath: target }), entry({ name: "etc/l", flag: "2", linkname: "x" }))));
    expect(t.warnings.join("\n")).toMatch(/'x' header at offset \d+ claims \d+ bytes \(more than the 1048576-byte cap\); skipped/);
    expect(code(() => t.fs.readText("/etc/l"))).toBe("ENOENT");
    t.close();
  });


  it("keeps the 40-link limit", () => {
    const tree: Record<string, ReturnType<typeof symlink> | string> = { "/f": "end" };
    for (let i = 0; i < 41; i++) tree[`/l${i}`] = symlink(i === 40 ? "/f" : `l${i + 1}`);
    const fs = new RootFilesystem(new MemoryBackend(tree));
    expect(fs.readText("/l1")).toBe("end"); // 40 links
    expect(code(() => fs.readText("/l0"))).toBe("ELOOP"); // 41
  });

  it("resolves '..' physically, absolute links at the target's root, and keeps canonical paths", () => {
    const fs = new RootFilesystem(
      new MemoryBackend({
        "/real/sub/f": "f",
        "/real/g": "g",
        "/a/link": symlink("../real/sub"),
        "/abs": symlink("/../../real"),
      }),
    );
    expect(fs.readText("/a/link/../g")).toBe("g");
    expect(fs.realpath("/a/link/f")).toBe("/real/sub/f");
    expect(fs.realpath("/abs/sub/../../..")).toBe("/");
    expect(fs.resolve("/a/link", false)).toMatchObject({ path: "/a/link" });
    expect(fs.resolve("/real/missing")).toEqual({ path: "/real/missing", stat: null });
    expect(code(() => fs.stat("/real/missing/x"))).toBe("ENOENT");
    expect(code(() => fs.stat("/real/g/x"))).toBe("ENOTDIR");
  });
});

describe("walk and glob", () => {
  const fs = new RootFilesystem(
    new MemoryBackend({
      "/b/z": "z",
      "/b/a/x": "x",
      "/a": "a",
      "/c": symlink("/b"),
      "/b/a/loop": symlink("/b"),
    }),
  );

  it("walk is pre-order and sorted, like find; links are listed, not descended", () => {
    expect([...fs.walk("/")].map((e) => e.path)).toEqual(["/a", "/b", "/b/a", "/b/a/loop", "/b/a/x", "/b/z", "/c"]);
    expect([...fs.walk("/c")].map((e) => e.path)).toEqual(["/c/a", "/c/a/loop", "/c/a/x", "/c/z"]);
  });

  it("walk and glob tell onError what they could not list", () => {
    const errors: string[] = [];
    expect([...fs.walk("/a", { onError: (p, e) => errors.push(`${p} ${e.code}`) })]).toEqual([]);
    expect([...fs.walk("/nothing", { onError: (p, e) => errors.push(`${p} ${e.code}`) })]).toEqual([]);
    expect(errors).toEqual(["/a ENOTDIR", "/nothing ENOENT"]);
  });

  it("glob follows explicit links, not ** ones, and takes '..'", () => {
    expect(fs.glob("/c/*")).toEqual(["/c/a", "/c/z"]);
    expect(fs.glob("/**/x")).toEqual(["/b/a/x"]);
    expect(fs.glob("/*/a/x")).toEqual(["/b/a/x", "/c/a/x"]);
    expect(fs.glob("/b/a/../z")).toEqual(["/b/a/../z"]);
    expect(fs.glob("/**")).toEqual(["/", "/b", "/b/a"]); // ** alone: the directories
    expect(fs.glob("/**/*")).toEqual(["/a", "/b", "/b/a", "/b/a/loop", "/b/a/x", "/b/z", "/c"]);
    expect(fs.glob("/nothing/*")).toEqual([]);
  });

  it("a tree deeper than PATH_MAX is walked as far as its paths can be named, iteratively, and the rest reported", () => {
    const fs = new RootFilesystem(new Synthetic({}));
    const errors: string[] = [];
    const paths = [...fs.walk("/", { onError: (p, e) => errors.push(`${p.length} ${e.code}`) })].map((e) => e.path);
    const longest = Math.max(...paths.map((p) => p.length));
    expect(longest).toBe(PATH_MAX); // "/d" × 2048
    expect(errors).toEqual([`${PATH_MAX} ENAMETOOLONG`]); // the directory whose entries cannot be named
    const found: string[] = [];
    const globbed = fs.glob("/**", { onError: (p, e) => found.push(`${p.length} ${e.code}`) });
    expect(globbed.length).toBe(paths.length + 1); // every directory, and "/"
    expect(found).toEqual(errors);
  });

});

/**
 * A tree no archive can hold: /d/d/d/… without end (each "d" a directory), /etc/l a link to `link` when given.
 * Walks must stop at PATH_MAX by themselves, and a link target is measured before it is split.
 */
class Synthetic implements FsBackend {
  readonly kind = "synthetic";
  constructor(private readonly opts: { link?: string }) {}
  private static readonly DIR: FileStat = { type: "dir", size: 0, mode: 0o755, uid: 0, gid: 0, mtime: null, atime: null, ctime: null };
  lstat(p: string): FileStat | null {
    if (p === "/" || /^(\/d)+$/.test(p) || p === "/etc") return Synthetic.DIR;
    if (p === "/etc/l" && this.opts.link !== undefined) return { ...Synthetic.DIR, type: "symlink" };
    return null;
  }
  readdir(p: string): DirEntry[] {
    if (p === "/etc") return this.opts.link !== undefined ? [{ name: "l", type: "symlink" }] : [];
    return p === "/" ? [{ name: "d", type: "dir" }, { name: "etc", type: "dir" }] : [{ name: "d", type: "dir" }];
  }
  readlink(): string {
    return this.opts.link ?? "";
  }
  open(p: string): FileHandle {
    throw new FsError("ENOENT", p);
  }
}
