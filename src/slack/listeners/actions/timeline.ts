// The card's "Timeline" button: the same form as `/hotfix timeline`.
import type { App, BlockButtonAction } from "@slack/bolt";
import { findIncident } from "../../../store/incidents.js";
import type { WorkflowContext } from "../../../workflows/context.js";
import { CARD_TIMELINE } from "../../blocks/timeline.js";
import { openTimelineForm } from "../../verbs/timeline.js";

export function registerTimelineActions(app: App, ctx: WorkflowContext): void {
  app.action<BlockButtonAction>(CARD_TIMELINE, async ({ ack, action, body, client, respond }) => {
    await ack();
    const incident = await findIncident(ctx.prisma, action.value ?? "");
    if (!incident)
      return void (await respond({ response_type: "ephemeral", replace_original: false, text: "This incident no longer exists." }));
    await openTimelineForm(ctx, client, body.trigger_id, incident);
  });
}
