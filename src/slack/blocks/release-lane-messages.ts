// What the release lane's steps say in the war room: branch, tags, release
// checks and refusals, rollback, merge back and completion. Runbook wording
// where a runbook has it. Names from GitHub or people go through escape.ts.
import { type GateVerdict, gateSummary } from "../../domain/gates.js";
import { shortSha } from "../../domain/names.js";
import type { ParentRelease } from "../../domain/parent-release.js";
import { plain } from "./block-kit.js";
import { escapeMrkdwn, link } from "./escape.js";

export function branchCreatedMessage(p: {
  url: string;
  branch: string;
  created: boolean;
  parent: ParentRelease;
  auto: boolean;
  /** Cut from the default branch (github.branchFrom: default-branch) rather than the parent tag. */
  from?: string;
}): string {
  const start = p.from
    ? `from the head of \`${escapeMrkdwn(p.from)}\` (runbook 003, policy github.branchFrom); the parent release is *${escapeMrkdwn(p.parent.tag)}* (\`${shortSha(p.parent.sha)}\`): ${p.parent.how}`
    : `from *${escapeMrkdwn(p.parent.tag)}* (\`${shortSha(p.parent.sha)}\`), the parent release: ${p.parent.how}`;
  return (
    `:deciduous_tree: Hotfix branch ${link(p.url, `\`${p.branch}\``)} created ${start}.` +
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
    "The bot watches the run and says here when it waits for approvals and how it ends; the release counts once the run succeeds."
  );
}

/** What a watched run is for, in words. */
const RUN_WORDS = { release: "release workflow", rollback: "redeploy of the previous release" } as const;

export function runFoundMessage(p: { purpose: "release" | "rollback"; url: string; workflow: string }): string {
  return `:eyes: Watching the ${RUN_WORDS[p.purpose]}: ${link(p.url, `\`${escapeMrkdwn(p.workflow)}\` run`)}.`;
}

export function runWaitingMessage(p: {
  purpose: "release" | "rollback";
  url: string;
  pending: Array<{ environment: string; reviewers: string[] }>;
}): string {
  const envs = p.pending
    .map(
      (d) =>
        `\`${escapeMrkdwn(d.environment)}\`${d.reviewers.length ? ` (can approve: ${d.reviewers.map((r) => escapeMrkdwn(r)).join(", ")})` : ""}`,
    )
    .join("; ");
  return `:hourglass_flowing_sand: The ${RUN_WORDS[p.purpose]} ${link(p.url, "run")} waits for approval of the environment ${envs}: review the deployment on GitHub (runbook 004 step 4).`;
}

export function runSucceededMessage(p: { purpose: "release" | "rollback"; url: string; tag: string }): string {
  return p.purpose === "release"
    ? `:rocket: *${escapeMrkdwn(p.tag)} released*: the release workflow ${link(p.url, "run")} succeeded. Deployments reported by GitHub are logged here; or record one with \`/hotfix deployed staging|production\`.`
    : `:rewind: The redeploy of *${escapeMrkdwn(p.tag)}* ${link(p.url, "run")} succeeded: production runs the previous release again.`;
}

export function runFailedMessage(p: { purpose: "release" | "rollback"; url: string; tag: string; conclusion: string }): string {
  return p.purpose === "release"
    ? `:x: The release workflow ${link(p.url, "run")} for *${escapeMrkdwn(p.tag)}* ended *${escapeMrkdwn(p.conclusion)}*: nothing is released and the incident stays in fixing. Look at the run, then \`/hotfix release\` again.`
    : `:x: The redeploy of *${escapeMrkdwn(p.tag)}* ${link(p.url, "run")} ended *${escapeMrkdwn(p.conclusion)}*: production may still run the rolled-back release. Redeploy ${escapeMrkdwn(p.tag)} by hand.`;
}

