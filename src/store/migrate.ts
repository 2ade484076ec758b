// The runtime migration runner: applies prisma/migrations with nothing but
// `pg` (no Prisma CLI, no engine), at start-up and for `hotfix migrate`.
//
// It keeps Prisma Migrate's own bookkeeping — the `_prisma_migrations` table,
// its checksums and its advisory lock — so `prisma migrate deploy` / `status`
// run against the same database agree with it, and each excludes the other.
// Stricter than `migrate deploy` on purpose: an application starting up should
// refuse a database whose history it does not recognise rather than guess.
import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import type { Logger } from "pino";

/** The key Prisma Migrate passes to pg_advisory_lock; sharing it excludes a concurrent `prisma migrate deploy`. */
export const PRISMA_MIGRATE_LOCK_KEY = 72707369;

const MIGRATIONS_TABLE = "_prisma_migrations";

/** Prisma's DDL for the table, verbatim (schema-engine's Postgres connector). */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE ${MIGRATIONS_TABLE} (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationOptions {
  connectionString: string;
  /** Default: `prisma/migrations` of this repository, found from this file's location (src/ or dist/src/). */
  migrationsDir?: string;
  logger?: Logger;
  /** How long to wait for another runner's migration lock before giving up with P1002. Default 60 s. */
  lockTimeoutMs?: number;
  /** How long one statement of a migration may wait for a table lock (Postgres lock_timeout). Default 30 s. */
  statementLockTimeoutMs?: number;
  /** Runs after a transient failure (connection lost, lock timeout, serialization failure). Default 3. */
  attempts?: number;
}

export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;
const DEFAULT_STATEMENT_LOCK_TIMEOUT_MS = 30_000;

export interface ApplyResult {
  /** Names of the migrations applied by this call, in order. */
  applied: string[];
  /** How many migrations were already applied before this call. */
  alreadyApplied: number;
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  /** Started but neither finished nor marked rolled back: they block new migrations (Prisma's P3009). */
  failed: string[];
  /** Applied, but the migration.sql on disk no longer has the checksum recorded in the database. */
  modified: string[];
  /** Applied to the database but absent from the migrations folder. */
  missingFromFolder: string[];
}

/** A refusal to migrate; `code` is Prisma's for the same situation where there is one. */
export class MigrationError extends Error {
  override readonly name = "MigrationError";
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.code = code;
  }
}

/** An interruption that says nothing about the migration itself: never recorded, worth another try. */
export class TransientMigrationError extends MigrationError {
  override readonly cause: unknown;
  constructor(message: string, cause: unknown) {
    super(message, "TRANSIENT");
    this.cause = cause;
  }
}

/**
 * SQLSTATE classes and codes that mean "try again", not "this SQL is wrong":
 * connection exceptions (08), operator intervention such as a terminated
 * backend or a shutdown (57P01-57P05, 57014 query_canceled), serialization
 * failure and deadlock (40001, 40P01), lock_not_available (55P03, what
 * lock_timeout raises), insufficient resources (53).
 */
const TRANSIENT_SQLSTATE = /^(08|53|57P0|40001|40P01|55P03|57014)/;
const TRANSIENT_NODE_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN"]);

export function isTransient(error: unknown): boolean {
  if (error instanceof TransientMigrationError) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (TRANSIENT_SQLSTATE.test(code) || TRANSIENT_NODE_CODES.has(code))) return true;
  // node-postgres reports a dropped connection without a code.
  return /Connection terminated|connection (?:is )?closed|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(
    error.message,
  );
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? `${error.message} (${code})` : error.message;
}

interface LocalMigration {
  name: string;
  script: string;
  /** sha256 (hex) of migration.sql's bytes: what Prisma records. */
  checksum: string;
}

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
}

/**
 * Applies what is pending. A transient failure (the connection lost, a lock
 * not granted in time, a serialization failure) records nothing and is tried
 * again on a fresh connection; only the migration's own SQL failing is
 * recorded as a failed migration, which stops every replica until resolved.
 */
export async function applyMigrations(options: MigrationOptions): Promise<ApplyResult> {
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir();
  const local = await readLocalMigrations(migrationsDir);
  const log = options.logger;
  const attempts = Math.max(1, options.attempts ?? 3);
  for (let attempt = 1; ; attempt++) {
    try {
      return await applyOnce(options, migrationsDir, local);
    } catch (error) {
      if (!(error instanceof TransientMigrationError) || attempt >= attempts) throw error;
      log?.warn({ err: error, attempt }, "migration interrupted by a transient failure; nothing recorded, trying again");
      await sleep(250 * attempt);
    }
  }
}

