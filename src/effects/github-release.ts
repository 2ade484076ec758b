// The release on GitHub, as four steps sharing one id: check (the parent tag,
// the commit, a new version tag, ancestry, gates with waivers), then either
// tag + publish a GitHub release whose notes link the incident, or dispatch
// the policy's release workflow. A refused check makes the others skip.
import { z } from "zod";
import type { AppContext } from "../context.js";
import { evaluateGates, gatesFrom, waiverRulesFor, withRequired } from "../domain/gates.js";
import { incidentLabel, shortSha } from "../domain/names.js";
import { parentNotFound } from "../domain/parent-release.js";
import { RISK_LEVELS } from "../domain/release.js";
import { releaseNotes } from "../domain/release-notes.js";
import type { TimelineKind } from "../domain/timeline.js";
import { shouldBeLatest } from "../domain/versions.js";
import {
  commitChecks,
  compareCommits,
  dispatchWorkflow,
  ensureAnnotatedTag,
  ensureRelease,
  listTagNames,
  requiredChecks,
  resolveCommit,
  tagCommit,
} from "../integrations/github.js";
import { permalinkOf } from "../integrations/slack.js";
import { PermanentEffectError } from "../jobs/side-effects.js";
import {
  blockedGatesMessage,
  checksPassedMessage,
  dispatchedMessage,
  notDescendantMessage,
  releasedMessage,
} from "../slack/blocks/release-lane-messages.js";
import type { IncidentWithRoles } from "../store/incidents.js";
import type { Prisma } from "../store/prisma.js";
import { recordOnce, type Tx } from "../store/timeline.js";
import { waiversForRelease } from "../store/waivers.js";
import { approverIds } from "../workflows/approvers.js";
import { defineStep, idOf, type OutboxRow, resultOf, type StepRun } from "./define.js";
import { watchRun } from "./github-runs.js";
import { recordReleased } from "./release-record.js";
import { githubForEffect, onGitHub, postOnce, slackName } from "./support.js";

const releaseParams = z.object({
  tag: z.string().min(1),
  version: z.string().min(1),
  commit: z.string().min(1),
  parentTag: z.string().min(1),
  justification: z.string(),
  ticketUrl: z.string(),
  riskLevel: z.enum(RISK_LEVELS),
  waiverIds: z.array(z.string()),
  actor: z.string(),
  mode: z.enum(["release", "workflow"]),
  workflow: z.string().nullable(),
});
type ReleaseParams = z.output<typeof releaseParams>;
type ReleaseRun = StepRun<ReleaseParams>;

/** What the check leaves for the steps after it. */
const checkResult = z.union([
  z.object({ refused: z.literal(true), reason: z.string() }),
  z.object({ ok: z.literal(true), commit: z.string(), parentSha: z.string(), waivers: z.array(z.string()), ancestry: z.string() }),
]);

const checkKey = (key: string) => `gh-release-check:${idOf(key)}`;
const checkOf = (run: ReleaseRun) => resultOf(run, checkKey(run.effect.key), checkResult);

/** The check refused the release: the later steps skip. */
function refusedBy(run: ReleaseRun): string | undefined {
  const check = checkOf(run);
  return check && "refused" in check ? check.reason : undefined;
}

/** What the check found (the commit resolved, waivers used), falling back to what the form said. */
function checked(run: ReleaseRun): { commit: string; parentSha: string | null; waivers: string[] } {
  const check = checkOf(run);
  if (check && "ok" in check) return { commit: check.commit, parentSha: check.parentSha, waivers: check.waivers };
  return { commit: run.params.commit, parentSha: null, waivers: run.params.waiverIds };
}

async function refuse(ctx: AppContext, run: ReleaseRun, reason: string, message: string): Promise<Record<string, unknown>> {
  const p = run.params;
  await ctx.prisma.$transaction(async (tx) => {
    await recordOnce(tx, run.effect.key, {
      incidentId: run.incident.id,
      kind: "release_refused",
      summary: `Release ${p.tag} refused: ${reason}`,
      occurredAt: ctx.now(),
      data: { reason, tag: p.tag, commit: p.commit },
    });
  });
  await postOnce(ctx, run, message);
  return { refused: true, reason };
}

/** The policy's required checks, else the default branch protection's. */
async function requiredChecksFor(ctx: AppContext, gh: ReturnType<typeof githubForEffect>): Promise<string[]> {
  const listed = ctx.config.policy.github.requiredChecks;
  if (listed) return listed;
  return requiredChecks(gh, (await gh.repository()).defaultBranch);
}

