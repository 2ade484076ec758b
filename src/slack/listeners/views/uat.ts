// Submitting the UAT forms. Bad input gets inline errors next to its field
// (response_action: errors) and nothing is stored; good input goes to the
// workflow, which stores it in one transaction (the view id makes a replay or
// a double click store it once).
import type { App, SlackViewMiddlewareArgs, ViewStateValue, ViewSubmitAction } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { type ScheduleInput, validateFeedback, validateSchedule } from "../../../domain/uat.js";
import { checkHuman, slackError } from "../../../integrations/slack.js";
import { findIncident } from "../../../store/incidents.js";
import type { WorkflowContext } from "../../../workflows/context.js";
import { RefusedError } from "../../../workflows/refused.js";
import { scheduleUat, submitFeedback } from "../../../workflows/uat.js";
import { escapeMrkdwn } from "../../blocks/escape.js";
import { refusalText } from "../../blocks/refusals.js";
import { UAT_FEEDBACK_CALLBACK, UAT_SCHEDULE_CALLBACK, type UatModalMetadata } from "../../blocks/uat-modals.js";
import { userZone } from "../../verbs/uat.js";

type Values = Record<string, Record<string, ViewStateValue>>;
type SubmitArgs = Pick<SlackViewMiddlewareArgs<ViewSubmitAction>, "ack" | "body" | "view"> & { client: WebClient };

const field = (values: Values, block: string): ViewStateValue | undefined => values[block]?.value;

function metadataOf(raw: string): Partial<UatModalMetadata> {
  try {
    return JSON.parse(raw || "{}") as Partial<UatModalMetadata>;
  } catch {
    return {};
  }
}

/**
 * Stakeholders who are not (or no longer) people in this workspace, named:
 * a deactivated account, a bot, an id Slack does not know, a group that does not exist.
 */
export async function absentStakeholders(ctx: WorkflowContext, client: WebClient, users: string[], groups: string[]): Promise<string[]> {
  const absent: string[] = [];
  for (const user of users) {
    const check = await checkHuman(client, user).catch(() => ({ ok: false, reason: "Slack would not say who that is" }));
    if (check.ok) continue;
    const name = await client.users
      .info({ user })
      .then((r) => r.user?.real_name || r.user?.name || user)
      .catch(() => user);
    absent.push(`${name} (${check.reason ?? "not in this workspace"})`);
  }
  for (const group of groups) {
    try {
      if (ctx.usergroupMembers) await ctx.usergroupMembers(group);
    } catch (error) {
      absent.push(`the group ${group} (${slackError(error) ?? "not found"})`);
    }
  }
  return absent;
}

export function uatScheduleSubmitted(ctx: WorkflowContext) {
  return async ({ ack, body, view, client }: SubmitArgs) => {
    const values = view.state.values as Values;
    const metadata = metadataOf(view.private_metadata);
    const incident = metadata.incidentId ? await findIncident(ctx.prisma, metadata.incidentId) : null;
    if (!incident) return ack({ response_action: "errors", errors: { date: "This incident no longer exists." } });
    const input: ScheduleInput = {
      date: field(values, "date")?.selected_date ?? null,
      time: field(values, "time")?.selected_time ?? null,
      zone: await userZone(client, body.user.id),
      stakeholders: field(values, "stakeholders")?.selected_users ?? [],
      stakeholderGroups: (field(values, "groups")?.selected_options ?? []).map((o) => o.value),
      checklist: field(values, "checklist")?.value ?? null,
      now: ctx.now(),
    };
    const result = validateSchedule(input);
    if (!result.ok) return ack({ response_action: "errors", errors: result.errors });
    const absent = await absentStakeholders(ctx, client, result.value.stakeholders, result.value.stakeholderGroups);
    if (absent.length > 0)
      return ack({
        response_action: "errors",
        errors: {
          stakeholders:
            `Not in this workspace: ${absent.join(", ")}. Remove ${absent.length === 1 ? "them" : "these"} and schedule again.`.slice(
              0,
              300,
            ),
        },
      });
    try {
      await scheduleUat(ctx, incident, result.value, body.user.id, view.id);
    } catch (error) {
      if (error instanceof RefusedError) return ack({ response_action: "errors", errors: { date: refusalText(error).slice(0, 300) } });
      throw error;
    }
    await ack();
  };
}

export function uatFeedbackSubmitted(ctx: WorkflowContext) {
  return async ({ ack, body, view, client }: SubmitArgs) => {
    const values = view.state.values as Values;
    const metadata = metadataOf(view.private_metadata);
    const incident = metadata.incidentId ? await findIncident(ctx.prisma, metadata.incidentId) : null;
    if (!incident) return ack({ response_action: "errors", errors: { workflow: "This incident no longer exists." } });
    const result = validateFeedback(
      {
        workflow: field(values, "workflow")?.value ?? null,
        severity: field(values, "severity")?.selected_option?.value ?? null,
        effort: field(values, "effort")?.selected_option?.value ?? null,
        happened: field(values, "happened")?.value ?? null,
        steps: field(values, "steps")?.value ?? null,
        expected: field(values, "expected")?.value ?? null,
      },
      ctx.config.policy.uat.effort,
    );
    if (!result.ok) return ack({ response_action: "errors", errors: result.errors });
    let created: boolean;
    try {
      ({ created } = await submitFeedback(ctx, incident, result.value, body.user.id, view.id, metadata.item));
    } catch (error) {
      if (error instanceof RefusedError) return ack({ response_action: "errors", errors: { workflow: refusalText(error).slice(0, 300) } });
      throw error;
    }
    await ack();
    if (!created || !incident.warRoomChannelId) return;
    // Stored already; Linear comes after (and may be down): say so plainly.
    await client.chat
      .postEphemeral({
        channel: incident.warRoomChannelId,
        user: body.user.id,
        text: `:inbox_tray: Thanks — your feedback on *${escapeMrkdwn(result.value.workflow, 150)}* (${result.value.severity}) is stored. The Linear issue is queued and its link will appear in the feedback's thread; if Linear is down it is created when Linear is back.`,
      })
      .catch((error: unknown) => ctx.logger.warn({ err: error }, "could not confirm UAT feedback"));
  };
}

export function registerUatViews(app: App, ctx: WorkflowContext): void {
  app.view<ViewSubmitAction>(UAT_SCHEDULE_CALLBACK, uatScheduleSubmitted(ctx));
  app.view<ViewSubmitAction>(UAT_FEEDBACK_CALLBACK, uatFeedbackSubmitted(ctx));
}
