import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    pool: "forks",
    // Every record a plugin yields in the tests is checked against its descriptor's types.
    env: { QUARRY_CHECK_RECORDS: "1" },
  },
});
