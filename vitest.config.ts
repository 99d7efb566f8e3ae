import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // The package root, as plugins import it; the sources, so tests and plugins share one copy of each module.
  resolve: { alias: { quarry: fileURLToPath(new URL("./src/index.ts", import.meta.url)) } },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    pool: "forks",
    globalSetup: ["test/setup/build.ts"],
    // Every record a plugin yields in the tests is checked against its descriptor's types.
    env: { QUARRY_CHECK_RECORDS: "1" },
  },
});
