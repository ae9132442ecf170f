/**
 * V8 flags every Parley node process starts with: `npm start` (package.json, which cannot import
 * this and repeats it), the test clusters, the cluster demo and the benchmarks.
 *
 * A customer message allocates short-lived objects that stay alive across a few round trips (to
 * NATS, PostgreSQL, Apple), so with V8's default 16 MiB semi-spaces a loaded node scavenged often
 * and copied those still-live objects each time: the garbage collector took 13.8 % of a loaded
 * node's busy time, 8.6 % with 32 MiB and 7.8 % with 64 MiB in back-to-back profiles, 10.6–11.2 %
 * with 32 MiB in later ones (docs/performance.md, session 10). 32 MiB costs at most ~64 MiB more
 * young generation for most of that gain.
 */
export const nodeFlags: ReadonlyArray<string> = ["--max-semi-space-size=32"]
