// The wire between the emulator and the app: signing, Slack's headers,
// retry headers, the 3-second wait, and a log of every request with the
// app's answer and its latency.
import type { Clock } from "./clock.js";
import type { EmulatorLogger } from "./server.js";
import { signRequest } from "./signing.js";
import type { JsonObject } from "./types.js";

/** How long Slack waits for the app's HTTP answer before giving up. */
export const SLACK_ACK_TIMEOUT_MS = 3000;

export interface DeliveryOptions {
  /** Send X-Slack-Retry-Num (Slack's redelivery of the same event). */
  retryNum?: number;
  /** X-Slack-Retry-Reason, e.g. "http_timeout", "http_error". */
  retryReason?: string;
  /** Signature timestamp in seconds (e.g. ten minutes ago, to test replay protection). */
  timestamp?: number;
  /** Sign with the wrong secret. */
  badSignature?: boolean;
  /** Override the 3 s Slack waits for an answer (0: wait forever). */
  timeoutMs?: number;
}

const DELIVERY_KEYS = ["retryNum", "retryReason", "timestamp", "badSignature", "timeoutMs"] as const;

/**
 * Delivery options may ride along in the input object (`{ userId, …,
 * badSignature: true }`) or come as a second argument; the second wins.
 */
export function deliveryOptions(input: object, extra: DeliveryOptions = {}): DeliveryOptions {
  const out: Record<string, unknown> = {};
  for (const key of DELIVERY_KEYS) {
    const value = (input as Record<string, unknown>)[key];
    if (value !== undefined) out[key] = value;
  }
  return { ...(out as DeliveryOptions), ...extra };
}

export type DeliveryKind =
  | "slash_command"
  | "block_actions"
  | "view_submission"
  | "view_closed"
  | "message_action"
  | "shortcut"
  | "event_callback"
  | "url_verification";

export interface Delivery {
  id: number;
  kind: DeliveryKind;
  url: string;
  contentType: string;
  headers: Record<string, string>;
  /** The raw body as signed. */
  rawBody: string;
  /** The decoded body: the command's fields, the interaction payload or the event envelope. */
  payload: JsonObject;
  /** 0 when Slack gave up (timeout) or could not connect. */
  status: number;
  responseText: string;
  /** The answer parsed as JSON when it is JSON, else the text. */
  responseBody: unknown;
  /** Time until the app answered (or until Slack gave up). */
  latencyMs: number;
  timedOut: boolean;
  /** A connection error, when there was one. */
  error: string | undefined;
  at: number;
  retryNum: number | undefined;
}

function parseMaybeJson(text: string): unknown {
  if (text === "") return "";
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export interface DelivererConfig {
  signingSecret: string;
  ackTimeoutMs: number;
  clock: Clock;
  logger: EmulatorLogger;
}

export class Deliverer {
  appUrl: string | undefined;
  readonly deliveries: Delivery[] = [];
  private nextId = 1;

  constructor(private readonly config: DelivererConfig) {}

  async deliver(
    kind: DeliveryKind,
    contentType: string,
    rawBody: string,
    payload: JsonObject,
    options: DeliveryOptions = {},
  ): Promise<Delivery> {
    const url = this.appUrl;
    if (!url) throw new Error("Slack emulator: no appUrl; pass appUrl or call setAppUrl() first");
    // Signatures use the real clock: the app checks them against its own time.
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const secret = options.badSignature ? `${this.config.signingSecret}-wrong` : this.config.signingSecret;
    const headers: Record<string, string> = {
      "content-type": contentType,
      "user-agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": signRequest(secret, timestamp, rawBody),
    };
    if (options.retryNum !== undefined) headers["x-slack-retry-num"] = String(options.retryNum);
    if (options.retryReason !== undefined) headers["x-slack-retry-reason"] = options.retryReason;
    const timeoutMs = options.timeoutMs ?? this.config.ackTimeoutMs;
    const delivery: Delivery = {
      id: this.nextId++,
      kind,
      url,
      contentType,
      headers,
      rawBody,
      payload,
      status: 0,
      responseText: "",
      responseBody: undefined,
      latencyMs: 0,
      timedOut: false,
      error: undefined,
      at: this.config.clock.now(),
      retryNum: options.retryNum,
    };
    const started = performance.now();
    try {
      const response = await fetch(url, {
        method: "POST",
        headers,
        body: rawBody,
        signal: timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined,
      });
      delivery.responseText = await response.text();
      delivery.status = response.status;
      delivery.responseBody = parseMaybeJson(delivery.responseText);
    } catch (error) {
      const err = error as Error;
      delivery.timedOut = err.name === "TimeoutError" || err.name === "AbortError";
      delivery.error = delivery.timedOut ? "timeout" : err.message;
    }
    delivery.latencyMs = performance.now() - started;
    this.deliveries.push(delivery);
    this.config.logger.debug(
      { kind, status: delivery.status, latencyMs: Math.round(delivery.latencyMs) },
      "slack emulator: delivered to app",
    );
    return delivery;
  }

  /** Interactions go as a form with one field, payload=<JSON>. */
  sendPayload(kind: DeliveryKind, payload: JsonObject, options?: DeliveryOptions): Promise<Delivery> {
    const rawBody = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.deliver(kind, "application/x-www-form-urlencoded", rawBody, payload, options);
  }

  /** Send a recorded delivery again, as Slack's retries do: same body, fresh signature. */
  replay(delivery: Delivery, options: DeliveryOptions = {}): Promise<Delivery> {
    return this.deliver(delivery.kind, delivery.contentType, delivery.rawBody, delivery.payload, {
      retryNum: (delivery.retryNum ?? 0) + 1,
      retryReason: "http_timeout",
      ...options,
    });
  }
}
