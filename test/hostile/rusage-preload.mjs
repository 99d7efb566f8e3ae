// Preloaded (node --import) into the CLI processes the hostile tests start: at exit, the process's own peak RSS
// (worker threads included: they share the process) goes to the file named by QUARRY_TEST_RUSAGE.
import fs from "node:fs";

const out = process.env.QUARRY_TEST_RUSAGE;
if (out) {
  process.on("exit", () => {
    try {
      fs.writeFileSync(out, JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS }));
    } catch {
      /* the test falls back to what it polled from /proc */
    }
  });
}
