// `/hotfix guardrails`: opens the tuning modal for this incident, prefilled
// with the thresholds it is watched with now (tuned, or the policy's).
import { guardrailsToPolicy } from "../../domain/guardrails.js";
import { incidentThresholds } from "../../workflows/guardrails.js";
import { requirePermission } from "../../workflows/permissions.js";
import { type GuardrailField, type GuardrailsModalMetadata, guardrailsModal } from "../blocks/guardrails.js";
import type { Verb } from "./registry.js";
import { inWarRoom } from "./war-room.js";

type Written = {
  errorRate?: { above?: string; for?: string } | null;
  p95?: { aboveMs?: number; windows?: number } | null;
  crashFree?: { below?: string; over?: string } | null;
  relative?: {
    errors?: string | null;
    p95?: string | null;
    cpu?: string | null;
    memory?: string | null;
    for?: string;
    baseline?: string;
  } | null;
};

/** The modal's initial values from the thresholds, written as in the policy. */
export function guardrailFormValues(written: Written, service: string | null): Partial<Record<GuardrailField, string>> {
  const s = (v: unknown) => (v === null || v === undefined ? "" : String(v));
  return {
    service: s(service),
    errorRate_above: s(written.errorRate?.above),
    errorRate_for: s(written.errorRate?.for),
    p95_aboveMs: s(written.p95?.aboveMs),
    p95_windows: s(written.p95?.windows),
    crashFree_below: s(written.crashFree?.below),
    crashFree_over: s(written.crashFree?.over),
    relative_errors: s(written.relative?.errors),
    relative_p95: s(written.relative?.p95),
    relative_cpu: s(written.relative?.cpu),
    relative_memory: s(written.relative?.memory),
    relative_for: s(written.relative?.for),
    relative_baseline: s(written.relative?.baseline),
  };
}

export const guardrailsVerb: Verb = {
  name: "guardrails",
  usage: "guardrails",
  summary: "tune this incident's alert thresholds (absolute and vs the 7-day baseline); posts them with the dashboards",
  where: "war room",
  run: inWarRoom(async ({ command, client, ctx, ack, reply }, incident) => {
    await requirePermission(ctx, command.user_id, "tune_guardrails", incident);
    await ack();
    const metadata: GuardrailsModalMetadata = { incidentId: incident.id, channelId: command.channel_id };
    const written = guardrailsToPolicy(incidentThresholds(ctx, incident)) as Written;
    try {
      await client.views.open({
        trigger_id: command.trigger_id,
        view: guardrailsModal(incident.number, guardrailFormValues(written, incident.service), metadata, ctx.config.policy.links),
      });
    } catch (error) {
      ctx.logger.warn({ err: error }, "could not open the guardrails form");
      await reply(":x: Slack did not let me open the form in time. Run `/hotfix guardrails` again.");
    }
  }),
};
