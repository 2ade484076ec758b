// Connection settings for the wasm schema engine: Prisma connection strings
// become node-postgres configs with separate fields, because adapter-pg builds
// the shadow database's config by overriding `database` — a `connectionString`
// would win over it and the "shadow" would silently be the main database.
import pg from "pg";
import { registerSecret } from "./log.mjs";

const SSL_MODES = {
  disable: false,
  allow: false,
  prefer: { rejectUnauthorized: false },
  require: { rejectUnauthorized: false },
  "no-verify": { rejectUnauthorized: false },
  "verify-ca": { rejectUnauthorized: true },
  "verify-full": { rejectUnauthorized: true },
};

/**
 * Parses a `postgres://` / `postgresql://` URL the way Prisma reads it
 * (`?schema=` picks the Postgres schema). Returns `{ config, schema }` where
 * `config` is a pg.ClientConfig without a connection string.
 */
export function parsePostgresUrl(url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error("The datasource URL is not a valid URL (expected postgresql://user:password@host:port/database).");
  }
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new Error(`This schema engine only speaks PostgreSQL, not "${parsed.protocol.replace(/:$/, "")}".`);
  }
  const params = parsed.searchParams;
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  registerSecret(password);
  const config = {
    host: params.get("host") ?? (parsed.hostname ? decodeURIComponent(parsed.hostname).replace(/^\[|\]$/g, "") : "localhost"),
    port: parsed.port ? Number(parsed.port) : 5432,
    user: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password,
    database: decodeURIComponent(parsed.pathname.replace(/^\//, "")) || "postgres",
  };
  const sslMode = params.get("sslmode");
  if (sslMode && sslMode in SSL_MODES) config.ssl = SSL_MODES[sslMode];
  const connectTimeout = params.get("connect_timeout");
  if (connectTimeout) config.connectionTimeoutMillis = Number(connectTimeout) * 1000;
  const applicationName = params.get("application_name");
  if (applicationName) config.application_name = applicationName;
  const schema = params.get("schema") ?? undefined;
  if (schema) config.options = `-c search_path=${quoteIdentifier(schema)}`;
  return { config, schema };
}

export function quoteIdentifier(name) {
  return `"${String(name).replaceAll('"', '""')}"`;
}

/** Same server and database: the shadow database must never be the main one. */
export function isSameDatabase(a, b) {
  return a.host === b.host && a.port === b.port && a.database === b.database;
}

/**
 * A client connected to `config`'s server for CREATE/DROP DATABASE. Falls back
 * to the `postgres` maintenance database when the target one does not exist
 * (yet), which is exactly when `create-database` is asked for.
 */
export async function withServerClient(config, work) {
  const candidates = [config.database, "postgres", "template1"].filter((name, i, all) => all.indexOf(name) === i);
  let lastError;
  for (const database of candidates) {
    const client = new pg.Client({ ...config, database });
    try {
      await client.connect();
    } catch (error) {
      lastError = error;
      await client.end().catch(() => {});
      if (error?.code === "3D000") continue; // database does not exist: try the next one
      throw error;
    }
    try {
      return await work(client);
    } finally {
      await client.end().catch(() => {});
    }
  }
  throw lastError;
}
