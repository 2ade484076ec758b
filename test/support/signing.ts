import { createHmac } from "node:crypto";
import { SIGNING_SECRET } from "./harness.js";

/** Signs a raw body as Slack does, for requests the emulator would never send (malformed ones). */
export function slackHeaders(body: string, timestamp = Math.floor(Date.now() / 1000), secret = SIGNING_SECRET): Record<string, string> {
  const signature = `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
  return { "x-slack-signature": signature, "x-slack-request-timestamp": String(timestamp) };
}
