// The war room's and the announcement channels' messages, rendered from the
// data a workflow queued (src/effects/messages.ts). Every text a person wrote
// goes through escapeMrkdwn / link here.
import { humanDuration } from "../../domain/duration.js";
import { incidentLabel, shortSha } from "../../domain/names.js";
import type { Message } from "../../effects/messages.js";
import { dateToken, userMention } from "./block-kit.js";
import { escapeMrkdwn, link } from "./escape.js";
import { redeployByHandMessage } from "./release-lane-messages.js";

export function renderMessage(message: Message): { text: string } {
  return { text: messageText(message) };
}

function messageText(message: Message): string {
  switch (message.kind) {
    case "mrkdwn":
      return message.text;
    case "status_update":
      return `:mega: *Update on ${incidentLabel(message.number)}: ${escapeMrkdwn(message.title)}* (${message.severity}, ${message.phase})\n${escapeMrkdwn(message.text)}\n_from <@${message.actor}>_`;
    case "sla": {
      const label = incidentLabel(message.number);
      const who = userMention(message.commander);
      return message.fraction >= 1
        ? `:rotating_light: ${who} the ${message.severity} SLA of ${label} is *breached*. Post an update with \`/hotfix update\`, or reassess severity.`
        : `:hourglass_flowing_sand: ${who} ${Math.round(message.fraction * 100)} % of the ${message.severity} SLA of ${label} is gone: ${humanDuration(Math.max(message.leftMs, 0))} left.`;
    }
    case "stability_window_passed":
      return (
        `:hourglass: The ${message.window} stability window of ${incidentLabel(message.number)} has passed` +
        `${message.sinceDeployMs !== null ? ` (${humanDuration(message.sinceDeployMs)} since the production deploy)` : ""}. ` +
        "When UAT is done and no blocker is open, `/hotfix complete` merges back, tags and cleans up."
      );
    case "rolled_back": {
      const target = message.parentTag
        ? `*${escapeMrkdwn(message.parentTag)}*${message.parentSha ? ` (\`${shortSha(message.parentSha)}\`)` : ""}`
        : "the previous release";
      return (
        `:rewind: *${incidentLabel(message.number)} ${escapeMrkdwn(message.tag)} rolled back* by <@${message.actor}>${message.reason ? `: ${escapeMrkdwn(message.reason)}` : ""}. ` +
        `Production goes back to ${target}; the release is marked pre-release on GitHub with a rollback warning. The fix continues in the war room.`
      );
    }
    case "deployed":
      return deployedText(message);
    case "hotfix_deployed":
      return hotfixDeployedText(message);
    case "staging_skipped":
      return (
        `:warning: ${incidentLabel(message.number)}: \`${shortSha(message.sha)}\` reached *production* without a staging deploy of the same commit ` +
        `(runbook 002: "DON'T deploy without staging test"). Recorded on the timeline.` +
        (message.required ? " `/hotfix complete` waits until a waiver covers the `staging` gate (policy stability.requireStaging)." : "")
      );
    case "redeploy_by_hand":
      return redeployByHandMessage(message.parentTag);
  }
}

function hotfixDeployedText(m: Extract<Message, { kind: "hotfix_deployed" }>): string {
  const sla =
    m.slaMarginMs === null
      ? "no SLA"
      : m.slaMarginMs >= 0
        ? `SLA met, ${humanDuration(m.slaMarginMs)} before the deadline`
        : `SLA *breached*, ${humanDuration(-m.slaMarginMs)} after the deadline`;
  return [
    `:white_check_mark: *HOTFIX DEPLOYED: ${incidentLabel(m.number)} ${escapeMrkdwn(m.title)}*`,
    `Version: ${m.version ? escapeMrkdwn(m.version) : `\`${shortSha(m.sha)}\``}`,
    `Deployed: ${dateToken(new Date(m.deployedAt), m.deployedAt)}`,
    "Verification: monitoring",
    `${sla}. Next: stability window, then \`/hotfix complete\`; post-mortem after completion.`,
  ].join("\n");
}

type Deployed = Extract<Message, { kind: "deployed" }>;

function deployedText(m: Deployed): string {
  const who = m.source === "manual" && m.actor ? `<@${m.actor}>` : `\`${escapeMrkdwn(m.deployer)}\``;
  const env = escapeMrkdwn(m.environment);
  if (m.rollback) {
    return `:rewind: Deployed \`${shortSha(m.sha)}\`, the parent release ${m.parentTag ?? ""}, to *${env}* by ${who}: it runs the release from before the hotfix again.${m.rolledBackRelease ? ` ${m.rolledBackRelease} counts as rolled back: \`/hotfix release\` a new fix before \`/hotfix complete\`.` : ""}`;
  }
  const details = m.url ? ` (${link(m.url, "details")})` : "";
  const reason = m.reason ? `: ${escapeMrkdwn(m.reason)}` : "";
  if (m.envClass === "pull_request")
    return `:twisted_rightwards_arrows: Pull request merged by ${who}${reason}, merge commit \`${shortSha(m.sha)}\`${details}.`;
  if (m.status !== "success") return `:x: Deploy of \`${shortSha(m.sha)}\` to *${env}* ${m.status}, by ${who}${reason}${details}.`;
  const base = `:ship: Deployed \`${shortSha(m.sha)}\` to *${env}* by ${who}${reason}${details}.`;
  if (m.envClass === "production" && m.stabilityEndsAt) {
    const ends = new Date(m.stabilityEndsAt);
    return `${base} ${incidentLabel(m.number)} is now monitoring; the stability window ends ${dateToken(ends, ends.toISOString())}, then \`/hotfix complete\`.`;
  }
  if (m.uatClockStarts) return `${base} The UAT clock starts now.`;
  return base;
}

/** A step that gave up for good, told to the war room (or the declarer). */
export function failureMessage(what: string, why: string): string {
  return `:warning: Could not ${what}: \`${why.replace(/`/g, "'")}\`. Everything else went ahead; fix the cause and run \`/hotfix retry\` in the war room.`;
}
