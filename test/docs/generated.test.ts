// docs/records.md and docs/cli.md are generated (src/docs/, `npm run docs`): the committed files must be what the
// sources give, and the references must name every function, record type, field and option.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { LOADERS } from "../../loaders/index.js";
import { defaultRegistry } from "../../plugins/index.js";
import { CLI_CONVENTIONS, CLI_SPECS, flagsOf, type CliSpec } from "../../src/cli/spec/index.js";
import { GENERATED_DOCS } from "../../src/docs/generated.js";
import { code, descriptorAnchor, functionAnchor, renderCliReference, renderRecordsReference, text } from "../../src/docs/reference.js";
import { definePlugin, ok } from "../../src/plugin/define.js";
import { Registry } from "../../src/plugin/registry.js";
import { FunctionValueRecord } from "../../src/plugin/value.js";
import { defineRecord, RESERVED_FIELDS, TARGET_FIELDS, type RecordDescriptor } from "../../src/records/descriptor.js";
import { SCALAR_TYPES } from "../../src/records/fieldtypes.js";

const ROOT = new URL("../../", import.meta.url);

/** The first line where two texts differ, for the failure message. */
function firstDifference(a: string, b: string): string {
  const x = a.split("\n");
  const y = b.split("\n");
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `line ${i + 1}:\n  committed: ${x[i] ?? "(end of file)"}\n  generated: ${y[i] ?? "(end of file)"}`;
  }
  return "";
}

describe("the committed references are up to date", () => {
  it.each(GENERATED_DOCS.map((d) => [d.path, d] as const))("%s", (path, doc) => {
    const file = new URL(path, ROOT);
    const committed = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    const generated = doc.render();
    if (committed !== generated) {
      expect.fail(`${path} is stale: run \`npm run docs\` and commit the result (${firstDifference(committed, generated)})`);
    }
  });

  it("rendering is deterministic", () => {
    for (const doc of GENERATED_DOCS) expect(doc.render()).toBe(doc.render());
  });
});

/** The text from an anchor to the next anchor of the same kind (or the end). */
function section(md: string, id: string, next: RegExp): string {
  const start = md.indexOf(`<a id="${id}"></a>`);
  expect(start, `anchor ${id}`).toBeGreaterThanOrEqual(0);
  const rest = md.slice(start + id.length + 15);
  const m = next.exec(rest);
  return m ? rest.slice(0, m.index) : rest;
}

function expectFieldRows(md: string, desc: RecordDescriptor, where: string): void {
  desc.fields.forEach((f, i) => {
    expect(md, `${where}: ${desc.name}.${f.name}`).toContain(`| ${i + 1} | ${code(f.name)} | ${code(f.type)} |`);
  });
}

