// Block Kit of the release lane: what `/hotfix branch` and `/hotfix rollback`
// show before acting (with their confirm buttons), and the release form with
// runbook 004's workflow inputs.
import type { KnownBlock, View } from "@slack/types";
import { gateSummary } from "../../domain/gates.js";
import type { Incident } from "../../domain/incident.js";
import { incidentLabel, shortSha } from "../../domain/names.js";
import { JUSTIFICATION_MIN, RISK_LEVELS } from "../../domain/release.js";
import type { BranchPreview } from "../../workflows/branch.js";
import type { ReleaseDefaults } from "../../workflows/release.js";
import type { RollbackPreview } from "../../workflows/rollback.js";
import { escapeMrkdwn } from "./escape.js";
import { rollbackPointLines } from "./release-lane-status.js";

export const BRANCH_CREATE_ACTION = "lane_branch_create";
export const ROLLBACK_CONFIRM_ACTION = "lane_rollback_confirm";
export const LANE_CANCEL_ACTION = "lane_cancel";
export const RELEASE_CALLBACK = "release";

export interface BranchButtonValue {
  i: string;
  b: string;
  p: string;
  s: string;
  src: string;
}

export interface RollbackButtonValue {
  i: string;
  t: string;
  r?: string;
}

const mrkdwn = (text: string) => ({ type: "mrkdwn" as const, text });
const plain = (text: string) => ({ type: "plain_text" as const, text, emoji: true });

export function branchPreviewMessage(incident: Incident, preview: BranchPreview): { text: string; blocks: KnownBlock[] } {
  const { parent, branch, existing } = preview;
  const lines = [
    `*Parent release:* *${parent.tag}* at \`${shortSha(parent.sha)}\` — ${parent.how}.`,
    `*New branch:* \`${escapeMrkdwn(branch)}\` from it${preview.protect ? ", protected (pull requests with code-owner review)" : ""}.`,
  ];
  const blocks: KnownBlock[] = [{ type: "section", text: mrkdwn(lines.join("\n")) }];
  if (existing && !existing.sameCommit) {
    blocks.push({
      type: "section",
      text: mrkdwn(
        `:warning: \`${escapeMrkdwn(branch)}\` already exists at \`${shortSha(existing.sha)}\`, not at ${parent.tag}. Pick another name: \`/hotfix branch <name>\`, or another parent: \`/hotfix branch from <tag>\`.`,
      ),
    });
    return { text: `${branch} already exists elsewhere`, blocks };
  }
  if (existing?.sameCommit)
    blocks.push({ type: "context", elements: [mrkdwn(`\`${escapeMrkdwn(branch)}\` exists already at that commit; it will be adopted.`)] });
  const value: BranchButtonValue = { i: incident.id, b: branch, p: parent.tag, s: parent.sha, src: parent.source };
  blocks.push({
    type: "actions",
    block_id: "lane_branch",
    elements: [
      { type: "button", action_id: BRANCH_CREATE_ACTION, style: "primary", text: plain("Create branch"), value: JSON.stringify(value) },
      { type: "button", action_id: LANE_CANCEL_ACTION, text: plain("Cancel"), value: "cancel" },
    ],
  });
  blocks.push({ type: "context", elements: [mrkdwn("Another parent: `/hotfix branch [name] from <tag>`.")] });
  return { text: `Create ${branch} from ${parent.tag}?`, blocks };
}

export function rollbackPreviewMessage(
  incident: Incident,
  preview: RollbackPreview,
  reason?: string,
): { text: string; blocks: KnownBlock[] } {
  const points = rollbackPointLines(preview.points);
  const target = preview.target
    ? `*${preview.target.tag}*${preview.target.sha ? ` (\`${shortSha(preview.target.sha)}\`)` : ""}`
    : "the previous release";
  const blocks: KnownBlock[] = [
    {
      type: "section",
      text: mrkdwn(
        [
          `*Roll back ${preview.tag}* (${incidentLabel(incident.number)})?${reason ? ` Reason: ${escapeMrkdwn(reason)}` : ""}`,
          `Production goes back to ${target}. On GitHub, ${preview.releaseUrl ? `<${preview.releaseUrl}|${preview.tag}>` : preview.tag} is marked *pre-release* with runbook 004's warning appended to its notes; the incident goes back to fixing and the rollback is announced.`,
        ].join("\n"),
      ),
    },
    {
      type: "section",
      text: mrkdwn(points.length ? `*Rollback points:*\n${points.map((p) => `• ${p}`).join("\n")}` : "*Rollback points:* none tagged"),
    },
  ];
  const value: RollbackButtonValue = { i: incident.id, t: preview.tag, ...(reason ? { r: reason.slice(0, 500) } : {}) };
  blocks.push({
    type: "actions",
    block_id: "lane_rollback",
    elements: [
      {
        type: "button",
        action_id: ROLLBACK_CONFIRM_ACTION,
        style: "danger",
        text: plain(`Roll back ${preview.tag}`.slice(0, 75)),
        value: JSON.stringify(value),
        confirm: {
          title: plain("Roll back?"),
          text: mrkdwn(`Mark ${preview.tag} as pre-release on GitHub and announce the rollback.`),
          confirm: plain("Roll back"),
          deny: plain("Cancel"),
          style: "danger",
        },
      },
      { type: "button", action_id: LANE_CANCEL_ACTION, text: plain("Cancel"), value: "cancel" },
    ],
  });
  return { text: `Roll back ${preview.tag}?`, blocks };
}

