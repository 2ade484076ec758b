// The wasm schema engine behind the JSON-RPC methods the Prisma CLI calls.
// Method names are the CLI's (SchemaEngineCLI); most map one to one onto the
// wasm engine, the rest are filled in here.
//
// The engine is built on the first request, not at start-up: building it
// connects to the database, and a failure must come back as that request's
// error — if the process died instead, the CLI would exit 0 without a word.
import { readFile } from "node:fs/promises";
import { createAdapterFactory } from "./adapter.mjs";
import { createDatabase } from "./databases.mjs";
import { log } from "./log.mjs";
import { asPanic, loadSchemaEngineWasm } from "./wasm.mjs";

const PASS_THROUGH = [
  "applyMigrations",
  "dbExecute",
  "debugPanic",
  "devDiagnostic",
  "diagnoseMigrationHistory",
  "ensureConnectionValidity",
  "introspectSql",
  "markMigrationApplied",
  "markMigrationRolledBack",
  "reset",
  "schemaPush",
];

/** Diff sources that read the live database named by the datasource. */
const LIVE_DATABASE_TARGETS = new Set(["schemaDatasource", "url"]);

/**
 * A diff between schema files, migrations and/or nothing never reads the main
 * database; the wasm engine still wants a connection to learn the server's
 * version, so a missing development database must not stop it.
 */
function needsMainDatabase(method, params) {
  if (method !== "diff") return true;
  return LIVE_DATABASE_TARGETS.has(params.from?.tag) || LIVE_DATABASE_TARGETS.has(params.to?.tag);
}

export function createEngineHandlers({ datamodelPaths, datasource }) {
  let engine;
  let adapterFactory;

  const engineFor = async (method, params) => {
    if (engine) return engine;
    const wasm = await loadSchemaEngineWasm();
    const datamodels = await Promise.all(datamodelPaths.map(async (file) => [file, await readFile(file, "utf8")]));
    adapterFactory = createAdapterFactory({
      ...datasource,
      serverOnly: !needsMainDatabase(method, params),
    });
    try {
      engine = await wasm.SchemaEngine.new(
        // Must be undefined or non-empty (the engine rejects an empty list).
        { datamodels: datamodels.length > 0 ? datamodels : undefined },
        (message) => log.debug(String(message).trimEnd()),
        adapterFactory,
      );
    } catch (error) {
      throw normaliseEngineError(error, adapterFactory.errorRegistry);
    }
    return engine;
  };

  /** Calls `engine[method]` (as a method call: wasm-bindgen needs `this`) and normalises its errors. */
  const call = async (method, params, forMethod = method) => {
    const instance = await engineFor(forMethod, params);
    try {
      return await instance[method](params);
    } catch (error) {
      throw normaliseEngineError(error, adapterFactory.errorRegistry);
    }
  };

  const handlers = Object.fromEntries(PASS_THROUGH.map((method) => [method, (params) => call(method, params)]));

  /**
   * The wasm engine hands the shadow database (the adapter factory) only to
   * devDiagnostic / diagnoseMigrationHistory / diff. evaluateDataLoss and
   * createMigration find the schema of the migration history in a cache those
   * fill, and fail ("shadow DB must be provided through an external factory")
   * when it is cold — e.g. when `migrate dev` has just applied pending
   * migrations, after its own devDiagnostic. Warm it with a devDiagnostic of
   * the same history (cheap when already cached).
   */
  const withMigrationHistoryCached = (method) => async (params) => {
    await call("devDiagnostic", { migrationsList: params.migrationsList, filters: params.filters });
    return call(method, params);
  };
  handlers.evaluateDataLoss = withMigrationHistoryCached("evaluateDataLoss");
  handlers.createMigration = withMigrationHistoryCached("createMigration");

  /** The native engine prints the diff through the CLI (so `--output` can capture it) and returns no stdout. */
  handlers.diff = async (params, client) => {
    const { stdout, ...rest } = await call("diff", params);
    if (stdout) await client.print(stdout.endsWith("\n") ? stdout.slice(0, -1) : stdout);
    return { ...rest, stdout: null };
  };
  handlers.introspect = (params) => call("introspect", { ...params, namespaces: params.namespaces ?? null });
  // Without a datasource param the engine reports on its own connection.
  handlers.getDatabaseVersion = (params) => call("version", params?.datasource ? params : undefined, "getDatabaseVersion");
  handlers.createDatabase = (params) => createDatabase(urlOf(params.datasource, datasource));
  handlers.getDatabaseDescription = () => {
    throw new Error("getDatabaseDescription is not supported by the wasm schema engine.");
  };
  return handlers;
}

/** `DatasourceParam`: a connection string, or schema files whose URL comes from --datasource (Prisma 7). */
function urlOf(param, datasource) {
  if (param?.tag === "ConnectionString" && param.url) return param.url;
  if (!datasource.url) throw new Error("No datasource URL: set `datasource.url` in prisma.config.ts (DATABASE_URL).");
  return datasource.url;
}

/**
 * Errors out of the wasm engine come in three kinds: Prisma user-facing errors
 * (`code` P1001, P3006, ...), errors thrown by our JS adapter code (registered
 * by id, surfaced as `GenericJs`), and panics (a wasm trap).
 */
function normaliseEngineError(error, errorRegistry) {
  if (error instanceof WebAssembly.RuntimeError) return asPanic(error);
  const jsErrorId = /(?:GenericJs\D*|External error id#)(\d+)/s.exec(String(error?.message ?? ""))?.[1];
  if (jsErrorId !== undefined) {
    const original = errorRegistry?.consumeError(Number(jsErrorId))?.error;
    if (original) return original;
  }
  return error;
}
