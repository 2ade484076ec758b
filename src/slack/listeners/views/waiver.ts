// Submitting `/hotfix waiver request`: validated by the domain (limits per
// type, justification, ticket link, expiry); errors inline on their field.
import type { App, ViewStateValue } from "@slack/bolt";
import { findIncident } from "../../../store/incidents.js";
import type { WorkflowContext } from "../../../workflows/context.js";
import { RefusedError } from "../../../workflows/refused.js";
import { requestWaiver } from "../../../workflows/waivers.js";
import { refusalText } from "../../blocks/refusals.js";
import { WAIVER_FIELD_BLOCKS, WAIVER_REQUEST_CALLBACK, type WaiverModalMetadata } from "../../blocks/waivers.js";

type Values = Record<string, Record<string, ViewStateValue>>;

export function registerWaiverView(app: App, ctx: WorkflowContext): void {
  app.view(WAIVER_REQUEST_CALLBACK, async ({ ack, body, view }) => {
    let metadata: Partial<WaiverModalMetadata> = {};
    try {
      metadata = JSON.parse(view.private_metadata || "{}") as WaiverModalMetadata;
    } catch {
      metadata = {};
    }
    const values = view.state.values as Values;
    const text = (block: string) => values[block]?.value?.value ?? null;
    const selected = (block: string) => values[block]?.value?.selected_option?.value ?? null;
    const incident = metadata.incidentId ? await findIncident(ctx.prisma, metadata.incidentId) : null;
    if (!incident) return ack({ response_action: "errors", errors: { justification: "This incident no longer exists." } });
    try {
      const result = await requestWaiver(
        ctx,
        incident,
        {
          type: selected("type"),
          hotfixTag: text("tag"),
          gates: text("gates"),
          justification: text("justification"),
          risk: selected("risk"),
          mitigations: text("mitigations"),
          expiry: text("expiry"),
          ticketUrl: text("ticket"),
        },
        body.user.id,
        view.id,
      );
      if (!result.ok) {
        const errors: Record<string, string> = {};
        for (const error of result.errors) {
          const field = /^([A-Za-z]+)/.exec(error)?.[1] ?? "";
          const block = WAIVER_FIELD_BLOCKS[field] ?? "justification";
          errors[block] = (errors[block] ? `${errors[block]}; ${error}` : error).slice(0, 300);
        }
        return ack({ response_action: "errors", errors });
      }
    } catch (error) {
      if (error instanceof RefusedError)
        return ack({ response_action: "errors", errors: { justification: refusalText(error).slice(0, 300) } });
      throw error;
    }
    await ack();
  });
}
