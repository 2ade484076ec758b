// Why the embedded Postgres did not start, in words: a second start on the
// same data directory names the running one's PID; a Postgres that refuses to
// start (here: a broken setting) is quoted, not reported as "undefined".
import { appendFileSync, chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { toError } from "../../src/logger.js";
import { EmbeddedPostgresError, startEmbeddedPostgres } from "../../src/store/embedded.js";

const dataDir = mkdtempSync(path.join(tmpdir(), "hotfix-embedded-"));
// As root, Postgres runs as another user, who must be able to reach folders below this one.
chmodSync(dataDir, 0o755);
const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the embedded Postgres", () => {
  it("refuses a second start on a data directory in use, naming the running PID and what to do", async () => {
    const first = await startEmbeddedPostgres({ dataDir, persistent: true });
    stops.push(() => first.stop());

    const second = startEmbeddedPostgres({ dataDir, persistent: true });
    await expect(second).rejects.toBeInstanceOf(EmbeddedPostgresError);
    await expect(second).rejects.toThrow(/is already running \(PID \d+\).*HOTFIX_DATA_DIR/);

    await first.stop();
  }, 120_000);

  it("quotes Postgres when it refuses to start, instead of rejecting with nothing", async () => {
    appendFileSync(path.join(dataDir, "postgres", "postgresql.conf"), "\nnot_a_real_setting_at_all = 1\n");
    const start = startEmbeddedPostgres({ dataDir, persistent: true });
    await expect(start).rejects.toBeInstanceOf(EmbeddedPostgresError);
    await expect(start).rejects.toThrow(/did not start: .*not_a_real_setting_at_all/);
  }, 120_000);
});

describe("toError", () => {
  it("turns whatever was thrown into an Error with a message", () => {
    expect(toError(undefined).message).toBe("failed without a reason (undefined was thrown)");
    expect(toError(null).message).toContain("null");
    expect(toError("port taken").message).toBe("port taken");
    expect(toError({ message: "from an object" }).message).toBe("from an object");
    expect(toError({ code: 7 }).message).toBe('failed: {"code":7}');
    const original = new Error("kept");
    expect(toError(original)).toBe(original);
    expect(toError(new Error("")).message).toBe("Error (no message)");
  });
});
