// `/hotfix release` (runbook 004 steps 3-5): the release form's inputs are the
// release workflow's (version, commit, parent, justification, ticket, risk,
// waivers). Once confirmed, the outbox checks ancestry (the fix commit must
// descend from the parent tag) and the gates (check runs and statuses of the
// fix commit, failing ones covered by valid waivers), then either creates the
// version tag and a GitHub release whose notes link the incident, or
// dispatches the policy's release workflow with those inputs.
import { durationMs } from "../config.js";
import {
  evaluateGates,
  type GateVerdict,
  gateSummary,
  gatesFrom,
  type WaiverFacts,
  type WaiverRules,
  waiverProblems,
} from "../domain/gates.js";
import { incidentLabel } from "../domain/names.js";
import { canMove, type PhaseName } from "../domain/phase.js";
import type { ValidRelease } from "../domain/release.js";
import { releaseNotes, short } from "../domain/render/release-lane.js";
import { type NextVersion, nextHotfixVersion, shouldBeLatest } from "../domain/versions.js";
import {
  commitChecks,
  compareCommits,
  dispatchWorkflow,
  ensureAnnotatedTag,
  ensureRelease,
  getRefSha,
  listTagNames,
  resolveCommit,
  tagCommit,
} from "../integrations/github.js";
import { permalinkOf } from "../integrations/slack.js";
import { type EffectDefinition, type EffectRun, PermanentEffectError } from "../jobs/side-effects.js";
import type { IncidentWithRoles } from "../store/incidents.js";
import type { Db, Prisma } from "../store/prisma.js";
import { recordEvent, type Tx } from "../store/timeline.js";
import { findParentRelease, type ParentRelease, parentNotFound } from "./branch.js";
import { requireReleaseCaptain } from "./complete.js";
import type { WorkflowContext } from "./context.js";
import { RefusedError } from "./incident-updates.js";
import {
  githubForEffect,
  githubOrRefuse,
  lockIncident,
  onGitHub,
  recordOnce,
  requireActive,
  sayOnce,
  slackName,
  stampOf,
} from "./lane-support.js";
import { addEffects, queueSync, stamp } from "./outbox.js";

// ------------------------------------------------------------------ waivers

export async function waiverFacts(db: Db | Tx, where: { codes?: string[] } = {}): Promise<WaiverFacts[]> {
  const waivers = await db.waiver.findMany({
    where: where.codes ? { code: { in: where.codes } } : { status: "active" },
    include: { approvals: { select: { approver: true } } },
  });
  return waivers.map((w) => ({
    code: w.code,
    type: w.type,
    status: w.status,
    hotfixTag: w.hotfixTag,
    gatesWaived: w.gatesWaived,
    expiresAt: w.expiresAt,
    createdAt: w.createdAt,
    approvals: new Set(w.approvals.map((a) => a.approver)).size,
  }));
}

/** The policy's waiver rules for releasing `hotfixTag` now. */
export function waiverRules(ctx: WorkflowContext, hotfixTag: string): WaiverRules {
  const { waivers } = ctx.config.policy;
  return {
    hotfixTag,
    approvalsRequired: waivers.approvals,
    now: ctx.now(),
    maxDurationMs: Object.fromEntries(Object.entries(waivers.maxDuration).map(([type, d]) => [type, durationMs(d)])),
  };
}

/** Inline errors for the waiver ids typed in the release form (runbook 004's waiver troubleshooting). */
export async function checkNamedWaivers(ctx: WorkflowContext, codes: string[], hotfixTag: string): Promise<string | undefined> {
  if (codes.length === 0) return undefined;
  const found = await waiverFacts(ctx.prisma, { codes });
  const missing = codes.filter((code) => !found.some((w) => w.code === code));
  if (missing.length) return `No waiver ${missing.join(", ")}. Waivers are requested with their approvals first.`;
  const rules = waiverRules(ctx, hotfixTag);
  for (const waiver of found) {
    const problems = waiverProblems(waiver, rules);
    if (problems.length) return `${waiver.code} cannot be used: ${problems.join("; ")}.`.slice(0, 300);
  }
  return undefined;
}

// ------------------------------------------------------------------ the form

export interface ReleaseDefaults {
  parent?: ParentRelease;
  next?: NextVersion;
  commit?: string;
  branch?: string | null;
  /** compare parent...commit, when both are known. */
  ancestry?: { status: string; aheadBy: number } | null;
  verdict?: GateVerdict;
  mode: "release" | "workflow";
  workflow: string | null;
  /** Active waivers that cover a gate of the default commit. */
  waivers: string[];
  problems: string[];
}

