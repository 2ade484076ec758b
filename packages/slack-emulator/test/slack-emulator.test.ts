// The Slack emulator's Web API, driven by the real @slack/web-api client the
// app uses, so what passes here is what the app will meet.
import { ErrorCode, WebAPIHTTPError, WebAPIRateLimitedError, WebClient } from "@slack/web-api";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sharedSpecs } from "../../../test/support/shared-specs.js";
import { type SlackEmulator, startSlackEmulator } from "../src/index.js";

let slack: SlackEmulator;
let client: WebClient;

const clientFor = (token: string, options: ConstructorParameters<typeof WebClient>[1] = {}) =>
  new WebClient(token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 }, ...options });

/** The Slack error code of a failed call (the call must fail). */
async function slackError(call: Promise<unknown>): Promise<{ error: string; [key: string]: unknown }> {
  try {
    await call;
  } catch (error) {
    const e = error as { code?: string; data?: { error: string } };
    if (e.code === ErrorCode.PlatformError && e.data) return e.data;
    throw error;
  }
  throw new Error("expected the call to fail");
}

beforeAll(async () => {
  slack = await startSlackEmulator({ manifestPath: sharedSpecs.manifest });
  client = clientFor(slack.botToken);
});
afterAll(async () => {
  await slack.close();
});
beforeEach(() => {
  slack.reset();
});

describe("the sandbox workspace", () => {
  it("answers auth.test as the Hotfix bot", async () => {
    const me = await client.auth.test();
    expect(me).toMatchObject({ ok: true, user_id: "U0HOTFIX", bot_id: "B0HOTFIX", team_id: "T0HOTFIX" });
  });

  it("has people with time zones, a deactivated user, bots and Slackbot", async () => {
    const alice = await client.users.info({ user: "U0ALICE" });
    expect(alice.user).toMatchObject({ name: "alice", tz: "Europe/London", is_bot: false, deleted: false });
    expect(typeof alice.user?.tz_offset).toBe("number");
    expect(alice.user?.profile?.email).toBe("alice@example.com");
    const frank = await client.users.info({ user: "U0FRANK" });
    expect(frank.user?.deleted).toBe(true);
    expect(frank.user?.tz).toBeUndefined();
    const bot = await client.users.info({ user: "U0HOTFIX" });
    expect(bot.user).toMatchObject({ is_bot: true, profile: { bot_id: "B0HOTFIX" } });
    const all = await client.users.list({});
    expect(all.members?.map((m) => m.id)).toEqual(expect.arrayContaining(["USLACKBOT", "U0DEPLOYBOT", "U0FRANK"]));
    expect((await slackError(client.users.info({ user: "U0NOBODY" }))).error).toBe("user_not_found");
  });

  it("reports tz_offset with daylight saving, as Slack does", async () => {
    const erin = await client.users.info({ user: "U0ERIN" });
    expect([3600, 7200]).toContain(erin.user?.tz_offset);
    expect(erin.user?.tz_label).toMatch(erin.user?.tz_offset === 7200 ? /Central European Summer/ : /Central European Standard/);
  });

  it("finds users by email, but not deactivated ones", async () => {
    const bob = await client.users.lookupByEmail({ email: "bob@example.com" });
    expect(bob.user?.id).toBe("U0BOB");
    expect((await slackError(client.users.lookupByEmail({ email: "frank@example.com" }))).error).toBe("users_not_found");
    expect((await slackError(client.users.lookupByEmail({ email: "nobody@example.com" }))).error).toBe("users_not_found");
  });

  it("lists user groups and their members", async () => {
    const groups = await client.usergroups.list({ include_users: true, include_count: true });
    expect(groups.usergroups?.map((g) => g.id)).toEqual(expect.arrayContaining(["S0ONCALL", "S0APPROVERS", "S0CAPTAINS"]));
    const oncall = await client.usergroups.users.list({ usergroup: "S0ONCALL" });
    expect(oncall.users).toEqual(["U0ALICE", "U0DAVE"]);
    expect((await slackError(client.usergroups.users.list({ usergroup: "S0NOPE" }))).error).toBe("no_such_subteam");
  });

  it("lets tests seed users, channels and groups", async () => {
    const gina = slack.state.addUser({ name: "gina", tz: "Asia/Kolkata", email: "gina@corp.test" });
    const room = slack.state.addChannel({ name: "qa", isPrivate: true, members: [gina.id, slack.bot.userId] });
    slack.state.addUsergroup({ id: "S0QA", handle: "qa", users: [gina.id] });
    expect((await client.users.info({ user: gina.id })).user?.tz_offset).toBe(19800);
    expect((await client.conversations.info({ channel: room.id })).channel?.is_private).toBe(true);
    expect((await client.usergroups.users.list({ usergroup: "S0QA" })).users).toEqual([gina.id]);
  });
});

