// What the UAT lane says in Slack, as data. Workflows and the Linear job queue
// these (never mrkdwn); slack/blocks/uat.ts renders them when the step runs,
// escaping every text a person wrote.
import { z } from "zod";

export const uatMessageSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("scheduled"),
    number: z.number(),
    incidentId: z.string(),
    scheduledFor: z.string(),
    deadline: z.string().nullable(),
    users: z.array(z.string()),
    groups: z.array(z.string()),
    items: z.number(),
    by: z.string(),
  }),
  z.object({ kind: z.literal("skipped"), number: z.number(), reason: z.string(), by: z.string() }),
  z.object({
    kind: z.literal("review_closed"),
    number: z.number(),
    feedback: z.enum(["done", "pending"]),
    status: z.string(),
    openBlockers: z.number(),
    failing: z.array(z.string()),
    by: z.string(),
  }),
  z.object({
    kind: z.literal("deadline"),
    number: z.number(),
    which: z.enum(["reminder", "missed"]),
    deadline: z.string(),
    state: z.string(),
    commander: z.string().nullable(),
  }),
  z.object({
    kind: z.literal("linear_created"),
    identifier: z.string(),
    url: z.string(),
    priority: z.string(),
    author: z.string(),
  }),
  z.object({ kind: z.literal("linear_queued"), author: z.string(), reason: z.string() }),
  z.object({ kind: z.literal("linear_refused"), author: z.string(), reason: z.string() }),
  z.object({ kind: z.literal("feedback_resolved"), identifier: z.string().nullable(), workflow: z.string(), by: z.string() }),
  z.object({ kind: z.literal("followups_requested"), number: z.number(), labels: z.array(z.string()), by: z.string() }),
  z.object({ kind: z.literal("followup_created"), label: z.string(), identifier: z.string(), url: z.string() }),
  z.object({ kind: z.literal("followup_refused"), label: z.string(), reason: z.string() }),
]);

export type UatMessage = z.output<typeof uatMessageSchema>;
