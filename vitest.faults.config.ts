import { defineConfig } from "vitest/config";

// `npm run test:faults`: the slow fault tests (SIGKILLs, Slack's tiers in scaled time, a Postgres restart).
// `.ci/run` runs them after `npm test`; they are named *.faults.test.ts and left out of `npm test`.
export default defineConfig({
  test: {
    include: ["test/**/*.faults.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    pool: "forks",
    // One file at a time: their timings are bounds on a shared 2-core machine.
    fileParallelism: false,
  },
});
