// The timeline: typed, append-only events. A Slack-originated event carries
// its Slack ts and is deduplicated by (incident, ts, kind), so a retried
// delivery or a pin-then-react of the same message records it once.
import type { Prisma } from "./prisma.js";

export type Tx = Prisma.TransactionClient;

export interface NewTimelineEvent {
  incidentId: string;
  kind: string;
  summary: string;
  actor?: string | null;
  occurredAt?: Date;
  data?: Prisma.InputJsonValue;
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

export function slackTsToDate(ts: string): Date {
  return new Date(Math.round(Number(ts) * 1000));
}