const releaseCheck = defineStep({
  prefix: "gh-release-check",
  params: releaseParams,
  describe: (p) => `check ancestry and gates for ${p.tag}`,
  dependsOn: () => ["channel"],
  async run(ctx, run) {
    const gh = githubForEffect(ctx);
    const p = run.params;
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
        `:no_entry: Release ${p.tag} refused: the tag \`${p.tag}\` exists already, at \`${shortSha(tagged)}\`${tagged === commit ? " (this commit: the release workflow ran already?)" : ""}. Pick the next version in \`/hotfix release\`.`,
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
    const required = await onGitHub("read the required checks", () => requiredChecksFor(ctx, gh));
    const waivers = await waiversForRelease(ctx.prisma, p.waiverIds, await approverIds(ctx));
    // Fail closed: a required check that has not reported (or is still running) blocks unless a waiver covers it.
    const verdict = evaluateGates(
      withRequired(gatesFrom(checks.checkRuns, checks.statuses), required),
      waivers,
      waiverRulesFor(ctx.config.policy, p.tag, ctx.now()),
    );
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
        summary: `${p.tag}: ${shortSha(commit)} descends from ${p.parentTag} (${status}${compared ? `, ${compared.aheadBy} commit${compared.aheadBy === 1 ? "" : "s"} ahead` : ""}); gates ${verdict.gates.length ? "pass" : "absent"}${verdict.waived.length ? `, waived: ${verdict.waived.map((w) => `${w.gate.name} by ${w.waiver}`).join(", ")}` : ""}`,
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
    await postOnce(
      ctx,
      run,
      checksPassedMessage({
        tag: p.tag,
        commit,
        parentTag: p.parentTag,
        status,
        verdict,
        workflow: p.mode === "workflow" ? p.workflow : null,
      }),
    );
    return { ok: true, commit, parentSha, waivers: waiversUsed, ancestry: status };
  },
});

const releaseTag = defineStep({
  prefix: "gh-release-tag",
  params: releaseParams,
  describe: (p) => `create the version tag ${p.tag}`,
  dependsOn: (key) => [checkKey(key)],
  async run(ctx, run) {
    const skipped = refusedBy(run);
    if (skipped) return { skipped };
    const gh = githubForEffect(ctx);
    const p = run.params;
    const { commit } = checked(run);
    const message = `Hotfix ${p.tag} for ${incidentLabel(run.incident.number)}: ${run.incident.title}\n\nParent: ${p.parentTag}\nTicket: ${p.ticketUrl}\nRisk: ${p.riskLevel}`;
    const result = await onGitHub(`create the tag ${p.tag}`, () => ensureAnnotatedTag(gh, p.tag, commit, message));
    await ctx.prisma.milestone.createMany({
      data: [{ incidentId: run.incident.id, kind: "release", tag: p.tag, sha: commit, message: `release ${p.tag}`, createdBy: p.actor }],
      skipDuplicates: true,
    });
    return { tag: p.tag, sha: commit, created: result.created };
  },
});

/** A link to the incident for release notes: the pinned card's permalink, else the war room. */
async function incidentLink(ctx: AppContext, incident: IncidentWithRoles): Promise<string | null> {
  if (!incident.warRoomChannelId) return incident.ticketUrl;
  const card = incident.cardTs ? await permalinkOf(ctx.slack, incident.warRoomChannelId, incident.cardTs) : undefined;
  if (card) return card;
  return `https://slack.com/app_redirect?channel=${incident.warRoomChannelId}${incident.teamId ? `&team=${incident.teamId}` : ""}`;
}

/** The release stands (a direct release): recorded once on the incident, which moves to deploying. */
async function markReleased(
  ctx: AppContext,
  run: ReleaseRun,
  fields: { releaseId: number | null; releaseUrl: string | null; commit: string; parentSha: string | null },
  event: { kind: TimelineKind; summary: string; data: Prisma.InputJsonObject },
): Promise<void> {
  const p = run.params;
  await recordReleased(
    ctx,
    run.incident.id,
    run.effect.key,
    { ...fields, tag: p.tag, version: p.version, parentTag: p.parentTag, actor: p.actor },
    event,
  );
}

const releasePublish = defineStep({
  prefix: "gh-release-publish",
  params: releaseParams,
  describe: (p) => `create the GitHub release ${p.tag}`,
  dependsOn: (key) => [checkKey(key), `gh-release-tag:${idOf(key)}`],
  async run(ctx, run) {
    const skipped = refusedBy(run);
    if (skipped) return { skipped };
    const gh = githubForEffect(ctx);
    const p = run.params;
    const { commit, waivers, parentSha } = checked(run);
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
      { releaseId: release.id, releaseUrl: release.htmlUrl, commit, parentSha },
      {
        kind: "released",
        summary: `Released ${p.tag} (${shortSha(commit)}) on GitHub: ${release.htmlUrl}`,
        data: { tag: p.tag, commit, releaseId: release.id, url: release.htmlUrl, created, waivers, riskLevel: p.riskLevel },
      },
    );
    await postOnce(ctx, run, releasedMessage({ tag: p.tag, url: release.htmlUrl, commit, riskLevel: p.riskLevel, waivers }));
    return { tag: p.tag, releaseId: release.id, url: release.htmlUrl, created };
  },
});

