// After every build: the bins must stay executable. npm marks them so at install, but a rebuild (npm run build,
// or the tests that build before spawning the CLI) writes the files anew without the execute bit, and
// `npx target-query` would then fail with "Permission denied".
import fs from "node:fs";

const bins = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")).bin;
for (const file of Object.values(bins)) {
  const p = new URL(`../${file}`, import.meta.url);
  if (fs.existsSync(p)) fs.chmodSync(p, 0o755);
}
