// What the release lane's steps say in the war room: branch, tags, release
// checks and refusals, rollback, merge back and completion. Runbook wording
// where a runbook has it. Names from GitHub or people go through escape.ts.
import { type GateVerdict, gateSummary } from "../../domain/gates.js";
import { shortSha } from "../../domain/names.js";
import type { ParentRelease } from "../../domain/parent-release.js";
import { escapeMrkdwn, link } from "./escape.js";

export function branchCreatedMessage(p: { url: string; branch: string; created: boolean; parent: ParentRelease; auto: boolean }): string {
  return (
    `:deciduous_tree: Hotfix branch ${link(p.url, `\`${p.branch}\``)} ${p.created ? "created" : "was already there at that commit; adopted it"} from *${escapeMrkdwn(p.parent.tag)}* (\`${shortSha(p.parent.sha)}\`), the parent release: ${p.parent.how}.` +
    `${p.auto ? " (Created at declare, per policy.)" : ""}\nTag rollback points with \`/hotfix tag prep\`; release with \`/hotfix release\`.`
  );
}

export function branchProtectedMessage(branch: string): string {
  return `:lock: \`${escapeMrkdwn(branch)}\` is protected: changes go through a pull request with code-owner review.`;
}

export function tagCreatedMessage(p: { url: string; tag: string; sha: string; created: boolean; what: string }): string {
  return `:bookmark: Rollback point ${link(p.url, `\`${p.tag}\``)} tagged at \`${shortSha(p.sha)}\`${p.created ? "" : " (it was already there)"}: ${p.what}. \`/hotfix status\` lists every rollback point.`;
}

/** Runbook 004, troubleshooting "Hotfix commit does not descend from parent". */
export function notDescendantMessage(parentTag: string, commit: string, status: string, branch: string | null): string {
  return [
    `:no_entry: *Hotfix commit does not descend from parent*: comparing ${parentTag}...\`${shortSha(commit)}\` says *${status}*, not ahead or identical. Release refused.`,
    "*Cause:* the hotfix branch wasn't created from the parent tag.",
    "*Resolution:*",
    "```",
    "# Verify commit ancestry",
    `git merge-base --is-ancestor ${parentTag} ${commit}`,
    "",
    "# If false, rebase or recreate the hotfix branch",
    `git checkout ${parentTag}`,
    `git checkout -b ${branch ? `${branch}-new` : "hotfix/new"}`,
    "git cherry-pick <fix-commits>",
    "```",
    "Then `/hotfix release` again with the new commit.",
  ].join("\n");
}

export function blockedGatesMessage(tag: string, commit: string, verdict: GateVerdict): string {
  const lines = verdict.blocking.map(({ gate, nearMisses }) => {
    const why = nearMisses.length ? ` — ${nearMisses.map((n) => `${n.code} does not apply: ${n.problems.join("; ")}`).join(" / ")}` : "";
    return `• *${escapeMrkdwn(gate.name)}* is ${escapeMrkdwn(gate.detail)}${gate.url ? ` (${link(gate.url, "details")})` : ""}${why}`;
  });
  return [
    `:no_entry: *Release ${tag} blocked by gates* on \`${shortSha(commit)}\`:`,
    ...lines,
    "A failing gate needs a fix, or an active waiver with its approvals that lists the gate and names this hotfix tag (`gates_waived`, `hotfix_tag`). Expired waivers are not extended: file a new one.",
    `Gates: ${gateSummary(verdict)}`,
  ].join("\n");
}

export function checksPassedMessage(p: {
  tag: string;
  commit: string;
  parentTag: string;
  status: string;
  verdict: GateVerdict;
  workflow: string | null;
}): string {
  return (
    `:white_check_mark: ${p.tag}: \`${shortSha(p.commit)}\` descends from ${p.parentTag} (${p.status}). Gates: ${gateSummary(p.verdict)}.` +
    (p.workflow ? ` Dispatching \`${p.workflow}\`…` : " Tagging and releasing…")
  );
}

export function releasedMessage(p: { tag: string; url: string; commit: string; riskLevel: string; waivers: string[] }): string {
  return (
    `:rocket: *${p.tag} released* ${link(p.url, "on GitHub")} at \`${shortSha(p.commit)}\` (risk ${escapeMrkdwn(p.riskLevel)}${p.waivers.length ? `, waivers ${p.waivers.join(", ")}` : ""}). ` +
    "Deployments reported by GitHub are logged here; or record one with `/hotfix deployed staging|production`."
  );
}

export function dispatchedMessage(p: {
  tag: string;
  url: string;
  workflow: string;
  ref: string;
  version: string;
  commit: string;
  parentTag: string;
  riskLevel: string;
  waivers: string[];
}): string {
  return (
    `:rocket: *${p.tag}*: release workflow ${link(p.url, `\`${p.workflow}\``)} dispatched on \`${escapeMrkdwn(p.ref)}\` with version ${p.version}, commit \`${shortSha(p.commit)}\`, parent ${p.parentTag}, risk ${escapeMrkdwn(p.riskLevel)}${p.waivers.length ? `, waivers ${p.waivers.join(",")}` : ""}. ` +
    "Its `hotfix-release` environment needs two approvals on GitHub (runbook 004 step 4)."
  );
}

export function markedPrereleaseMessage(url: string, tag: string): string {
  return `:warning: ${link(url, tag)} is now a *pre-release* on GitHub, its notes ending with the rollback warning.`;
}

export function conflictMessage(branch: string, base: string, detail: string): string {
  return [
    `:x: *Merge back blocked*: \`${branch}\` conflicts with \`${base}\` (GitHub: ${escapeMrkdwn(detail)}). Not retried: a conflict needs a person.`,
    "*What to do:*",
    "```",
    "git fetch origin",
    `git checkout -b merge/${branch.replace(/\//g, "-")} origin/${base}`,
    `git merge origin/${branch}      # resolve the conflicts, then commit`,
    `git push origin merge/${branch.replace(/\//g, "-")}`,
    "```",
    `Open a pull request into \`${base}\`, get it reviewed and merged, then run \`/hotfix complete\` again: it sees the fix in \`${base}\` and carries on with the final tag, CHANGELOG.md and the branch deletion.`,
  ].join("\n");
}

export function notFastForwardMessage(branch: string, base: string, behindBy: number): string {
  return [
    `:x: *Merge back blocked*: \`${base}\` has ${behindBy} commit${behindBy === 1 ? "" : "s"} that \`${branch}\` lacks, so it cannot fast-forward (policy \`github.mergeBack: ff-only\`).`,
    `*What to do:* merge \`${branch}\` into \`${base}\` with a pull request (or set \`github.mergeBack: merge\` in the policy), then run \`/hotfix complete\` again.`,
  ].join("\n");
}
