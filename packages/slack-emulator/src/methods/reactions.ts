import { SlackApiError } from "../errors.js";
import { renderMessage } from "../render.js";
import type { MethodContext, MethodTable } from "./context.js";
import { targetMessage } from "./pins.js";

function reactionName(ctx: MethodContext): string {
  // Slack takes "thumbsup"; clients often send ":thumbsup:", which Slack strips.
  const name = (ctx.params.str("name") ?? "").replace(/^:|:$/g, "");
  if (!name) throw new SlackApiError("invalid_name");
  return name;
}

export const reactionMethods: MethodTable = {
  "reactions.add": (ctx) => {
    const { message } = targetMessage(ctx);
    const name = reactionName(ctx);
    const me = ctx.state.bot.userId;
    let reaction = message.reactions.find((r) => r.name === name);
    if (reaction?.users.includes(me)) throw new SlackApiError("already_reacted");
    if (!reaction) {
      reaction = { name, users: [] };
      message.reactions.push(reaction);
    }
    reaction.users.push(me);
    return {};
  },

  "reactions.remove": (ctx) => {
    const { message } = targetMessage(ctx);
    const name = reactionName(ctx);
    const me = ctx.state.bot.userId;
    const reaction = message.reactions.find((r) => r.name === name);
    if (!reaction?.users.includes(me)) throw new SlackApiError("no_reaction");
    reaction.users = reaction.users.filter((u) => u !== me);
    message.reactions = message.reactions.filter((r) => r.users.length > 0);
    return {};
  },

  "reactions.get": (ctx) => {
    const { channel, message } = targetMessage(ctx);
    return { type: "message", channel: channel.id, message: renderMessage(message, ctx.state, "history") };
  },
};
