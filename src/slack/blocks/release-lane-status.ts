// The release lane's lines in `/hotfix status`: parent, branch, release,
// deploys, the stability window and every rollback point.
import { humanDuration } from "../../domain/duration.js";
import type { Incident } from "../../domain/incident.js";
import { shortSha } from "../../domain/names.js";
import { utcMinute } from "../../domain/release-notes.js";
import { escapeMrkdwn } from "./escape.js";

export interface MilestoneFacts {
  kind: string;
  tag: string;
  sha: string;
  createdAt: Date;
}

const KIND_LABEL: Record<string, string> = {
  parent: "parent release",
  prep: "pre-deploy",
  prod: "post-deploy",
  milestone: "milestone",
  release: "release",
  final: "final",
};

/** Rollback points, newest first: every tag the incident made or stands on. */
export function rollbackPointLines(milestones: MilestoneFacts[]): string[] {
  return [...milestones]
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
    .map((m) => `\`${m.tag}\` at \`${shortSha(m.sha)}\` (${KIND_LABEL[m.kind] ?? m.kind}, ${utcMinute(m.createdAt)})`);
}

/** The release lane's part of `/hotfix status`. */
export function releaseLaneStatus(incident: Incident, milestones: MilestoneFacts[], now: Date): string[] {
  const lines: string[] = [];
  const parts = [
    incident.parentTag ? `*Parent:* ${incident.parentTag} (\`${shortSha(incident.parentSha)}\`)` : null,
    incident.hotfixBranch ? `*Branch:* \`${escapeMrkdwn(incident.hotfixBranch)}\`` : null,
    incident.releaseTag ? `*Release:* ${incident.releaseTag}${incident.rolledBackAt ? " (rolled back)" : ""}` : null,
  ].filter(Boolean);
  if (parts.length) lines.push(parts.join("   "));
  const deploys = [
    incident.stagingDeployedAt ? `staging ${utcMinute(incident.stagingDeployedAt)}` : null,
    incident.productionDeployedAt ? `production ${utcMinute(incident.productionDeployedAt)}` : null,
  ].filter(Boolean);
  if (deploys.length) lines.push(`*Deployed:* ${deploys.join(", ")}`);
  if (incident.stabilityEndsAt && !incident.completedAt) {
    const left = incident.stabilityEndsAt.getTime() - now.getTime();
    lines.push(`*Stability window:* ${left > 0 ? `${humanDuration(left)} left` : "passed; `/hotfix complete` when ready"}`);
  }
  if (incident.completedAt) lines.push(`*Completed:* ${utcMinute(incident.completedAt)}`);
  const points = rollbackPointLines(milestones);
  if (points.length) lines.push(`*Rollback points:*\n${points.map((p) => `• ${p}`).join("\n")}`);
  return lines;
}
