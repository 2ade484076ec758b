// Submitting the release form: validate (inline errors), then record the
// request and queue the checks and the release; the form closes and the
// war room follows the steps.
import type { App, ViewStateValue } from "@slack/bolt";
import { validateReleaseForm } from "../../../domain/release.js";
import { findIncident } from "../../../store/incidents.js";
import type { WorkflowContext } from "../../../workflows/context.js";
import { RefusedError } from "../../../workflows/refused.js";
import { checkNamedWaivers, refuseRelease, requestRelease } from "../../../workflows/release.js";
import { refusalText } from "../../blocks/refusals.js";
import { RELEASE_CALLBACK, type ReleaseModalMetadata } from "../../blocks/release-lane.js";

type Values = Record<string, Record<string, ViewStateValue>>;

const field = (values: Values, block: string): ViewStateValue | undefined => values[block]?.value;

export function registerReleaseView(app: App, ctx: WorkflowContext): void {
  app.view(RELEASE_CALLBACK, async ({ ack, body, view }) => {
    let metadata: Partial<ReleaseModalMetadata> = {};
    try {
      metadata = JSON.parse(view.private_metadata || "{}") as ReleaseModalMetadata;
    } catch {
      metadata = {};
    }
    const values = view.state.values as Values;
    if (!values.version) return ack(); // the loading or error view: nothing to submit
    const incident = metadata.incidentId ? await findIncident(ctx.prisma, metadata.incidentId) : null;
    if (!incident) return ack({ response_action: "errors", errors: { version: "This incident no longer exists." } });
    const result = validateReleaseForm({
      version: field(values, "version")?.value ?? null,
      commit: field(values, "commit")?.value ?? null,
      parent: field(values, "parent")?.value ?? null,
      justification: field(values, "justification")?.value ?? null,
      ticketUrl: field(values, "ticket")?.value ?? null,
      riskLevel: field(values, "risk")?.selected_option?.value ?? null,
      waiverIds: field(values, "waivers")?.value ?? null,
    });
    if (!result.ok) return ack({ response_action: "errors", errors: result.errors });
    try {
      await refuseRelease(ctx, incident, body.user.id);
    } catch (error) {
      if (error instanceof RefusedError) return ack({ response_action: "errors", errors: { version: refusalText(error).slice(0, 300) } });
      throw error;
    }
    const waiverError = await checkNamedWaivers(ctx, result.value.waiverIds, result.value.tag);
    if (waiverError) return ack({ response_action: "errors", errors: { waivers: waiverError } });
    // The view id makes a replayed or double-clicked submit queue the release once.
    try {
      await requestRelease(ctx, incident, result.value, body.user.id, view.id);
    } catch (error) {
      // Someone else's release got in first (checked again under the incident's lock).
      if (error instanceof RefusedError) return ack({ response_action: "errors", errors: { version: refusalText(error).slice(0, 300) } });
      throw error;
    }
    await ack();
  });
}
