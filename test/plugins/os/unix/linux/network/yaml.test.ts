// The netplan YAML subset against PyYAML (libyaml's parser): fixtures/network/yaml/*.json are PyYAML's
// safe_load of each file (make-oracles.sh). Our reader keeps scalars as text, so PyYAML's typed scalars are
// compared through YAML 1.1's own rules (true/yes/on, false/no/off, integers, null).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_DEPTH, parseYaml, yamlToJson, type YamlProblem } from "../../../../../../plugins/os/unix/linux/network/yaml.js";
import { prng } from "../../../../../helpers/prng.js";

const FIX = path.resolve(import.meta.dirname, "../../../../../../fixtures/network");
const FILES: Record<string, string> = {
  "50-cloud-init.yaml": path.join(FIX, "tree/etc/netplan/50-cloud-init.yaml"),
  "hostile-ish.yaml": path.join(FIX, "yaml-cases/hostile-ish.yaml"),
  "snap.yaml": path.join(FIX, "yaml-cases/snap.yaml"),
};

/** Our text scalars typed as YAML 1.1 types them, to compare with PyYAML. */
function typed(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(typed);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typed(x)]));
  if (typeof v !== "string") return v;
  if (/^(true|True|TRUE|yes|Yes|YES|on|On|ON)$/.test(v)) return true;
  if (/^(false|False|FALSE|no|No|NO|off|Off|OFF)$/.test(v)) return false;
  if (/^[-+]?(0|[1-9][0-9_]*)$/.test(v)) return Number(v.replace(/_/g, ""));
  return v;
}

describe("the YAML subset", () => {
  for (const [name, file] of Object.entries(FILES)) {
    it(`${name} reads as PyYAML reads it`, () => {
      const problems: YamlProblem[] = [];
      const got = yamlToJson(parseYaml(fs.readFileSync(file, "utf8"), (p) => problems.push(p)));
      expect(problems).toEqual([]);
      const want = JSON.parse(fs.readFileSync(path.join(FIX, "yaml", `${name}.json`), "utf8")) as unknown;
      // quoted scalars stay text in PyYAML too: type only what PyYAML typed
      expect(typed(got)).toEqual(typedLike(want, got));
    });
  }

  it("what the subset does not read is a problem with its line, the rest kept", () => {
    const problems: YamlProblem[] = [];
    const v = yamlToJson(parseYaml("a: &x 1\nb: *x\nc: !!str\n  text\nd:\n\te: 1\nf: [1, 2\ng: ok\n---\nh: 2\n", (p) => problems.push(p)));
    expect(v).toEqual({ a: "&x 1", b: "*x", c: "!!str", d: { e: "1" }, f: "[1, 2", g: "ok" });
    expect(problems.map((p) => p.message)).toEqual([
      "line 6: a tab in the indentation (YAML allows spaces only); read as spaces",
      "line 9: a second YAML document; the rest of the file is not read",
      "line 1: an anchor (not read by quarry's YAML subset); kept as text",
      "line 2: an alias (not read by quarry's YAML subset); kept as text",
      "line 3: a tag (not read by quarry's YAML subset); kept as text",
      "line 4: indented deeper than the mapping it follows; skipped",
      "line 7: \"end of line\" where , or ] was expected (flow collections must close on their line here); kept as text",
    ]);
  });

  it("hostile depth and size are bounded", () => {
    const problems: YamlProblem[] = [];
    const deep = "[".repeat(5000) + "]".repeat(5000);
    expect(parseYaml(`a: ${deep}\n`, (p) => problems.push(p))).toBeNull();
    expect(problems[0]!.message).toBe(`line 1: nested deeper than ${MAX_DEPTH}: not a netplan file; the rest is not read`);
    let nested = "";
    for (let i = 0; i < 200; i++) nested += `${" ".repeat(i)}k${i}:\n`;
    const p2: YamlProblem[] = [];
    expect(parseYaml(nested, (p) => p2.push(p))).toBeNull();
    expect(p2[0]!.message).toContain("nested deeper than");
    const p3: YamlProblem[] = [];
    parseYaml(`a: [${"1,".repeat(200_000)}1]\n`, (p) => p3.push(p));
    expect(p3[0]!.message).toBe("line 1: more than 100000 values: not a netplan file; the rest is not read");
  });

  it("seeded corruptions: a value and problems, never an exception", () => {
    const good = fs.readFileSync(FILES["50-cloud-init.yaml"]!);
    const rand = prng(0x9a3);
    const alphabet = Buffer.from(" -:[]{},'\"#\n\t&*|>x1");
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.from(good.subarray(0, Math.floor(rand() * good.length)));
      for (let k = 0; k < 6; k++) b[Math.floor(rand() * b.length)] = alphabet[Math.floor(rand() * alphabet.length)]!;
      expect(() => parseYaml(b.toString("utf8"), () => {})).not.toThrow();
    }
  });
});

/** PyYAML's value with our text where PyYAML kept text (a quoted "yes" stays "yes"). */
function typedLike(want: unknown, got: unknown): unknown {
  if (Array.isArray(want)) return want.map((w, i) => typedLike(w, Array.isArray(got) ? got[i] : undefined));
  if (want !== null && typeof want === "object") {
    const g = (got ?? {}) as Record<string, unknown>;
    return Object.fromEntries(Object.entries(want).map(([k, w]) => [k, typedLike(w, g[k])]));
  }
  if (typeof want === "string" && typeof got === "string" && typed(got) !== got) return typed(got);
  return want;
}