/** Everything the records reference must name, for any registry. */
function expectComplete(registry: Registry, md: string): void {
  for (const f of [...TARGET_FIELDS, ...RESERVED_FIELDS]) expect(md).toContain(`| ${code(f.name)} | ${code(f.type)} |`);
  for (const t of SCALAR_TYPES) expect(md).toContain(`| ${code(t)} |`);
  expectFieldRows(md, FunctionValueRecord, "value functions");
  for (const p of registry.plugins) {
    expect(md).toContain(`### ${code(p.name)}: ${code(p.path)}`);
    for (const a of p.paths ?? []) expect(md).toContain(code(a));
  }
  for (const name of new Set(registry.functions.map((f) => f.name))) expect(md).toContain(`| [${code(name)}](#`);
  for (const ref of registry.functions) {
    const s = section(md, functionAnchor(ref), /<a id="fn-|\n### /);
    expect(s).toContain(`#### ${code(ref.name)}`);
    expect(s).toContain(code(ref.path));
    expect(s).toContain(text(ref.fn.description));
    for (const a of ref.fn.args ?? []) {
      expect(s).toContain(code(`--${a.name}`));
      expect(s).toContain(text(a.help));
      for (const c of a.choices ?? []) expect(s).toContain(code(c));
    }
    if (ref.fn.output !== "records") {
      expect(s).toContain("a value");
      continue;
    }
    for (const d of ref.fn.records) {
      const ds = section(s, descriptorAnchor(ref, d), /<a id="/);
      expect(ds).toContain(`##### Record ${code(d.name)}`);
      expectFieldRows(ds, d, ref.path);
    }
  }
}

describe("docs/records.md", () => {
  it("names every function of the registry, its arguments, and every field of every descriptor", () => {
    expectComplete(defaultRegistry, renderRecordsReference(defaultRegistry, { valueRecord: FunctionValueRecord }));
  });

  it("does so for a plugin it has never seen (namespaced, arguments, two record types, a name two plugins offer)", () => {
    const A = defineRecord("test/docs/a", { ts: "datetime", who: "string", addr: "net.ipaddress", tags: "string[]", filepath: "path" });
    const B = defineRecord("test/docs/b", { n: "varint", filepath: "path" });
    const reg = new Registry([
      definePlugin({
        name: "thing",
        path: "os.unix.log.thing",
        namespace: "thing",
        description: "Things | with a pipe, <angle> and *stars*",
        paths: ["/var/log/thing*"],
        checkCompatible: ok,
        functions: {
          thing: { output: "records", description: "every thing", records: [A, B], *run() {} },
          "thing.count": {
            output: "records",
            description: "counts",
            records: [B],
            args: [{ name: "by", type: "string", choices: ["a", "b"], default: "a", help: "count by a or b" }],
            *run() {},
          },
        },
      }),
      definePlugin({ name: "local", path: "os.unix.local", description: "", checkCompatible: ok, functions: { hostname: { output: "value", description: "a name", value: () => "x" } } }),
      definePlugin({ name: "other", path: "other.place", description: "", checkCompatible: ok, functions: { hostname: { output: "value", description: "another", value: () => "y" } } }),
    ]);
    const md = renderRecordsReference(reg, { valueRecord: FunctionValueRecord });
    expectComplete(reg, md);
    expect(md).toContain("Things \\| with a pipe, \\<angle> and \\*stars\\*");
    expect(md).toContain("| `os.unix.local.hostname`, `other.place.hostname` | a name |");
  });
});

describe("docs/cli.md", () => {
  const md = renderCliReference(CLI_SPECS, LOADERS, CLI_CONVENTIONS);
  const toolSection = (spec: CliSpec): string => {
    const start = md.indexOf(`\n## ${spec.name}\n`);
    expect(start).toBeGreaterThanOrEqual(0);
    const end = md.indexOf("\n## ", start + 1);
    return md.slice(start, end < 0 ? undefined : end);
  };

  it.each(CLI_SPECS.map((s) => [s.name, s] as const))("%s: usage, every option (hidden ones too), command, note and exit code", (_, spec) => {
    const s = toolSection(spec);
    expect(s).toContain(`${spec.name} ${spec.usage}`);
    expect(s).toContain(text(spec.description));
    for (const [name, o] of Object.entries(spec.options)) {
      for (const f of flagsOf(name, o)) expect(s).toMatch(new RegExp("`" + f.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&") + "[` ]"));
      expect(s).toContain(text(o.describe));
      for (const c of o.choices ?? []) expect(s).toContain(code(c));
    }
    for (const c of spec.commands ?? []) expect(s).toContain(code(c.usage));
    for (const n of spec.notes ?? []) expect(s).toContain(text(n));
    for (const d of spec.details ?? []) expect(s).toContain(d);
    for (const e of spec.exitCodes) expect(s).toContain(`| ${e.code} | ${text(e.meaning)}`);
  });

  it("lists the loaders", () => {
    for (const l of LOADERS) expect(md).toContain(`| ${code(l.name)} | ${text(l.description)} |`);
  });
});
