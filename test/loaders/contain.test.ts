// resolveInside: host paths into a collection, one lstat per component, links followed only inside.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { dirInside, resolveInside } from "../../loaders/contain.js";

const base = fs.mkdtempSync(path.join(os.tmpdir(), "quarry-contain-"));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));
const coll = path.join(base, "coll");
const real = (): string => fs.realpathSync(coll);
const at = (p: string): string => path.join(coll, p);
fs.mkdirSync(at("data/root/etc"), { recursive: true });
fs.writeFileSync(at("data/root/etc/passwd"), "x");
fs.mkdirSync(path.join(base, "outside"));
fs.symlinkSync("data/root", at("in-rel"));
fs.symlinkSync(path.join(real(), "data/root"), at("in-abs"));
fs.symlinkSync("data/../data/root", at("in-dotdot"));
fs.symlinkSync("../outside", at("out-rel"));
fs.symlinkSync(path.join(base, "outside"), at("out-abs"));
fs.symlinkSync("data/../../outside", at("out-dotdot"));
fs.symlinkSync("hop", at("chain"));
fs.symlinkSync("/", at("hop"));
fs.symlinkSync("loop", at("loop"));
fs.symlinkSync("nowhere", at("dangling"));
fs.symlinkSync("data/root/etc/passwd/x", at("through-file"));

describe("resolveInside", () => {
  it("follows links that stay inside, relative, absolute or through '..'", () => {
    for (const n of ["in-rel", "in-abs", "in-dotdot"]) expect(resolveInside(coll, n), n).toEqual({ kind: "found", path: path.join(real(), "data/root"), type: "dir" });
    expect(resolveInside(coll, "in-rel/etc/passwd")).toEqual({ kind: "found", path: path.join(real(), "data/root/etc/passwd"), type: "file" });
    expect(resolveInside(coll, "")).toEqual({ kind: "found", path: real(), type: "dir" });
  });

  it("refuses links that leave, naming the link and its target", () => {
    expect(resolveInside(coll, "out-rel")).toEqual({ kind: "refused", reason: "out-rel is a symlink to ../outside outside the collection: refused" });
    expect(resolveInside(coll, "out-abs")).toEqual({ kind: "refused", reason: `out-abs is a symlink to ${path.join(base, "outside")} outside the collection: refused` });
    expect(resolveInside(coll, "out-dotdot")).toEqual({ kind: "refused", reason: "out-dotdot is a symlink to data/../../outside outside the collection: refused" });
    expect(resolveInside(coll, "chain", { scope: "the folder F" })).toEqual({ kind: "refused", reason: "hop is a symlink to / outside the folder F: refused (on the way to chain)" });
    expect(resolveInside(coll, "loop")).toEqual({ kind: "refused", reason: "loop: too many levels of symbolic links: refused" });
    expect(() => dirInside(coll, "out-rel")).toThrow("out-rel is a symlink to ../outside outside the collection: refused");
  });

  it("reports what is missing, and which link led there", () => {
    expect(resolveInside(coll, "nothing")).toEqual({ kind: "missing" });
    expect(resolveInside(coll, "dangling")).toEqual({ kind: "missing", link: { name: "dangling", target: "nowhere" } });
    expect(resolveInside(coll, "through-file").kind).toBe("missing");
    expect(dirInside(coll, "data/root/etc/passwd")).toBeNull();
    expect(resolveInside(path.join(base, "no-such-collection"), "x")).toEqual({ kind: "missing" });
  });

  it("the collection path itself may be a link (the analyst's own path)", () => {
    fs.symlinkSync(coll, path.join(base, "current"));
    expect(resolveInside(path.join(base, "current"), "in-rel")).toEqual({ kind: "found", path: path.join(real(), "data/root"), type: "dir" });
  });
});
