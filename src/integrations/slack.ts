// Slack Web API helpers the workflows share: channel lookup by name, finding a
// message we posted earlier (for retries after a crash), user checks.
import type { WebClient } from "@slack/web-api";

export const EFFECT_EVENT_TYPE = "hotfix_effect";

export function slackError(error: unknown): string | undefined {
  return (error as { data?: { error?: string } }).data?.error;
}

interface ChannelSummary {
  id: string;
  name: string;
  creator?: string;
  created?: number;
  is_private?: boolean;
  is_member?: boolean;
}

/** Pages through conversations.list; used only when a name must become an id. */
export async function findChannelByName(client: WebClient, name: string): Promise<ChannelSummary | undefined> {
  const wanted = name.replace(/^#/, "");
  let cursor: string | undefined;
  for (let page = 0; page < 50; page++) {
    const res = await client.conversations.list({
      types: "public_channel,private_channel",
      exclude_archived: true,
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    });
    const found = res.channels?.find((c) => c.name === wanted);
    if (found?.id && found.name) return found as ChannelSummary;
    cursor = res.response_metadata?.next_cursor || undefined;
    if (!cursor) return undefined;
  }
  return undefined;
}

export class ChannelResolver {
  private readonly cache = new Map<string, ChannelSummary>();
  constructor(private readonly client: WebClient) {}

  /** "#eng-prod" or "C123" -> channel; throws channel_not_found like Slack would. */
  async resolve(nameOrId: string): Promise<ChannelSummary> {
    if (/^[CG][A-Z0-9]{2,}$/.test(nameOrId)) return { id: nameOrId, name: nameOrId };
    const cached = this.cache.get(nameOrId);
    if (cached) return cached;
    const found = await findChannelByName(this.client, nameOrId);
    if (!found) {
      throw Object.assign(new Error(`channel ${nameOrId} not found`), {
        code: "slack_webapi_platform_error",
        data: { ok: false, error: "channel_not_found" },
      });
    }
    this.cache.set(nameOrId, found);
    return found;
  }
}

/** A message we posted for this effect, if an earlier attempt got as far as posting it. */
export async function findEffectMessage(
  client: WebClient,
  channel: string,
  incidentId: string,
  effectKey: string,
  oldest: Date,
): Promise<string | undefined> {
  try {
    const res = await client.conversations.history({
      channel,
      oldest: String(Math.floor(oldest.getTime() / 1000) - 60),
      include_all_metadata: true,
      limit: 200,
    });
    const match = res.messages?.find((m) => {
      const metadata = (m as { metadata?: { event_type?: string; event_payload?: Record<string, unknown> } }).metadata;
      return (
        metadata?.event_type === EFFECT_EVENT_TYPE &&
        metadata.event_payload?.incident_id === incidentId &&
        metadata.event_payload?.effect === effectKey
      );
    });
    return match?.ts;
  } catch {
    // Without history access we cannot tell; posting again is the lesser harm.
    return undefined;
  }
}

export function effectMetadata(incidentId: string, effectKey: string) {
  return { event_type: EFFECT_EVENT_TYPE, event_payload: { incident_id: incidentId, effect: effectKey } };
}

export async function usergroupMembers(client: WebClient, usergroup: string): Promise<string[]> {
  const res = await client.usergroups.users.list({ usergroup });
  return res.users ?? [];
}

export interface UserCheck {
  ok: boolean;
  reason?: string;
  tz?: string;
}

/** Commanders and role holders must be active humans. */
export async function checkHuman(client: WebClient, userId: string): Promise<UserCheck> {
  try {
    const res = await client.users.info({ user: userId });
    const user = res.user;
    if (!user) return { ok: false, reason: "that user was not found" };
    if (user.is_bot || user.id === "USLACKBOT") return { ok: false, reason: "that is a bot; pick a person" };
    if (user.deleted) return { ok: false, reason: "that account is deactivated; pick an active person" };
    return { ok: true, ...(user.tz ? { tz: user.tz } : {}) };
  } catch (error) {
    const code = slackError(error);
    if (code === "user_not_found") return { ok: false, reason: "that user was not found" };
    throw error;
  }
}

/** A message's permalink, or undefined when Slack will not say (never fatal: a link is a nicety). */
export async function permalinkOf(client: WebClient, channel: string, ts: string): Promise<string | undefined> {
  try {
    return (await client.chat.getPermalink({ channel, message_ts: ts })).permalink;
  } catch {
    return undefined;
  }
}

/** A person's name for texts that leave Slack (release notes, CHANGELOG.md); the id when Slack does not say. */
export async function displayName(client: WebClient, userId: string): Promise<string> {
  try {
    const res = await client.users.info({ user: userId });
    return res.user?.real_name || res.user?.name || userId;
  } catch {
    return userId;
  }
}
