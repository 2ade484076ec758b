// Incidents a person may see listed (App Home, the "not in a war room" reply):
// every public war room, and a private one only to its members, so a list
// never tells a stranger that a private incident exists or what it is called.
import type { WebClient } from "@slack/web-api";
import type { AppContext } from "../context.js";
import type { Incident } from "../domain/incident.js";
import { privateWarRooms } from "../store/war-room-privacy.js";

type Listed = Pick<Incident, "id" | "roles" | "declaredBy" | "warRoomChannelId">;

async function isMember(client: Pick<WebClient, "conversations">, channel: string, userId: string): Promise<boolean> {
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const res = await client.conversations.members({ channel, limit: 1000, ...(cursor ? { cursor } : {}) });
    if (res.members?.includes(userId)) return true;
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!cursor) return false;
  }
  return false;
}

export async function visibleIncidents<T extends Listed>(
  ctx: Pick<AppContext, "prisma" | "logger">,
  client: Pick<WebClient, "conversations">,
  userId: string,
  incidents: T[],
): Promise<T[]> {
  const hidden = await privateWarRooms(
    ctx.prisma,
    incidents.map((i) => i.id),
  );
  const visible: T[] = [];
  for (const incident of incidents) {
    if (!hidden.has(incident.id) || incident.declaredBy === userId || incident.roles.some((r) => r.userId === userId)) {
      visible.push(incident);
      continue;
    }
    if (!incident.warRoomChannelId) continue;
    try {
      if (await isMember(client, incident.warRoomChannelId, userId)) visible.push(incident);
    } catch (error) {
      // Cannot tell: leave it out (a list that says too little is the safe side).
      ctx.logger.warn({ err: error, incident: incident.id }, "could not read a private war room's members");
    }
  }
  return visible;
}
