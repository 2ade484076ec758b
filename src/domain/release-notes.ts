// Texts the release lane writes to GitHub (Markdown, not Slack mrkdwn):
// release notes that link the incident, runbook 004's rollback warning, the
// deployment summary appended to CHANGELOG.md and the deployment log
// (runbook 003: time, commit, deployer, reason).
import type { Incident } from "./incident.js";
import { incidentLabel, shortSha } from "./names.js";

/** A deployment as the log shows it. */
export interface DeploymentFacts {
  environment: string;
  sha: string;
  deployer: string;
  reason: string | null;
  status: string;
  occurredAt: Date;
  source: string;
}

export const utcMinute = (date: Date): string => `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;

export interface ReleaseNotesInput {
  incident: Pick<Incident, "number" | "title" | "severity">;
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
export function deploymentLine(d: DeploymentFacts): string {
  const what =
    d.environment === "pull_request"
      ? "Merged"
      : d.status === "success"
        ? `Deployed to ${d.environment}`
        : `Deploy to ${d.environment} ${d.status}`;
  return `${utcMinute(d.occurredAt)} — ${what}: ${shortSha(d.sha)} by ${d.deployer}${d.reason ? ` — ${d.reason}` : ""}${d.source === "manual" ? " (recorded by hand)" : ""}`;
}

export interface ChangelogInput {
  incident: Pick<
    Incident,
    "number" | "title" | "severity" | "ticketUrl" | "parentTag" | "hotfixBranch" | "fixSha" | "releaseTag" | "stabilityEndsAt"
  >;
  deployments: Array<DeploymentFacts>;
  finalTag: string;
  /** The policy's stability window as written ("24h"). */
  stabilityWindow: string;
  now: Date;
  /** Runbook 001 section 4: the UAT outcome (latest session's status; null: no UAT held). */
  uat?: string | null;
  /** Runbook 001 section 4: the alert thresholds that guarded the hotfix, in words. */
  thresholds?: string[];
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
    `- Parent release ${incident.parentTag ?? "?"}, branch ${incident.hotfixBranch ?? "?"}, fix ${shortSha(incident.fixSha)}; final tag ${input.finalTag}`,
    ...(incident.ticketUrl ? [`- Ticket: ${incident.ticketUrl}`] : []),
    ...input.deployments.map((d) => `- ${deploymentLine(d)}`),
    `- Stable for ${input.stabilityWindow} in production${incident.stabilityEndsAt ? ` (until ${utcMinute(incident.stabilityEndsAt)})` : ""}`,
    ...(input.uat !== undefined ? [`- UAT: ${input.uat ?? "none held"}`] : []),
    ...(input.thresholds?.length ? [`- Alert thresholds: ${input.thresholds.join("; ")}`] : []),
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

/** The body of the pull request the bot opens when merging a hotfix back conflicts: the steps to resolve it. */
export function conflictPullBody(branch: string, base: string, incident: string): string {
  const work = `merge/${branch.replace(/\//g, "-")}`;
  return [
    `Merging \`${branch}\` back into \`${base}\` conflicts (${incident}). Resolve it on a branch of its own:`,
    "",
    "```sh",
    "git fetch origin",
    `git checkout -b ${work} origin/${base}`,
    `git merge origin/${branch}   # resolve the conflicts, then commit`,
    `git push origin ${work}`,
    "```",
    "",
    `Then open a pull request from \`${work}\` into \`${base}\`, get it reviewed and merged, and run \`/hotfix complete\` again in the war room.`,
    "This pull request is closed by the bot when the hotfix completes.",
  ].join("\n");
}