export function releaseMode(ctx: WorkflowContext): { mode: "release" | "workflow"; workflow: string | null } {
  const workflow = ctx.config.policy.github.releaseWorkflow;
  return workflow ? { mode: "workflow", workflow } : { mode: "release", workflow: null };
}

/** Refuses when the incident cannot release now (not the commander or a release captain, wrong phase, released already, a release in flight). */
export async function refuseRelease(ctx: WorkflowContext, incident: IncidentWithRoles, actor: string): Promise<void> {
  requireActive(incident, "releasing");
  await requireReleaseCaptain(ctx, incident, actor, "release the hotfix: it tags and ships it");
  if (incident.releaseTag && !incident.rolledBackAt) {
    throw new RefusedError(
      `${incident.releaseTag} is released already${incident.releaseUrl ? ` (${incident.releaseUrl})` : ""}. To ship another fix, roll it back first: \`/hotfix rollback\`.`,
    );
  }
  const pending = await ctx.prisma.sideEffect.count({
    where: { incidentId: incident.id, key: { startsWith: "gh-release-" }, status: { in: ["pending", "running"] } },
  });
  if (pending > 0) throw new RefusedError("A release is being checked and created already; watch the war room.");
}

/** Reads GitHub for the form's defaults and what to show before acting: parent, next version, fix commit, ancestry, gates. */
export async function releaseDefaults(ctx: WorkflowContext, incident: IncidentWithRoles): Promise<ReleaseDefaults> {
  const gh = githubOrRefuse(ctx);
  const { policy } = ctx.config;
  const problems: string[] = [];
  const parent = await findParentRelease(ctx, gh, incident.parentTag);
  if (!parent) problems.push(incident.parentTag ? parentNotFound(incident.parentTag) : "No parent release found; type the parent tag.");
  let next: NextVersion | undefined;
  if (parent) {
    try {
      next = nextHotfixVersion(parent.tag, parent.tags, policy.github.versioning);
      if (next.skipped.length)
        problems.push(
          `${next.skipped.join(", ")} exist${next.skipped.length === 1 ? "s" : ""} already, so the next version is ${next.tag}.`,
        );
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  let commit = incident.fixSha ?? undefined;
  if (!commit && incident.hotfixBranch) commit = (await getRefSha(gh, `heads/${incident.hotfixBranch}`))?.sha;
  let ancestry: ReleaseDefaults["ancestry"];
  let verdict: GateVerdict | undefined;
  let waivers: string[] = [];
  if (commit && parent) {
    const compared = await compareCommits(gh, parent.sha, commit);
    ancestry = compared ? { status: compared.status, aheadBy: compared.aheadBy } : null;
    if (next) {
      const checks = await commitChecks(gh, commit);
      verdict = evaluateGates(gatesFrom(checks.checkRuns, checks.statuses), await waiverFacts(ctx.prisma), waiverRules(ctx, next.tag));
      waivers = verdict.waiversUsed;
    }
  }
  return {
    ...(parent ? { parent } : {}),
    ...(next ? { next } : {}),
    ...(commit ? { commit } : {}),
    branch: incident.hotfixBranch,
    ...(ancestry !== undefined ? { ancestry } : {}),
    ...(verdict ? { verdict } : {}),
    ...releaseMode(ctx),
    waivers,
    problems,
  };
}

/** The form was submitted and valid: record the request and queue the checks and the release, in one transaction. */
export async function requestRelease(
  ctx: WorkflowContext,
  incident: IncidentWithRoles,
  release: ValidRelease,
  actor: string,
  requestKey: string,
): Promise<{ queued: boolean }> {
  const { mode, workflow } = releaseMode(ctx);
  const s = `${requestKey}`.replace(/[^A-Za-z0-9_-]/g, "") || stamp(ctx.now());
  return ctx.prisma.$transaction(async (tx) => {
    const current = await lockIncident(tx, incident.id);
    // A replayed or double-clicked submit of the same form queues nothing new.
    const seen = await tx.sideEffect.count({ where: { incidentId: incident.id, key: `gh-release-check:${s}` } });
    if (seen > 0) return { queued: false };
    // Under the lock, again: two forms submitted at once queue one release.
    requireActive(current, "releasing");
    if (current.releaseTag && !current.rolledBackAt) throw new RefusedError(`${current.releaseTag} is released already.`);
    const pending = await tx.sideEffect.count({
      where: { incidentId: incident.id, key: { startsWith: "gh-release-" }, status: { in: ["pending", "running"] } },
    });
    if (pending > 0) throw new RefusedError("A release is being checked and created already; watch the war room.");
    await recordEvent(tx, {
      incidentId: incident.id,
      kind: "release_requested",
      summary: `Release ${release.tag} requested from ${release.parentTag} at ${short(release.commit)} (risk ${release.riskLevel})${mode === "workflow" ? ` via ${workflow}` : ""}`,
      actor,
      occurredAt: ctx.now(),
      data: { ...release, mode, workflow },
    });
    const params = { ...release, actor, mode, workflow };
    await addEffects(tx, incident.id, [
      { key: `gh-release-check:${s}`, params },
      ...(mode === "release"
        ? [
            { key: `gh-release-tag:${s}`, params },
            { key: `gh-release-publish:${s}`, params },
          ]
        : [{ key: `gh-release-dispatch:${s}`, params }]),
    ]);
    await queueSync(ctx, tx, incident.id);
    return { queued: true };
  });
}

// ------------------------------------------------------------------ the effects

/** Runbook 004, troubleshooting "Hotfix commit does not descend from parent". */
export function notDescendantMessage(parentTag: string, commit: string, status: string, branch: string | null): string {
  return [
    `:no_entry: *Hotfix commit does not descend from parent*: comparing ${parentTag}...\`${short(commit)}\` says *${status}*, not ahead or identical. Release refused.`,
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

function blockedGatesMessage(tag: string, commit: string, verdict: GateVerdict): string {
  const lines = verdict.blocking.map(({ gate, nearMisses }) => {
    const why = nearMisses.length ? ` — ${nearMisses.map((n) => `${n.code} does not apply: ${n.problems.join("; ")}`).join(" / ")}` : "";
    return `• *${gate.name}* is ${gate.detail}${gate.url ? ` (<${gate.url}|details>)` : ""}${why}`;
  });
  return [
    `:no_entry: *Release ${tag} blocked by gates* on \`${short(commit)}\`:`,
    ...lines,
    "A failing gate needs a fix, or an active waiver with its approvals that lists the gate and names this hotfix tag (`gates_waived`, `hotfix_tag`). Expired waivers are not extended: file a new one.",
    `Gates: ${gateSummary(verdict)}`,
  ].join("\n");
}

const checkKey = (key: string) => `gh-release-check:${stampOf(key)}`;

/** Skips a step whose check refused the release. */
function refusedBy(run: EffectRun): string | undefined {
  const check = run.results.get(checkKey(run.effect.key));
  return check?.refused ? String(check.reason ?? "refused") : undefined;
}

interface ReleaseParams extends ValidRelease {
  actor: string;
  mode: "release" | "workflow";
  workflow: string | null;
}

const paramsOf = (run: EffectRun): ReleaseParams => run.params as unknown as ReleaseParams;

async function refuse(ctx: WorkflowContext, run: EffectRun, reason: string, message: string): Promise<Record<string, unknown>> {
  await ctx.prisma.$transaction(async (tx) => {
    await recordOnce(tx, run.effect.key, {
      incidentId: run.incident.id,
      kind: "release_refused",
      summary: `Release ${paramsOf(run).tag} refused: ${reason}`,
      occurredAt: ctx.now(),
      data: { reason, tag: paramsOf(run).tag, commit: paramsOf(run).commit },
    });
  });
  await sayOnce(ctx, run, message);
  return { refused: true, reason };
}

const releaseCheck: EffectDefinition = {
  prefix: "gh-release-check",
  describe: (_k, p) => `check ancestry and gates for ${String(p.tag)}`,
  dependsOn: () => ["channel"],
  async run(ctx, run) {
    const gh = githubForEffect(ctx);
    const p = paramsOf(run);
    const parentSha = await onGitHub(`read the tag ${p.parentTag}`, () => tagCommit(gh, p.parentTag));
    if (!parentSha)
      return refuse(ctx, run, "parent release not found", `:no_entry: ${parentNotFound(p.parentTag)} Release ${p.tag} refused.`);
    const commit = await onGitHub(`read commit ${p.commit}`, () => resolveCommit(gh, p.commit));
    if (!commit) {
      return refuse(
        ctx,
        run,
        "commit not found",
        `:no_entry: Release ${p.tag} refused: there is no commit \`${p.commit}\` in ${gh.fullName}. Push it first.`,
      );
    }
    // The version tag must be new (or, for a direct release, already on this very commit: adopted).
    const tagged = await onGitHub(`read the tag ${p.tag}`, () => tagCommit(gh, p.tag));
    if (tagged && (tagged !== commit || p.mode === "workflow")) {
      return refuse(
        ctx,
        run,
        `tag ${p.tag} exists already`,
        `:no_entry: Release ${p.tag} refused: the tag \`${p.tag}\` exists already, at \`${short(tagged)}\`${tagged === commit ? " (this commit: the release workflow ran already?)" : ""}. Pick the next version in \`/hotfix release\`.`,
      );
    }
    const compared = await onGitHub("compare the commit with its parent", () => compareCommits(gh, parentSha, commit));
    const status = compared?.status ?? "unrelated";
    if (status !== "ahead" && status !== "identical") {
      return refuse(
        ctx,
        run,
        `commit ${status} of ${p.parentTag}`,
        notDescendantMessage(p.parentTag, commit, status, run.incident.hotfixBranch),
      );
    }
    const checks = await onGitHub("read the commit's checks", () => commitChecks(gh, commit));
    const waivers = await waiverFacts(ctx.prisma);
    const named = p.waiverIds.length ? await waiverFacts(ctx.prisma, { codes: p.waiverIds }) : [];
    const all = [...waivers, ...named.filter((n) => !waivers.some((w) => w.code === n.code))];
    const verdict = evaluateGates(gatesFrom(checks.checkRuns, checks.statuses), all, waiverRules(ctx, p.tag));
    if (!verdict.ok)
      return refuse(
        ctx,
        run,
        `gates failing: ${verdict.blocking.map((b) => b.gate.name).join(", ")}`,
        blockedGatesMessage(p.tag, commit, verdict),
      );
    const waiversUsed = [...new Set([...p.waiverIds, ...verdict.waiversUsed])];
    await ctx.prisma.$transaction(async (tx) => {
      await recordOnce(tx, run.effect.key, {
        incidentId: run.incident.id,
        kind: "release_checks_passed",
        summary: `${p.tag}: ${short(commit)} descends from ${p.parentTag} (${status}${compared ? `, ${compared.aheadBy} commit${compared.aheadBy === 1 ? "" : "s"} ahead` : ""}); gates ${verdict.gates.length ? "pass" : "absent"}${verdict.waived.length ? `, waived: ${verdict.waived.map((w) => `${w.gate.name} by ${w.waiver}`).join(", ")}` : ""}`,
        occurredAt: ctx.now(),
        data: {
          tag: p.tag,
          commit,
          ancestry: status,
          gates: verdict.gates.map((g) => ({ name: g.name, state: g.state, detail: g.detail })),
          waived: verdict.waived.map((w) => ({ gate: w.gate.name, waiver: w.waiver })),
        },
      });
    });
    await sayOnce(
      ctx,
      run,
      `:white_check_mark: ${p.tag}: \`${short(commit)}\` descends from ${p.parentTag} (${status}). Gates: ${gateSummary(verdict)}.` +
        (p.mode === "workflow" ? ` Dispatching \`${p.workflow}\`…` : " Tagging and releasing…"),
    );
    return { ok: true, commit, parentSha, waivers: waiversUsed, ancestry: status };
  },
};

const releaseTag: EffectDefinition = {
  prefix: "gh-release-tag",
  describe: (_k, p) => `create the version tag ${String(p.tag)}`,
  dependsOn: (key) => [checkKey(key)],
  async run(ctx, run) {
    const skipped = refusedBy(run);
    if (skipped) return { skipped };
    const gh = githubForEffect(ctx);
    const p = paramsOf(run);
    const commit = String(run.results.get(checkKey(run.effect.key))?.commit ?? p.commit);
    const message = `Hotfix ${p.tag} for ${incidentLabel(run.incident.number)}: ${run.incident.title}\n\nParent: ${p.parentTag}\nTicket: ${p.ticketUrl}\nRisk: ${p.riskLevel}`;
    const result = await onGitHub(`create the tag ${p.tag}`, () => ensureAnnotatedTag(gh, p.tag, commit, message));
    await ctx.prisma.milestone.createMany({
      data: [{ incidentId: run.incident.id, kind: "release", tag: p.tag, sha: commit, message: `release ${p.tag}`, createdBy: p.actor }],
      skipDuplicates: true,
    });
    return { tag: p.tag, sha: commit, created: result.created };
  },
};

/** A link to the incident for release notes: the pinned card's permalink, else the war room. */
async function incidentLink(ctx: WorkflowContext, incident: IncidentWithRoles): Promise<string | null> {
  if (!incident.warRoomChannelId) return incident.ticketUrl;
  const card = incident.cardTs ? await permalinkOf(ctx.slack, incident.warRoomChannelId, incident.cardTs) : undefined;
  if (card) return card;
  return `https://slack.com/app_redirect?channel=${incident.warRoomChannelId}${incident.teamId ? `&team=${incident.teamId}` : ""}`;
}

async function markReleased(
  ctx: WorkflowContext,
  run: EffectRun,
  fields: { releaseId: number | null; releaseUrl: string | null; commit: string; parentSha: string | null },
  event: { kind: string; summary: string; data: Prisma.InputJsonObject },
): Promise<void> {
  const p = paramsOf(run);
  await ctx.prisma.$transaction(async (tx) => {
    const current = await lockIncident(tx, run.incident.id);
    const toDeploying = canMove(current.phase as PhaseName, "deploying") && ["declared", "preparing", "fixing"].includes(current.phase);
    await tx.incident.update({
      where: { id: run.incident.id },
      data: {
        version: p.version,
        releaseTag: p.tag,
        releaseId: fields.releaseId,
        releaseUrl: fields.releaseUrl,
        fixSha: fields.commit,
        parentTag: p.parentTag,
        ...(fields.parentSha ? { parentSha: fields.parentSha } : {}),
        rolledBackAt: null,
        ...(toDeploying ? { phase: "deploying" } : {}),
      },
    });
    const recorded = await recordOnce(tx, run.effect.key, {
      incidentId: run.incident.id,
      actor: p.actor,
      occurredAt: ctx.now(),
      ...event,
    });
    if (recorded && toDeploying) {
      await recordEvent(tx, {
        incidentId: run.incident.id,
        kind: "phase_changed",
        summary: `Phase ${current.phase} -> deploying: ${p.tag} released`,
        occurredAt: ctx.now(),
        data: { from: current.phase, to: "deploying" },
      });
    }
    await addEffects(tx, run.incident.id, [{ key: `card-refresh:${run.effect.key}` }]);
    await queueSync(ctx, tx, run.incident.id);
  });
}

const releasePublish: EffectDefinition = {
  prefix: "gh-release-publish",
  describe: (_k, p) => `create the GitHub release ${String(p.tag)}`,
  dependsOn: (key) => [checkKey(key), `gh-release-tag:${stampOf(key)}`],
  async run(ctx, run) {
    const skipped = refusedBy(run);
    if (skipped) return { skipped };
    const gh = githubForEffect(ctx);
    const p = paramsOf(run);
    const check = run.results.get(checkKey(run.effect.key)) ?? {};
    const commit = String(check.commit ?? p.commit);
    const waivers = Array.isArray(check.waivers) ? (check.waivers as string[]) : p.waiverIds;
    const tags = await onGitHub("list tags", () => listTagNames(gh));
    const body = releaseNotes({
      incident: run.incident,
      tag: p.tag,
      parentTag: p.parentTag,
      commit,
      justification: p.justification,
      ticketUrl: p.ticketUrl,
      riskLevel: p.riskLevel,
      waivers,
      incidentUrl: await incidentLink(ctx, run.incident),
      releasedBy: await slackName(ctx, p.actor),
    });
    const makeLatest = shouldBeLatest(
      p.tag,
      tags.map((t) => t.name).filter((t) => t !== p.tag),
      ctx.config.policy.github.tagPattern,
    );
    const { release, created } = await onGitHub(`create the release ${p.tag}`, () =>
      ensureRelease(gh, { tag: p.tag, name: p.tag, body, target: commit, makeLatest }),
    );
    await markReleased(
      ctx,
      run,
      {
        releaseId: release.id,
        releaseUrl: release.htmlUrl,
        commit,
        parentSha: typeof check.parentSha === "string" ? check.parentSha : null,
      },
      {
        kind: "released",
        summary: `Released ${p.tag} (${short(commit)}) on GitHub: ${release.htmlUrl}`,
        data: { tag: p.tag, commit, releaseId: release.id, url: release.htmlUrl, created, waivers, riskLevel: p.riskLevel },
      },
    );
    await sayOnce(
      ctx,
      run,
      `:rocket: *${p.tag} released* <${release.htmlUrl}|on GitHub> at \`${short(commit)}\` (risk ${p.riskLevel}${waivers.length ? `, waivers ${waivers.join(", ")}` : ""}). ` +
        "Deployments reported by GitHub are logged here; or record one with `/hotfix deployed staging|production`.",
    );
    return { tag: p.tag, releaseId: release.id, url: release.htmlUrl, created };
  },
};

/** Records "dispatch attempted" on the step's row in its own transaction; false when an earlier attempt recorded it. */
async function markDispatchAttempt(ctx: WorkflowContext, run: EffectRun): Promise<boolean> {
  return ctx.prisma.$transaction(async (tx) => {
    const where = { incidentId_key: { incidentId: run.incident.id, key: run.effect.key } };
    await tx.$queryRaw`select 1 from "SideEffect" where "incidentId" = ${run.incident.id}::uuid and key = ${run.effect.key} for update`;
    const row = await tx.sideEffect.findUniqueOrThrow({ where, select: { result: true } });
    const result = (row.result ?? {}) as Record<string, unknown>;
    if (result.dispatchAttemptedAt) return false;
    await tx.sideEffect.update({
      where,
      data: { result: { ...result, dispatchAttemptedAt: ctx.now().toISOString() } as Prisma.InputJsonObject },
    });
    return true;
  });
}

const releaseDispatch: EffectDefinition = {
  prefix: "gh-release-dispatch",
  describe: (_k, p) => `dispatch ${String(p.workflow)} for ${String(p.tag)}`,
  dependsOn: (key) => [checkKey(key)],
  async run(ctx, run) {
    const skipped = refusedBy(run);
    if (skipped) return { skipped };
    const gh = githubForEffect(ctx);
    const p = paramsOf(run);
    const workflow = p.workflow ?? ctx.config.policy.github.releaseWorkflow;
    if (!workflow) throw new PermanentEffectError("no release workflow in the policy (github.releaseWorkflow)");
    const check = run.results.get(checkKey(run.effect.key)) ?? {};
    const commit = String(check.commit ?? p.commit);
    const waivers = Array.isArray(check.waivers) ? (check.waivers as string[]) : p.waiverIds;
    const { htmlUrl, defaultBranch } = await onGitHub("read the repository", () => gh.repository());
    const workflowUrl = `${htmlUrl}/actions/workflows/${workflow}`;
    const maybeStarted = () =>
      new PermanentEffectError(
        `an earlier dispatch of ${workflow} was cut off and may have started a run; check ${workflowUrl} and, if no run started, /hotfix release again`,
      );
    // GitHub cannot tell us whether a cut-off or failed attempt queued a run
    // (no listing in our API subset), and a second run would release twice.
    if (run.ambiguous) throw maybeStarted();
    // The marker is committed before the POST, so a failed attempt (a 5xx, a
    // timeout, a crash) is never followed by a second dispatch.
    if (!(await markDispatchAttempt(ctx, run))) throw maybeStarted();
    const inputs: Record<string, string> = {
      version: p.version,
      commit_sha: commit,
      parent_tag: p.parentTag,
      justification: p.justification,
      ticket_url: p.ticketUrl,
      risk_level: p.riskLevel,
      ...(waivers.length ? { waiver_ids: waivers.join(",") } : {}),
    };
    const ref = run.incident.hotfixBranch ?? defaultBranch;
    const dispatched = await onGitHub(`dispatch ${workflow}`, () => dispatchWorkflow(gh, workflow, ref, inputs));
    await markReleased(
      ctx,
      run,
      {
        releaseId: null,
        releaseUrl: dispatched.runUrl ?? workflowUrl,
        commit,
        parentSha: typeof check.parentSha === "string" ? check.parentSha : null,
      },
      {
        kind: "release_dispatched",
        summary: `Release workflow ${workflow} dispatched on ${ref} for ${p.tag} (${short(commit)})`,
        data: { workflow, ref, inputs, runId: dispatched.runId ?? null, runUrl: dispatched.runUrl ?? null },
      },
    );
    await sayOnce(
      ctx,
      run,
      `:rocket: *${p.tag}*: release workflow <${dispatched.runUrl ?? workflowUrl}|\`${workflow}\`> dispatched on \`${ref}\` with version ${p.version}, commit \`${short(commit)}\`, parent ${p.parentTag}, risk ${p.riskLevel}${waivers.length ? `, waivers ${waivers.join(",")}` : ""}. ` +
        "Its `hotfix-release` environment needs two approvals on GitHub (runbook 004 step 4).",
    );
    return { workflow, ref, inputs, runId: dispatched.runId ?? null };
  },
};

export const RELEASE_EFFECTS: EffectDefinition[] = [releaseCheck, releaseTag, releasePublish, releaseDispatch];
