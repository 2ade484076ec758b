// `/hotfix uat schedule|feedback|backlog|close --feedback done|pending|skip <reason>|resolve <ENG-12>`
// and `/hotfix followups` (runbook 000 section 3, runbook 001 section 3, runbook 002 phase 6).
// Forms open first (a trigger_id lives 3 s and works once); the rest is a workflow.
import type { WebClient } from "@slack/web-api";
import { incidentLabel } from "../../domain/names.js";
import { FOLLOW_UP_PROMPTS, type FollowUpKind } from "../../domain/postmortem.js";
import { prioritise } from "../../domain/uat.js";
import type { IncidentWithRoles } from "../../store/incidents.js";
import { feedbackOf, latestSession, uatFacts } from "../../store/uat.js";
import type { WorkflowContext } from "../../workflows/context.js";
import { requirePermission } from "../../workflows/permissions.js";
import { closeReview, requestFollowUps, resolveFeedback, skipUat } from "../../workflows/uat.js";
import { escapeMrkdwn, link } from "../blocks/escape.js";
import { backlogMessage } from "../blocks/uat.js";
import { feedbackModal, scheduleModal } from "../blocks/uat-modals.js";
import { uatFactsWords } from "../blocks/uat-state.js";
import type { Verb, VerbInvocation } from "./registry.js";
import { inWarRoom } from "./war-room.js";

const USAGE =
  "Usage: `/hotfix uat schedule` · `/hotfix uat feedback` · `/hotfix uat backlog` · `/hotfix uat close --feedback done|pending` · `/hotfix uat skip <reason>` · `/hotfix uat resolve <ENG-12>`";

/** The person's Slack time zone (users.info), or null when Slack does not send one. */
export async function userZone(client: WebClient, userId: string): Promise<string | null> {
  try {
    const res = await client.users.info({ user: userId });
    return res.user?.tz || null;
  } catch {
    return null;
  }
}

async function openForm(invocation: VerbInvocation, view: Parameters<WebClient["views"]["open"]>[0]["view"]): Promise<void> {
  try {
    await invocation.client.views.open({ trigger_id: invocation.command.trigger_id, view });
  } catch (error) {
    invocation.ctx.logger.warn({ err: error }, "could not open a UAT form");
    await invocation.reply(":x: Slack did not let me open the form in time. Run the command again.");
  }
}

/** The backlog, prioritised, as an ephemeral answer (with the share and follow-up buttons). */
export async function backlogAnswer(ctx: WorkflowContext, incident: IncidentWithRoles) {
  const [feedback, facts] = await Promise.all([feedbackOf(ctx.prisma, incident.id), uatFacts(ctx.prisma, incident.id)]);
  return backlogMessage({
    number: incident.number,
    incidentId: incident.id,
    items: prioritise(feedback, ctx.config.policy.uat.effort),
    state: uatFactsWords(ctx.config.policy.uat.required, facts),
  });
}

/** Opens the feedback form (from the verb, the button, or a failed checklist item prefilled with its workflow). */
export async function openFeedbackForm(
  ctx: WorkflowContext,
  client: WebClient,
  triggerId: string,
  incident: IncidentWithRoles,
  prefill: { sessionId?: string; item?: string } = {},
): Promise<void> {
  await client.views.open({
    trigger_id: triggerId,
    view: feedbackModal({
      metadata: { incidentId: incident.id, ...prefill },
      label: incidentLabel(incident.number),
      policy: ctx.config.policy,
      ...(prefill.item ? { workflow: prefill.item } : {}),
    }),
  });
}

export function followUpsAnswer(result: Awaited<ReturnType<typeof requestFollowUps>>): string {
  const have = result.existing.map((t) => {
    const label = FOLLOW_UP_PROMPTS[t.kind as FollowUpKind]?.label ?? t.kind;
    return `• ${escapeMrkdwn(label)}: ${t.identifier ? link(t.url, t.identifier) : "_being created in Linear_"}`;
  });
  if (result.filed.length === 0) return `:memo: The follow-up tickets exist already (one of each, never two):\n${have.join("\n")}`;
  return `:memo: Filing ${result.filed.length} follow-up ticket${result.filed.length === 1 ? "" : "s"} in Linear: ${result.filed.join(", ")}. Each appears in the war room with its link.${have.length ? `\nAlready filed:\n${have.join("\n")}` : ""}`;
}

