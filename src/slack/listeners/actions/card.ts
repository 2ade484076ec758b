// The pinned card's buttons: Status (answered only to whoever pressed it) and
// Post an update (a small form, then the same path as `/hotfix update`).
import type { App, BlockButtonAction, ViewSubmitAction } from "@slack/bolt";
import { CARD_STATUS, CARD_UPDATE } from "../../../domain/render/incident-card.js";
import { findIncident } from "../../../store/incidents.js";
import type { WorkflowContext } from "../../../workflows/context.js";
import { postUpdate } from "../../../workflows/incident-updates.js";
import { statusText } from "../../blocks/status.js";

export const UPDATE_FORM = "card_update_form";

export function registerCardActions(app: App, ctx: WorkflowContext): void {
  app.action<BlockButtonAction>(CARD_STATUS, async ({ ack, action, respond }) => {
    await ack();
    const incident = await findIncident(ctx.prisma, action.value ?? "");
    const text = incident ? await statusText(ctx, incident) : "This incident no longer exists.";
    await respond({ response_type: "ephemeral", replace_original: false, text });
  });

  app.action<BlockButtonAction>(CARD_UPDATE, async ({ ack, action, body, client }) => {
    await ack();
    await client.views.open({
      trigger_id: body.trigger_id,
      view: {
        type: "modal",
        callback_id: UPDATE_FORM,
        private_metadata: action.value ?? "",
        title: { type: "plain_text", text: "Post an update" },
        submit: { type: "plain_text", text: "Post" },
        close: { type: "plain_text", text: "Cancel" },
        blocks: [
          {
            type: "input",
            block_id: "text",
            label: { type: "plain_text", text: "What changed, what is next?" },
            element: { type: "plain_text_input", action_id: "value", multiline: true, max_length: 3000 },
          },
        ],
      },
    });
  });

  app.view<ViewSubmitAction>(UPDATE_FORM, async ({ ack, view, body }) => {
    const text = view.state.values.text?.value?.value?.trim() ?? "";
    if (!text) return ack({ response_action: "errors", errors: { text: "Write the update first." } });
    const incident = await findIncident(ctx.prisma, view.private_metadata);
    if (!incident) return ack({ response_action: "errors", errors: { text: "This incident no longer exists." } });
    await postUpdate(ctx, incident, text, body.user.id);
    await ack();
  });
}