/** Runbook 002 "redeploy previous tag", when no deploy workflow is configured. */
export function redeployByHandMessage(parentTag: string | null): string {
  const tag = parentTag ? escapeMrkdwn(parentTag) : "the previous release";
  return (
    `:point_right: *Next: point production back at ${tag}* (runbook 002, "revert to previous tag"): \`git checkout ${tag}\` then your production deploy (\`npm run deploy:production\`), ` +
    `or re-run the last successful deployment job with ${tag} (runbook 003). GitHub's deployment webhook records it here, or \`/hotfix deployed production <sha>\`. ` +
    "Set `github.deployWorkflow` in the policy and the bot dispatches it for you."
  );
}

export function markedPrereleaseMessage(url: string, tag: string): string {
  return `:warning: ${link(url, tag)} is now a *pre-release* on GitHub, its notes ending with the rollback warning.`;
}

export function conflictMessage(branch: string, base: string, detail: string, pull?: { number: number; htmlUrl: string }): string {
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
    ...(pull ? [`These steps are also in ${link(pull.htmlUrl, `pull request #${pull.number}`)}, opened for the conflict.`] : []),
  ].join("\n");
}

export function notFastForwardMessage(branch: string, base: string, behindBy: number): string {
  return [
    `:x: *Merge back blocked*: \`${base}\` has ${behindBy} commit${behindBy === 1 ? "" : "s"} that \`${branch}\` lacks, so it cannot fast-forward (policy \`github.mergeBack: ff-only\`).`,
    `*What to do:* merge \`${branch}\` into \`${base}\` with a pull request (or set \`github.mergeBack: merge\` in the policy), then run \`/hotfix complete\` again.`,
  ].join("\n");
}

export function redeployDispatchedMessage(p: { url: string; workflow: string; parentTag: string }): string {
  return `:rewind: ${link(p.url, `\`${escapeMrkdwn(p.workflow)}\``)} dispatched to redeploy *${escapeMrkdwn(p.parentTag)}* to production (runbook 002, "revert to previous tag"); the bot watches the run.`;
}

export const LEGACY_DELETE_ACTION = "lane_legacy_delete";

/** A legacy branch's delete button carries: incident id, branch, the head seen, whether the bot made it. */
export interface LegacyButtonValue {
  i: string;
  b: string;
  s: string;
  bot: boolean;
}

/**
 * Runbook 001 section 4: "retire superseded legacy branches". One button per
 * branch; a branch the bot did not create asks to confirm, and only the
 * commander may delete it.
 */
export function legacyOfferBlocks(
  incidentId: string,
  label: string,
  olderThan: string,
  branches: Array<{ name: string; sha: string; date: string | null; bot: boolean }>,
): { text: string; blocks: unknown[] } {
  const text = `${label}: legacy hotfix branches older than ${olderThan}, to retire (runbook 001).`;
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `:broom: *${escapeMrkdwn(text)}*` } },
      ...branches.slice(0, 20).map((b, n) => {
        const value: LegacyButtonValue = { i: incidentId, b: b.name, s: b.sha, bot: b.bot };
        return {
          type: "section",
          block_id: `legacy-${n}`,
          text: {
            type: "mrkdwn",
            text: `\`${escapeMrkdwn(b.name)}\`${b.date ? ` (last commit ${b.date.slice(0, 10)})` : ""}${b.bot ? ", created by the bot" : ", *not created by the bot*: the commander confirms"}`,
          },
          accessory: {
            type: "button",
            action_id: LEGACY_DELETE_ACTION,
            style: "danger",
            text: plain("Delete"),
            value: JSON.stringify(value),
            ...(b.bot
              ? {}
              : {
                  confirm: {
                    title: plain("Delete this branch?"),
                    text: { type: "mrkdwn", text: `\`${escapeMrkdwn(b.name)}\` was not created by the bot. Delete it on GitHub?` },
                    confirm: plain("Delete"),
                    deny: plain("Keep"),
                  },
                }),
          },
        };
      }),
    ],
  };
}
