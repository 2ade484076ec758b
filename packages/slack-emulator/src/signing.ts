import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Slack's request signature: HMAC-SHA256 over "v0:<timestamp>:<raw body>"
 * with the app's signing secret, sent as X-Slack-Signature: v0=<hex>.
 */
export function signRequest(signingSecret: string, timestamp: number, rawBody: string): string {
  const digest = createHmac("sha256", signingSecret).update(`v0:${timestamp}:${rawBody}`).digest("hex");
  return `v0=${digest}`;
}

/** The check an app makes; exported for tests that stand up their own receiver. */
export function verifySignature(
  signingSecret: string,
  timestamp: number,
  rawBody: string,
  signature: string,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): boolean {
  // Slack's guidance: refuse requests more than five minutes old (replays).
  if (Math.abs(nowSeconds - timestamp) > 300) return false;
  const expected = Buffer.from(signRequest(signingSecret, timestamp, rawBody));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
