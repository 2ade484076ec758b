// `/hotfix waiver request`: opens the waiver request modal (runbook 004 step 2).
import { requirePermission } from "../../workflows/permissions.js";
import { type WaiverModalMetadata, waiverRequestModal } from "../blocks/waivers.js";
import type { Verb } from "./registry.js";
import { inWarRoom } from "./war-room.js";

export const waiverVerb: Verb = {
  name: "waiver",
  usage: "waiver request",
  summary:
    "request a gate waiver (runbook 004): approvers approve or deny it; it covers only its gates, for its release tag, until it expires",
  where: "war room",
  run: inWarRoom(async ({ args, command, client, ctx, ack, reply }, incident) => {
    if ((args[0] ?? "").toLowerCase() !== "request") return reply("Usage: `/hotfix waiver request`");
    await requirePermission(ctx, command.user_id, "request_waiver", incident);
    await ack();
    const metadata: WaiverModalMetadata = { incidentId: incident.id, channelId: command.channel_id };
    try {
      await client.views.open({ trigger_id: command.trigger_id, view: waiverRequestModal(incident, ctx.config.policy.waivers, metadata) });
    } catch (error) {
      ctx.logger.warn({ err: error }, "could not open the waiver form");
      await reply(":x: Slack did not let me open the form in time. Run `/hotfix waiver request` again.");
    }
  }),
};