export interface ReleaseModalMetadata {
  incidentId: string;
  channelId: string;
}

export function releaseLoadingModal(metadata: ReleaseModalMetadata): View {
  return {
    type: "modal",
    callback_id: RELEASE_CALLBACK,
    private_metadata: JSON.stringify(metadata),
    title: plain("Release the hotfix"),
    close: plain("Cancel"),
    blocks: [
      { type: "section", text: mrkdwn(":hourglass_flowing_sand: Reading GitHub: parent release, next version, fix commit, gates…") },
    ],
  };
}

export function releaseErrorModal(metadata: ReleaseModalMetadata, message: string): View {
  return {
    type: "modal",
    callback_id: RELEASE_CALLBACK,
    private_metadata: JSON.stringify(metadata),
    title: plain("Release the hotfix"),
    close: plain("Close"),
    blocks: [{ type: "section", text: mrkdwn(`:x: ${message}`.slice(0, 3000)) }],
  };
}

const textInput = (
  blockId: string,
  label: string,
  options: { initial?: string | null; placeholder?: string; hint?: string; multiline?: boolean; minLength?: number; optional?: boolean },
) => ({
  type: "input",
  block_id: blockId,
  ...(options.optional ? { optional: true } : {}),
  label: plain(label),
  ...(options.hint ? { hint: plain(options.hint) } : {}),
  element: {
    type: "plain_text_input",
    action_id: "value",
    ...(options.multiline ? { multiline: true } : {}),
    ...(options.minLength ? { min_length: options.minLength } : {}),
    ...(options.initial ? { initial_value: options.initial } : {}),
    ...(options.placeholder ? { placeholder: plain(options.placeholder) } : {}),
  },
});

export function releaseModal(incident: Incident, defaults: ReleaseDefaults, metadata: ReleaseModalMetadata): View {
  const risk = RISK_LEVELS.map((level) => ({ text: plain(level), value: level }));
  const initialRisk = incident.severity === "P0" ? risk[2] : incident.severity === "P1" ? risk[1] : risk[0];
  const facts: string[] = [];
  if (defaults.parent) facts.push(`*Parent:* ${defaults.parent.tag} at \`${shortSha(defaults.parent.sha)}\` — ${defaults.parent.how}.`);
  if (defaults.next)
    facts.push(
      `*Version:* ${defaults.next.tag} (policy versioning: ${defaults.next.hotfixNumber ? `suffix, hotfix #${defaults.next.hotfixNumber} on this parent` : "patch"}).`,
    );
  if (defaults.commit) {
    const ancestry = defaults.ancestry
      ? defaults.ancestry.status === "ahead" || defaults.ancestry.status === "identical"
        ? `descends from the parent (${defaults.ancestry.aheadBy} ahead)`
        : `:warning: does *not* descend from the parent (${defaults.ancestry.status}): the release will be refused`
      : "ancestry unknown";
    facts.push(
      `*Commit:* \`${shortSha(defaults.commit)}\`${defaults.branch ? ` (head of \`${escapeMrkdwn(defaults.branch)}\`)` : ""}, ${ancestry}.`,
    );
  }
  if (defaults.verdict)
    facts.push(
      `*Gates:* ${gateSummary(defaults.verdict)}${defaults.verdict.ok ? "" : " — a failing gate blocks the release unless an active waiver covers it"}.`,
    );
  facts.push(
    defaults.mode === "workflow"
      ? `*Then:* dispatches \`${defaults.workflow}\` with these inputs.`
      : "*Then:* creates the version tag and a GitHub release whose notes link this incident.",
  );
  for (const problem of defaults.problems) facts.push(`:warning: ${problem}`);
  return {
    type: "modal",
    callback_id: RELEASE_CALLBACK,
    private_metadata: JSON.stringify(metadata),
    title: plain("Release the hotfix"),
    submit: plain(defaults.mode === "workflow" ? "Dispatch" : "Release"),
    close: plain("Cancel"),
    blocks: [
      { type: "section", text: mrkdwn(facts.join("\n").slice(0, 3000)) },
      textInput("version", "Version", { initial: defaults.next?.tag ?? null, placeholder: "1.2.4 or 1.2.3-hotfix.1" }),
      textInput("commit", "Commit", { initial: defaults.commit ?? null, placeholder: "full 40-character SHA of the hotfix commit" }),
      textInput("parent", "Parent release tag", { initial: defaults.parent?.tag ?? incident.parentTag, placeholder: "v1.2.3" }),
      textInput("justification", "Justification", {
        multiline: true,
        minLength: JUSTIFICATION_MIN,
        hint: `At least ${JUSTIFICATION_MIN} characters: why this cannot wait for the next release.`,
      }),
      {
        type: "input",
        block_id: "ticket",
        label: plain("Ticket URL"),
        element: { type: "url_text_input", action_id: "value", ...(incident.ticketUrl ? { initial_value: incident.ticketUrl } : {}) },
      },
      {
        type: "input",
        block_id: "risk",
        label: plain("Risk level"),
        element: { type: "static_select", action_id: "value", options: risk, ...(initialRisk ? { initial_option: initialRisk } : {}) },
      },
      textInput("waivers", "Waiver ids", {
        optional: true,
        initial: defaults.waivers.join(", ") || null,
        placeholder: "HW-2026-001, HW-2026-002",
        hint: "Active waivers that cover a failing gate for this version are applied anyway.",
      }),
    ],
  } as View;
}
