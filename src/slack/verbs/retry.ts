import { retryFailedSteps } from "../../workflows/incident-updates.js";
import type { Verb } from "./registry.js";
import { inWarRoom } from "./war-room.js";

export const retryVerb: Verb = {
  name: "retry",
  usage: "retry",
  summary: "run the incident's failed steps again (after fixing their cause)",
  where: "war room",
  run: inWarRoom(async ({ reply, ctx, command }, incident) => {
    const keys = await retryFailedSteps(ctx, incident, command.user_id);
    await reply(keys.length ? `Retrying ${keys.length} step(s): ${keys.map((k) => `\`${k}\``).join(", ")}.` : "No failed steps to retry.");
  }),
};
