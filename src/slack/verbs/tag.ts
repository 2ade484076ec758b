// `/hotfix tag prep|prod|<name> [sha]`: an annotated rollback-point tag.
import { requestTag } from "../../workflows/tag.js";
import type { Verb } from "./registry.js";
import { inWarRoom } from "./war-room.js";

export const tagVerb: Verb = {
  name: "tag",
  usage: "tag prep|prod|<name> [sha]",
  summary: "tag a rollback point (annotated) at the branch head or a commit",
  where: "war room",
  run: inWarRoom(async ({ args, reply, ctx, command }, incident) => {
    const [what, sha] = args;
    if (!what) return reply("Usage: `/hotfix tag prep|prod|<name> [sha]` — prep after QA sign-off, prod after the production deploy.");
    const queued = await requestTag(ctx, incident, { what, ...(sha ? { sha } : {}) }, command.user_id);
    await reply(`:bookmark: Tagging \`${queued.tag}\` at ${queued.at}; it appears in the war room and in \`/hotfix status\`.`);
  }),
};
