// Submitting `/hotfix guardrails`: the fields become the policy's written form
// (an empty value switches a threshold off), validated by the domain; errors
// go back inline on the field they are about.
import type { App, ViewStateValue } from "@slack/bolt";
import { findIncident } from "../../../store/incidents.js";
import type { WorkflowContext } from "../../../workflows/context.js";
import { tuneGuardrails } from "../../../workflows/guardrails.js";
import { RefusedError } from "../../../workflows/refused.js";
import { GUARDRAIL_FIELDS, GUARDRAILS_CALLBACK, type GuardrailField, type GuardrailsModalMetadata } from "../../blocks/guardrails.js";
import { refusalText } from "../../blocks/refusals.js";

type Values = Record<string, Record<string, ViewStateValue>>;

/** The form as the policy writes it; a threshold whose main value is empty is off (null). */
export function guardrailFormToPolicy(get: (field: GuardrailField) => string): Record<string, unknown> {
  const num = (text: string) => (/^\d+(\.\d+)?$/.test(text) ? Number(text) : text);
  const opt = <T extends Record<string, unknown>>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== ""));
  const relative = ["errors", "p95", "cpu", "memory"] as const;
  const rel = Object.fromEntries(relative.map((k) => [k, get(`relative_${k}`) || null]));
  return {
    errorRate: get("errorRate_above") ? opt({ above: get("errorRate_above"), for: get("errorRate_for") }) : null,
    p95: get("p95_aboveMs") ? opt({ aboveMs: num(get("p95_aboveMs")), windows: get("p95_windows") ? num(get("p95_windows")) : "" }) : null,
    crashFree: get("crashFree_below") ? opt({ below: get("crashFree_below"), over: get("crashFree_over") }) : null,
    relative: relative.every((k) => rel[k] === null)
      ? null
      : { ...rel, ...opt({ for: get("relative_for"), baseline: get("relative_baseline") }) },
  };
}

/** "guardrails.errorRate.above: ..." -> the block it is about. */
function blockOf(error: string): GuardrailField {
  const path = /^(?:guardrails\.)?([A-Za-z0-9]+)(?:\.([A-Za-z0-9]+))?/.exec(error);
  const key = `${path?.[1] ?? ""}_${path?.[2] ?? ""}`;
  const byKey: Record<string, GuardrailField> = {
    errorRate_: "errorRate_above",
    p95_: "p95_aboveMs",
    crashFree_: "crashFree_below",
    relative_: "relative_errors",
    service_: "service",
  };
  return (GUARDRAIL_FIELDS.find((f) => f.block === key)?.block ?? byKey[key] ?? "errorRate_above") as GuardrailField;
}

export function registerGuardrailsView(app: App, ctx: WorkflowContext): void {
  app.view(GUARDRAILS_CALLBACK, async ({ ack, body, view }) => {
    let metadata: Partial<GuardrailsModalMetadata> = {};
    try {
      metadata = JSON.parse(view.private_metadata || "{}") as GuardrailsModalMetadata;
    } catch {
      metadata = {};
    }
    const values = view.state.values as Values;
    const get = (field: GuardrailField) => (values[field]?.value?.value ?? "").trim();
    const incident = metadata.incidentId ? await findIncident(ctx.prisma, metadata.incidentId) : null;
    if (!incident) return ack({ response_action: "errors", errors: { service: "This incident no longer exists." } });
    try {
      const result = await tuneGuardrails(
        ctx,
        incident,
        { thresholds: guardrailFormToPolicy(get), service: get("service") || null },
        body.user.id,
      );
      if (!result.ok) {
        const errors: Record<string, string> = {};
        for (const error of result.errors) {
          const block = blockOf(error);
          errors[block] = errors[block] ? `${errors[block]}; ${error}`.slice(0, 300) : error.slice(0, 300);
        }
        return ack({ response_action: "errors", errors });
      }
    } catch (error) {
      if (error instanceof RefusedError) return ack({ response_action: "errors", errors: { service: refusalText(error).slice(0, 300) } });
      throw error;
    }
    await ack();
  });
}
