// What the `post` step says, as data. Workflows queue one of these (never
// mrkdwn); slack/blocks/messages.ts renders it when the step runs, escaping
// every text a person wrote.
import { z } from "zod";

const severity = z.enum(["P0", "P1", "P2"]);

export const messageSchema = z.discriminatedUnion("kind", [
  /** Already rendered by slack/blocks (an effect composing a summary). */
  z.object({ kind: z.literal("mrkdwn"), text: z.string() }),
  z.object({
    kind: z.literal("status_update"),
    number: z.number(),
    title: z.string(),
    severity,
    phase: z.string(),
    text: z.string(),
    actor: z.string(),
  }),
  z.object({
    kind: z.literal("sla"),
    number: z.number(),
    severity,
    commander: z.string().nullable(),
    fraction: z.number(),
    leftMs: z.number(),
  }),
  z.object({ kind: z.literal("stability_window_passed"), number: z.number(), window: z.string(), sinceDeployMs: z.number().nullable() }),
  z.object({
    kind: z.literal("rolled_back"),
    number: z.number(),
    tag: z.string(),
    actor: z.string(),
    reason: z.string().nullable(),
    parentTag: z.string().nullable(),
    parentSha: z.string().nullable(),
  }),
  z.object({
    kind: z.literal("deployed"),
    number: z.number(),
    environment: z.string(),
    /** production, staging, other, or pull_request. */
    envClass: z.string(),
    sha: z.string(),
    status: z.string(),
    source: z.enum(["webhook", "manual"]),
    deployer: z.string(),
    actor: z.string().nullable(),
    reason: z.string().nullable(),
    url: z.string().nullable(),
    /** Deploying the parent release again: a rollback. */
    rollback: z.boolean(),
    parentTag: z.string().nullable(),
    /** The release that now counts as rolled back, when production went back to the parent. */
    rolledBackRelease: z.string().nullable(),
    stabilityEndsAt: z.string().nullable(),
    uatClockStarts: z.boolean(),
  }),
]);

export type Message = z.output<typeof messageSchema>;
export type MessageInput = z.input<typeof messageSchema>;
