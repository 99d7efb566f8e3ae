// Build once before any test file runs: several files drive the compiled CLI (worker threads exist only there),
// and two files building at the same time could each read the other's half-written dist/.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
  execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "inherit" }); // keeps the bins executable
}
