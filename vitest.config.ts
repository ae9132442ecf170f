import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/globalSetup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Multi-process tests start their own servers; two CPUs do not take many files at once.
    maxWorkers: 2,
    minWorkers: 1
  }
})
