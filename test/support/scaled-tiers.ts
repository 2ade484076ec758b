// Slack's rate tiers in scaled time for the outbox's methods (Tier 2 as 4
// calls per 3 s, the others in proportion, chat.postMessage one a second per
// channel), shared by the rate-limit fault test and the throttled benchmark so
// both measure against the same limits. The request path's methods
// (views.open, users.info, ephemerals) keep Slack's real tiers.
import { scaledRateTiers } from "@hotfix/slack-emulator";

/** What the outbox calls. */
const OUTBOX_METHODS = [
  "conversations.create",
  "conversations.setTopic",
  "conversations.setPurpose",
  "conversations.invite",
  "conversations.join",
  "conversations.history",
  "conversations.list",
  "chat.postMessage",
  "chat.update",
  "pins.add",
  "bookmarks.list",
  "bookmarks.add",
  "usergroups.users.list",
];

export const scaledOutboxTiers = () => scaledRateTiers({ calls: 4, seconds: 3 }, OUTBOX_METHODS);
