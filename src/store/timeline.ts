// The timeline: typed, append-only events. A Slack-originated event carries
// its Slack ts and is deduplicated by (incident, ts, kind), so a retried
// delivery or a pin-then-react of the same message records it once.
import type { TimelineKind } from "../domain/timeline.js";
import type { Prisma } from "./prisma.js";

export type Tx = Prisma.TransactionClient;

export interface NewTimelineEvent {
  incidentId: string;
  kind: TimelineKind;
  summary: string;
  actor?: string | null;
  occurredAt?: Date;
  data?: Prisma.InputJsonObject;
  slackTs?: string | null;
  permalink?: string | null;
}

/** Returns false when the event was already recorded (same Slack ts and kind). */
export async function recordEvent(tx: Tx, event: NewTimelineEvent): Promise<boolean> {
  const { count } = await tx.timelineEvent.createMany({
    data: [
      {
        incidentId: event.incidentId,
        kind: event.kind,
        summary: event.summary,
        actor: event.actor ?? null,
        occurredAt: event.occurredAt ?? new Date(),
        data: event.data ?? {},
        slackTs: event.slackTs ?? null,
        permalink: event.permalink ?? null,
      },
    ],
    skipDuplicates: true,
  });
  return count === 1;
}

/**
 * A timeline event recorded once per outbox step: a step re-run after a crash
 * between its commit and its "done" does not write the event twice.
 */
export async function recordOnce(tx: Tx, effectKey: string, event: NewTimelineEvent): Promise<boolean> {
  const existing = await tx.timelineEvent.findFirst({
    where: { incidentId: event.incidentId, kind: event.kind, data: { path: ["effect"], equals: effectKey } },
    select: { id: true },
  });
  if (existing) return false;
  return recordEvent(tx, { ...event, data: { ...(event.data ?? {}), effect: effectKey } });
}

export function slackTsToDate(ts: string): Date {
  return new Date(Math.round(Number(ts) * 1000));
}
