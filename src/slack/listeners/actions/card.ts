// The pinned card's buttons: Status (answered only to whoever pressed it) and
// Post an update (a small form, then the same path as `/hotfix update`).
import type { App, BlockButtonAction, ViewSubmitAction } from "@slack/bolt";
import { findIncident, statusFacts } from "../../../store/incidents.js";
import type { WorkflowContext } from "../../../workflows/context.js";
import { postUpdate } from "../../../workflows/incident-updates.js";
import { RefusedError } from "../../../workflows/refused.js";
import { CARD_STATUS, CARD_UPDATE, UPDATE_FORM, updateModal } from "../../blocks/incident-card.js";
import { refusalText } from "../../blocks/refusals.js";
import { statusText } from "../../blocks/status.js";

export function registerCardActions(app: App, ctx: WorkflowContext): void {
  app.action<BlockButtonAction>(CARD_STATUS, async ({ ack, action, respond }) => {
    await ack();
    const incident = await findIncident(ctx.prisma, action.value ?? "");
    const text = incident ? statusText(incident, await statusFacts(ctx.prisma, incident.id), ctx.now()) : "This incident no longer exists.";
    await respond({ response_type: "ephemeral", replace_original: false, text });
  });

  app.action<BlockButtonAction>(CARD_UPDATE, async ({ ack, action, body, client }) => {
    await ack();
    await client.views.open({
      trigger_id: body.trigger_id,
      view: updateModal(action.value ?? ""),
    });
  });

  app.view<ViewSubmitAction>(UPDATE_FORM, async ({ ack, view, body }) => {
    const text = view.state.values.text?.value?.value?.trim() ?? "";
    if (!text) return ack({ response_action: "errors", errors: { text: "Write the update first." } });
    const incident = await findIncident(ctx.prisma, view.private_metadata);
    if (!incident) return ack({ response_action: "errors", errors: { text: "This incident no longer exists." } });
    try {
      // The view id is the same on a replay or a double-click of Post: the update is posted once.
      await postUpdate(ctx, incident, text, body.user.id, `view:${view.id}`);
    } catch (error) {
      // Permission is checked again here, on the submission, not only when the form opened.
      if (error instanceof RefusedError) return ack({ response_action: "errors", errors: { text: refusalText(error).slice(0, 300) } });
      throw error;
    }
    await ack();
  });
}
