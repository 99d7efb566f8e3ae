// -f resolution as dissect does it, on a small registry of test plugins.
import { describe, expect, it } from "vitest";
import { defineRecord } from "../../src/records/descriptor.js";
import { absent, definePlugin, ok, type Plugin } from "../../src/plugin/define.js";
import { Registry } from "../../src/plugin/registry.js";

const R = defineRecord("test/r", { v: "string", filepath: "path" });
const rec = { output: "records" as const, records: [R], description: "d", *run() {} };
const val = { output: "value" as const, description: "d", value: () => "x" };

const plugins: Plugin[] = [
  definePlugin({ name: "unixos", path: "os.unix._os", description: "", os: { detect: () => true, info: () => ({ hostname: null, domain: null, os: "unix", version: null }) }, checkCompatible: ok, functions: { hostname: val } }),
  definePlugin({ name: "linuxos", path: "os.unix.linux._os", description: "", os: { parent: "os.unix", detect: () => true, info: () => ({ hostname: null, domain: null, os: "linux", version: null }) }, checkCompatible: ok, functions: { hostname: val } }),
  definePlugin({ name: "utmp", path: "os.unix.log.utmp", description: "", checkCompatible: ok, functions: { wtmp: rec, btmp: rec } }),
  definePlugin({ name: "atop", path: "os.unix.log.atop", namespace: "atop", description: "", checkCompatible: () => absent("no /var/log/atop"), functions: { atop: rec, "atop.processes": rec, "atop.system": rec } }),
  definePlugin({ name: "winthing", path: "os.windows.evt", description: "", checkCompatible: ok, functions: { evt: rec } }),
  definePlugin({ name: "general", path: "general.misc", description: "", checkCompatible: ok, functions: { misc: rec } }),
];
const reg = new Registry(plugins);
const names = (p: string, x: string = "") => reg.resolve(p, x).groups.map((g) => g.name);

describe("function resolution", () => {
  it("exact names, in the order given, without duplicates", () => {
    expect(names("wtmp,btmp,wtmp")).toEqual(["wtmp", "btmp"]);
  });
  it("an exact name that is also a namespace runs only that function", () => {
    expect(names("atop")).toEqual(["atop"]);
  });
  it("namespace.* runs every function of the namespace", () => {
    expect(names("atop.*")).toEqual(["atop", "atop.processes", "atop.system"]);
  });
  it("module-path prefixes and globs", () => {
    expect(names("os.unix.log")).toEqual(["atop", "atop.processes", "atop.system", "btmp", "wtmp"]);
    expect(names("os.unix.log.*")).toEqual(["atop", "atop.processes", "atop.system", "btmp", "wtmp"]);
    expect(names("os.unix.log.utmp.w*")).toEqual(["wtmp"]);
    expect(names("os.unix.lo")).toEqual([]); // partial module names do not match
  });
  it("-xf removes by function path", () => {
    expect(names("os.unix.log", "atop.*")).toEqual(["btmp", "wtmp"]);
    expect(names("atop.*", "atop.system")).toEqual(["atop", "atop.processes"]);
  });
  it("unknown patterns are reported, not ignored", () => {
    expect(reg.resolve("wtmp,nope,os.nothing").invalid).toEqual(["nope", "os.nothing"]);
    expect(reg.resolve("wtmp", "nope").invalid).toEqual(["nope"]);
  });
  it("a name offered by several plugins lists the most specific first", () => {
    const g = reg.resolve("hostname").groups[0]!;
    expect(g.candidates.map((c) => c.path)).toEqual(["os.unix.linux._os.hostname", "os.unix._os.hostname"]);
  });
  it("a tree match brings every candidate of the names it hits", () => {
    const g = reg.resolve("os.unix._os").groups[0]!;
    expect(g.candidates.map((c) => c.path)).toEqual(["os.unix.linux._os.hostname", "os.unix._os.hostname"]);
  });
  it("OS eligibility: lineage for os.*, everywhere for the rest", () => {
    const [wtmp] = reg.match("wtmp");
    const [evt] = reg.match("evt");
    const [misc] = reg.match("misc");
    const [linuxHost, unixHost] = reg.match("hostname");
    expect(reg.eligible(wtmp!, "os.unix.linux")).toBe(true);
    expect(reg.eligible(evt!, "os.unix.linux")).toBe(false);
    expect(reg.eligible(misc!, "os.unix.linux")).toBe(true);
    expect(reg.eligible(linuxHost!, "os.unix")).toBe(false);
    expect(reg.eligible(unixHost!, "os.unix.linux")).toBe(true);
    expect(reg.eligible(wtmp!, null)).toBe(true);
    expect(reg.eligible(linuxHost!, null)).toBe(false);
  });
});
