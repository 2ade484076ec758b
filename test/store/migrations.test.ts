// The migration runner (src/store/migrate.ts) against a real Postgres, and its
// agreement with Prisma itself: the migrations must match schema.prisma (drift),
// and Prisma's CLI must read the runner's bookkeeping as its own.
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations, MigrationError, migrationStatus, PRISMA_MIGRATE_LOCK_KEY } from "../../src/store/migrate.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const migrationsDir = path.join(repoRoot, "prisma", "migrations");
const schemaFile = path.join(repoRoot, "prisma", "schema.prisma");

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function freshDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase({ migrate: false });
  cleanups.push(() => db.drop());
  return db;
}

function scratchDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A copy of prisma/migrations the test may edit. */
function copyOfMigrations(): string {
  const dir = path.join(scratchDir("hf-migrations-"), "migrations");
  cpSync(migrationsDir, dir, { recursive: true });
  return dir;
}

function addMigration(dir: string, name: string, sql: string): void {
  mkdirSync(path.join(dir, name));
  writeFileSync(path.join(dir, name, "migration.sql"), sql);
}

async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Table names of schema.prisma's models (their @@map when present). */
function tablesOfSchema(source: string): string[] {
  return [...source.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)].map(
    ([, model, body]) => /@@map\(\s*"([^"]+)"\s*\)/.exec(body ?? "")?.[1] ?? (model as string),
  );
}

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node scripts/prisma.mjs ...` (the real Prisma CLI on our wasm schema engine), against `databaseUrl`. */
function prisma(args: string[], databaseUrl: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const { SHADOW_DATABASE_URL: _ignored, ...env } = process.env;
    const child = spawn(process.execPath, [path.join(repoRoot, "scripts", "prisma.mjs"), ...args], {
      cwd: repoRoot,
      env: { ...env, DATABASE_URL: databaseUrl, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
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
  });
}

/** The URL as given when it has a password; else with one (a trust-auth server ignores it, a leak check can find it). */
function withPassword(url: string): string {
  const parsed = new URL(url);
  if (!parsed.password) parsed.password = "hf-test-pw-never-printed";
  return parsed.toString();
}

function passwordOf(url: string): string {
  return decodeURIComponent(new URL(url).password);
}

describe("applyMigrations", () => {
  it("creates every table of schema.prisma on a fresh database, then has nothing left to apply", async () => {
    const db = await freshDatabase();

    const first = await applyMigrations({ connectionString: db.url });
    expect(first.applied.length).toBeGreaterThan(0);
    expect(first.alreadyApplied).toBe(0);

    const tables = (
      await query<{ name: string }>(db.url, "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'")
    ).map((row) => row.name);
    expect(tables).toEqual(expect.arrayContaining([...tablesOfSchema(readFileSync(schemaFile, "utf8")), "_prisma_migrations"]));

    const second = await applyMigrations({ connectionString: db.url });
    expect(second).toEqual({ applied: [], alreadyApplied: first.applied.length });
    expect(await migrationStatus({ connectionString: db.url })).toMatchObject({ applied: first.applied, pending: [], failed: [] });
  });

  it("applies each migration exactly once when two runners race on the same fresh database", async () => {
    const db = await freshDatabase();

    const [a, b] = await Promise.all([applyMigrations({ connectionString: db.url }), applyMigrations({ connectionString: db.url })]);

    const appliedByEither = [...a.applied, ...b.applied].sort();
    const expected = (await migrationStatus({ connectionString: db.url })).applied;
    expect(appliedByEither).toEqual([...expected].sort());
    const rows = await query<{ migration_name: string; n: number }>(
      db.url,
      "SELECT migration_name, count(*)::int AS n FROM _prisma_migrations GROUP BY migration_name",
    );
    expect(rows.every((row) => row.n === 1)).toBe(true);
    expect(rows).toHaveLength(expected.length);
  });

  it("waits for Prisma's advisory lock (key 72707369), so it never runs beside `prisma migrate deploy`", async () => {
    const db = await freshDatabase();
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    cleanups.push(() => holder.end());
    await holder.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATE_LOCK_KEY]);

    let finished = false;
    const run = applyMigrations({ connectionString: db.url }).finally(() => {
      finished = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(finished).toBe(false);

    await holder.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK_KEY]);
    expect((await run).applied.length).toBeGreaterThan(0);
  });

  it("refuses a migration whose file changed after it was applied, naming it", async () => {
    const db = await freshDatabase();
    const dir = copyOfMigrations();
    const { applied } = await applyMigrations({ connectionString: db.url, migrationsDir: dir });
    const edited = applied[0] as string;
    writeFileSync(
      path.join(dir, edited, "migration.sql"),
      `${readFileSync(path.join(dir, edited, "migration.sql"), "utf8")}\n-- an afterthought\n`,
    );

    const refusal = applyMigrations({ connectionString: db.url, migrationsDir: dir });
    await expect(refusal).rejects.toThrow(MigrationError);
    await expect(refusal).rejects.toThrow(new RegExp(`${edited}.*modified after it was applied`));
    expect((await migrationStatus({ connectionString: db.url, migrationsDir: dir })).modified).toEqual([edited]);
  });

  it("accepts the same file with Windows line endings, as Prisma does", async () => {
    const db = await freshDatabase();
    const dir = copyOfMigrations();
    const { applied } = await applyMigrations({ connectionString: db.url, migrationsDir: dir });
    const file = path.join(dir, applied[0] as string, "migration.sql");
    writeFileSync(file, readFileSync(file, "utf8").replaceAll("\n", "\r\n"));

    await expect(applyMigrations({ connectionString: db.url, migrationsDir: dir })).resolves.toMatchObject({ applied: [] });
  });

  it("rolls a failing migration back, records it as failed, and then blocks until it is resolved", async () => {
    const db = await freshDatabase();
    const dir = copyOfMigrations();
    addMigration(dir, "29990101000000_broken", 'CREATE TABLE "HalfDone" (id int);\nSELECT 1 / 0;\n');

    await expect(applyMigrations({ connectionString: db.url, migrationsDir: dir })).rejects.toThrow(/29990101000000_broken.*failed/);
    expect(await query(db.url, "SELECT to_regclass('\"HalfDone\"') AS t")).toEqual([{ t: null }]);
    const [failed] = await query<{ finished_at: Date | null; logs: string; applied_steps_count: number }>(
      db.url,
      "SELECT finished_at, logs, applied_steps_count FROM _prisma_migrations WHERE migration_name = '29990101000000_broken'",
    );
    expect(failed).toMatchObject({ finished_at: null, applied_steps_count: 0 });
    expect(failed?.logs).toMatch(/22012|division by zero/);

    const blocked = applyMigrations({ connectionString: db.url, migrationsDir: dir });
    await expect(blocked).rejects.toMatchObject({ code: "P3009" });
    await expect(blocked).rejects.toThrow(/29990101000000_broken.*not rolled back/);

    // What `prisma migrate resolve --rolled-back` records; the fixed migration then goes through.
    await query(db.url, "UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = '29990101000000_broken'");
    writeFileSync(path.join(dir, "29990101000000_broken", "migration.sql"), 'CREATE TABLE "HalfDone" (id int);\n');
    await expect(applyMigrations({ connectionString: db.url, migrationsDir: dir })).resolves.toMatchObject({
      applied: ["29990101000000_broken"],
    });
  });

  it("refuses a database that has migrations the folder lacks", async () => {
    const db = await freshDatabase();
    const newer = copyOfMigrations();
    addMigration(newer, "29990101000000_from_the_future", 'CREATE TABLE "Future" (id int);\n');
    await applyMigrations({ connectionString: db.url, migrationsDir: newer });

    await expect(applyMigrations({ connectionString: db.url, migrationsDir })).rejects.toThrow(/29990101000000_from_the_future.*lacks/);
    expect((await migrationStatus({ connectionString: db.url })).missingFromFolder).toEqual(["29990101000000_from_the_future"]);
  });

  it("refuses to start a history on a schema that already has tables (Prisma's P3005)", async () => {
    const db = await freshDatabase();
    await query(db.url, 'CREATE TABLE "Stray" (id int)');

    await expect(applyMigrations({ connectionString: db.url })).rejects.toMatchObject({ code: "P3005" });
  });
});

describe("migrations and schema.prisma, checked by Prisma", () => {
  it("has no drift: replaying prisma/migrations yields exactly schema.prisma", async () => {
    const db = await freshDatabase(); // the CLI creates its shadow database on this server

    const result = await prisma(["migrate", "diff", "--from-migrations", migrationsDir, "--to-schema", schemaFile, "--exit-code"], db.url);

    expect(result.stdout + result.stderr, "schema.prisma and prisma/migrations disagree: add a migration").toContain(
      "No difference detected",
    );
    expect(result.code).toBe(0);
  }, 60_000);

  it("does report drift (the check above can fail): a schema with one more column differs", async () => {
    const db = await freshDatabase();
    const changed = path.join(scratchDir("hf-schema-"), "schema.prisma");
    const source = readFileSync(schemaFile, "utf8");
    const withExtraColumn = source.replace(/^model SlackDelivery \{\n/m, (line) => `${line}  driftProbe String?\n`);
    expect(withExtraColumn).not.toBe(source);
    writeFileSync(changed, withExtraColumn);

    const result = await prisma(["migrate", "diff", "--from-migrations", migrationsDir, "--to-schema", changed, "--exit-code"], db.url);

    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(/SlackDelivery[\s\S]*driftProbe/);
  }, 60_000);

  it("reads the runner's bookkeeping as its own, and the runner reads Prisma's", async () => {
    const byRunner = await freshDatabase();
    await applyMigrations({ connectionString: byRunner.url });
    // Prisma gets a URL with a password always, so the "never printed" check below always checks something.
    const status = await prisma(["migrate", "status"], withPassword(byRunner.url));
    expect(status.stdout).toContain("Database schema is up to date!");
    expect(status.code).toBe(0);

    const byPrisma = await freshDatabase();
    const deploy = await prisma(["migrate", "deploy"], withPassword(byPrisma.url));
    expect(deploy.code, deploy.stderr).toBe(0);
    const runner = await applyMigrations({ connectionString: byPrisma.url });
    expect(runner.applied).toEqual([]);
    expect(runner.alreadyApplied).toBeGreaterThan(0);

    const password = passwordOf(withPassword(byRunner.url));
    expect(password.length).toBeGreaterThan(8);
    expect(status.stdout + status.stderr + deploy.stdout + deploy.stderr).not.toContain(password);
  }, 60_000);
});