const dispatchMarker = z.object({ dispatchAttemptedAt: z.string() });

/** Records "dispatch attempted" on the step's row in its own transaction; false when an earlier attempt recorded it. */
async function markDispatchAttempt(ctx: AppContext, run: ReleaseRun): Promise<boolean> {
  return ctx.prisma.$transaction(async (tx) => {
    const where = { incidentId_key: { incidentId: run.incident.id, key: run.effect.key } };
    await tx.$queryRaw`select 1 from "SideEffect" where "incidentId" = ${run.incident.id}::uuid and key = ${run.effect.key} for update`;
    const row = await tx.sideEffect.findUniqueOrThrow({ where, select: { result: true } });
    if (dispatchMarker.safeParse(row.result).success) return false;
    await tx.sideEffect.update({ where, data: { result: { dispatchAttemptedAt: ctx.now().toISOString() } } });
    return true;
  });
}

const releaseDispatch = defineStep({
  prefix: "gh-release-dispatch",
  params: releaseParams,
  describe: (p) => `dispatch ${p.workflow ?? "the release workflow"} for ${p.tag}`,
  dependsOn: (key) => [checkKey(key)],
  async run(ctx, run) {
    const skipped = refusedBy(run);
    if (skipped) return { skipped };
    const gh = githubForEffect(ctx);
    const p = run.params;
    const workflow = p.workflow ?? ctx.config.policy.github.releaseWorkflow;
    if (!workflow) throw new PermanentEffectError("no release workflow in the policy (github.releaseWorkflow)");
    const { commit, waivers, parentSha } = checked(run);
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
    const dispatchedAt = ctx.now();
    const dispatched = await onGitHub(`dispatch ${workflow}`, () => dispatchWorkflow(gh, workflow, ref, inputs));
    const url = dispatched.runUrl ?? workflowUrl;
    // Dispatched is not released: the run is watched to its end (effects/github-runs.ts) and the release counts when it succeeds.
    await ctx.prisma.$transaction(async (tx) => {
      const recorded = await recordOnce(tx, run.effect.key, {
        incidentId: run.incident.id,
        kind: "release_dispatched",
        summary: `Release workflow ${workflow} dispatched on ${ref} for ${p.tag} (${shortSha(commit)}); watching the run`,
        actor: p.actor,
        occurredAt: dispatchedAt,
        data: { workflow, ref, inputs, runId: dispatched.runId ?? null, runUrl: dispatched.runUrl ?? null },
      });
      if (!recorded) return;
      await watchRun(ctx, tx, {
        incidentId: run.incident.id,
        purpose: "release",
        tag: p.tag,
        workflow,
        ref,
        dispatchedAt: dispatchedAt.toISOString(),
        runId: dispatched.runId ?? null,
        attempt: 0,
        release: { version: p.version, commit, parentTag: p.parentTag, parentSha, actor: p.actor, riskLevel: p.riskLevel, waivers },
      });
    });
    await postOnce(
      ctx,
      run,
      dispatchedMessage({
        tag: p.tag,
        url,
        workflow,
        ref,
        version: p.version,
        commit,
        parentTag: p.parentTag,
        riskLevel: p.riskLevel,
        waivers,
      }),
    );
    return { workflow, ref, inputs, runId: dispatched.runId ?? null };
  },
});

export const githubRelease = {
  /** Check, then tag + publish (direct release) or dispatch (the policy's release workflow); `id` is the form's request key. */
  steps: (params: z.input<typeof releaseParams>, id: string): OutboxRow[] => [
    releaseCheck.row(params, id),
    ...(params.mode === "release" ? [releaseTag.row(params, id), releasePublish.row(params, id)] : [releaseDispatch.row(params, id)]),
  ],
  /** Key prefixes of a release in flight. */
  underWay: ["gh-release-"],
  /** Whether this request (id) was queued already: a replayed form submission. */
  async requested(tx: Tx, incidentId: string, id: string): Promise<boolean> {
    return (await tx.sideEffect.count({ where: { incidentId, key: releaseCheck.keyFor(id) } })) > 0;
  },
};

export const GITHUB_RELEASE_STEPS = [releaseCheck, releaseTag, releasePublish, releaseDispatch];
