import { configDefaults, defineConfig } from "vitest/config"

/**
 * Two groups. Everything but the multi-process cluster files first, two files at a time; then the
 * cluster files (test/cluster/**) one at a time in a fork of their own, after the rest has finished.
 * Those start 3 nats-servers and 3-4 Parley processes each and assert how long a reply waits after
 * a kill or during a join: beside another file on a 2-core machine they measured the neighbour
 * (the waits doubled), not the system (docs/cluster.md, "Failures, as tested").
 */
const cluster = "test/cluster/**/*.test.ts"

export default defineConfig({
  test: {
    globalSetup: ["test/support/globalSetup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Multi-process tests start their own servers; two CPUs do not take many files at once.
    maxWorkers: 2,
    minWorkers: 1,
    projects: [
      {
        extends: true,
        test: {
          name: "main",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, cluster],
          sequence: { groupOrder: 0 }
        }
      },
      {
        extends: true,
        test: {
          name: "cluster",
          include: [cluster],
          sequence: { groupOrder: 1 },
          poolOptions: { forks: { singleFork: true } }
        }
      }
    ]
  }
})
