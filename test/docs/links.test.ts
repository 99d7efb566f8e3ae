// The docs stand alone: every link in README.md, docs/ and the fixtures' READMEs resolves inside the repository
// (a file that exists, and a heading that exists for `#anchor`), and no page sends the reader outside it — to the
// web or to files of the project's shared material that a clone does not have.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");

function pages(): string[] {
  const out = ["README.md"];
  for (const d of ["docs", "fixtures"]) {
    const stack = [d];
    while (stack.length) {
      const dir = stack.pop()!;
      for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
        const rel = path.join(dir, e.name);
        if (e.isDirectory()) stack.push(rel);
        else if (e.name.endsWith(".md")) out.push(rel);
      }
    }
  }
  return out.sort();
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function anchors(md: string): Set<string> {
  const out = new Set<string>();
  let fenced = false;
  for (const line of md.split("\n")) {
    if (/^```/.test(line)) fenced = !fenced;
    const m = !fenced && /^#{1,6}\s+(.*)$/.exec(line);
    if (m) out.add(m[1]!.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-"));
    // explicit anchors (the generated references place them before their headings)
    if (!fenced) for (const a of line.matchAll(/<a id="([^"]+)"><\/a>/g)) out.add(a[1]!);
  }
  return out;
}

/** `[text](target)` links outside code spans and fences. */
function links(md: string): { target: string; line: number }[] {
  const out: { target: string; line: number }[] = [];
  let fenced = false;
  md.split("\n").forEach((line, i) => {
    if (/^```/.test(line)) fenced = !fenced;
    if (fenced) return;
    const text = line.replace(/`[^`]*`/g, "");
    for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) out.push({ target: m[1]!, line: i + 1 });
  });
  return out;
}

describe("docs stand alone", () => {
  it("every link resolves inside the repository, anchors included", () => {
    const bad: string[] = [];
    for (const page of pages()) {
      const md = fs.readFileSync(path.join(ROOT, page), "utf8");
      for (const { target, line } of links(md)) {
        const where = `${page}:${line}: ${target}`;
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) {
          bad.push(`${where} (leaves the repository)`);
          continue;
        }
        const [file, anchor] = target.split("#") as [string, string | undefined];
        const dest = file ? path.resolve(path.dirname(path.join(ROOT, page)), file) : path.join(ROOT, page);
        if (!dest.startsWith(ROOT + path.sep) || !fs.existsSync(dest)) {
          bad.push(`${where} (no such file in the repository)`);
          continue;
        }
        if (anchor && dest.endsWith(".md") && !anchors(fs.readFileSync(dest, "utf8")).has(anchor)) bad.push(`${where} (no such heading)`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("no page cites the shared material a clone does not have", () => {
    const bad: string[] = [];
    for (const page of pages()) {
      fs.readFileSync(path.join(ROOT, page), "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (/\.\.\/shared\/|\bspecs\/[\w-]+\.md|dissect-notes\.md/.test(line)) bad.push(`${page}:${i + 1}: ${line.trim().slice(0, 100)}`);
        });
    }
    expect(bad).toEqual([]);
  });
});
