import type { MethodTable } from "./context.js";

export const authMethods: MethodTable = {
  "auth.test": (ctx) => ({
    url: `https://${ctx.state.team.domain}.slack.com/`,
    team: ctx.state.team.name,
    user: ctx.state.bot.name,
    team_id: ctx.state.team.id,
    user_id: ctx.state.bot.userId,
    bot_id: ctx.state.bot.botId,
    is_enterprise_install: false,
  }),
};
