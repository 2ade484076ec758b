// scripts/schema-engine.mjs speaks the native schema engine's protocol; these
// check the parts the Prisma CLI relies on beyond the happy paths exercised by
// migrations.test.ts: version, one-shot error codes, panics, and that no
// password ever reaches its stderr.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { adminUrl } from "../support/database.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const engine = path.join(repoRoot, "scripts", "schema-engine.mjs");

interface EngineRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runEngine(args: string[], input = "", env: NodeJS.ProcessEnv = {}): Promise<EngineRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [engine, ...args], { cwd: repoRoot, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

function datasource(url: string): string[] {
  return ["--datasource", JSON.stringify({ url })];
}

function rpc(...requests: Array<{ method: string; params?: unknown }>): string {
  return requests.map((request, index) => `${JSON.stringify({ jsonrpc: "2.0", id: index + 1, ...request })}\n`).join("");
}

function responses(stdout: string): Array<{ id: number; result?: unknown; error?: { data: Record<string, unknown> } }> {
  return stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

describe("schema-engine shim", () => {
  it("reports the engine hash the CLI expects", async () => {
    const { enginesVersion } = JSON.parse(
      readFileSync(path.join(repoRoot, "node_modules/@prisma/engines-version/package.json"), "utf8"),
    ).prisma;

    const run = await runEngine(["--version"]);

    expect(run.stdout.trim()).toBe(`schema-engine-cli ${enginesVersion}`);
  });

  it("answers JSON-RPC on stdio, over the given datasource", async () => {
    const run = await runEngine(datasource(adminUrl()), rpc({ method: "getDatabaseVersion" }, { method: "noSuchMethod" }));

    const [version, unknown] = responses(run.stdout);
    expect(version).toMatchObject({ id: 1, result: expect.stringMatching(/PostgreSQL \d+/) });
    expect(unknown?.error?.data).toMatchObject({ is_panic: false, message: expect.stringContaining("noSuchMethod") });
    expect(run.code).toBe(0);
  });

  it("answers a panic as a panic and exits like the native engine (101)", async () => {
    const run = await runEngine(datasource(adminUrl()), rpc({ method: "debugPanic" }));

    expect(responses(run.stdout)[0]?.error?.data).toMatchObject({ is_panic: true, message: expect.stringContaining("debugPanic") });
    expect(run.code).toBe(101);
  });

  it("gives one-shot commands Prisma's error codes, and never prints the password, even under DEBUG=*", async () => {
    const secret = "s3cr3t-Pa55word";
    const unreachable = `postgresql://someone:${secret}@127.0.0.1:1/nowhere`;

    const run = await runEngine([...datasource(unreachable), "cli", "can-connect-to-database"], "", { DEBUG: "*" });

    expect(run.code).toBe(1);
    // The CLI skips the first line and parses every other one as JSON.
    const lines = run.stderr.split("\n").slice(1).filter(Boolean);
    const failure = lines.map((line) => JSON.parse(line)).find((line) => line.level === "ERROR");
    expect(failure).toMatchObject({ target: "schema_engine::logger", fields: { error_code: "P1001" } });
    expect(run.stderr + run.stdout).not.toContain(secret);
  });

  it("never prints the password when the engine itself fails to connect", async () => {
    const secret = "an0ther-s3cret";
    const url = new URL(adminUrl());
    url.username = "no_such_role_hf";
    url.password = secret;
    url.port = "1";

    const run = await runEngine(datasource(url.toString()), rpc({ method: "ensureConnectionValidity", params: {} }), { DEBUG: "*" });

    expect(responses(run.stdout)[0]?.error?.data).toMatchObject({ is_panic: false });
    expect(run.stderr + run.stdout).not.toContain(secret);
  });
});
