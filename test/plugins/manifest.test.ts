// The CLI's registry (plugins/lazy.ts) declares the built-ins from plugins/manifest.generated.ts and imports a
// plugin's module only when it runs: the declarations must be the plugins' own, and each module must hold its plugin.
import { describe, expect, it } from "vitest";
import { PLUGINS, defaultRegistry } from "../../plugins/index.js";
import { BUILTIN_MANIFEST } from "../../plugins/manifest.generated.js";
import { LAZY_PLUGINS, lazyRegistry } from "../../plugins/lazy.js";
import { isLazy, manifestOf } from "../../src/plugin/lazy.js";
import { openTarget } from "../../plugins/index.js";
import { runOnTarget } from "../../src/plugin/runner.js";
import { Logger } from "../../src/util/log.js";
import { Timestamp } from "../../src/records/timestamp.js";
import { jsonLinesFormatter } from "../../src/records/sinks/format.js";

describe("the plugin manifest (regenerate: npm run build && node scripts/gen-plugin-manifest.mjs)", () => {
  it("declares every built-in other than the OS plugins, in the registry's order, as the plugin itself does", () => {
    expect(BUILTIN_MANIFEST.map(([m]) => m)).toEqual(PLUGINS.filter((p) => !p.os).map(manifestOf));
  });

  it("each entry's module holds that plugin", async () => {
    for (const [m, load] of BUILTIN_MANIFEST) {
      const p = (await load()).default;
      expect([p.name, p.path]).toEqual([m.name, m.path]);
    }
  });

  it("the lazy registry has the default registry's plugins and functions", async () => {
    expect(LAZY_PLUGINS.map((p) => p.name)).toEqual(PLUGINS.map((p) => p.name));
    expect(LAZY_PLUGINS.filter((p) => !p.os).every(isLazy)).toBe(true);
    expect(lazyRegistry.functions.map((f) => [f.name, f.path, f.fn.output, f.fn.args ?? []])).toEqual(
      defaultRegistry.functions.map((f) => [f.name, f.path, f.fn.output, f.fn.args ?? []]),
    );
    await lazyRegistry.load();
    const records = (r: typeof lazyRegistry) => r.functions.map((f) => (f.fn.output === "records" ? f.fn.records : []));
    expect(records(lazyRegistry)).toEqual(records(defaultRegistry));
  });

  it("a lazy plugin's run gives the records the plugin gives", async () => {
    const run = async (registry: typeof lazyRegistry) => {
      const t = await openTarget("fixtures/hosts/web01.tar");
      const lines: string[] = [];
      const format = jsonLinesFormatter();
      const sink = { write: (r: Record<string, unknown>) => void lines.push(format(r as never)), close: async () => {} };
      await runOnTarget(t, registry.resolve("users,btmp,hostname").groups, registry, sink as never, {
        log: new Logger(() => {}, "error"),
        generated: Timestamp.fromUnix(0),
      });
      t.close();
      return lines;
    };
    const lazy = await run(lazyRegistry);
    expect(lazy.length).toBeGreaterThan(2);
    expect(lazy).toEqual(await run(defaultRegistry));
  });
});