async function applyOnce(options: MigrationOptions, migrationsDir: string, local: LocalMigration[]): Promise<ApplyResult> {
  const log = options.logger;
  try {
    return await withClient(options.connectionString, { createSchema: true }, async (client) => {
      await acquireMigrateLock(client, log, options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
      try {
        await ensureMigrationsTable(client);
        const status = compareHistories(local, await readMigrationRows(client));
        refuseUnsafeHistory(status, migrationsDir);
        const pending = local.filter((migration) => status.pending.includes(migration.name));
        const lockTimeout = options.statementLockTimeoutMs ?? DEFAULT_STATEMENT_LOCK_TIMEOUT_MS;
        for (const migration of pending) await applyMigration(client, migration, log, lockTimeout);
        if (pending.length === 0) log?.debug({ applied: status.applied.length }, "database schema is up to date");
        return { applied: pending.map((migration) => migration.name), alreadyApplied: status.applied.length };
      } finally {
        // Ending the session releases it anyway; a failed unlock must not hide the real error.
        await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK_KEY]).catch(() => undefined);
      }
    });
  } catch (error) {
    // A connection that broke outside a migration's own transaction (connect, lock, bookkeeping) is transient too.
    if (!(error instanceof MigrationError) && isTransient(error)) {
      throw new TransientMigrationError(`Migrating was interrupted: ${describeError(error)}. Nothing was recorded.`, error);
    }
    throw error;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Read-only: no lock, no table created. */
export async function migrationStatus(options: Omit<MigrationOptions, "logger">): Promise<MigrationStatus> {
  const local = await readLocalMigrations(options.migrationsDir ?? defaultMigrationsDir());
  return withClient(options.connectionString, { createSchema: false }, async (client) => {
    const rows = (await migrationsTableExists(client)) ? await readMigrationRows(client) : [];
    return compareHistories(local, rows);
  });
}

// --- the migrations folder -------------------------------------------------

function defaultMigrationsDir(): string {
  const start = path.dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "prisma", "migrations");
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new MigrationError(`No prisma/migrations folder found above ${start}.`, "P3015");
  }
}

/** Prisma's layout: `<dir>/<name>/migration.sql`, applied in name order, plus migration_lock.toml. */
async function readLocalMigrations(migrationsDir: string): Promise<LocalMigration[]> {
  if (!existsSync(migrationsDir)) throw new MigrationError(`The migrations folder ${migrationsDir} does not exist.`, "P3015");
  await refuseOtherProvider(migrationsDir);
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b));
  return Promise.all(
    names.map(async (name) => {
      const file = path.join(migrationsDir, name, "migration.sql");
      if (!existsSync(file)) throw new MigrationError(`Could not find the migration file at ${file}.`, "P3015");
      const bytes = await readFile(file);
      return { name, script: bytes.toString("utf8"), checksum: sha256(bytes) };
    }),
  );
}

async function refuseOtherProvider(migrationsDir: string): Promise<void> {
  const lockFile = path.join(migrationsDir, "migration_lock.toml");
  if (!existsSync(lockFile)) return;
  const provider = /^\s*provider\s*=\s*"([^"]*)"/m.exec(await readFile(lockFile, "utf8"))?.[1];
  if (provider && provider !== "postgresql") {
    throw new MigrationError(`${lockFile} says these migrations are for ${provider}, not postgresql.`, "P3019");
  }
}

function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Prisma's rule (schema-connector/src/checksum.rs): the script matches if it,
 * or it with its line endings switched (git may have rewritten them), hashes to
 * the recorded checksum; very old rows hold hex digits without zero padding.
 */
function scriptMatchesChecksum(script: string, recorded: string): boolean {
  const variants = [script, script.replaceAll("\r\n", "\n"), script.replaceAll("\n", "\r\n")];
  return variants.some((variant) => {
    const digest = createHash("sha256").update(variant).digest();
    const hex = recorded.length === 64 ? digest.toString("hex") : [...digest].map((byte) => byte.toString(16)).join("");
    return hex === recorded;
  });
}

// --- the database side -----------------------------------------------------

