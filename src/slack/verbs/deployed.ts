// `/hotfix deployed staging|production [sha] [reason]`: a deployment recorded
// by hand, when GitHub's deployment webhooks are not wired.

import { shortSha } from "../../domain/names.js";
import { isShaLike } from "../../domain/release.js";
import { displayName } from "../../integrations/slack.js";
import { recordManualDeployment } from "../../workflows/deploy.js";
import type { Verb } from "./registry.js";
import { inWarRoom } from "./war-room.js";

export const deployedVerb: Verb = {
  name: "deployed",
  usage: "deployed staging|production [sha] [reason]",
  summary: "record a deploy by hand: staging starts the UAT clock, production the stability window",
  where: "war room",
  run: inWarRoom(async ({ args, reply, ctx, command }, incident) => {
    const [environment, maybeSha, ...rest] = args;
    if (!environment) return reply("Usage: `/hotfix deployed staging|production [sha] [reason]`");
    const sha = maybeSha && isShaLike(maybeSha) ? maybeSha : undefined;
    const reason = [...(sha || !maybeSha ? [] : [maybeSha]), ...rest].join(" ");
    const recorded = await recordManualDeployment(
      ctx,
      incident,
      // A name, not a Slack mention: the log ends up in CHANGELOG.md too.
      { environment, ...(sha ? { sha } : {}), ...(reason ? { reason } : {}), deployerName: await displayName(ctx.slack, command.user_id) },
      command.user_id,
    );
    await reply(
      `:ship: Recorded: \`${shortSha(recorded.sha)}\` deployed to ${recorded.environment}. It is on the timeline and in the war room.`,
    );
  }),
};
