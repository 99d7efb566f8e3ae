// `npm run docs`: (re)write the generated references (./generated.ts) in the repository's docs/.
// `npm run docs -- --check`: write nothing; exit 1 when a committed file differs from what the sources give.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { GENERATED_DOCS } from "./generated.js";

/** The repository root: the nearest folder above this module (in the sources or in dist/) with quarry's package.json. */
function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!isQuarryRoot(dir)) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error("no quarry package.json above " + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

function isQuarryRoot(dir: string): boolean {
  try {
    return (JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string }).name === "quarry";
  } catch {
    return false;
  }
}

function main(argv: readonly string[]): number {
  const check = argv.includes("--check");
  const root = repoRoot();
  let stale = 0;
  for (const doc of GENERATED_DOCS) {
    const file = path.join(root, doc.path);
    const want = doc.render();
    const have = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null;
    if (have === want) {
      console.log(`${doc.path}: up to date`);
      continue;
    }
    if (check) {
      console.error(`${doc.path}: stale (run npm run docs)`);
      stale++;
    } else {
      fs.writeFileSync(file, want);
      console.log(`${doc.path}: written`);
    }
  }
  return stale ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
