// What the release-lane workflows and their outbox effects share: the GitHub
// client or a clear refusal, war-room posts that happen once even when an
// effect is re-run after a crash, timeline events recorded once per effect,
// and the translation of GitHub's refusals into permanent failures.
import { isOpen, type PhaseName } from "../domain/phase.js";
import { type GitHubClient, githubMessage, githubStatus, isRefusal, RefConflictError } from "../integrations/github.js";
import { effectMetadata, findEffectMessage } from "../integrations/slack.js";
import { type EffectRun, PermanentEffectError } from "../jobs/side-effects.js";
import type { IncidentWithRoles } from "../store/incidents.js";
import type { Prisma } from "../store/prisma.js";
import { type NewTimelineEvent, recordEvent, type Tx } from "../store/timeline.js";
import type { WorkflowContext } from "./context.js";
import { RefusedError } from "./incident-updates.js";

export const GITHUB_NOT_CONFIGURED =
  "GitHub is not configured for this bot: set `GITHUB_TOKEN` and `GITHUB_REPOSITORY` (owner/repo), and `GITHUB_API_URL` for GitHub Enterprise.";

/** For workflows called from Slack: a refusal the verb shows ephemerally. */
export function githubOrRefuse(ctx: WorkflowContext): GitHubClient {
  if (!ctx.github) throw new RefusedError(GITHUB_NOT_CONFIGURED);
  return ctx.github;
}

/** For effects: without GitHub the step cannot ever succeed. */
export function githubForEffect(ctx: WorkflowContext): GitHubClient {
  if (!ctx.github) throw new PermanentEffectError(GITHUB_NOT_CONFIGURED);
  return ctx.github;
}

/** The stamp of an effect key "gh-release-check:<stamp>" -> "<stamp>". */
export function stampOf(key: string): string {
  return key.slice(key.indexOf(":") + 1);
}

/** The incident is still being worked on: not resolved, closed or completed. */
export function requireActive(incident: IncidentWithRoles, what: string): void {
  if (incident.completedAt) throw new RefusedError(`This hotfix was completed; ${what} is no longer possible.`);
  if (!isOpen(incident.phase as PhaseName)) throw new RefusedError(`The incident is ${incident.phase}; ${what} is for open incidents.`);
}

/**
 * Runs GitHub calls for an effect: a refusal GitHub will repeat (4xx other
 * than a rate limit, a ref taken by something else) fails the step for good
 * with GitHub's words; 5xx, timeouts and rate limits are thrown as they are,
 * so the outbox retries them.
 */
export async function onGitHub<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PermanentEffectError) throw error;
    if (error instanceof RefConflictError) throw new PermanentEffectError(error.message);
    if (isRefusal(error)) throw new PermanentEffectError(`GitHub refused to ${what}: ${githubStatus(error)} ${githubMessage(error)}`);
    throw error;
  }
}

export function warRoomOf(run: EffectRun): string {
  const id = run.incident.warRoomChannelId ?? (run.results.get("channel")?.channelId as string | undefined);
  if (!id) throw new Error("war room not created yet");
  return id;
}

/**
 * Posts in the war room once per effect: a re-run after a crash finds the
 * message it already posted (by its metadata) instead of posting again.
 */
export async function sayOnce(ctx: WorkflowContext, run: EffectRun, text: string, suffix = ""): Promise<string> {
  const channel = warRoomOf(run);
  const key = suffix ? `${run.effect.key}#${suffix}` : run.effect.key;
  if (run.ambiguous) {
    const existing = await findEffectMessage(ctx.slack, channel, run.incident.id, key, run.effect.createdAt);
    if (existing) return existing;
  }
  const res = await ctx.slack.chat.postMessage({
    channel,
    text,
    metadata: effectMetadata(run.incident.id, key),
    unfurl_links: false,
  });
  return res.ts ?? "";
}

/**
 * A timeline event recorded once per effect key: an effect re-run after a
 * crash between its commit and its "done" does not write the event twice.
 */
export async function recordOnce(tx: Tx, effectKey: string, event: NewTimelineEvent): Promise<boolean> {
  const existing = await tx.timelineEvent.findFirst({
    where: { incidentId: event.incidentId, kind: event.kind, data: { path: ["effect"], equals: effectKey } },
    select: { id: true },
  });
  if (existing) return false;
  const data = (event.data ?? {}) as Record<string, Prisma.InputJsonValue>;
  return recordEvent(tx, { ...event, data: { ...data, effect: effectKey } });
}

/** A person's name for texts that leave Slack (release notes, CHANGELOG.md); the id when Slack does not say. */
export async function slackName(ctx: WorkflowContext, userId: string): Promise<string> {
  try {
    const res = await ctx.slack.users.info({ user: userId });
    return res.user?.real_name || res.user?.name || userId;
  } catch {
    return userId;
  }
}

/**
 * Locks the incident's row until the transaction ends and returns it as it is
 * now: concurrent requests for the same incident queue behind the lock, and
 * each re-checks what the one before it changed.
 */
export async function lockIncident(tx: Tx, id: string): Promise<IncidentWithRoles> {
  await tx.$queryRaw`select 1 from "Incident" where id = ${id}::uuid for update`;
  return tx.incident.findUniqueOrThrow({ where: { id }, include: { roles: true } });
}
