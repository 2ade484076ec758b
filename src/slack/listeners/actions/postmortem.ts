// The post-mortem message's "Create follow-up tickets" button: the same
// workflow as `/hotfix followups` (issue 9's Linear follow-ups, once each),
// answered only to whoever pressed it.
import type { App, BlockButtonAction } from "@slack/bolt";
import { findIncident } from "../../../store/incidents.js";
import type { WorkflowContext } from "../../../workflows/context.js";
import { RefusedError } from "../../../workflows/refused.js";
import { requestFollowUps } from "../../../workflows/uat.js";
import { CREATE_FOLLOW_UPS } from "../../blocks/postmortem.js";
import { refusalText } from "../../blocks/refusals.js";
import { followUpsAnswer } from "../../verbs/uat.js";

export function registerPostmortemActions(app: App, ctx: WorkflowContext): void {
  app.action<BlockButtonAction>(CREATE_FOLLOW_UPS, async ({ ack, action, body, respond }) => {
    await ack();
    const answer = (text: string) => respond({ response_type: "ephemeral", replace_original: false, text });
    const incident = await findIncident(ctx.prisma, action.value ?? "");
    if (!incident) return void (await answer("This incident no longer exists."));
    try {
      await answer(followUpsAnswer(await requestFollowUps(ctx, incident, body.user.id)));
    } catch (error) {
      if (error instanceof RefusedError) return void (await answer(`:no_entry: ${refusalText(error)}`));
      throw error;
    }
  });
}
