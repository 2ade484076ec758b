// The UAT buttons: pass / fail / blocked per checklist item (a fail opens the
// feedback form prefilled with that workflow), "Give UAT feedback", "Share
// summary" and "File follow-up tickets". Permission is checked server-side on
// every click, in the workflow.
import type { App, BlockButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { CheckState } from "../../../domain/uat.js";
import { findIncident, type IncidentWithRoles } from "../../../store/incidents.js";
import { checklistOf, findSession } from "../../../store/uat.js";
import type { WorkflowContext } from "../../../workflows/context.js";
import { RefusedError } from "../../../workflows/refused.js";
import { markChecklistItem, requestFollowUps, shareSummary } from "../../../workflows/uat.js";
import { refusalText } from "../../blocks/refusals.js";
import { CHECK_ACTIONS, parseCheckValue, UAT_ACTIONS } from "../../blocks/uat.js";
import { followUpsAnswer, openFeedbackForm } from "../../verbs/uat.js";

type ClickArgs = Pick<SlackActionMiddlewareArgs<BlockButtonAction>, "ack" | "action" | "body" | "respond"> & { client: WebClient };

async function tell(ctx: WorkflowContext, respond: ClickArgs["respond"], text: string): Promise<void> {
  await respond({ response_type: "ephemeral", replace_original: false, text }).catch((error: unknown) =>
    ctx.logger.warn({ err: error }, "could not answer a UAT click"),
  );
}

/** Runs a click's work; a refusal is told to whoever clicked, nothing changed. */
async function refusalsTold(ctx: WorkflowContext, respond: ClickArgs["respond"], work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (error instanceof RefusedError) return tell(ctx, respond, `:no_entry: ${refusalText(error)}`);
    throw error;
  }
}

export function checklistClicked(ctx: WorkflowContext, state: Exclude<CheckState, "untested">) {
  return async ({ ack, action, body, respond, client }: ClickArgs): Promise<void> => {
    await ack();
    const target = parseCheckValue(action.value);
    if (!target) return;
    // A fail opens the feedback form first: the trigger_id lives 3 s and works once.
    if (state === "fail") {
      const session = await findSession(ctx.prisma, target.sessionId);
      const incident = session ? await findIncident(ctx.prisma, session.incidentId) : null;
      const entry = session ? checklistOf(session)[target.index] : undefined;
      if (incident && session)
        await openFeedbackForm(ctx, client, body.trigger_id, incident, {
          sessionId: session.id,
          ...(entry?.item ? { item: entry.item } : {}),
        }).catch((error: unknown) => ctx.logger.warn({ err: error }, "could not open the feedback form"));
    }
    await refusalsTold(ctx, respond, async () => {
      await markChecklistItem(ctx, target.sessionId, target.index, state, body.user.id);
    });
  };
}

async function incidentOf(ctx: WorkflowContext, value: string | undefined): Promise<IncidentWithRoles | null> {
  return value ? findIncident(ctx.prisma, value) : null;
}

export function feedbackClicked(ctx: WorkflowContext) {
  return async ({ ack, action, body, respond, client }: ClickArgs): Promise<void> => {
    await ack();
    const incident = await incidentOf(ctx, action.value);
    if (!incident) return tell(ctx, respond, "This incident no longer exists.");
    await openFeedbackForm(ctx, client, body.trigger_id, incident).catch(async (error: unknown) => {
      ctx.logger.warn({ err: error }, "could not open the feedback form");
      await tell(ctx, respond, ":x: Slack did not let me open the form in time. Click again, or `/hotfix uat feedback`.");
    });
  };
}

export function shareClicked(ctx: WorkflowContext) {
  return async ({ ack, action, body, respond }: ClickArgs): Promise<void> => {
    await ack();
    const incident = await incidentOf(ctx, action.value);
    if (!incident) return tell(ctx, respond, "This incident no longer exists.");
    await refusalsTold(ctx, respond, async () => {
      const channel = await shareSummary(ctx, incident, body.user.id);
      await tell(ctx, respond, `:mega: The UAT summary and the prioritised backlog are on their way to ${channel}.`);
    });
  };
}

export function followUpsClicked(ctx: WorkflowContext) {
  return async ({ ack, action, body, respond }: ClickArgs): Promise<void> => {
    await ack();
    const incident = await incidentOf(ctx, action.value);
    if (!incident) return tell(ctx, respond, "This incident no longer exists.");
    await refusalsTold(ctx, respond, async () => {
      await tell(ctx, respond, followUpsAnswer(await requestFollowUps(ctx, incident, body.user.id)));
    });
  };
}

export function registerUatActions(app: App, ctx: WorkflowContext): void {
  for (const [state, actionId] of Object.entries(CHECK_ACTIONS) as Array<[Exclude<CheckState, "untested">, string]>)
    app.action<BlockButtonAction>(actionId, checklistClicked(ctx, state));
  app.action<BlockButtonAction>(UAT_ACTIONS.feedback, feedbackClicked(ctx));
  app.action<BlockButtonAction>(UAT_ACTIONS.share, shareClicked(ctx));
  app.action<BlockButtonAction>(UAT_ACTIONS.followups, followUpsClicked(ctx));
}
