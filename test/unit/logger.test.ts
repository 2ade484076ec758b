import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.js";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: "debug", destination }), text: () => lines.join("") };
}

describe("logger", () => {
  it("never writes tokens, signing secrets or Authorization headers", () => {
    const { logger, text } = capture();
    const secrets = {
      bot: "xoxb-1234567890-abcdefghijkl",
      app: "xapp-1-A0-123-abcdef",
      github: "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
      linear: "lin_api_abcdefghijklmnop",
      signing: "8f14e45fceea167a5a36dedd4bea2543",
      dbPassword: "s3cr3t-pa55",
    };
    logger.info({ token: secrets.bot, config: { SLACK_SIGNING_SECRET: secrets.signing, nested: { apiKey: secrets.linear } } }, "config");
    logger.info({ headers: { authorization: `Bearer ${secrets.github}`, "content-type": "json" } }, "request");
    logger.warn(`calling Slack with ${secrets.app} and ${secrets.bot}`);
    logger.error({ err: new Error(`auth failed for token ${secrets.github}`) }, "failed");
    logger.info({ url: `postgresql://hotfix:${secrets.dbPassword}@127.0.0.1:5432/hotfix` }, "db");
    const out = text();
    for (const secret of Object.values(secrets)) expect(out).not.toContain(secret);
    expect(out).toContain("[redacted]");
    expect(out).toContain("content-type");
    expect(out).toContain("127.0.0.1:5432/hotfix");
  });
});
