// Registry-wide invariants over every built-in plugin (dissect's "meta" tests).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { defaultRegistry, PLUGINS } from "../../plugins/index.js";
import { FunctionValueRecord } from "../../src/plugin/value.js";
import { isFieldTypeName } from "../../src/records/fieldtypes.js";
import { defineRecord } from "../../src/records/descriptor.js";
import { checkPlugin, descriptorsOf, fieldTypeConflicts } from "../../src/plugin/check.js";

// Every record type the built-ins can write, and the one value functions write.
const descriptors = [...descriptorsOf(PLUGINS), FunctionValueRecord];

describe("registry invariants", () => {
  it("descriptor names are unique (one definition per name)", () => {
    const byName = new Map<string, number>();
    for (const d of descriptors) byName.set(d.name, (byName.get(d.name) ?? 0) + 1);
    expect([...byName].filter(([, n]) => n > 1)).toEqual([]);
  });

  it("one field name never has two types across descriptors", () => {
    const types = new Map<string, Set<string>>();
    for (const d of descriptors) {
      for (const f of d.fields) {
        if (!types.has(f.name)) types.set(f.name, new Set());
        types.get(f.name)!.add(f.type);
      }
    }
    expect([...types].filter(([, s]) => s.size > 1).map(([n, s]) => `${n}: ${[...s].join(", ")}`)).toEqual([]);
  });

  it("every built-in passes the check external plugins are held to, and no two declare a field two ways", () => {
    for (const p of PLUGINS) expect(checkPlugin(p), p.name).toEqual([]);
    expect(fieldTypeConflicts(PLUGINS)).toEqual([]);
  });

  it("the check finds a field typed two ways and the plugin it comes from", () => {
    const empty = { ...PLUGINS[0]!, name: "x", functions: {} };
    expect(checkPlugin(empty)).toEqual(["no functions"]);
    const wtmp = PLUGINS.find((p) => p.name === "wtmp")!;
    const fn = wtmp.functions.wtmp!;
    const d = (fn.output === "records" ? fn.records : [])[0]!;
    const clash = { ...wtmp, name: "clash", functions: { clash: { output: "records" as const, description: "clashing", records: [defineRecord("x/clash", { ut_pid: "string", filepath: "path" })], run: () => [] } } };
    expect(d.fieldTypes.get("ut_pid")).toBe("varint");
    expect(fieldTypeConflicts([...PLUGINS, clash], [clash])).toEqual([expect.stringMatching(/^field ut_pid has two types: varint in .*linux\/log\/wtmp.*; string in x\/clash$/)]);
    expect(fieldTypeConflicts([...PLUGINS, clash], [wtmp])).toHaveLength(1);
    expect(fieldTypeConflicts(PLUGINS, [wtmp])).toEqual([]);
  });

  it("every record has hostname, domain and a filepath path, and uses known field types", () => {
    for (const d of descriptors) {
      expect(d.fields[0]).toEqual({ name: "hostname", type: "string" });
      expect(d.fields[1]).toEqual({ name: "domain", type: "string" });
      expect(d.fieldTypes.get("filepath"), d.name).toBe("path");
      for (const f of d.fields) expect(isFieldTypeName(f.type), `${d.name}.${f.name}: ${f.type}`).toBe(true);
    }
  });

  it("every exported function is documented, and record functions declare their descriptors", () => {
    for (const f of defaultRegistry.functions) {
      expect(f.fn.description.trim().length, f.path).toBeGreaterThan(10);
      if (f.fn.output === "records") expect(f.fn.records.length, f.path).toBeGreaterThan(0);
      for (const a of f.fn.args ?? []) expect(a.help.trim().length, `${f.path} --${a.name}`).toBeGreaterThan(3);
    }
    for (const p of PLUGINS) expect(p.description.trim().length, p.name).toBeGreaterThan(5);
  });

  it("a plugin's module path mirrors its file, and every plugin file is registered", () => {
    const root = path.resolve(import.meta.dirname, "../../plugins");
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith(".ts") && p !== path.join(root, "index.ts")) files.push(p);
      }
    };
    walk(root);
    const expected = new Set(
      PLUGINS.map((p) => p.path),
    );
    const modulePaths = files
      .filter((f) => /definePlugin\(/.test(fs.readFileSync(f, "utf8")))
      .map((f) => path.relative(root, f).replace(/\.ts$/, "").replace(/\/(index|_plugin|plugin)$/, "").split(path.sep).join("."));
    for (const m of modulePaths) expect(expected.has(m), `${m} is not registered (or its path differs)`).toBe(true);
  });
});
