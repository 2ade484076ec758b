import { SlackApiError, withMessages } from "../errors.js";
import { renderUser, renderUsergroup } from "../render.js";
import { type MethodTable, paginate } from "./context.js";

export const userMethods: MethodTable = {
  "users.info": (ctx) => {
    const user = ctx.state.users.get(ctx.params.str("user") ?? "");
    if (!user) throw new SlackApiError("user_not_found");
    // Without users:read.email Slack leaves the address out rather than failing.
    return { user: renderUser(user, ctx.state, { includeEmail: ctx.scopes.has("users:read.email") }) };
  },

  "users.list": (ctx) => {
    const includeEmail = ctx.scopes.has("users:read.email");
    const { page, nextCursor } = paginate([...ctx.state.users.values()], ctx, 1000);
    return {
      members: page.map((u) => renderUser(u, ctx.state, { includeEmail })),
      cache_ts: ctx.state.clock.nowSeconds(),
      response_metadata: { next_cursor: nextCursor },
    };
  },

  "users.lookupByEmail": (ctx) => {
    const email = ctx.params.str("email");
    if (!email) throw withMessages("invalid_arguments", ["[ERROR] missing required field: email"]);
    const user = ctx.state.userByEmail(email);
    // Deactivated users are not found by email (Slack's documented behaviour).
    if (!user || user.deleted) throw new SlackApiError("users_not_found");
    return { user: renderUser(user, ctx.state, { includeEmail: true, flavor: "lookup" }) };
  },

  "usergroups.list": (ctx) => {
    const includeDisabled = ctx.params.bool("include_disabled") ?? false;
    const options = {
      includeUsers: ctx.params.bool("include_users") ?? false,
      includeCount: ctx.params.bool("include_count") ?? false,
    };
    const groups = [...ctx.state.usergroups.values()].filter((g) => includeDisabled || !g.disabled);
    return { usergroups: groups.map((g) => renderUsergroup(g, ctx.state, options)) };
  },

  "usergroups.users.list": (ctx) => {
    const group = ctx.state.usergroups.get(ctx.params.str("usergroup") ?? "");
    const includeDisabled = ctx.params.bool("include_disabled") ?? false;
    if (!group || (group.disabled && !includeDisabled)) throw new SlackApiError("no_such_subteam");
    // Deactivated users drop out of user groups.
    return { users: group.users.filter((id) => !ctx.state.users.get(id)?.deleted) };
  },
};