describe("conversations", () => {
  it("creates a channel the bot is in, and refuses the same name twice", async () => {
    const created = await client.conversations.create({ name: "hotfix-20240501-payments" });
    expect(created.channel).toMatchObject({
      name: "hotfix-20240501-payments",
      is_member: true,
      is_private: false,
      creator: "U0HOTFIX",
    });
    expect(created.channel?.id).toMatch(/^C[A-Z0-9]+$/);
    expect(slack.channelByName("hotfix-20240501-payments")?.members).toEqual(["U0HOTFIX"]);
    expect((await slackError(client.conversations.create({ name: "hotfix-20240501-payments" }))).error).toBe("name_taken");
    // Archived channels keep their names.
    await client.conversations.archive({ channel: created.channel?.id ?? "" });
    expect((await slackError(client.conversations.create({ name: "hotfix-20240501-payments" }))).error).toBe("name_taken");
    expect((await slackError(client.conversations.create({ name: "incidents" }))).error).toBe("name_taken");
  });

  it.each([
    ["Hotfix-Payments", "invalid_name_specials"],
    ["hotfix payments", "invalid_name_specials"],
    ["hotfix.payments", "invalid_name_specials"],
    ["#hotfix", "invalid_name_specials"],
    ["x".repeat(81), "invalid_name_maxlength"],
    ["---", "invalid_name_punctuation"],
    ["", "invalid_name_required"],
    ["here", "invalid_name"],
  ])("refuses the name %j with %s", async (name, code) => {
    expect((await slackError(client.conversations.create({ name }))).error).toBe(code);
  });

  it("accepts exactly 80 characters of lowercase, digits, - and _", async () => {
    const name = `hotfix_${"a1-".repeat(24)}x`.slice(0, 80);
    expect(name).toHaveLength(80);
    expect((await client.conversations.create({ name })).channel?.name).toBe(name);
  });

  it("creates private channels, hidden from conversations.list for others", async () => {
    const room = await client.conversations.create({ name: "sec-hotfix", is_private: true });
    expect(room.channel?.is_private).toBe(true);
    const listed = await client.conversations.list({ types: "public_channel,private_channel" });
    expect(listed.channels?.map((c) => c.name)).toContain("sec-hotfix");
    slack.state.addChannel({ name: "hr-private", isPrivate: true, members: ["U0ERIN"] });
    const again = await client.conversations.list({ types: "private_channel" });
    expect(again.channels?.map((c) => c.name)).not.toContain("hr-private");
    const hidden = slack.channelByName("hr-private")?.id ?? "";
    expect((await slackError(client.conversations.info({ channel: hidden }))).error).toBe("channel_not_found");
  });

  it("invites people, one failing id failing the call like Slack", async () => {
    const { channel } = await client.conversations.create({ name: "war-room" });
    const id = channel?.id ?? "";
    const invited = await client.conversations.invite({ channel: id, users: "U0ALICE,U0BOB" });
    expect(invited.ok).toBe(true);
    expect(slack.channel(id)?.members).toEqual(["U0HOTFIX", "U0ALICE", "U0BOB"]);
    // Everyone already there: already_in_channel, with per-user errors.
    const again = await slackError(client.conversations.invite({ channel: id, users: "U0ALICE" }));
    expect(again).toMatchObject({
      error: "already_in_channel",
      errors: [{ user: "U0ALICE", ok: false, error: "already_in_channel" }],
    });
    // Mixed without force: nobody is invited.
    const mixed = await slackError(client.conversations.invite({ channel: id, users: "U0CAROL,U0NOBODY" }));
    expect(mixed.error).toBe("user_not_found");
    expect(slack.channel(id)?.members).not.toContain("U0CAROL");
    // With force the valid ones go in.
    const forced = await client.conversations.invite({ channel: id, users: "U0CAROL,U0NOBODY", force: true });
    expect(forced.ok).toBe(true);
    expect(slack.channel(id)?.members).toContain("U0CAROL");
    expect((await slackError(client.conversations.invite({ channel: id, users: "U0HOTFIX" }))).error).toBe("cant_invite_self");
    expect((await slackError(client.conversations.invite({ channel: id, users: "U0FRANK" }))).error).toBe("cant_invite");
    // The bot must be in a channel to invite into it.
    expect((await slackError(client.conversations.invite({ channel: "C0INCIDENTS", users: "U0ERIN" }))).error).toBe("not_in_channel");
  });

  it("joins public channels, warns when already in, and archives", async () => {
    const joined = await client.conversations.join({ channel: "C0INCIDENTS" });
    expect(joined.channel?.is_member).toBe(true);
    const again = await client.conversations.join({ channel: "C0INCIDENTS" });
    expect(again.warning).toBe("already_in_channel");
    const { channel } = await client.conversations.create({ name: "to-archive" });
    await client.conversations.archive({ channel: channel?.id ?? "" });
    expect((await slackError(client.conversations.archive({ channel: channel?.id ?? "" }))).error).toBe("already_archived");
    expect((await slackError(client.chat.postMessage({ channel: channel?.id ?? "", text: "hi" }))).error).toBe("is_archived");
    expect((await slackError(client.conversations.join({ channel: channel?.id ?? "" }))).error).toBe("is_archived");
  });

  it("sets topic and purpose, leaving Slack's system messages in history", async () => {
    const { channel } = await client.conversations.create({ name: "topic-room" });
    const id = channel?.id ?? "";
    const topic = await client.conversations.setTopic({ channel: id, topic: "P1 payments | IC: <@U0ALICE>" });
    expect(topic.channel?.topic?.value).toBe("P1 payments | IC: <@U0ALICE>");
    await client.conversations.setPurpose({ channel: id, purpose: "Hotfix war room" });
    expect(slack.channel(id)?.purpose.value).toBe("Hotfix war room");
    expect((await slackError(client.conversations.setTopic({ channel: "C0INCIDENTS", topic: "x" }))).error).toBe("not_in_channel");
    expect((await slackError(client.conversations.setTopic({ channel: id, topic: "x".repeat(251) }))).error).toBe("too_long");
    const history = await client.conversations.history({ channel: id });
    expect(history.messages?.map((m) => m.subtype)).toEqual(["channel_purpose", "channel_topic", "channel_join"]);
    expect(slack.messages(id)).toHaveLength(0);
    expect(slack.messages(id, { includeSystem: true })).toHaveLength(3);
  });

  it("pages members and history with cursors", async () => {
    const { channel } = await client.conversations.create({ name: "paging" });
    const id = channel?.id ?? "";
    await client.conversations.invite({ channel: id, users: "U0ALICE,U0BOB,U0CAROL,U0DAVE" });
    const first = await client.conversations.members({ channel: id, limit: 2 });
    expect(first.members).toHaveLength(2);
    const next = first.response_metadata?.next_cursor ?? "";
    expect(next).not.toBe("");
    const second = await client.conversations.members({ channel: id, limit: 10, cursor: next });
    expect([...(first.members ?? []), ...(second.members ?? [])]).toEqual(["U0HOTFIX", "U0ALICE", "U0BOB", "U0CAROL", "U0DAVE"]);
    expect(second.response_metadata?.next_cursor).toBe("");
    for (let i = 0; i < 5; i++) await client.chat.postMessage({ channel: id, text: `update ${i}` });
    const page = await client.conversations.history({ channel: id, limit: 3 });
    expect(page.has_more).toBe(true);
    expect(page.messages?.[0]?.text).toBe("update 4");
    expect((await slackError(client.conversations.history({ channel: "C0INCIDENTS" }))).error).toBe("not_in_channel");
  });
});

