import { statusFacts } from "../../store/incidents.js";
import { statusReport } from "../../workflows/status-report.js";
import { outstandingText } from "../blocks/postmortem-status.js";
import { statusText } from "../blocks/status.js";
import type { Verb } from "./registry.js";
import { inWarRoom } from "./war-room.js";

export const statusVerb: Verb = {
  name: "status",
  usage: "status",
  summary: "severity, phase, SLA, roles, what is outstanding",
  where: "war room",
  run: inWarRoom(async ({ reply, ctx }, incident) => {
    const [facts, report] = await Promise.all([statusFacts(ctx.prisma, incident.id), statusReport(ctx.prisma, incident, ctx.now())]);
    // Runbook 001's outstanding-items report under the status.
    await reply(`${statusText(incident, facts, ctx.now())}\n\n${outstandingText(report)}`);
  }),
};
