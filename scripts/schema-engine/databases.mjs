// CREATE/DROP DATABASE and the connection probe: what the native engine does
// for `createDatabase` and its one-shot `cli` subcommands (the CLI uses them to
// create a missing development database before `migrate dev`/`deploy`).
import pg from "pg";
import { parsePostgresUrl, quoteIdentifier, withServerClient } from "./connection.mjs";

export class UserFacingError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/** Connects to the database itself; maps failures to Prisma's P1xxx codes. */
export async function probeDatabase(url) {
  const { config } = parsePostgresUrl(url);
  const client = new pg.Client(config);
  try {
    await client.connect();
  } catch (error) {
    throw toUserFacing(error, config);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function createDatabase(url) {
  const { config } = parsePostgresUrl(url);
  try {
    await withServerClient(config, (client) => client.query(`CREATE DATABASE ${quoteIdentifier(config.database)}`));
  } catch (error) {
    if (error?.code === "42P04") throw new UserFacingError("P1009", `Database \`${config.database}\` already exists`);
    throw toUserFacing(error, config);
  }
  return { databaseName: config.database };
}

export async function dropDatabase(url) {
  const { config } = parsePostgresUrl(url);
  const maintenance = { ...config, database: "postgres" };
  try {
    await withServerClient(maintenance, (client) =>
      client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(config.database)} WITH (FORCE)`),
    );
  } catch (error) {
    throw toUserFacing(error, config);
  }
}

/** The codes the CLI understands (P1003 makes it offer to create the database). */
function toUserFacing(error, config) {
  const where = `${config.host}:${config.port}`;
  switch (error?.code) {
    case "3D000":
      return new UserFacingError("P1003", `Database \`${config.database}\` does not exist on the database server at \`${where}\`.`);
    case "28P01":
    case "28000":
      return new UserFacingError(
        "P1000",
        `Authentication failed against database server at \`${where}\`, the provided database credentials for \`${config.user ?? ""}\` are not valid.`,
      );
    case "ECONNREFUSED":
    case "ENOTFOUND":
    case "EHOSTUNREACH":
    case "ETIMEDOUT":
      return new UserFacingError("P1001", `Can't reach database server at \`${where}\``);
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}