describe("messages", () => {
  it("posts to public channels with chat:write.public, and not to private ones it is not in", async () => {
    const posted = await client.chat.postMessage({ channel: "C0INCIDENTS", text: "P1 declared" });
    expect(posted.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(posted.message).toMatchObject({ text: "P1 declared", bot_id: "B0HOTFIX", user: "U0HOTFIX" });
    expect(slack.messages("#incidents").map((m) => m.text)).toEqual(["P1 declared"]);
    slack.state.addChannel({ name: "leadership", isPrivate: true, members: ["U0BOB"] });
    const hidden = slack.channelByName("leadership")?.id ?? "";
    expect((await slackError(client.chat.postMessage({ channel: hidden, text: "x" }))).error).toBe("channel_not_found");
    expect((await slackError(client.chat.postMessage({ channel: "C0NOPE", text: "x" }))).error).toBe("channel_not_found");
  });

  it("needs membership without chat:write.public", async () => {
    slack.setScopes(slack.scopes.filter((s) => s !== "chat:write.public"));
    expect((await slackError(client.chat.postMessage({ channel: "C0INCIDENTS", text: "x" }))).error).toBe("not_in_channel");
    await client.conversations.join({ channel: "C0INCIDENTS" });
    expect((await client.chat.postMessage({ channel: "C0INCIDENTS", text: "now ok" })).ok).toBe(true);
  });

  it("posts by channel name and to a user's DM", async () => {
    const byName = await client.chat.postMessage({ channel: "#eng-prod", text: "by name" });
    expect(byName.channel).toBe("C0ENGPROD");
    const dm = await client.chat.postMessage({ channel: "U0ALICE", text: "you are IC" });
    expect(dm.channel).toBe("D0ALICE");
    expect(slack.messages("U0ALICE").map((m) => m.text)).toEqual(["you are IC"]);
  });

  it("refuses empty messages and broken blocks like Slack", async () => {
    expect((await slackError(client.chat.postMessage({ channel: "C0INCIDENTS", text: "" }))).error).toBe("no_text");
    const tooLong = await slackError(
      client.chat.postMessage({
        channel: "C0INCIDENTS",
        text: "x",
        blocks: [{ type: "header", text: { type: "plain_text", text: "h".repeat(151) } }],
      }),
    );
    expect(tooLong.error).toBe("invalid_blocks");
    expect(JSON.stringify(tooLong.response_metadata)).toContain("[json-pointer:/blocks/0/text/text]");
    const unknown = await slackError(client.chat.postMessage({ channel: "C0INCIDENTS", text: "x", blocks: [{ type: "fancy" } as never] }));
    expect(unknown.error).toBe("invalid_blocks");
    const format = await slackError(client.apiCall("chat.postMessage", { channel: "C0INCIDENTS", blocks: "not json" }));
    expect(format.error).toBe("invalid_blocks_format");
  });

  it("keeps blocks, fills in block_id, and shows the placeholder text Slack uses", async () => {
    const posted = await client.chat.postMessage({
      channel: "C0INCIDENTS",
      blocks: [{ type: "section", text: { type: "mrkdwn", text: "*P1*" } }],
    });
    const block = posted.message?.blocks?.[0];
    expect(block?.block_id).toMatch(/^[A-Za-z0-9]{5}$/);
    expect(posted.message?.text).toBe("This content can't be displayed.");
  });

  it("threads replies under their parent; history shows parents only", async () => {
    const parent = await client.chat.postMessage({ channel: "C0INCIDENTS", text: "card" });
    const reply = await client.chat.postMessage({ channel: "C0INCIDENTS", text: "update 1", thread_ts: parent.ts ?? "" });
    expect(reply.message?.thread_ts).toBe(parent.ts);
    // A reply to a reply goes into the same thread.
    await client.chat.postMessage({ channel: "C0INCIDENTS", text: "update 2", thread_ts: reply.ts ?? "" });
    await client.conversations.join({ channel: "C0INCIDENTS" });
    const history = await client.conversations.history({ channel: "C0INCIDENTS" });
    const card = history.messages?.find((m) => m.ts === parent.ts);
    expect(card).toMatchObject({ reply_count: 2, thread_ts: parent.ts, latest_reply: expect.any(String) });
    expect(history.messages?.some((m) => m.text === "update 1")).toBe(false);
    const replies = await client.conversations.replies({ channel: "C0INCIDENTS", ts: parent.ts ?? "" });
    expect(replies.messages?.map((m) => m.text)).toEqual(["card", "update 1", "update 2"]);
    expect(slack.thread("#incidents", parent.ts ?? "")).toHaveLength(3);
  });

  it("hands out unique, increasing ts even in a burst", async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => client.chat.postMessage({ channel: "C0INCIDENTS", text: `m${i}` })),
    );
    const ts = results.map((r) => r.ts ?? "");
    expect(new Set(ts).size).toBe(30);
    const stored = slack.messages("C0INCIDENTS").map((m) => m.ts);
    expect([...stored].sort()).toEqual(stored);
  });

  it("edits the bot's own messages and keeps every version", async () => {
    const posted = await client.chat.postMessage({ channel: "C0INCIDENTS", text: "status: investigating" });
    const updated = await client.chat.update({ channel: posted.channel ?? "", ts: posted.ts ?? "", text: "status: mitigated" });
    expect(updated).toMatchObject({ ok: true, ts: posted.ts, text: "status: mitigated" });
    const stored = slack.messages("#incidents")[0];
    expect(stored?.edited?.user).toBe("B0HOTFIX");
    expect(stored?.history.map((v) => v.text)).toEqual(["status: investigating", "status: mitigated"]);
    expect((await slackError(client.chat.update({ channel: "C0INCIDENTS", ts: "1.000001", text: "x" }))).error).toBe("message_not_found");
    const human = slack.state.addMessage({ channel: "C0INCIDENTS", user: "U0ALICE", text: "mine" });
    expect((await slackError(client.chat.update({ channel: "C0INCIDENTS", ts: human.ts, text: "x" }))).error).toBe("cant_update_message");
    expect((await slackError(client.chat.delete({ channel: "C0INCIDENTS", ts: human.ts }))).error).toBe("cant_delete_message");
  });

  it("gives permalinks and deletes", async () => {
    const posted = await client.chat.postMessage({ channel: "C0INCIDENTS", text: "x" });
    const link = await client.chat.getPermalink({ channel: "C0INCIDENTS", message_ts: posted.ts ?? "" });
    expect(link.permalink).toBe(`https://hotfix-sandbox.slack.com/archives/C0INCIDENTS/p${posted.ts?.replace(".", "")}`);
    await client.chat.delete({ channel: "C0INCIDENTS", ts: posted.ts ?? "" });
    expect(slack.messages("#incidents")).toHaveLength(0);
  });

  it("posts ephemerals only to members of channels the bot is in", async () => {
    expect((await slackError(client.chat.postEphemeral({ channel: "C0INCIDENTS", user: "U0ALICE", text: "psst" }))).error).toBe(
      "not_in_channel",
    );
    await client.conversations.join({ channel: "C0INCIDENTS" });
    const sent = await client.chat.postEphemeral({ channel: "C0INCIDENTS", user: "U0ALICE", text: "psst" });
    expect(sent.message_ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(slack.ephemerals({ user: "U0ALICE" }).map((m) => m.text)).toEqual(["psst"]);
    expect(slack.messages("#incidents")).toHaveLength(0);
    expect((await slackError(client.chat.postEphemeral({ channel: "C0INCIDENTS", user: "U0ERIN", text: "psst" }))).error).toBe(
      "user_not_in_channel",
    );
  });
});

