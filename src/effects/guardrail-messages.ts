// What the guardrail posts say, as data (queued by workflows, rendered by
// slack/blocks/guardrails.ts when the step runs).
import { z } from "zod";

export const guardrailPostSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("tuned"),
    number: z.number(),
    by: z.string(),
    service: z.string().nullable(),
    thresholds: z.array(z.string()),
    links: z.object({ sentry: z.string().nullable(), dashboard: z.string().nullable(), runbook: z.string().nullable() }),
  }),
  z.object({
    kind: z.literal("breach"),
    number: z.number(),
    source: z.string(),
    service: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    url: z.string().nullable(),
    oncall: z.object({ usergroup: z.string().nullable(), users: z.array(z.string()) }),
    /** The stability window's new end when this breach restarted it. */
    stabilityEndsAt: z.string().nullable(),
    windowText: z.string(),
    resolved: z.boolean(),
  }),
  z.object({
    kind: z.literal("recovered"),
    number: z.number(),
    source: z.string(),
    service: z.string(),
    name: z.string(),
    url: z.string().nullable(),
  }),
]);
export type GuardrailPost = z.input<typeof guardrailPostSchema>;
export type GuardrailPostData = z.output<typeof guardrailPostSchema>;
