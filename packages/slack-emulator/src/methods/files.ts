import { isRecord } from "../blockkit.js";
import { SlackApiError, withMessages } from "../errors.js";
import { slackId } from "../ids.js";
import { renderFile } from "../render.js";
import type { SlackChannel, StoredFile } from "../types.js";
import { channelFor, type MethodContext, type MethodTable } from "./context.js";

/** Where completeUploadExternal shares the files; same membership rule as chat.postMessage. */
function shareTargets(ctx: MethodContext): SlackChannel[] {
  const ids = ctx.params.has("channel_id") ? [ctx.params.str("channel_id") ?? ""] : ctx.params.list("channels");
  return ids.map((id) => {
    const channel = channelFor(ctx, { ref: id, notArchived: true });
    if (!ctx.state.botIsMember(channel)) {
      if (!(channel.kind === "public" && ctx.scopes.has("chat:write.public"))) {
        throw new SlackApiError("not_in_channel");
      }
    }
    return channel;
  });
}

export const fileMethods: MethodTable = {
  "files.getUploadURLExternal": (ctx) => {
    const filename = ctx.params.str("filename");
    const length = ctx.params.int("length");
    if (!filename) throw withMessages("invalid_arguments", ["[ERROR] missing required field: filename"]);
    if (length === undefined || length < 0) {
      throw withMessages("invalid_arguments", ["[ERROR] missing required field: length"]);
    }
    const file: StoredFile = {
      id: slackId("F"),
      filename,
      title: filename,
      declaredLength: length,
      content: undefined,
      uploaded: false,
      completed: false,
      channels: [],
      user: ctx.state.bot.userId,
      created: ctx.state.clock.nowSeconds(),
      altText: ctx.params.str("alt_txt") ?? ctx.params.str("alt_text"),
      snippetType: ctx.params.str("snippet_type"),
    };
    ctx.state.files.set(file.id, file);
    return { upload_url: `${ctx.state.baseUrl}/upload/v1/${file.id}`, file_id: file.id };
  },

  "files.completeUploadExternal": (ctx) => {
    const list = ctx.params.json("files");
    if (!Array.isArray(list) || list.length === 0) {
      throw withMessages("invalid_arguments", ["[ERROR] missing required field: files"]);
    }
    const files = list.map((entry) => {
      const id = isRecord(entry) ? String(entry.id ?? "") : "";
      const file = ctx.state.files.get(id);
      // The bytes must have reached the upload URL first.
      if (!file?.uploaded) throw new SlackApiError("file_not_found");
      if (isRecord(entry) && typeof entry.title === "string") file.title = entry.title;
      return file;
    });
    const targets = shareTargets(ctx);
    for (const file of files) {
      file.completed = true;
      for (const channel of targets) if (!file.channels.includes(channel.id)) file.channels.push(channel.id);
    }
    for (const channel of targets) {
      ctx.state.addMessage({
        channel: channel.id,
        user: ctx.state.bot.userId,
        botId: ctx.state.bot.botId,
        appId: ctx.state.bot.appId,
        text: ctx.params.str("initial_comment") ?? "",
        threadTs: ctx.params.str("thread_ts") || undefined,
        files: files.map((f) => f.id),
      });
    }
    return { files: files.map((f) => renderFile(f, ctx.state)) };
  },
};
