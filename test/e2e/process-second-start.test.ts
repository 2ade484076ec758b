// A second `hotfix start` on the data directory a running one uses: it exits
// with the reason (the embedded Postgres there is already running, its PID,
// what to do), not a bare "start-up failed"; the first keeps running.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startBotProcess } from "../support/process.js";

const dataDir = mkdtempSync(path.join(tmpdir(), "hotfix-twice-"));
chmodSync(dataDir, 0o755);
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const env = {
  SLACK_BOT_TOKEN: "xoxb-twice-token",
  SLACK_SIGNING_SECRET: "twice-signing-secret",
  // Nothing answers here; starting does not need Slack.
  SLACK_API_URL: "http://127.0.0.1:9/api/",
  HOTFIX_DATA_DIR: dataDir,
};

describe("hotfix start, twice on one data directory", () => {
  it("the second exits 1 saying the embedded Postgres is already running there; the first is unaffected", async () => {
    const first = startBotProcess(env);
    const url = await first.url;
    try {
      const second = startBotProcess(env);
      const exit = await second.exited;
      expect(exit.code, second.output()).toBe(1);
      const out = second.output();
      expect(out).toMatch(/start-up failed: The embedded Postgres in .* is already running \(PID \d+\)/);
      expect(out).toContain("HOTFIX_DATA_DIR");
      expect(out).not.toContain("    at ");
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    } finally {
      first.child.kill("SIGTERM");
      expect((await first.exited).code).toBe(0);
    }
  }, 120_000);
});
