// Texts of the release lane: release notes that link the incident, runbook
// 004's rollback warning, the deployment summary appended to CHANGELOG.md,
// the deployment log (runbook 003: time, commit, deployer, reason) and the
// lane's lines in `/hotfix status`.

import type { IncidentWithRoles } from "../../store/incidents.js";
import type { Deployment, Milestone } from "../../store/prisma.js";
import { humanDuration } from "../duration.js";
import { incidentLabel } from "../names.js";
import { escapeMrkdwn } from "./block-kit.js";

export const short = (sha: string | null | undefined): string => (sha ? sha.slice(0, 7) : "?");

const utc = (date: Date): string => `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;

export interface ReleaseNotesInput {
  incident: Pick<IncidentWithRoles, "number" | "title" | "severity">;
  tag: string;
  parentTag: string;
  commit: string;
  justification: string;
  ticketUrl: string;
  riskLevel: string;
  waivers: string[];
  /** A link to the incident: the pinned card's permalink, else the war room. */
  incidentUrl: string | null;
  releasedBy: string;
}

export function releaseNotes(input: ReleaseNotesInput): string {
  const label = incidentLabel(input.incident.number);
  const incident = input.incidentUrl ? `[${label}: ${input.incident.title}](${input.incidentUrl})` : `${label}: ${input.incident.title}`;
  return [
    `Hotfix ${input.tag} on top of ${input.parentTag} (${input.incident.severity}).`,
    "",
    `- **Incident:** ${incident}`,
    `- **Ticket:** ${input.ticketUrl}`,
    `- **Risk level:** ${input.riskLevel}`,
    `- **Commit:** ${input.commit}`,
    `- **Parent release:** ${input.parentTag}`,
    `- **Waivers:** ${input.waivers.length ? input.waivers.join(", ") : "none"}`,
    "",
    `**Justification:** ${input.justification}`,
    "",
    `_Released by ${input.releasedBy} through Hotfix Commander._`,
  ].join("\n");
}

/** Runbook 004, "Add Warning Note": appended under a rule. */
export function rollbackWarning(nextTag: string | undefined): string {
  return `**WARNING: This release has been rolled back.${nextTag ? ` See ${nextTag} for fix.` : ""}**`;
}

export function withRollbackWarning(body: string | null | undefined, warning: string): string {
  const current = body ?? "";
  if (current.includes(warning)) return current;
  return `${current}\n\n---\n\n${warning}`;
}

/** One line of the deployment log. */
export function deploymentLine(
  d: Pick<Deployment, "environment" | "sha" | "deployer" | "reason" | "status" | "occurredAt" | "source">,
): string {
  const what =
    d.environment === "pull_request"
      ? "Merged"
      : d.status === "success"
        ? `Deployed to ${d.environment}`
        : `Deploy to ${d.environment} ${d.status}`;
  return `${utc(d.occurredAt)} — ${what}: ${short(d.sha)} by ${d.deployer}${d.reason ? ` — ${d.reason}` : ""}${d.source === "manual" ? " (recorded by hand)" : ""}`;
}

export interface ChangelogInput {
  incident: Pick<
    IncidentWithRoles,
    "number" | "title" | "severity" | "ticketUrl" | "parentTag" | "hotfixBranch" | "fixSha" | "releaseTag" | "stabilityEndsAt"
  >;
  deployments: Array<Pick<Deployment, "environment" | "sha" | "deployer" | "reason" | "status" | "occurredAt" | "source">>;
  finalTag: string;
  stabilityWindow: string;
  now: Date;
}

/** A marker so a retried append recognises its own entry. */
export function changelogMarker(incidentNumber: number): string {
  return `<!-- hotfix-commander:${incidentLabel(incidentNumber)} -->`;
}

export function changelogEntry(input: ChangelogInput): string {
  const { incident } = input;
  const title = incident.releaseTag ?? input.finalTag;
  const lines = [
    `## ${title} (hotfix, ${input.now.toISOString().slice(0, 10)})`,
    changelogMarker(incident.number),
    "",
    `- ${incidentLabel(incident.number)} (${incident.severity}): ${incident.title}`,
    `- Parent release ${incident.parentTag ?? "?"}, branch ${incident.hotfixBranch ?? "?"}, fix ${short(incident.fixSha)}; final tag ${input.finalTag}`,
    ...(incident.ticketUrl ? [`- Ticket: ${incident.ticketUrl}`] : []),
    ...input.deployments.map((d) => `- ${deploymentLine(d)}`),
    `- Stable for ${input.stabilityWindow} in production${incident.stabilityEndsAt ? ` (until ${utc(incident.stabilityEndsAt)})` : ""}`,
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * The entry goes under the file's title when it has one (newest first, as
 * changelogs are read), else at the end.
 */
export function appendToChangelog(current: string | undefined, entry: string): string {
  if (current === undefined || current.trim() === "") return `# Changelog\n\n${entry}`;
  const title = /^# .*\n+/.exec(current);
  if (title && title.index === 0) {
    const rest = current.slice(title[0].length);
    return `${title[0].trimEnd()}\n\n${entry.trimEnd()}\n${rest ? `\n${rest}` : ""}`;
  }
  return `${current.trimEnd()}\n\n${entry}`;
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
export function rollbackPointLines(milestones: Array<Pick<Milestone, "kind" | "tag" | "sha" | "createdAt">>): string[] {
  return [...milestones]
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
    .map((m) => `\`${m.tag}\` at \`${short(m.sha)}\` (${KIND_LABEL[m.kind] ?? m.kind}, ${utc(m.createdAt)})`);
}

/** The release lane's part of `/hotfix status`. */
export function releaseLaneStatus(
  incident: IncidentWithRoles,
  milestones: Array<Pick<Milestone, "kind" | "tag" | "sha" | "createdAt">>,
  now: Date,
): string[] {
  const lines: string[] = [];
  const parts = [
    incident.parentTag ? `*Parent:* ${incident.parentTag} (\`${short(incident.parentSha)}\`)` : null,
    incident.hotfixBranch ? `*Branch:* \`${escapeMrkdwn(incident.hotfixBranch)}\`` : null,
    incident.releaseTag ? `*Release:* ${incident.releaseTag}${incident.rolledBackAt ? " (rolled back)" : ""}` : null,
  ].filter(Boolean);
  if (parts.length) lines.push(parts.join("   "));
  const deploys = [
    incident.stagingDeployedAt ? `staging ${utc(incident.stagingDeployedAt)}` : null,
    incident.productionDeployedAt ? `production ${utc(incident.productionDeployedAt)}` : null,
  ].filter(Boolean);
  if (deploys.length) lines.push(`*Deployed:* ${deploys.join(", ")}`);
  if (incident.stabilityEndsAt && !incident.completedAt) {
    const left = incident.stabilityEndsAt.getTime() - now.getTime();
    lines.push(`*Stability window:* ${left > 0 ? `${humanDuration(left)} left` : "passed; `/hotfix complete` when ready"}`);
  }
  if (incident.completedAt) lines.push(`*Completed:* ${utc(incident.completedAt)}`);
  const points = rollbackPointLines(milestones);
  if (points.length) lines.push(`*Rollback points:*\n${points.map((p) => `• ${p}`).join("\n")}`);
  return lines;
}
