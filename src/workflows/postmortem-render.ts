// The post-mortem rendered from the store: the header (incident, markers,
// follow-ups) and the curated timeline streamed into the pure renderer. Shared
// by the Slack upload step, the HTTP export and the CLI.
import { commanderOf } from "../domain/incident.js";
import { incidentLabel } from "../domain/names.js";
import { EMPTY_WRITE_UP, type PostmortemHeader } from "../domain/postmortem.js";
import { renderPostmortemJson, renderPostmortemMarkdown } from "../domain/postmortem-markdown.js";
import type { IncidentWithRoles } from "../store/incidents.js";
import { followUpsOf, timelineStream } from "../store/postmortem.js";
import type { Db } from "../store/prisma.js";
import { recordEvent, type Tx } from "../store/timeline.js";
import { curationsOf, markersOf } from "../store/timeline-edits.js";

export type PostmortemFormat = "md" | "json";

export interface RenderRequest {
  format: PostmortemFormat;
  /** The reader's IANA zone; Markdown shows UTC and this. */
  zone?: string;
  now: Date;
  chunkSize?: number;
}

/** Everything but the timeline: small, read before the first byte. */
export async function postmortemHeader(db: Db, incident: IncidentWithRoles, now: Date): Promise<PostmortemHeader> {
  const [markers, followUps] = await Promise.all([markersOf(db, incident), followUpsOf(db, incident.id)]);
  return {
    incident: {
      id: incidentLabel(incident.number),
      title: incident.title,
      severity: incident.severity,
      status: incident.phase,
      service: incident.service,
      description: null,
      usersAffected: incident.impactUsers,
      detection: null,
      commander: commanderOf(incident) ?? null,
      channel: incident.warRoomChannelName ? `#${incident.warRoomChannelName}` : null,
      ticketUrl: incident.ticketUrl,
    },
    markers,
    followUps,
    writeUp: EMPTY_WRITE_UP,
    generatedAt: now,
  };
}

/**
 * The post-mortem as a stream of text chunks. The first chunk is produced
 * only after everything that can refuse (an unknown zone) was checked, so a
 * caller that awaits it before sending headers never sends half a file.
 */
export async function* renderPostmortem(db: Db, incident: IncidentWithRoles, request: RenderRequest): AsyncGenerator<string> {
  const [header, curations] = await Promise.all([postmortemHeader(db, incident, request.now), curationsOf(db, incident.id)]);
  const events = timelineStream(db, incident.id, curations);
  const options = { curations, ...(request.chunkSize ? { chunkSize: request.chunkSize } : {}) };
  if (request.format === "json") yield* renderPostmortemJson(header, events, options);
  else yield* renderPostmortemMarkdown(header, events, { ...options, ...(request.zone ? { zone: request.zone } : {}) });
}

/** The file's name: "hf-12-postmortem.md". */
export const postmortemFilename = (incident: { number: number }, format: PostmortemFormat) =>
  `${incidentLabel(incident.number).toLowerCase()}-postmortem.${format}`;

/** Records that a post-mortem left the bot (stops the due-date reminder). */
export async function recordPostmortemExported(
  db: Db | Tx,
  incident: { id: string; number: number },
  via: "slack" | "http" | "cli",
  actor: string | null,
  at: Date,
  data: Record<string, string> = {},
): Promise<void> {
  await recordEvent(db as Tx, {
    incidentId: incident.id,
    kind: "postmortem_exported",
    summary: `Post-mortem of ${incidentLabel(incident.number)} exported (${via})`,
    actor,
    occurredAt: at,
    data: { via, ...data },
  });
}
