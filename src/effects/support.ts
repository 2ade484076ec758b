// What the steps share: the war room's id, Slack posts that happen once even
// when a step is re-run after a crash, a person's display name, and the
// translation of GitHub's refusals into permanent failures.
import { z } from "zod";
import type { AppContext } from "../context.js";
import { type GitHubClient, githubMessage, githubStatus, isRefusal, RefConflictError } from "../integrations/github.js";
import { displayName, effectMetadata, findEffectMessage } from "../integrations/slack.js";
import { type EffectRun, PermanentEffectError } from "../jobs/side-effects.js";
import { resultOf } from "./define.js";

export const GITHUB_NOT_CONFIGURED =
  "GitHub is not configured for this bot: set `GITHUB_TOKEN` and `GITHUB_REPOSITORY` (owner/repo), and `GITHUB_API_URL` for GitHub Enterprise.";

/** Without GitHub a GitHub step cannot ever succeed. */
export function githubForEffect(ctx: AppContext): GitHubClient {
  if (!ctx.github) throw new PermanentEffectError(GITHUB_NOT_CONFIGURED);
  return ctx.github;
}

/**
 * Runs GitHub calls for a step: a refusal GitHub will repeat (4xx other than a
 * rate limit, a ref taken by something else) fails the step for good with
 * GitHub's words; 5xx, timeouts and rate limits are thrown as they are, so the
 * outbox retries them.
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

const channelResult = z.object({ channelId: z.string() });

/** The war room's channel id: linked on the incident, or just made by the "channel" step of this run. */
export function warRoomOf(run: Pick<EffectRun, "incident" | "results">): string {
  const id = run.incident.warRoomChannelId ?? resultOf(run, "channel", channelResult)?.channelId;
  if (!id) throw new Error("war room not created yet");
  return id;
}

export interface SlackMessage {
  text: string;
  blocks?: unknown[];
}

/**
 * Posts once per step (and `suffix`): a re-run after a crash finds the message
 * it already posted (by its metadata) instead of posting again. The channel
 * defaults to the war room.
 */
export async function postOnce(
  ctx: AppContext,
  run: Pick<EffectRun, "incident" | "effect" | "ambiguous" | "results">,
  message: SlackMessage | string,
  options: { channel?: string; suffix?: string } = {},
): Promise<string> {
  const channel = options.channel ?? warRoomOf(run);
  const key = options.suffix ? `${run.effect.key}#${options.suffix}` : run.effect.key;
  const { text, blocks } = typeof message === "string" ? { text: message, blocks: undefined } : message;
  if (run.ambiguous) {
    const existing = await findEffectMessage(ctx.slack, channel, run.incident.id, key, run.effect.createdAt);
    if (existing) return existing;
  }
  const res = await ctx.slack.chat.postMessage({
    channel,
    text,
    ...(blocks ? { blocks: blocks as never } : {}),
    metadata: effectMetadata(run.incident.id, key),
    unfurl_links: false,
  });
  return res.ts ?? "";
}

/** A person's name for texts that leave Slack (release notes, CHANGELOG.md). */
export const slackName = (ctx: AppContext, userId: string): Promise<string> => displayName(ctx.slack, userId);
