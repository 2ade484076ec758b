// Approve / Deny on a waiver request. Every click is checked on the server
// (workflows/waivers.ts: decideWaiverClick); the clicker hears the outcome or
// the refusal, privately; the war room hears decisions.
import type { App, BlockAction, ButtonAction } from "@slack/bolt";
import type { WorkflowContext } from "../../../workflows/context.js";
import { RefusedError } from "../../../workflows/refused.js";
import { decideWaiverClick, type WaiverDecision } from "../../../workflows/waivers.js";
import { escapeMrkdwn } from "../../blocks/escape.js";
import { refusalText } from "../../blocks/refusals.js";
import { WAIVER_APPROVE_ACTION, WAIVER_DENY_ACTION } from "../../blocks/waivers.js";

const WORDS = { approved: "You approved", activated: "You approved — it is now active:", denied: "You denied" } as const;

export function waiverDecisionCallback(ctx: WorkflowContext, decision: WaiverDecision) {
  return async ({
    ack,
    body,
    action,
    respond,
  }: {
    ack: () => Promise<void>;
    body: BlockAction;
    action: ButtonAction;
    respond: (m: object) => Promise<unknown>;
  }) => {
    await ack();
    const code = (action.value ?? "").slice(0, 40);
    try {
      const result = await decideWaiverClick(ctx, code, body.user.id, decision);
      await respond({ response_type: "ephemeral", replace_original: false, text: `${WORDS[result.outcome]} ${escapeMrkdwn(code, 40)}.` });
    } catch (error) {
      if (!(error instanceof RefusedError)) throw error;
      await respond({ response_type: "ephemeral", replace_original: false, text: `:no_entry: ${refusalText(error)}` });
    }
  };
}

export function registerWaiverActions(app: App, ctx: WorkflowContext): void {
  app.action<BlockAction<ButtonAction>>(WAIVER_APPROVE_ACTION, waiverDecisionCallback(ctx, "approve"));
  app.action<BlockAction<ButtonAction>>(WAIVER_DENY_ACTION, waiverDecisionCallback(ctx, "deny"));
}
