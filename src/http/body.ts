// Reading request bodies with a size cap, shared by the Slack endpoint and the webhooks.
import type { IncomingMessage } from "node:http";

export class BodyTooLargeError extends Error {}

export async function readBody(req: IncomingMessage, limitBytes = 1_048_576): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limitBytes) throw new BodyTooLargeError(`body larger than ${limitBytes} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** What kind of Slack request a raw body is, for metrics; never throws. */
export function slackRequestKind(raw: Buffer, contentType: string | undefined): string {
  try {
    const text = raw.toString("utf8");
    if (contentType?.startsWith("application/json")) {
      const body = JSON.parse(text) as { type?: string; event?: { type?: string } };
      return body.type === "event_callback" ? "event" : (body.type ?? "unknown");
    }
    const params = new URLSearchParams(text);
    const payload = params.get("payload");
    if (payload) return (JSON.parse(payload) as { type?: string }).type ?? "unknown";
    if (params.get("command")) return "command";
    return params.get("ssl_check") ? "ssl_check" : "unknown";
  } catch {
    return "malformed";
  }
}
