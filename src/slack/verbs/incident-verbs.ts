// severity, role, update, resolve, close, phase: small verbs over the workflows.

import type { SeverityName } from "../../config.js";
import { isPhase, PHASES } from "../../domain/phase.js";
import { isSeverity } from "../../domain/severity.js";
import { checkHuman } from "../../integrations/slack.js";
import { assignRole, changeSeverity, movePhase, postUpdate, ROLE_NAMES } from "../../workflows/incident-updates.js";
import type { Verb } from "./registry.js";
import { inWarRoom } from "./war-room.js";

export const severityVerb: Verb = {
  name: "severity",
  usage: "severity P0|P1|P2",
  summary: "change severity: re-announces and moves the SLA deadline",
  where: "war room",
  run: inWarRoom(async ({ args, reply, ctx, command }, incident) => {
    const wanted = args[0]?.toUpperCase() ?? "";
    if (!isSeverity(wanted)) return reply("Usage: `/hotfix severity P0|P1|P2`");
    const updated = await changeSeverity(ctx, incident, wanted as SeverityName, command.user_id);
    await reply(
      `Severity is now ${wanted}${updated.slaDeadline ? `; SLA due <!date^${Math.floor(updated.slaDeadline.getTime() / 1000)}^{date_short_pretty} {time}|${updated.slaDeadline.toISOString()}>` : " (no SLA)"}.`,
    );
  }),
};

/** "<@U123|alice>" or "<@U123>" as Slack escapes mentions in commands. */
export function parseUserMention(text: string | undefined): string | undefined {
  return text ? /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(text)?.[1] : undefined;
}

export const roleVerb: Verb = {
  name: "role",
  usage: "role commander|comms|release-captain @user",
  summary: "assign a role; shown on the card and the timeline",
  where: "war room",
  run: inWarRoom(async ({ args, reply, ctx, command }, incident) => {
    const role = ROLE_NAMES[args[0]?.toLowerCase() ?? ""];
    const user = parseUserMention(args[1]);
    if (!role || !user) return reply("Usage: `/hotfix role commander|comms|release-captain @user`");
    // Who may assign is checked first (a stranger learns nothing about the person); then that the person can hold a role.
    await assignRole(ctx, incident, role, user, command.user_id, {
      checkAssignee: async () => {
        const check = await checkHuman(ctx.slack, user);
        return check.ok ? undefined : `<@${user}> cannot take a role: ${check.reason}.`;
      },
    });
    await reply(`<@${user}> is now ${args[0]?.toLowerCase()} for this incident.`);
  }),
};

export const updateVerb: Verb = {
  name: "update",
  usage: "update <text>",
  summary: "post a status update here and in the announcement channels",
  where: "war room",
  run: inWarRoom(async ({ rest, reply, ctx, command }, incident) => {
    const text = rest.trim();
    if (!text) return reply("Usage: `/hotfix update <what changed, what is next>`");
    await postUpdate(ctx, incident, text, command.user_id);
    await reply("Update posted and recorded.");
  }),
};

export const phaseVerb: Verb = {
  name: "phase",
  usage: `phase ${PHASES.join("|")}`,
  summary: "move the incident to another phase",
  where: "war room",
  run: inWarRoom(async ({ args, reply, ctx, command }, incident) => {
    const to = args[0]?.toLowerCase() ?? "";
    if (!isPhase(to)) return reply(`Usage: \`/hotfix phase ${PHASES.join("|")}\``);
    await movePhase(ctx, incident, to, command.user_id, args.slice(1).join(" ") || undefined);
    await reply(`Phase is now ${to}.`);
  }),
};

export const resolveVerb: Verb = {
  name: "resolve",
  usage: "resolve [note]",
  summary: "the fix is verified: resolve (stops SLA reminders)",
  where: "war room",
  run: inWarRoom(async ({ rest, reply, ctx, command }, incident) => {
    await movePhase(ctx, incident, "resolved", command.user_id, rest || undefined);
    await reply(
      `Resolved. SLA reminders are off; the post-mortem is due within ${ctx.config.policy.postmortem.due.text} (\`/hotfix postmortem\`).`,
    );
  }),
};
