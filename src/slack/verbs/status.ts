import { statusFacts } from "../../store/incidents.js";
import { statusText } from "../blocks/status.js";
import type { Verb } from "./registry.js";
import { inWarRoom } from "./war-room.js";

export const statusVerb: Verb = {
  name: "status",
  usage: "status",
  summary: "severity, phase, SLA, roles, what is outstanding",
  where: "war room",
  run: inWarRoom(async ({ reply, ctx }, incident) => reply(statusText(incident, await statusFacts(ctx.prisma, incident.id), ctx.now()))),
};
