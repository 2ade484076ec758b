import { SlackApiError, withMessages } from "../errors.js";
import { slackId } from "../ids.js";
import { renderBookmark } from "../render.js";
import type { Bookmark } from "../types.js";
import { channelFor, type MethodContext, type MethodTable } from "./context.js";

function checkLink(link: string): void {
  if (!/^https?:\/\//.test(link)) throw new SlackApiError("invalid_link");
}

function checkEmoji(emoji: string | undefined): void {
  if (emoji && !/^:[a-z0-9_+'-]+:$/.test(emoji)) throw new SlackApiError("invalid_emoji");
}

function findBookmark(ctx: MethodContext): { list: Bookmark[]; bookmark: Bookmark } {
  const channel = channelFor(ctx, { param: "channel_id" });
  const id = ctx.params.str("bookmark_id");
  const list = ctx.state.bookmarkLog.get(channel.id) ?? [];
  const bookmark = list.find((b) => b.id === id);
  if (!bookmark) throw new SlackApiError("not_found");
  return { list, bookmark };
}

export const bookmarkMethods: MethodTable = {
  "bookmarks.add": (ctx) => {
    const channel = channelFor(ctx, { param: "channel_id", notArchived: true });
    const title = ctx.params.str("title");
    if (!title) throw withMessages("invalid_arguments", ["[ERROR] missing required field: title"]);
    const type = ctx.params.str("type") ?? "";
    if (type !== "link") throw new SlackApiError("invalid_bookmark_type");
    const link = ctx.params.str("link") ?? "";
    checkLink(link);
    const emoji = ctx.params.str("emoji");
    checkEmoji(emoji);
    const list = ctx.state.bookmarkLog.get(channel.id) ?? [];
    const now = ctx.state.clock.nowSeconds();
    const bookmark: Bookmark = {
      id: slackId("Bk", 10),
      channelId: channel.id,
      title,
      link,
      emoji: emoji ?? "",
      type,
      entityId: ctx.params.str("entity_id"),
      dateCreated: now,
      dateUpdated: 0,
      // Slack ranks with letters so items can be re-ordered between others.
      rank: String.fromCharCode(97 + (list.length % 26)).repeat(1 + Math.floor(list.length / 26)),
      lastUpdatedBy: ctx.state.bot.userId,
      appId: ctx.state.bot.appId,
    };
    list.push(bookmark);
    ctx.state.bookmarkLog.set(channel.id, list);
    return { bookmark: renderBookmark(bookmark, ctx.state) };
  },

  "bookmarks.edit": (ctx) => {
    const { bookmark } = findBookmark(ctx);
    const title = ctx.params.str("title");
    const link = ctx.params.str("link");
    const emoji = ctx.params.str("emoji");
    if (link !== undefined) checkLink(link);
    checkEmoji(emoji);
    if (title !== undefined) bookmark.title = title;
    if (link !== undefined) bookmark.link = link;
    if (emoji !== undefined) bookmark.emoji = emoji;
    bookmark.dateUpdated = ctx.state.clock.nowSeconds();
    bookmark.lastUpdatedBy = ctx.state.bot.userId;
    return { bookmark: renderBookmark(bookmark, ctx.state) };
  },

  "bookmarks.remove": (ctx) => {
    const { list, bookmark } = findBookmark(ctx);
    list.splice(list.indexOf(bookmark), 1);
    return {};
  },

  "bookmarks.list": (ctx) => {
    const channel = channelFor(ctx, { param: "channel_id" });
    const list = ctx.state.bookmarkLog.get(channel.id) ?? [];
    return { bookmarks: list.map((b) => renderBookmark(b, ctx.state)) };
  },
};
