import { statusText } from "../blocks/status.js";
import type { Verb } from "./registry.js";
import { inWarRoom } from "./war-room.js";

export const statusVerb: Verb = {
  name: "status",
  usage: "status",
  summary: "phase, SLA left, roles, rollback points and the outstanding checklist",
  where: "war room",
  run: inWarRoom(async ({ reply, ctx }, incident) => reply(await statusText(ctx, incident))),
};
