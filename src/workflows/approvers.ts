// Who approves waivers: the policy's `people.approvers` user group's members
// (read from Slack at the moment of the decision) plus its listed users.
import type { AppContext } from "../context.js";

/** The approvers now; a user group that cannot be read counts as empty (nobody is let in by an error). */
export async function approverIds(ctx: AppContext): Promise<ReadonlySet<string>> {
  const { approvers } = ctx.config.policy.people;
  const ids = new Set(approvers.users);
  if (approvers.usergroup && ctx.usergroupMembers) {
    try {
      for (const id of await ctx.usergroupMembers(approvers.usergroup)) ids.add(id);
    } catch (error) {
      ctx.logger.warn({ err: error, usergroup: approvers.usergroup }, "could not read the approvers user group");
    }
  }
  return ids;
}
