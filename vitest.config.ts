import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // One run for CI: the app's tests and every dev-only workspace package's own (packages/*/test).
    include: ["test/**/*.test.ts", "src/**/*.test.ts", "packages/*/test/**/*.test.ts"],
    // The slow fault tests run in `npm run test:faults` (vitest.faults.config.ts), which .ci/run runs too.
    exclude: [...configDefaults.exclude, "**/*.faults.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
