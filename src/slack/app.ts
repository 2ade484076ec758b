// Bolt wiring: the receiver (HTTP on our own server, or Socket Mode), and the
// listeners registered folder by folder, as Slack's starter template lays them out.
import { App, HTTPReceiver, type Receiver, SocketModeReceiver } from "@slack/bolt";
import type { RetryOptions } from "@slack/web-api";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { boltLogger } from "./bolt-logger.js";

export interface SlackApp {
  app: App;
  /** Bolt's request listener for POST /slack/events (HTTP mode). */
  requestListener?: HTTPReceiver["requestListener"];
  socketMode: boolean;
}

export interface SlackAppOptions {
  config: Config;
  logger: Logger;
  /** Tests turn retries off so a broken emulator fails fast instead of hanging. */
  retryConfig?: RetryOptions;
}

export function createSlackApp({ config, logger, retryConfig }: SlackAppOptions): SlackApp {
  const { env } = config;
  const log = boltLogger(logger);
  let receiver: Receiver;
  let requestListener: HTTPReceiver["requestListener"] | undefined;
  if (env.SLACK_APP_TOKEN) {
    receiver = new SocketModeReceiver({ appToken: env.SLACK_APP_TOKEN, logger: log });
  } else {
    const http = new HTTPReceiver({
      signingSecret: env.SLACK_SIGNING_SECRET ?? "",
      endpoints: ["/slack/events"],
      logger: log,
      // Ack goes out in the HTTP response the moment a listener calls ack().
      processBeforeResponse: false,
      unhandledRequestTimeoutMillis: 2_500,
    });
    receiver = http;
    requestListener = http.requestListener;
  }
  const app = new App({
    token: env.SLACK_BOT_TOKEN,
    receiver,
    logger: log,
    // The request path's client (acks, users.info, views.open): its own, never shared with the outbox, so it never
    // waits behind background work; a 429 fails at once and a hang gives up instead of holding on.
    clientOptions: {
      slackApiUrl: env.SLACK_API_URL,
      timeout: 10_000,
      rejectRateLimitedCalls: true,
      retryConfig: retryConfig ?? { retries: 1, factor: 1, minTimeout: 100, maxTimeout: 200 },
    },
  });
  app.error(async (error) => {
    logger.error({ err: error }, "unhandled error in a Slack listener");
  });
  return { app, requestListener, socketMode: Boolean(env.SLACK_APP_TOKEN) };
}
