// Submitting the declare form: validate (inline errors), create the incident,
// close the form. The war room follows from the job queue, after the ack.
import type { App, SlackViewMiddlewareArgs, ViewStateValue } from "@slack/bolt";
import { validateDeclare } from "../../../domain/declare-input.js";
import { checkHuman } from "../../../integrations/slack.js";
import type { WorkflowContext } from "../../../workflows/context.js";
import { declareIncident } from "../../../workflows/declare.js";
import { DECLARE_CALLBACK, type DeclareMetadata } from "../../blocks/declare-modal.js";

type Values = Record<string, Record<string, ViewStateValue>>;

const field = (values: Values, block: string): ViewStateValue | undefined => values[block]?.value;

/** The declare form was submitted: inline errors, or the incident (the war room follows after the ack). */
export const declareSubmitted =
  (ctx: WorkflowContext) =>
  async ({ ack, body, view }: Pick<SlackViewMiddlewareArgs, "ack" | "body" | "view">): Promise<void> => {
    const values = view.state.values as Values;
    const form = {
      title: field(values, "title")?.value ?? null,
      severity: field(values, "severity")?.selected_option?.value ?? null,
      override: (field(values, "override")?.selected_options?.length ?? 0) > 0,
      impactUsers: field(values, "impact_users")?.value ?? null,
      impactRevenue: field(values, "impact_revenue")?.value ?? null,
      service: field(values, "service")?.value ?? null,
      ticketUrl: field(values, "ticket")?.value ?? null,
      commanderId: field(values, "commander")?.selected_user ?? null,
      startedAt: field(values, "started_at")?.selected_date_time ?? null,
      rollbackFaster: field(values, "rollback_faster")?.selected_option?.value ?? null,
    };
    const result = validateDeclare(form, ctx.config.policy, ctx.now(), body.user.id);
    if (!result.ok) return ack({ response_action: "errors", errors: result.errors });
    const commander = await checkHuman(ctx.slack, result.value.commanderId);
    if (!commander.ok) return ack({ response_action: "errors", errors: { commander: `Pick someone else: ${commander.reason}.` } });
    let metadata: DeclareMetadata = {};
    try {
      metadata = JSON.parse(view.private_metadata || "{}") as DeclareMetadata;
    } catch {
      metadata = {};
    }
    try {
      await declareIncident(ctx, {
        ...result.value,
        // The view id is the same on a replay or a double-click of Declare.
        requestKey: `view:${view.id}`,
        declaredBy: body.user.id,
        ...(body.team?.id ? { teamId: body.team.id } : {}),
        ...(metadata.originChannelId ? { originChannelId: metadata.originChannelId } : {}),
        ...(metadata.responseUrl ? { responseUrl: metadata.responseUrl } : {}),
      });
    } catch (error) {
      // The database went away (a restart) or another failure: one transaction, so nothing was written. Say so in the
      // form, in time, rather than let Slack time out; the form stays open with what the person typed.
      ctx.logger.error({ err: error }, "declaring failed");
      return ack({
        response_action: "errors",
        errors: { title: "Could not declare right now (our database did not answer); nothing was saved. Try again in a moment." },
      });
    }
    await ack();
  };

export function registerDeclareView(app: App, ctx: WorkflowContext): void {
  app.view(DECLARE_CALLBACK, declareSubmitted(ctx));
}
