import pino from "pino";
import { describe, expect, it } from "vitest";
import { envSchema, parsePolicy } from "../../src/config.js";
import { createSlackApp } from "../../src/slack/app.js";

const config = (env: Record<string, string>) => ({ env: envSchema.parse(env), policy: parsePolicy({}, "test"), policySource: "test" });
const logger = pino({ level: "silent" });

describe("the Bolt receiver", () => {
  it("serves HTTP on /slack/events by default", () => {
    const slack = createSlackApp({
      config: config({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s", SLACK_API_URL: "http://127.0.0.1:9/api/" }),
      logger,
    });
    expect(slack.socketMode).toBe(false);
    expect(typeof slack.requestListener).toBe("function");
  });

  it("uses Socket Mode when SLACK_APP_TOKEN is set, and takes no HTTP requests from Slack", () => {
    const slack = createSlackApp({
      config: config({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_APP_TOKEN: "xapp-1-abc", SLACK_API_URL: "http://127.0.0.1:9/api/" }),
      logger,
    });
    expect(slack.socketMode).toBe(true);
    expect(slack.requestListener).toBeUndefined();
  });
});
