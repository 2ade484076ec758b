// One Postgres server for the whole run: the one in DATABASE_URL when set
// (CI uses the machine's), else an embedded one in a temporary folder. Each
// test file then makes its own database on it (test/support/database.ts).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../src/store/embedded.js";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const external = process.env.DATABASE_URL;
  if (external) {
    project.provide("pgAdminUrl", external);
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), "hotfix-test-pg-"));
  const db = await startEmbeddedPostgres({ dataDir: dir, database: "postgres", persistent: false });
  project.provide("pgAdminUrl", db.url);
  return async () => {
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
