import { SlackApiError } from "./errors.js";
import type { ChannelKind } from "./types.js";

/**
 * Bot scopes each method accepts (any one of them lets the call through the
 * first gate). Taken from the "Required scopes" of each method's reference page.
 * Methods with an empty list need only a valid token (auth.test, views.*,
 * chat.getPermalink).
 */
const PUBLIC_READ = ["channels:read", "groups:read", "im:read", "mpim:read"];
const HISTORY = ["channels:history", "groups:history", "im:history", "mpim:history"];
const MANAGE = ["channels:manage", "groups:write", "im:write", "mpim:write"];

export const METHOD_SCOPES: Readonly<Record<string, readonly string[]>> = {
  "auth.test": [],
  "conversations.create": MANAGE,
  "conversations.info": PUBLIC_READ,
  "conversations.invite": MANAGE,
  "conversations.join": ["channels:join"],
  "conversations.members": PUBLIC_READ,
  "conversations.setTopic": MANAGE,
  "conversations.setPurpose": MANAGE,
  "conversations.archive": MANAGE,
  "conversations.history": HISTORY,
  "conversations.replies": HISTORY,
  "conversations.list": PUBLIC_READ,
  "conversations.open": MANAGE,
  "chat.postMessage": ["chat:write"],
  "chat.postEphemeral": ["chat:write"],
  "chat.update": ["chat:write"],
  "chat.delete": ["chat:write"],
  "chat.getPermalink": [],
  "views.open": [],
  "views.push": [],
  "views.update": [],
  "views.publish": [],
  "pins.add": ["pins:write"],
  "pins.remove": ["pins:write"],
  "pins.list": ["pins:read"],
  "bookmarks.add": ["bookmarks:write"],
  "bookmarks.edit": ["bookmarks:write"],
  "bookmarks.remove": ["bookmarks:write"],
  "bookmarks.list": ["bookmarks:read"],
  "reactions.add": ["reactions:write"],
  "reactions.remove": ["reactions:write"],
  "reactions.get": ["reactions:read"],
  "users.info": ["users:read"],
  "users.list": ["users:read"],
  "users.lookupByEmail": ["users:read.email"],
  "usergroups.list": ["usergroups:read"],
  "usergroups.users.list": ["usergroups:read"],
  "files.getUploadURLExternal": ["files:write"],
  "files.completeUploadExternal": ["files:write"],
};

/** Once the channel is known, Slack wants the scope for that kind of channel. */
export type ChannelAction = "read" | "history" | "manage";

const SCOPE_BY_KIND: Record<ChannelAction, Record<ChannelKind, string>> = {
  read: { public: "channels:read", private: "groups:read", im: "im:read", mpim: "mpim:read" },
  history: {
    public: "channels:history",
    private: "groups:history",
    im: "im:history",
    mpim: "mpim:history",
  },
  manage: { public: "channels:manage", private: "groups:write", im: "im:write", mpim: "mpim:write" },
};

export class ScopeSet {
  private readonly granted: Set<string>;

  constructor(scopes: readonly string[]) {
    this.granted = new Set(scopes);
  }

  has(scope: string): boolean {
    return this.granted.has(scope);
  }

  list(): string[] {
    return [...this.granted];
  }

  /** The comma-joined list Slack returns as `provided` and in X-OAuth-Scopes. */
  provided(): string {
    return this.list().join(",");
  }

  missing(needed: readonly string[]): SlackApiError {
    return new SlackApiError("missing_scope", {
      needed: needed.join(","),
      provided: this.provided(),
    });
  }

  /** The method-level gate: any one of the accepted scopes. */
  checkMethod(method: string): void {
    const accepted = METHOD_SCOPES[method] ?? [];
    if (accepted.length > 0 && !accepted.some((s) => this.granted.has(s))) {
      throw this.missing(accepted);
    }
  }

  /** The channel-kind gate, e.g. groups:write to create a private channel. */
  checkChannel(action: ChannelAction, kind: ChannelKind): void {
    const scope = SCOPE_BY_KIND[action][kind];
    if (!this.granted.has(scope)) throw this.missing([scope]);
  }
}
