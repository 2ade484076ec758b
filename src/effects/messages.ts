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
  /** Runbook 002 phase 5: "HOTFIX DEPLOYED", to #incidents by default (policy announce.deploySummary). */
  z.object({
    kind: z.literal("hotfix_deployed"),
    number: z.number(),
    title: z.string(),
    version: z.string().nullable(),
    sha: z.string(),
    deployedAt: z.string(),
    /** Deadline minus production deploy: positive = met with that margin, negative = late by it; null: no SLA. */
    slaMarginMs: z.number().nullable(),
  }),
  /** Runbook 002: "DON'T deploy without staging test". */
  z.object({ kind: z.literal("staging_skipped"), number: z.number(), sha: z.string(), required: z.boolean() }),
  /** A rollback without github.deployWorkflow: the exact redeploy step. */
  z.object({ kind: z.literal("redeploy_by_hand"), parentTag: z.string().nullable() }),
]);

export type Message = z.output<typeof messageSchema>;
export type MessageInput = z.input<typeof messageSchema>;