describe("pins, bookmarks and reactions", () => {
  it("pins once, lists pins, refuses unknown messages", async () => {
    const { channel } = await client.conversations.create({ name: "pins" });
    const id = channel?.id ?? "";
    const card = await client.chat.postMessage({ channel: id, text: "incident card" });
    await client.pins.add({ channel: id, timestamp: card.ts ?? "" });
    expect((await slackError(client.pins.add({ channel: id, timestamp: card.ts ?? "" }))).error).toBe("already_pinned");
    expect((await slackError(client.pins.add({ channel: id, timestamp: "1700000000.000001" }))).error).toBe("message_not_found");
    const listed = await client.pins.list({ channel: id });
    expect(listed.items?.[0]?.message?.text).toBe("incident card");
    expect(slack.pins(id).map((p) => p.message?.text)).toEqual(["incident card"]);
    const other = await client.chat.postMessage({ channel: "C0INCIDENTS", text: "elsewhere" });
    expect((await slackError(client.pins.add({ channel: "C0INCIDENTS", timestamp: other.ts ?? "" }))).error).toBe("not_in_channel");
  });

  it("bookmarks links and refuses bad ones", async () => {
    const { channel } = await client.conversations.create({ name: "marks" });
    const id = channel?.id ?? "";
    const added = await client.bookmarks.add({ channel_id: id, title: "Runbook", type: "link", link: "https://runbooks/hotfix" });
    expect(added.bookmark).toMatchObject({ title: "Runbook", link: "https://runbooks/hotfix", channel_id: id });
    expect((await slackError(client.bookmarks.add({ channel_id: id, title: "x", type: "link", link: "ftp://x" }))).error).toBe(
      "invalid_link",
    );
    expect((await client.bookmarks.list({ channel_id: id })).bookmarks).toHaveLength(1);
    expect(slack.bookmarks(id).map((b) => b.title)).toEqual(["Runbook"]);
  });

  it("reacts once per emoji", async () => {
    const { channel } = await client.conversations.create({ name: "reacts" });
    const id = channel?.id ?? "";
    const msg = await client.chat.postMessage({ channel: id, text: "deployed" });
    await client.reactions.add({ channel: id, timestamp: msg.ts ?? "", name: "white_check_mark" });
    expect((await slackError(client.reactions.add({ channel: id, timestamp: msg.ts ?? "", name: "white_check_mark" }))).error).toBe(
      "already_reacted",
    );
    expect(slack.messages(id)[0]?.reactions).toEqual([{ name: "white_check_mark", users: ["U0HOTFIX"] }]);
  });
});

