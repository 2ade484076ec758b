// Reading request bodies with a size cap, and checking Slack's signature on
// the raw bytes. Nothing here parses a body that has not been authenticated:
// an unsigned request costs at most one capped read and one HMAC.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** Slack's bodies are small (a view submission is tens of KB); anything above this is refused with 413. */
export const SLACK_BODY_LIMIT = 1_048_576;
/** How far a request timestamp may be from our clock, either way (Slack's rule is 5 minutes into the past). */
export const SLACK_TIMESTAMP_SKEW_SECONDS = 5 * 60;

export class BodyTooLargeError extends Error {
  override readonly name = "BodyTooLargeError";
}

export class BodyReadError extends Error {
  override readonly name = "BodyReadError";
}

/**
 * Buffers the body, refusing more than `limitBytes`: a declared Content-Length
 * over the limit is refused before a byte is read, and a body that grows past
 * it stops being read at once (the stream is paused, nothing more is kept).
 * The caller answers 413 with `connection: close`, which ends the socket.
 */
export function readBody(req: IncomingMessage, limitBytes = SLACK_BODY_LIMIT): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limitBytes) {
    return Promise.reject(new BodyTooLargeError(`body of ${declared} bytes is larger than ${limitBytes} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        cleanup();
        req.pause();
        chunks.length = 0;
        reject(new BodyTooLargeError(`body larger than ${limitBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new BodyReadError(error.message));
    };
    const onClose = () => {
      cleanup();
      if (!req.complete) reject(new BodyReadError("the client closed the connection before the body was complete"));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

/** Why a Slack request was refused: a fixed set, so it can be a metric label. */
export type SlackRefusal = "missing_signature" | "bad_timestamp" | "stale" | "future" | "bad_signature" | "too_large" | "unreadable";
export const SLACK_REFUSALS: readonly SlackRefusal[] = [
  "missing_signature",
  "bad_timestamp",
  "stale",
  "future",
  "bad_signature",
  "too_large",
  "unreadable",
];

const single = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? undefined : value);

/**
 * What can be checked from the headers alone, before reading the body: the
 * signature's presence and version, and the timestamp within 5 minutes either
 * way (a replay from the past or a request minted for later is refused).
 */
export function checkSlackHeaders(headers: IncomingMessage["headers"], nowMs = Date.now()): SlackRefusal | null {
  const signature = single(headers["x-slack-signature"]);
  const timestamp = single(headers["x-slack-request-timestamp"]);
  if (!signature || !timestamp || !/^v0=[0-9a-f]{64}$/.test(signature)) return "missing_signature";
  if (!/^\d{1,12}$/.test(timestamp)) return "bad_timestamp";
  const skew = Number(timestamp) - Math.floor(nowMs / 1000);
  if (skew < -SLACK_TIMESTAMP_SKEW_SECONDS) return "stale";
  if (skew > SLACK_TIMESTAMP_SKEW_SECONDS) return "future";
  return null;
}

/** Slack's v0 signature: HMAC-SHA256 of `v0:<timestamp>:<raw body bytes>`, compared in constant time. */
export function verifySlackSignature(
  raw: Buffer,
  headers: IncomingMessage["headers"],
  signingSecret: string,
  nowMs = Date.now(),
): SlackRefusal | null {
  const refusal = checkSlackHeaders(headers, nowMs);
  if (refusal) return refusal;
  if (!signingSecret) return "bad_signature";
  const timestamp = single(headers["x-slack-request-timestamp"]) as string;
  const given = Buffer.from((single(headers["x-slack-signature"]) as string).slice(3), "hex");
  const expected = createHmac("sha256", signingSecret).update(`v0:${timestamp}:`).update(raw).digest();
  return given.length === expected.length && timingSafeEqual(given, expected) ? null : "bad_signature";
}

/** The kinds of Slack request we count; anything else is `other`. */
export const SLACK_REQUEST_KINDS = [
  "command",
  "block_actions",
  "block_suggestion",
  "view_submission",
  "view_closed",
  "shortcut",
  "message_action",
  "event",
  "url_verification",
  "ssl_check",
  "other",
] as const;
export type SlackRequestKind = (typeof SLACK_REQUEST_KINDS)[number];

const JSON_KIND = /"type"\s*:\s*"(event_callback|url_verification)"/;
// An interactive payload, still form-encoded: `"type":"block_actions"` with the quotes and colon as %22 / %3A or raw.
const PAYLOAD_KIND =
  /type(?:%22|")(?:%3A|:)(?:%22|")(block_actions|block_suggestion|view_submission|view_closed|shortcut|message_action)(?:%22|")/i;

/**
 * What kind of Slack request a raw, already-verified body is, for metrics.
 * Scans the bytes for a fixed set of names instead of parsing the body (Bolt
 * parses it once, right after); never throws, never returns a name from
 * outside SLACK_REQUEST_KINDS.
 */
export function slackRequestKind(raw: Buffer, contentType: string | undefined): SlackRequestKind {
  const text = raw.toString("latin1");
  if (contentType?.startsWith("application/json")) {
    const found = JSON_KIND.exec(text)?.[1];
    return found === "event_callback" ? "event" : found === "url_verification" ? "url_verification" : "other";
  }
  if (/(?:^|&)payload=/.test(text)) return (PAYLOAD_KIND.exec(text)?.[1]?.toLowerCase() as SlackRequestKind | undefined) ?? "other";
  if (/(?:^|&)command=/.test(text)) return "command";
  if (/(?:^|&)ssl_check=/.test(text)) return "ssl_check";
  return "other";
}
