// Verbs that act on the incident whose war room they are typed in.
import { incidentLabel } from "../../domain/names.js";
import { findIncidentByChannel, type IncidentWithRoles, openWarRooms } from "../../store/incidents.js";
import { RefusedError } from "../../workflows/refused.js";
import { escapeMrkdwn } from "../blocks/escape.js";
import { refusalText } from "../blocks/refusals.js";
import { visibleIncidents } from "../visible-incidents.js";
import type { Verb, VerbInvocation } from "./registry.js";

export type WarRoomHandler = (invocation: VerbInvocation, incident: IncidentWithRoles) => Promise<void>;

/** Finds the incident of this channel, or says clearly where the verb works. */
export function inWarRoom(handler: WarRoomHandler): Verb["run"] {
  return async (invocation) => {
    const incident = await findIncidentByChannel(invocation.ctx.prisma, invocation.command.channel_id);
    if (!incident) {
      // Private war rooms are named to their members only.
      const open = (
        await visibleIncidents(invocation.ctx, invocation.client, invocation.command.user_id, await openWarRooms(invocation.ctx.prisma, 20))
      ).slice(0, 5);
      const list = open
        .map((i) => `<#${i.warRoomChannelId}> (${incidentLabel(i.number)} ${i.severity}: ${escapeMrkdwn(i.title)})`)
        .join("\n");
      return invocation.reply(
        `:information_source: \`/hotfix ${invocation.command.text.split(/\s+/)[0]}\` works in an incident's war room.${list ? `\nOpen war rooms:\n${list}` : " There is no open incident; `/hotfix declare <title>` starts one."}`,
      );
    }
    try {
      await handler(invocation, incident);
    } catch (error) {
      if (error instanceof RefusedError) return invocation.reply(`:no_entry: ${refusalText(error)}`);
      throw error;
    }
  };
}