describe("modals", () => {
  const modal = (title = "Declare a hotfix") => ({
    type: "modal" as const,
    callback_id: "declare",
    title: { type: "plain_text" as const, text: title },
    submit: { type: "plain_text" as const, text: "Declare" },
    blocks: [
      {
        type: "input",
        block_id: "title",
        label: { type: "plain_text", text: "Title" },
        element: { type: "plain_text_input", action_id: "title" },
      },
    ],
  });

  it("opens with a trigger_id once, within 3 seconds", async () => {
    const trigger = slack.issueTriggerId("U0ALICE");
    const opened = await client.views.open({ trigger_id: trigger, view: modal() });
    expect(opened.view).toMatchObject({ type: "modal", callback_id: "declare", root_view_id: opened.view?.id });
    expect(opened.view?.hash).toMatch(/^\d+\.[0-9a-f]{8}$/);
    expect(slack.views({ userId: "U0ALICE", open: true }).map((v) => v.id)).toEqual([opened.view?.id]);
    expect((await slackError(client.views.open({ trigger_id: trigger, view: modal() }))).error).toBe("exchanged_trigger_id");
    const late = slack.issueTriggerId("U0ALICE");
    slack.clock.advance(3001);
    expect((await slackError(client.views.open({ trigger_id: late, view: modal() }))).error).toBe("expired_trigger_id");
    expect((await slackError(client.views.open({ trigger_id: "123.456.abc", view: modal() }))).error).toBe("invalid_trigger_id");
  });

  it("refuses invalid views with Slack's messages", async () => {
    const bad = await slackError(client.views.open({ trigger_id: slack.issueTriggerId("U0ALICE"), view: modal("x".repeat(25)) }));
    expect(bad.error).toBe("invalid_arguments");
    expect(JSON.stringify(bad.response_metadata)).toContain("[json-pointer:/view/title/text]");
    const noSubmit = { ...modal(), submit: undefined };
    const refused = await slackError(client.views.open({ trigger_id: slack.issueTriggerId("U0ALICE"), view: noSubmit }));
    expect(refused.error).toBe("invalid_arguments");
  });

  it("updates with hash protection, pushes, and publishes the Home tab", async () => {
    const opened = await client.views.open({ trigger_id: slack.issueTriggerId("U0BOB"), view: modal() });
    const id = opened.view?.id ?? "";
    const updated = await client.views.update({ view_id: id, hash: opened.view?.hash ?? "", view: modal("Declare (2/2)") });
    expect(updated.view?.hash).not.toBe(opened.view?.hash);
    expect((await slackError(client.views.update({ view_id: id, hash: opened.view?.hash ?? "", view: modal() }))).error).toBe(
      "hash_conflict",
    );
    expect((await slackError(client.views.update({ view_id: "V0NOPE", view: modal() }))).error).toBe("not_found");
    const pushed = await client.views.push({ trigger_id: slack.issueTriggerId("U0BOB"), view: modal("Confirm") });
    expect(pushed.view).toMatchObject({ root_view_id: id, previous_view_id: id });
    const home = await client.views.publish({
      user_id: "U0CAROL",
      view: { type: "home", blocks: [{ type: "section", text: { type: "mrkdwn", text: "No active hotfix" } }] },
    });
    expect(slack.homeView("U0CAROL")?.id).toBe(home.view?.id);
    expect((await slackError(client.views.publish({ user_id: "U0NOPE", view: { type: "home", blocks: [] } }))).error).toBe(
      "invalid_arguments",
    );
  });
});