async function withClient<T>(
  connectionString: string,
  options: { createSchema: boolean },
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  // A connection dropped between queries is reported by the next query; unhandled, this event would end the process.
  client.on("error", () => undefined);
  await client.connect();
  try {
    await useSchemaFromUrl(client, connectionString, options);
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Prisma puts everything (its table included) in the `?schema=` of the URL, creating it when migrating; so do we. */
async function useSchemaFromUrl(client: pg.Client, connectionString: string, options: { createSchema: boolean }): Promise<void> {
  const schema = URL.parse(connectionString)?.searchParams.get("schema");
  if (!schema) return;
  const identifier = client.escapeIdentifier(schema);
  if (options.createSchema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${identifier}`);
  await client.query(`SET search_path TO ${identifier}`);
}

/**
 * Session-level, like Prisma's: held until released or the connection ends, so
 * a crashed runner never leaves it behind. Replicas starting together take
 * turns here; the later ones then find nothing left to apply. Never waits
 * forever: pg_try_advisory_lock in a loop, then Prisma's P1002 naming who holds it.
 */
async function acquireMigrateLock(client: pg.Client, log: Logger | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 50;
  let told = false;
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [PRISMA_MIGRATE_LOCK_KEY]);
    if (rows[0]?.locked) return;
    if (!told) {
      log?.info({ lockKey: PRISMA_MIGRATE_LOCK_KEY, timeoutMs }, "another migration run holds the lock; waiting for it");
      told = true;
    }
    if (Date.now() >= deadline) {
      const holder = await describeLockHolder(client).catch(() => "");
      throw new MigrationError(
        `Timed out after ${Math.round(timeoutMs / 1000)} s waiting for the migration lock (pg advisory lock ${PRISMA_MIGRATE_LOCK_KEY})` +
          `${holder ? `, held by ${holder}` : ""}. Another \`hotfix migrate\`, replica or \`prisma migrate\` is running, or is stuck: ` +
          "wait for it, or end that session (pg_terminate_backend), then start again.",
        "P1002",
      );
    }
    await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
    delay = Math.min(delay * 2, 1_000);
  }
}

/** Who holds the lock, for the error: `pid 123 (hotfix, 10.0.0.7, since 2026-...)`. */
async function describeLockHolder(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{ pid: number; application_name: string; client_addr: string | null; backend_start: Date }>(
    `SELECT a.pid, a.application_name, host(a.client_addr) AS client_addr, a.backend_start
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = $1 AND l.objsubid = 1 AND l.pid <> pg_backend_pid()`,
    [PRISMA_MIGRATE_LOCK_KEY],
  );
  const row = rows[0];
  if (!row) return "";
  const who = [row.application_name || null, row.client_addr, `since ${row.backend_start.toISOString()}`].filter(Boolean).join(", ");
  return `pid ${row.pid} (${who})`;
}

async function migrationsTableExists(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ found: boolean }>(
    "SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1) AS found",
    [MIGRATIONS_TABLE],
  );
  return rows[0]?.found === true;
}

/** Like Prisma, refuses to start a history on a schema that already has tables (P3005): they would clash. */
async function ensureMigrationsTable(client: pg.Client): Promise<void> {
  if (await migrationsTableExists(client)) return;
  const { rows } = await client.query<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1 LIMIT 5",
  );
  if (rows.length > 0) {
    throw new MigrationError(
      `The database schema is not empty (tables: ${rows.map((row) => row.name).join(", ")}) and has no ${MIGRATIONS_TABLE} table. ` +
        "Baseline it first: https://pris.ly/d/migrate-baseline",
      "P3005",
    );
  }
  await client.query(CREATE_MIGRATIONS_TABLE);
}

async function readMigrationRows(client: pg.Client): Promise<MigrationRow[]> {
  const { rows } = await client.query<MigrationRow>(
    `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at FROM ${MIGRATIONS_TABLE} ORDER BY started_at ASC`,
  );
  return rows;
}

/** Prisma's semantics: rolled-back rows are history only; an unfinished, not rolled back row is a failure. */
function compareHistories(local: LocalMigration[], rows: MigrationRow[]): MigrationStatus {
  const live = rows.filter((row) => row.rolled_back_at === null);
  const finished = new Map(live.filter((row) => row.finished_at !== null).map((row) => [row.migration_name, row]));
  const localNames = new Set(local.map((migration) => migration.name));
  return {
    applied: local.filter((migration) => finished.has(migration.name)).map((migration) => migration.name),
    pending: local.filter((migration) => !live.some((row) => row.migration_name === migration.name)).map((migration) => migration.name),
    failed: live.filter((row) => row.finished_at === null).map((row) => row.migration_name),
    modified: local
      .filter((migration) => {
        const row = finished.get(migration.name);
        return row !== undefined && !scriptMatchesChecksum(migration.script, row.checksum);
      })
      .map((migration) => migration.name),
    missingFromFolder: [...finished.keys()].filter((name) => !localNames.has(name)),
  };
}

