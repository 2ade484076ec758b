// What happens to a message the app sends back through a response_url (or in
// a slash command's HTTP answer): an ephemeral for the user by default, a
// channel message with response_type "in_channel", or an edit/removal of the
// message the interaction came from (replace_original / delete_original).
import { isRecord, normalizeBlocks } from "./blockkit.js";
import { NO_TEXT_FALLBACK } from "./render.js";
import { RESPONSE_URL_MAX_USES, RESPONSE_URL_TTL_MS, type WorkspaceState } from "./state.js";
import type { EphemeralMessage, JsonObject, ResponseUrlPost, ResponseUrlTarget } from "./types.js";

export interface ResponseOutcome {
  status: number;
  body: JsonObject;
}

function truthy(value: unknown): boolean {
  return value === true || value === "true";
}

function findEphemeral(state: WorkspaceState, target: ResponseUrlTarget): EphemeralMessage | undefined {
  return state.ephemeralLog.find(
    (m) => m.channel === target.channel && m.user === target.userId && m.ts === target.messageTs && !m.deleted,
  );
}

export function applyResponseMessage(
  state: WorkspaceState,
  target: ResponseUrlTarget,
  body: JsonObject,
  source: EphemeralMessage["source"],
): ResponseOutcome {
  const now = state.clock.now();
  if (truthy(body.delete_original)) {
    if (!target.messageTs) return { status: 404, body: { ok: false, error: "message_not_found" } };
    if (target.isEphemeral) {
      const ephemeral = findEphemeral(state, target);
      if (ephemeral) ephemeral.deleted = true;
    } else {
      state.deleteMessage(target.channel, target.messageTs);
    }
    return { status: 200, body: { ok: true } };
  }

  let blocks: JsonObject[] | undefined;
  if (body.blocks !== undefined) {
    const result = normalizeBlocks(body.blocks, "message", "/blocks");
    if (result.errors.length > 0) {
      return {
        status: 400,
        body: { ok: false, error: "invalid_blocks", response_metadata: { messages: result.errors } },
      };
    }
    blocks = result.blocks;
  }
  const attachments = Array.isArray(body.attachments) ? body.attachments.filter(isRecord) : undefined;
  const rawText = typeof body.text === "string" ? body.text : undefined;
  if (!rawText && !blocks?.length && !attachments?.length) {
    return { status: 400, body: { ok: false, error: "no_text" } };
  }
  const text = rawText || (blocks?.length ? NO_TEXT_FALLBACK : "");

  if (truthy(body.replace_original) && target.messageTs) {
    if (target.isEphemeral) {
      const ephemeral = findEphemeral(state, target);
      if (ephemeral) {
        ephemeral.text = text;
        ephemeral.blocks = blocks;
        ephemeral.attachments = attachments;
        ephemeral.history.push({ text, blocks, at: now });
        return { status: 200, body: { ok: true } };
      }
    } else {
      const message = state.findMessage(target.channel, target.messageTs);
      if (message) {
        message.text = text;
        message.blocks = blocks;
        message.attachments = attachments;
        message.edited = { user: state.bot.botId, ts: state.nextTs() };
        message.history.push({ text, blocks, at: now });
        return { status: 200, body: { ok: true } };
      }
    }
  }

  const threadTs = typeof body.thread_ts === "string" ? body.thread_ts : undefined;
  if (body.response_type === "in_channel") {
    // Posted as the app, even where the bot is not a member: response_url needs no membership.
    state.addMessage({
      channel: target.channel,
      user: state.bot.userId,
      botId: state.bot.botId,
      appId: state.bot.appId,
      text,
      blocks,
      attachments,
      threadTs,
    });
  } else {
    state.addEphemeral({
      channel: target.channel,
      user: target.userId,
      text,
      blocks,
      attachments,
      threadTs,
      source,
    });
  }
  return { status: 200, body: { ok: true } };
}

/** POST <base>/respond/<id>: Slack allows 5 posts within 30 minutes. */
export function handleResponseUrl(
  state: WorkspaceState,
  posts: ResponseUrlPost[],
  id: string,
  rawBody: string,
  contentType: string,
): ResponseOutcome {
  const target = state.responseUrls.get(id);
  if (!target) return { status: 404, body: { ok: false, error: "invalid_url" } };
  if (state.clock.now() - target.createdAt > RESPONSE_URL_TTL_MS) {
    return { status: 404, body: { ok: false, error: "expired_url" } };
  }
  if (target.uses >= RESPONSE_URL_MAX_USES) return { status: 404, body: { ok: false, error: "used_url" } };
  let body: unknown;
  try {
    if (contentType.startsWith("application/x-www-form-urlencoded")) {
      body = JSON.parse(new URLSearchParams(rawBody).get("payload") ?? "");
    } else {
      body = JSON.parse(rawBody);
    }
  } catch {
    body = undefined;
  }
  if (!isRecord(body)) return { status: 400, body: { ok: false, error: "invalid_payload" } };
  target.uses += 1;
  const outcome = applyResponseMessage(state, target, body, "response_url");
  posts.push({ id, target, body, status: outcome.status, at: state.clock.now() });
  return outcome;
}
