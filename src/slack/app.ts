// Bolt wiring: the receiver (HTTP on our own server, or Socket Mode), and the
// listeners registered folder by folder, as Slack's starter template lays them out.
import { App, HTTPReceiver, type Receiver, SocketModeReceiver } from "@slack/bolt";
import { type RetryOptions, WebClient } from "@slack/web-api";
import type { Logger } from "pino";
import type { Config } from "../config.js";
import { boltLogger } from "./bolt-logger.js";

/** Who the bot is in the workspace (from auth.test). */
export interface BotIdentity {
  botId?: string;
  botUserId: string;
  teamId?: string;
}

export interface SlackApp {
  app: App;
  /** The request path's Web API client, with the bot token. */
  client: WebClient;
  /** The bot's identity, looked up once; a failed look-up is asked again next time, never cached. */
  identity(): Promise<BotIdentity>;
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
  // The request path's client (acks, users.info, views.open): its own, never shared with the outbox, so it never
  // waits behind background work; a 429 fails at once and a hang gives up instead of holding on.
  const clientOptions = {
    slackApiUrl: env.SLACK_API_URL,
    timeout: 10_000,
    rejectRateLimitedCalls: true,
    retryConfig: retryConfig ?? { retries: 1, factor: 1, minTimeout: 100, maxTimeout: 200 },
  };
  const botToken = env.SLACK_BOT_TOKEN ?? "";
  const client = new WebClient(botToken, clientOptions);
  const identity = cachedIdentity(client);
  const app = new App({
    receiver,
    logger: log,
    clientOptions,
    // Our own authorize instead of Bolt's `token`: Bolt calls auth.test in its constructor and keeps a
    // rejected answer for good (an unhandled rejection that killed the process when Slack was unreachable
    // at start, and every later request failing). Here a failed look-up is simply asked again.
    authorize: async ({ isEnterpriseInstall }) => ({ botToken, isEnterpriseInstall, ...(await identity()) }),
  });
  app.error(async (error) => {
    logger.error({ err: error }, "unhandled error in a Slack listener");
  });
  return { app, client, identity, requestListener, socketMode: Boolean(env.SLACK_APP_TOKEN) };
}

function cachedIdentity(client: WebClient): () => Promise<BotIdentity> {
  let pending: Promise<BotIdentity> | undefined;
  return () => {
    if (!pending) {
      const lookup = client.auth.test().then((r) => ({
        botUserId: r.user_id ?? "",
        ...(r.bot_id ? { botId: r.bot_id } : {}),
        ...(r.team_id ? { teamId: r.team_id } : {}),
      }));
      pending = lookup;
      lookup.catch(() => {
        if (pending === lookup) pending = undefined;
      });
    }
    return pending;
  };
}