export const uatVerb: Verb = {
  name: "uat",
  usage: "uat schedule|feedback|backlog|close --feedback done|pending|skip <reason>|resolve <ENG-12>",
  summary: "stakeholder UAT: schedule it, the checklist, feedback logged to Linear, the backlog, close or skip",
  where: "war room",
  run: inWarRoom(async (invocation, incident) => {
    const { args, rest, reply, ctx, command, ack } = invocation;
    const sub = (args[0] ?? "").toLowerCase();
    switch (sub) {
      case "schedule": {
        // Refused before the form opens (and again when it is submitted).
        await requirePermission(ctx, command.user_id, "uat_manage", incident);
        const zone = await userZone(invocation.client, command.user_id);
        await ack();
        return openForm(
          invocation,
          scheduleModal({
            incidentId: incident.id,
            label: incidentLabel(incident.number),
            policy: ctx.config.policy,
            now: ctx.now(),
            zone,
          }),
        );
      }
      case "feedback": {
        const session = await latestSession(ctx.prisma, incident.id);
        if (!session || session.status === "skipped" || session.status === "cancelled")
          return reply(":information_source: There is no UAT session to give feedback on yet: `/hotfix uat schedule` first.");
        await ack();
        try {
          await openFeedbackForm(ctx, invocation.client, command.trigger_id, incident, { sessionId: session.id });
        } catch (error) {
          ctx.logger.warn({ err: error }, "could not open the feedback form");
          await reply(":x: Slack did not let me open the form in time. Run the command again.");
        }
        return;
      }
      case "backlog":
        return reply(await backlogAnswer(ctx, incident));
      case "close": {
        const words = args.slice(1).join(" ").toLowerCase();
        const match = /(?:--feedback[= ]\s*|^)(done|pending)\b/.exec(words);
        if (!match)
          return reply("Usage: `/hotfix uat close --feedback done|pending` — done ends the review (passed or not), pending keeps it open.");
        const feedback = match[1] === "done" ? "done" : "pending";
        const result = await closeReview(ctx, incident, feedback, command.user_id);
        const verdict =
          result.status === "passed"
            ? ":white_check_mark: UAT passed; completion no longer waits for it."
            : result.status === "failed"
              ? `:x: UAT did not pass: ${[...result.failing.map((f) => escapeMrkdwn(f, 100)), ...(result.openBlockers ? [`${result.openBlockers} open blocker(s)`] : [])].join(", ")}. Fix, then schedule another session.`
              : ":hourglass_flowing_sand: Review cycle recorded; feedback is still pending.";
        return reply(verdict);
      }
      case "skip": {
        const reason = rest.replace(/^skip\b/i, "").trim();
        if (!reason) return reply("Say why: `/hotfix uat skip <reason>` — the reason is recorded on the timeline.");
        await skipUat(ctx, incident, reason, command.user_id);
        return reply(`:fast_forward: UAT skipped for ${incidentLabel(incident.number)}: ${escapeMrkdwn(reason, 500)}`);
      }
      case "resolve": {
        const ref = args[1];
        if (!ref) return reply("Usage: `/hotfix uat resolve <ENG-12>` (the Linear identifier from `/hotfix uat backlog`).");
        const done = await resolveFeedback(ctx, incident, ref, command.user_id);
        return reply(`:white_check_mark: ${escapeMrkdwn(done)} is resolved.`);
      }
      default:
        return reply(USAGE);
    }
  }),
};

export const followupsVerb: Verb = {
  name: "followups",
  usage: "followups",
  summary: "file the five follow-up tickets of runbook 002 phase 6 in Linear, once each",
  where: "war room",
  run: inWarRoom(async ({ reply, ctx, command }, incident) =>
    reply(followUpsAnswer(await requestFollowUps(ctx, incident, command.user_id))),
  ),
};
