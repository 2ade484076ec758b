// The driver adapter the wasm schema engine talks to Postgres through:
// @prisma/adapter-pg, adjusted where the schema engine needs what the query
// engine never did.
import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory, ColumnTypeEnum } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { isSameDatabase, parsePostgresUrl, quoteIdentifier, withServerClient } from "./connection.mjs";
import { log } from "./log.mjs";

const CHAR_OID = 18; // Postgres's internal one-byte `"char"` (pg_constraint.contype, confdeltype, ...)
const TEXT_OID = 25;

/**
 * adapter-pg refuses result columns of type `"char"` (UnsupportedNativeDataType),
 * yet the engine's catalog queries select some, and read them as characters
 * (`get_expect_char("constraint_type")` panics on text — Postgres 18 returns
 * rows there: its NOT NULL constraints live in pg_constraint). So the client
 * relabels them as `text` to get past adapter-pg, remembering which they were
 * (keyed by the rows array, which adapter-pg passes through unchanged), and
 * `queryRaw` then reports them as Character columns.
 */
const charColumnsOfRows = new WeakMap();

function relabelCharColumns(result) {
  for (const each of Array.isArray(result) ? result : [result]) {
    const charColumns = [];
    (each?.fields ?? []).forEach((field, index) => {
      if (field.dataTypeID !== CHAR_OID) return;
      field.dataTypeID = TEXT_OID;
      charColumns.push(index);
    });
    if (charColumns.length > 0) charColumnsOfRows.set(each.rows, charColumns);
  }
  return result;
}

function withCharColumns(queryable) {
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => {
    const resultSet = await queryRaw(query);
    for (const index of charColumnsOfRows.get(resultSet.rows) ?? []) resultSet.columnTypes[index] = ColumnTypeEnum.Character;
    return resultSet;
  };
  return queryable;
}

class CatalogFriendlyClient extends pg.Client {
  query(config, values, callback) {
    if (typeof values === "function") return this.query(config, undefined, values);
    if (typeof callback === "function") {
      return super.query(config, values, (error, result) => callback(error, error ? result : relabelCharColumns(result)));
    }
    const pending = super.query(config, values);
    return typeof pending?.then === "function" ? pending.then(relabelCharColumns) : pending;
  }
}

/**
 * One connection, never closed while idle — like the native engine. The engine
 * takes Prisma's session-level advisory lock (pg_advisory_lock(72707369))
 * before migrating; with a bigger pool the lock could sit on an idle connection
 * that gets closed (releasing it) while another one runs the migration.
 */
function createPool(config) {
  return new pg.Pool({ ...config, Client: CatalogFriendlyClient, max: 1, idleTimeoutMillis: 0 });
}

async function connectAdapter(config, schema) {
  const pool = createPool(config);
  const adapter = await new PrismaPg(pool, { schema, disposeExternalPool: true }).connect();
  // adapter-pg splits scripts on ";" (breaking `$$ ... ; ... $$` bodies and
  // string literals). The native engine sends a migration script as one
  // simple-protocol batch, which Postgres runs atomically; do the same.
  adapter.executeScript = async (script) => {
    try {
      await pool.query(script);
    } catch (error) {
      adapter.onError(error);
    }
  };
  withCharColumns(adapter);
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (...args) => withCharColumns(await startTransaction(...args));
  return adapter;
}

/** A throwaway database next to the main one, dropped when the engine is done with it. */
async function connectToTemporaryShadowDatabase(mainConfig, schema) {
  const database = `prisma_migrate_shadow_db_${randomUUID()}`;
  await withServerClient(mainConfig, (client) => client.query(`CREATE DATABASE ${quoteIdentifier(database)}`));
  log.debug(`created shadow database ${database}`);
  const adapter = await connectAdapter({ ...mainConfig, database }, schema);
  const dispose = adapter.dispose.bind(adapter);
  adapter.dispose = async () => {
    await dispose();
    await withServerClient(mainConfig, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(database)} WITH (FORCE)`));
    log.debug(`dropped shadow database ${database}`);
  };
  return adapter;
}

/**
 * A shadow database of the user's (SHADOW_DATABASE_URL, for servers where we
 * may not create databases): emptied before use like the native engine does,
 * or replaying the migrations a second time would clash with the first.
 */
async function connectToExternalShadowDatabase({ config, schema }) {
  const namespace = quoteIdentifier(schema ?? "public");
  const client = new pg.Client(config);
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${namespace} CASCADE; CREATE SCHEMA ${namespace}`);
  } finally {
    await client.end().catch(() => {});
  }
  return connectAdapter(config, schema);
}

/**
 * When only the server matters (see engine.mjs), a missing main database is
 * replaced by the server's maintenance database, which is then only asked for
 * its version.
 */
async function serverConnectionConfig(config) {
  const probe = new pg.Client(config);
  try {
    await probe.connect();
    return config;
  } catch (error) {
    if (error?.code !== "3D000") throw error;
    log.info(`database "${config.database}" does not exist; only its server is needed here`);
    return { ...config, database: "postgres" };
  } finally {
    await probe.end().catch(() => {});
  }
}

/**
 * The adapter factory handed to `SchemaEngine.new`, wrapped the way Prisma
 * wraps it (errors become `{ ok: false }` results the engine understands).
 * `url` may be missing (e.g. `migrate diff --from-empty --to-schema` needs no
 * database); connecting then fails with a clear message.
 */
export function createAdapterFactory({ url, shadowDatabaseUrl, serverOnly = false }) {
  const main = url ? parsePostgresUrl(url) : undefined;
  const shadow = shadowDatabaseUrl ? parsePostgresUrl(shadowDatabaseUrl) : undefined;
  const requireMain = () => {
    if (!main) throw new Error("No datasource URL: set `datasource.url` in prisma.config.ts (DATABASE_URL).");
    return main;
  };
  const factory = {
    provider: "postgres",
    adapterName: "@prisma/adapter-pg",
    async connect() {
      const { config, schema } = requireMain();
      return connectAdapter(serverOnly ? await serverConnectionConfig(config) : config, schema);
    },
    async connectToShadowDb() {
      if (shadow) {
        if (main && isSameDatabase(main.config, shadow.config)) {
          throw new Error("The shadow database URL points at the main database; give it a database of its own.");
        }
        return connectToExternalShadowDatabase(shadow);
      }
      const { config, schema } = requireMain();
      return connectToTemporaryShadowDatabase(config, schema);
    },
  };
  return bindMigrationAwareSqlAdapterFactory(factory);
}
