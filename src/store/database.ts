// Opens the database the bot runs on: DATABASE_URL, or an embedded Postgres
// under HOTFIX_DATA_DIR. Applies migrations before anything else touches it.
import path from "node:path";
import pg from "pg";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { startEmbeddedPostgres } from "./embedded.js";
import { applyMigrations } from "./migrate.js";
import { createPrisma, type Db } from "./prisma.js";

export interface Database {
  url: string;
  prisma: Db;
  embedded: boolean;
  close(): Promise<void>;
}

export class DatabaseUnreachableError extends Error {
  constructor(where: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Cannot reach the database at ${where}: ${reason}. Check DATABASE_URL, or unset it to use the embedded Postgres.`);
    this.name = "DatabaseUnreachableError";
  }
}

/** Host/port/database of a URL, never its password: safe to print. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return "(unparseable DATABASE_URL)";
  }
}

export async function checkReachable(url: string, timeoutMs = 5_000): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  try {
    await client.connect();
    await client.query("select 1");
  } catch (error) {
    throw new DatabaseUnreachableError(describeDatabaseUrl(url), error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function resolveDatabaseUrl(config: Config, logger: Logger): Promise<{ url: string; stop?: () => Promise<void> }> {
  if (config.env.DATABASE_URL) return { url: config.env.DATABASE_URL };
  const dataDir = path.resolve(config.env.HOTFIX_DATA_DIR);
  logger.info({ dataDir }, "no DATABASE_URL: starting embedded Postgres");
  const embedded = await startEmbeddedPostgres({ dataDir, logger });
  return { url: embedded.url, stop: () => embedded.stop() };
}

export async function openDatabase(config: Config, logger: Logger, options: { migrate?: boolean } = {}): Promise<Database> {
  const { url, stop } = await resolveDatabaseUrl(config, logger);
  try {
    await checkReachable(url);
    if (options.migrate !== false) {
      const result = await applyMigrations({ connectionString: url, logger });
      if (result.applied.length) logger.info({ applied: result.applied }, "migrations applied");
    }
  } catch (error) {
    await stop?.();
    throw error;
  }
  const prisma = createPrisma(url);
  return {
    url,
    prisma,
    embedded: Boolean(stop),
    async close() {
      await prisma.$disconnect();
      await stop?.();
    },
  };
}