function refuseUnsafeHistory(status: MigrationStatus, migrationsDir: string): void {
  if (status.failed.length > 0) {
    throw new MigrationError(
      `Migration ${quoteList(status.failed)} failed and was not rolled back, so no new migration will be applied (Prisma P3009). ` +
        "Repair the database, then mark it rolled back: node scripts/prisma.mjs migrate resolve --rolled-back <name> " +
        "(see https://pris.ly/d/migrate-resolve).",
      "P3009",
    );
  }
  if (status.modified.length > 0) {
    throw new MigrationError(
      `Migration ${quoteList(status.modified)} was modified after it was applied: its migration.sql no longer matches the checksum ` +
        `recorded in ${MIGRATIONS_TABLE}. Restore the original file and put the change in a new migration.`,
      "P3006",
    );
  }
  if (status.missingFromFolder.length > 0) {
    throw new MigrationError(
      `The database has migration ${quoteList(status.missingFromFolder)} that ${migrationsDir} lacks: ` +
        "this code is older than the database. Deploy a version that contains it.",
      "P3017",
    );
  }
}

function quoteList(names: string[]): string {
  return names.map((name) => `\`${name}\``).join(", ");
}

/**
 * One transaction per migration, its bookkeeping row included: a crash leaves
 * no trace and the migration is simply retried. A migration whose SQL fails is
 * rolled back and then recorded as failed (no finished_at, the error in
 * `logs`), as Prisma records it, so both tools stop until someone resolves it;
 * a transient failure is rolled back and recorded nowhere.
 * Hence a migration.sql must not manage transactions itself, nor use what
 * cannot run in one (CREATE INDEX CONCURRENTLY) — Prisma's own batch has the
 * same limit.
 */
async function applyMigration(client: pg.Client, migration: LocalMigration, log: Logger | undefined, lockTimeoutMs: number): Promise<void> {
  log?.info({ migration: migration.name }, "applying migration");
  const began = Date.now();
  await client.query("BEGIN");
  // A statement waiting on a table another session holds fails (55P03, transient) instead of hanging the start-up.
  await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(lockTimeoutMs))}`);
  // The server's clock, as Prisma records it (now() is the transaction's start).
  const { rows } = await client.query<{ started_at: Date }>("SELECT now() AS started_at");
  const startedAt = rows[0]?.started_at ?? new Date();
  try {
    await client.query(migration.script);
    await client.query(
      `INSERT INTO ${MIGRATIONS_TABLE} (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, $4, clock_timestamp(), 1)`,
      [randomUUID(), migration.checksum, migration.name, startedAt],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    if (isTransient(error)) {
      // Not the migration's fault: recording it as failed would stop every replica until someone resolved it by hand.
      throw new TransientMigrationError(
        `Migration \`${migration.name}\` was interrupted (${describeError(error)}) and rolled back; nothing was recorded.`,
        error,
      );
    }
    const logs = describeDatabaseError(error);
    await client
      .query(
        `INSERT INTO ${MIGRATIONS_TABLE} (id, checksum, migration_name, started_at, logs, applied_steps_count) VALUES ($1, $2, $3, $4, $5, 0)`,
        [randomUUID(), migration.checksum, migration.name, startedAt, logs],
      )
      .catch((recordError: unknown) => log?.warn({ err: recordError, migration: migration.name }, "could not record the failed migration"));
    throw new MigrationError(`Migration \`${migration.name}\` failed and was rolled back (Prisma P3018):\n${logs}`, "P3018");
  }
  log?.info({ migration: migration.name, ms: Date.now() - began }, "migration applied");
}

/** The shape of Prisma's `logs` for a failed script. */
function describeDatabaseError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code, detail, position } = error as pg.DatabaseError;
  const lines = [code ? `Database error code: ${code}\n` : "", "Database error:", `ERROR: ${error.message}`];
  if (detail) lines.push(`DETAIL: ${detail}`);
  if (position) lines.push(`POSITION: ${position}`);
  return lines.filter(Boolean).join("\n");
}
