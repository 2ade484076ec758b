// What the war room and the announcement channels read when a hotfix is complete.
import type { Incident } from "../../domain/incident.js";
import { incidentLabel, shortSha } from "../../domain/names.js";
import { type DeploymentFacts, deploymentLine } from "../../domain/release-notes.js";
import { escapeMrkdwn } from "./escape.js";

export interface CompletedFacts {
  incident: Pick<Incident, "number" | "title" | "releaseTag" | "hotfixBranch">;
  how: string;
  base: string;
  mergeSha: string;
  finalTag: string | null;
  deletedBranch: string | null;
  deployments: DeploymentFacts[];
  legacy: Array<{ name: string; date: string | null }>;
  legacyAge: string;
  postmortemDue: Date;
  archive: boolean;
}

export function completedMessages(f: CompletedFacts): { text: string; announcement: string } {
  const label = incidentLabel(f.incident.number);
  const release = f.incident.releaseTag ?? "the hotfix";
  const lines = [
    `:checkered_flag: *${label} complete*: ${release} ${f.how} \`${f.base}\` (\`${shortSha(f.mergeSha)}\`), final tag \`${f.finalTag ?? "?"}\`, CHANGELOG.md updated, \`${f.deletedBranch}\` deleted.`,
    f.deployments.length ? `*Deployment log:*\n${f.deployments.map((d) => `• ${escapeMrkdwn(deploymentLine(d))}`).join("\n")}` : null,
    f.legacy.length
      ? `*Legacy hotfix branches older than ${f.legacyAge}, to retire:* ${f.legacy.map((b) => `\`${b.name}\`${b.date ? ` (${b.date.slice(0, 10)})` : ""}`).join(", ")}`
      : null,
    `Post-mortem due by ${f.postmortemDue.toISOString().slice(0, 16).replace("T", " ")} UTC.${f.archive ? " This war room is archived now." : ""}`,
  ].filter(Boolean);
  const announcement = `:checkered_flag: *${label} ${escapeMrkdwn(f.incident.title)}* is complete: ${release} is in \`${f.base}\`, final tag \`${f.finalTag ?? "?"}\`.`;
  return { text: lines.join("\n"), announcement };
}
