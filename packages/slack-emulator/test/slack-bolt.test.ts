// A real Bolt app against the emulator, both ways: Bolt verifies the
// emulator's signatures, parses its commands, payloads and events, and its
// WebClient, respond() and ack() land in the emulator's workspace. If Bolt
// accepts what the emulator sends, the app's listeners meet Slack's shapes.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { App, LogLevel } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedSpecs } from "../../../test/support/shared-specs.js";
import { type SlackEmulator, startSlackEmulator } from "../src/index.js";

let slack: SlackEmulator;
let app: App;
let server: Server;
const seen: string[] = [];

const modal = {
  type: "modal" as const,
  callback_id: "declare",
  title: { type: "plain_text" as const, text: "Declare a hotfix" },
  submit: { type: "plain_text" as const, text: "Declare" },
  blocks: [
    {
      type: "input",
      block_id: "title",
      label: { type: "plain_text" as const, text: "Title" },
      element: { type: "plain_text_input", action_id: "title" },
    },
  ],
};

beforeAll(async () => {
  slack = await startSlackEmulator({ manifestPath: sharedSpecs.manifest });
  app = new App({
    token: slack.botToken,
    signingSecret: slack.signingSecret,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } },
  });
  app.command("/hotfix", async ({ ack, body, client, respond }) => {
    if (body.text === "declare") {
      await ack();
      await client.views.open({ trigger_id: body.trigger_id, view: modal });
      return;
    }
    await ack();
    await respond({ response_type: "ephemeral", text: `Hi <@${body.user_id}>, try /hotfix declare` });
  });
  app.view("declare", async ({ ack, view, body, client }) => {
    const title = view.state.values.title?.title?.value ?? "";
    if (title.length < 5) {
      await ack({ response_action: "errors", errors: { title: "Give the hotfix a longer title" } });
      return;
    }
    await ack();
    const room = await client.conversations.create({ name: `hotfix-${title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}` });
    await client.conversations.invite({ channel: room.channel?.id ?? "", users: body.user.id });
    await client.chat.postMessage({
      channel: room.channel?.id ?? "",
      text: `Hotfix declared: ${title}`,
      blocks: [
        { type: "section", text: { type: "mrkdwn", text: `*${title}*` } },
        { type: "actions", elements: [{ type: "button", action_id: "ack", text: { type: "plain_text", text: "Ack" }, value: "1" }] },
      ],
    });
  });
  app.action("ack", async ({ ack, respond, body }) => {
    await ack();
    await respond({ replace_original: true, text: `Acknowledged by <@${body.user.id}>` });
  });
  app.event("reaction_added", async ({ event }) => {
    seen.push(`${event.user}:${event.reaction}`);
  });
  app.shortcut("declare_hotfix", async ({ ack, shortcut, client }) => {
    await ack();
    await client.views.open({ trigger_id: shortcut.trigger_id, view: modal });
  });
  server = (await app.start({ port: 0, host: "127.0.0.1" })) as Server;
  slack.setAppUrl(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`);
});

afterAll(async () => {
  await app.stop();
  await slack.close();
});

describe("a Bolt app against the emulator", () => {
  it("answers a command through respond()", async () => {
    const result = await slack.slashCommand({ userId: "U0ERIN", channelId: "C0STAKEHOLDERS", text: "" });
    expect(result.status).toBe(200);
    await expect.poll(() => slack.ephemerals({ user: "U0ERIN" }).map((m) => m.text)).toEqual(["Hi <@U0ERIN>, try /hotfix declare"]);
  });

  it("opens a modal, shows inline errors, then declares", async () => {
    await slack.slashCommand({ userId: "U0ALICE", channelId: "C0ENGPROD", text: "declare" });
    await expect.poll(() => slack.views({ callbackId: "declare", open: true }).length).toBe(1);
    const [view] = slack.views({ callbackId: "declare", open: true });
    const refused = await slack.submitView({ viewId: view?.id ?? "", values: { title: "pay" } });
    expect(refused.responseAction).toBe("errors");
    expect(refused.errors).toEqual({ title: "Give the hotfix a longer title" });
    const accepted = await slack.submitView({ viewId: view?.id ?? "", values: { title: "Payments down" } });
    expect(accepted.responseAction).toBe("close");
    await expect.poll(() => slack.messages("#hotfix-payments-down").map((m) => m.text)).toEqual(["Hotfix declared: Payments down"]);
    expect(slack.channelByName("hotfix-payments-down")?.members).toEqual(["U0HOTFIX", "U0ALICE"]);
  });

  it("handles a button and edits the message through the response_url", async () => {
    const [card] = slack.messages("#hotfix-payments-down");
    await slack.blockAction({ userId: "U0BOB", channelId: card?.channel ?? "", messageTs: card?.ts ?? "", actionId: "ack" });
    await expect.poll(() => slack.messages("#hotfix-payments-down")[0]?.text).toBe("Acknowledged by <@U0BOB>");
  });

  it("receives events and shortcuts", async () => {
    const [card] = slack.messages("#hotfix-payments-down");
    await slack.event({ type: "reaction_added", user: "U0CAROL", reaction: "eyes", channel: card?.channel ?? "", ts: card?.ts ?? "" });
    await expect.poll(() => seen).toEqual(["U0CAROL:eyes"]);
    await slack.globalShortcut({ userId: "U0DAVE", callbackId: "declare_hotfix" });
    await expect.poll(() => slack.views({ userId: "U0DAVE", open: true }).length).toBe(1);
  });

  it("is refused by Bolt when the signature is wrong or stale", async () => {
    expect((await slack.slashCommand({ userId: "U0ALICE", channelId: "C0ENGPROD", text: "", badSignature: true })).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 10 * 60;
    expect((await slack.slashCommand({ userId: "U0ALICE", channelId: "C0ENGPROD", text: "", timestamp: stale })).status).toBe(401);
  });

  it("saw Bolt call auth.test and nothing fail inside the emulator", () => {
    expect(slack.calls("auth.test").length).toBeGreaterThan(0);
    expect(slack.internalErrors).toEqual([]);
    expect(slack.calls().filter((c) => c.status !== 200)).toEqual([]);
  });
});
