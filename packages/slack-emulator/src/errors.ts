import type { JsonObject } from "./types.js";

/**
 * A Web API refusal: Slack answers HTTP 200 with `{ ok: false, error }` and
 * sometimes extra keys (needed/provided, errors[], response_metadata.messages).
 * Method handlers throw it; the server turns it into that body.
 */
export class SlackApiError extends Error {
  readonly code: string;
  readonly extra: JsonObject;

  constructor(code: string, extra: JsonObject = {}) {
    super(code);
    this.name = "SlackApiError";
    this.code = code;
    this.extra = extra;
  }

  body(): JsonObject {
    return { ok: false, error: this.code, ...this.extra };
  }
}

/** `invalid_arguments` / `invalid_blocks` carry Slack's "[ERROR] … [json-pointer:…]" lines. */
export function withMessages(code: string, messages: string[]): SlackApiError {
  return new SlackApiError(code, messages.length > 0 ? { response_metadata: { messages } } : {});
}
