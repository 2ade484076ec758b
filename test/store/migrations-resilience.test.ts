// The migration runner when things go wrong that are not the migration's
// fault, against the real Postgres: a lock held by someone else (bounded wait,
// a clear error naming the holder), a connection killed mid-migration, a
// serialization failure, a table lock it cannot get. None of these may be
// recorded as a failed migration (which would stop every replica until someone
// resolved it by hand); a real SQL error still is.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations, MigrationError, migrationStatus, PRISMA_MIGRATE_LOCK_KEY } from "../../src/store/migrate.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

const migrationsDir = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function freshDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase({ migrate: false });
  cleanups.push(() => db.drop());
  return db;
}

function migrationsWith(name: string, sql: string): string {
  const root = mkdtempSync(path.join(tmpdir(), "hf-migrations-"));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const dir = path.join(root, "migrations");
  cpSync(migrationsDir, dir, { recursive: true });
  mkdirSync(path.join(dir, name));
  writeFileSync(path.join(dir, name, "migration.sql"), sql);
  return dir;
}

async function session(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => undefined);
  await client.connect();
  cleanups.push(() => client.end().catch(() => undefined));
  return client;
}

async function rowsFor(url: string, name: string) {
  const client = await session(url);
  const { rows } = await client.query<{ finished_at: Date | null; rolled_back_at: Date | null }>(
    "SELECT finished_at, rolled_back_at FROM _prisma_migrations WHERE migration_name = $1",
    [name],
  );
  return rows;
}

describe("the migration lock", () => {
  it("gives up after the configured time with P1002, naming the session that holds it", async () => {
    const db = await freshDatabase();
    const holder = await session(db.url);
    await holder.query("SET application_name = 'stuck-deploy'");
    await holder.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK_KEY]);
    const { rows } = await holder.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");

    const began = Date.now();
    const run = applyMigrations({ connectionString: db.url, lockTimeoutMs: 1_500 });
    await expect(run).rejects.toBeInstanceOf(MigrationError);
    await expect(run).rejects.toMatchObject({ code: "P1002" });
    await expect(run).rejects.toThrow(new RegExp(`pid ${rows[0]?.pid} \\(stuck-deploy`));
    const waited = Date.now() - began;
    expect(waited).toBeGreaterThanOrEqual(1_400);
    expect(waited).toBeLessThan(10_000);
    // Nothing was applied or recorded while it waited.
    expect((await migrationStatus({ connectionString: db.url })).applied).toEqual([]);

    await holder.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK_KEY]);
    expect((await applyMigrations({ connectionString: db.url, lockTimeoutMs: 1_500 })).applied.length).toBeGreaterThan(0);
  });
});

describe("transient failures are not failed migrations", () => {
  it("a connection killed mid-migration records nothing and is applied on the next try", async () => {
    const db = await freshDatabase();
    await (await session(db.url)).query("CREATE SEQUENCE flaky_once");
    // Kills its own connection the first time only (a sequence does not roll back).
    const dir = migrationsWith(
      "29990101000000_flaky",
      "CREATE TABLE \"Flaky\" (id int);\nSELECT CASE WHEN nextval('flaky_once') = 1 THEN pg_terminate_backend(pg_backend_pid()) END;\n",
    );
    const result = await applyMigrations({ connectionString: db.url, migrationsDir: dir });
    expect(result.applied).toContain("29990101000000_flaky");
    const rows = await rowsFor(db.url, "29990101000000_flaky");
    expect(rows).toHaveLength(1);
    expect(rows[0]?.finished_at).not.toBeNull();
  });

  it("a serialization failure that outlasts the retries fails start-up without recording a failed migration", async () => {
    const db = await freshDatabase();
    const dir = migrationsWith(
      "29990101000000_serialization",
      "DO $$ BEGIN RAISE EXCEPTION 'could not serialize access' USING ERRCODE = '40001'; END $$;\n",
    );
    const run = applyMigrations({ connectionString: db.url, migrationsDir: dir, attempts: 2 });
    await expect(run).rejects.toMatchObject({ code: "TRANSIENT" });
    await expect(run).rejects.toThrow(/29990101000000_serialization.*nothing was recorded/);
    expect(await rowsFor(db.url, "29990101000000_serialization")).toEqual([]);
    const status = await migrationStatus({ connectionString: db.url, migrationsDir: dir });
    expect(status.failed).toEqual([]);
    expect(status.pending).toEqual(["29990101000000_serialization"]);
  });

  it("a table lock it cannot get in time is retried, never recorded, and goes through once the lock is gone", async () => {
    const db = await freshDatabase();
    await applyMigrations({ connectionString: db.url });
    const dir = migrationsWith("29990101000000_alter", 'ALTER TABLE "Incident" ADD COLUMN "lockTest" int;\n');
    const blocker = await session(db.url);
    await blocker.query("BEGIN");
    await blocker.query('LOCK TABLE "Incident" IN ACCESS SHARE MODE');

    const run = applyMigrations({ connectionString: db.url, migrationsDir: dir, statementLockTimeoutMs: 200, attempts: 2 });
    await expect(run).rejects.toMatchObject({ code: "TRANSIENT" });
    expect(await rowsFor(db.url, "29990101000000_alter")).toEqual([]);

    await blocker.query("COMMIT");
    expect((await applyMigrations({ connectionString: db.url, migrationsDir: dir })).applied).toEqual(["29990101000000_alter"]);
  });

  it("a real SQL error is still recorded as failed (and blocks until resolved)", async () => {
    const db = await freshDatabase();
    const dir = migrationsWith("29990101000000_typo", "CREATE TABEL oops (id int);\n");
    await expect(applyMigrations({ connectionString: db.url, migrationsDir: dir })).rejects.toMatchObject({ code: "P3018" });
    expect(await rowsFor(db.url, "29990101000000_typo")).toEqual([{ finished_at: null, rolled_back_at: null }]);
    await expect(applyMigrations({ connectionString: db.url, migrationsDir: dir })).rejects.toMatchObject({ code: "P3009" });
  });
});