describe("files", () => {
  it("uploads through the external upload flow and shares into a channel", async () => {
    const { channel } = await client.conversations.create({ name: "postmortems" });
    const id = channel?.id ?? "";
    const result = await client.filesUploadV2({
      channel_id: id,
      filename: "postmortem.md",
      content: "# Post-mortem\n",
      title: "Post-mortem",
      initial_comment: "Here it is",
    });
    expect(result.ok).toBe(true);
    const [file] = slack.files();
    expect(file?.content?.toString()).toBe("# Post-mortem\n");
    expect(file?.title).toBe("Post-mortem");
    expect(slack.messages(id)[0]).toMatchObject({ text: "Here it is", files: [file?.id] });
  });
});

describe("auth, scopes and failures", () => {
  it("refuses a wrong token and a missing one", async () => {
    expect((await slackError(clientFor("xoxb-wrong").auth.test())).error).toBe("invalid_auth");
    expect((await slackError(new WebClient(undefined, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }).auth.test())).error).toBe(
      "not_authed",
    );
  });

  it("accepts form bodies with a token field and JSON bodies with a bearer token", async () => {
    const form = await fetch(`${slack.apiUrl}auth.test`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `token=${slack.botToken}`,
    });
    expect(await form.json()).toMatchObject({ ok: true, user_id: "U0HOTFIX" });
    const json = await fetch(`${slack.apiUrl}chat.postMessage`, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", authorization: `Bearer ${slack.botToken}` },
      body: JSON.stringify({ channel: "C0INCIDENTS", blocks: [{ type: "divider" }], text: "json" }),
    });
    expect(await json.json()).toMatchObject({ ok: true, channel: "C0INCIDENTS" });
    // Slack does not read a token out of a JSON body.
    const tokenInJson = await fetch(`${slack.apiUrl}auth.test`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: slack.botToken }),
    });
    expect(await tokenInJson.json()).toMatchObject({ ok: false, error: "not_authed" });
    const unknown = await fetch(`${slack.apiUrl}chat.fly`, { method: "POST", headers: { authorization: `Bearer ${slack.botToken}` } });
    expect(await unknown.json()).toMatchObject({ ok: false, error: "unknown_method", req_method: "chat.fly" });
  });

  it("answers missing_scope with needed and provided", async () => {
    const narrow = await startSlackEmulator({ manifestPath: sharedSpecs.manifest, scopes: ["chat:write", "channels:read"] });
    try {
      const narrowClient = new WebClient(narrow.botToken, { slackApiUrl: narrow.apiUrl, retryConfig: { retries: 0 } });
      // No scope the method accepts: Slack lists them all.
      const refused = await slackError(narrowClient.conversations.create({ name: "x" }));
      expect(refused).toMatchObject({
        error: "missing_scope",
        needed: "channels:manage,groups:write,im:write,mpim:write",
        provided: "chat:write,channels:read",
      });
      expect((await slackError(narrowClient.users.lookupByEmail({ email: "bob@example.com" }))).needed).toBe("users:read.email");
      // chat:write alone does not reach public channels the bot is not in.
      expect((await slackError(narrowClient.chat.postMessage({ channel: "C0INCIDENTS", text: "x" }))).error).toBe("not_in_channel");
      // A scope for public channels does not cover private ones.
      narrow.setScopes(["chat:write", "channels:read", "channels:manage"]);
      expect((await narrowClient.conversations.create({ name: "public-ok" })).ok).toBe(true);
      const privateRefused = await slackError(narrowClient.conversations.create({ name: "x", is_private: true }));
      expect(privateRefused).toMatchObject({ error: "missing_scope", needed: "groups:write" });
      // Without users:read.email the address is left out rather than refused.
      narrow.setScopes(["users:read"]);
      const alice = await narrowClient.users.info({ user: "U0ALICE" });
      expect(alice.user?.profile?.email).toBeUndefined();
    } finally {
      await narrow.close();
    }
  });

  it("reads the granted scopes from manifest.yml", () => {
    expect(slack.scopes).toEqual(expect.arrayContaining(["chat:write", "chat:write.public", "channels:manage", "usergroups:read"]));
    expect(slack.manifest?.commands).toContain("/hotfix");
  });

  it("answers 429 with Retry-After when a fault says so", async () => {
    slack.faults.add({ method: "chat.postMessage", status: 429, retryAfter: 7 });
    const rejecting = clientFor(slack.botToken, { rejectRateLimitedCalls: true });
    const error = await rejecting.chat.postMessage({ channel: "C0INCIDENTS", text: "x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebAPIRateLimitedError);
    expect((error as WebAPIRateLimitedError).retryAfter).toBe(7);
    // The fault was for one call only.
    expect((await rejecting.chat.postMessage({ channel: "C0INCIDENTS", text: "x" })).ok).toBe(true);
    expect(slack.calls("chat.postMessage").map((c) => c.status)).toEqual([429, 200]);
  });

  it("rate-limits by Slack's tiers once enabled", async () => {
    slack.rateLimits.enable();
    const rejecting = clientFor(slack.botToken, { rejectRateLimitedCalls: true });
    for (let i = 0; i < 20; i++) await rejecting.conversations.create({ name: `tier2-${i}` });
    const error = await rejecting.conversations.create({ name: "tier2-20" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebAPIRateLimitedError);
    expect((error as WebAPIRateLimitedError).retryAfter).toBeGreaterThanOrEqual(1);
    slack.clock.advance(60_000);
    expect((await rejecting.conversations.create({ name: "tier2-20" })).ok).toBe(true);
  });

  it("paces chat.postMessage per channel", async () => {
    slack.rateLimits.set("chat.postMessage", { capacity: 1, perSecond: 1, perChannel: true });
    const rejecting = clientFor(slack.botToken, { rejectRateLimitedCalls: true });
    await rejecting.chat.postMessage({ channel: "C0INCIDENTS", text: "1" });
    await rejecting.chat.postMessage({ channel: "C0ENGPROD", text: "other channel" });
    await expect(rejecting.chat.postMessage({ channel: "C0INCIDENTS", text: "2" })).rejects.toBeInstanceOf(WebAPIRateLimitedError);
  });

  it("injects 500s, error codes, delays and dropped connections", async () => {
    slack.faults.add({ method: "conversations.create", status: 500, times: 2 });
    for (let i = 0; i < 2; i++) {
      const error = await client.conversations.create({ name: "flaky" }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WebAPIHTTPError);
      expect((error as WebAPIHTTPError).statusCode).toBe(500);
    }
    expect(slack.channelByName("flaky")).toBeUndefined();
    slack.faults.add({ method: "chat.postMessage", error: "fatal_error" });
    expect((await slackError(client.chat.postMessage({ channel: "C0INCIDENTS", text: "x" }))).error).toBe("fatal_error");
    slack.faults.add({ method: "auth.test", delayMs: 150 });
    const started = Date.now();
    await client.auth.test();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    slack.faults.add({ method: "auth.test", drop: true });
    await expect(client.auth.test()).rejects.toMatchObject({ code: ErrorCode.RequestError });
    expect(slack.faults.pending()).toHaveLength(0);
  });

  it("can fail a call after it took effect, like a lost response", async () => {
    slack.faults.add({ method: "conversations.create", status: 503, when: "after" });
    await expect(client.conversations.create({ name: "lost-response" })).rejects.toBeInstanceOf(WebAPIHTTPError);
    expect(slack.channelByName("lost-response")).toBeDefined();
    expect((await slackError(client.conversations.create({ name: "lost-response" }))).error).toBe("name_taken");
  });

  it("matches faults on params", async () => {
    slack.faults.add({ method: "chat.postMessage", error: "channel_not_found", match: (p) => p.channel === "C0ENGPROD" });
    expect((await client.chat.postMessage({ channel: "C0INCIDENTS", text: "fine" })).ok).toBe(true);
    expect((await slackError(client.chat.postMessage({ channel: "C0ENGPROD", text: "x" }))).error).toBe("channel_not_found");
  });

  it("takes a pino logger and resets to the seeded workspace", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "debug" }, { write: (line: string) => lines.push(line) });
    const logged = await startSlackEmulator({ manifestPath: sharedSpecs.manifest, logger });
    try {
      await new WebClient(logged.botToken, { slackApiUrl: logged.apiUrl, retryConfig: { retries: 0 } }).conversations.create({
        name: "temp",
      });
      expect(lines.join("")).toContain("conversations.create");
      logged.faults.add({ method: "*", error: "fatal_error", times: Number.POSITIVE_INFINITY });
      logged.reset();
      expect(logged.channelByName("temp")).toBeUndefined();
      expect(logged.channelByName("incidents")?.id).toBe("C0INCIDENTS");
      expect(logged.calls()).toEqual([]);
      expect(logged.faults.pending()).toEqual([]);
    } finally {
      await logged.close();
    }
  });

  it("logs every call with params decoded and the token removed", async () => {
    await client.chat.postMessage({ channel: "C0INCIDENTS", text: "logged", blocks: [{ type: "divider" }] });
    const [call] = slack.calls("chat.postMessage");
    expect(call?.params).toMatchObject({ channel: "C0INCIDENTS", text: "logged", blocks: [{ type: "divider" }] });
    expect(call?.params.token).toBeUndefined();
    expect(call?.response).toMatchObject({ ok: true });
    expect(call?.durationMs).toBeGreaterThanOrEqual(0);
    expect(slack.internalErrors).toEqual([]);
  });
});
