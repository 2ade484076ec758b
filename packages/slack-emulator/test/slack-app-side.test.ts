// The emulator calling the app: a bare node:http receiver stands in for the
// app, checks every request with Bolt's own signature verifier, and answers
// as each test scripts it. Asserts Slack's headers, bodies and payload shapes,
// response_url handling, and the view_submission round trip.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { isValidSlackRequest } from "@slack/bolt";
import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sharedSpecs } from "../../../test/support/shared-specs.js";
import { SlackClientValidationError, type SlackEmulator, startSlackEmulator } from "../src/index.js";

interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  /** Form fields, the decoded `payload=`, or the JSON event envelope. */
  // biome-ignore lint/suspicious/noExplicitAny: payloads are checked with toMatchObject; any keeps deep reads short
  body: Record<string, any>;
  signatureValid: boolean;
}

interface Answer {
  status?: number;
  body?: string | object;
  delayMs?: number;
}

let slack: SlackEmulator;
let client: WebClient;
let appServer: Server;
let received: Received[] = [];
let answer: (r: Received) => Answer | Promise<Answer> = () => ({});

const last = (): Received => {
  const r = received.at(-1);
  if (!r) throw new Error("the app received nothing");
  return r;
};

// biome-ignore lint/suspicious/noExplicitAny: see Received.body
function decode(contentType: string, raw: string): Record<string, any> {
  if (contentType === "application/json") return JSON.parse(raw);
  const form = new URLSearchParams(raw);
  const payload = form.get("payload");
  return payload ? JSON.parse(payload) : Object.fromEntries(form);
}

beforeAll(async () => {
  slack = await startSlackEmulator({ manifestPath: sharedSpecs.manifest });
  client = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
  appServer = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    const r: Received = {
      headers: req.headers,
      raw,
      body: decode(String(req.headers["content-type"]), raw),
      signatureValid: isValidSlackRequest({
        signingSecret: slack.signingSecret,
        body: raw,
        headers: {
          "x-slack-signature": String(req.headers["x-slack-signature"]),
          "x-slack-request-timestamp": Number(req.headers["x-slack-request-timestamp"]),
        },
      }),
    };
    received.push(r);
    const a = await answer(r);
    if (a.delayMs) await new Promise((resolve) => setTimeout(resolve, a.delayMs));
    if (res.destroyed) return;
    if (a.body === undefined) {
      res.writeHead(a.status ?? 200).end();
    } else if (typeof a.body === "string") {
      res.writeHead(a.status ?? 200, { "content-type": "text/plain" }).end(a.body);
    } else {
      res.writeHead(a.status ?? 200, { "content-type": "application/json" }).end(JSON.stringify(a.body));
    }
  });
  await new Promise<void>((resolve) => appServer.listen(0, "127.0.0.1", resolve));
  slack.setAppUrl(`http://127.0.0.1:${(appServer.address() as AddressInfo).port}/slack/events`);
});
afterAll(async () => {
  await slack.close();
  appServer.closeAllConnections();
  await new Promise((resolve) => appServer.close(resolve));
});
beforeEach(() => {
  slack.reset();
  received = [];
  answer = () => ({});
});

const post = (url: string, body: object) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("slash commands", () => {
  it("are form-encoded and signed exactly as Slack signs them", async () => {
    const result = await slack.slashCommand({ userId: "U0ALICE", channelId: "C0ENGPROD", text: "declare payments down" });
    expect(result.status).toBe(200);
    const r = last();
    expect(r.signatureValid).toBe(true);
    expect(r.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(r.headers["user-agent"]).toMatch(/^Slackbot 1\.0/);
    expect(r.headers["x-slack-signature"]).toMatch(/^v0=[0-9a-f]{64}$/);
    expect(Object.keys(r.body).sort()).toEqual(
      [
        "api_app_id",
        "channel_id",
        "channel_name",
        "command",
        "is_enterprise_install",
        "response_url",
        "team_domain",
        "team_id",
        "text",
        "token",
        "trigger_id",
        "user_id",
        "user_name",
      ].sort(),
    );
    expect(r.body).toMatchObject({
      team_id: "T0HOTFIX",
      channel_id: "C0ENGPROD",
      channel_name: "eng-prod",
      user_id: "U0ALICE",
      user_name: "alice",
      command: "/hotfix",
      text: "declare payments down",
      api_app_id: "A0HOTFIX",
      trigger_id: result.triggerId,
      response_url: result.responseUrl,
    });
    expect(result.responseUrl.startsWith(`${slack.url}/respond/`)).toBe(true);
    const [delivery] = slack.deliveries("slash_command");
    expect(delivery?.latencyMs).toBeGreaterThan(0);
    expect(delivery?.status).toBe(200);
  });

  it("can carry a bad signature, an old timestamp, and retry headers", async () => {
    await slack.slashCommand({ userId: "U0ALICE", channelId: "C0ENGPROD", text: "help", badSignature: true });
    expect(last().signatureValid).toBe(false);
    const stale = Math.floor(Date.now() / 1000) - 600;
    await slack.slashCommand({ userId: "U0ALICE", channelId: "C0ENGPROD", text: "help" }, { timestamp: stale });
    expect(last().headers["x-slack-request-timestamp"]).toBe(String(stale));
    expect(last().signatureValid).toBe(false);
    await slack.slashCommand({ userId: "U0ALICE", channelId: "C0ENGPROD", text: "help", retryNum: 1, retryReason: "http_timeout" });
    expect(last().headers).toMatchObject({ "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" });
  });

  it("show the answer in the ack: ephemeral by default, in_channel when asked", async () => {
    answer = () => ({ body: { response_type: "ephemeral", text: "Usage: /hotfix declare" } });
    await slack.slashCommand({ userId: "U0BOB", channelId: "#eng-prod", text: "help" });
    expect(slack.ephemerals({ user: "U0BOB" })).toMatchObject([{ text: "Usage: /hotfix declare", source: "command_response" }]);
    answer = () => ({ body: { response_type: "in_channel", text: "Hotfix declared" } });
    await slack.slashCommand({ userId: "U0BOB", channelId: "#eng-prod", text: "declare" });
    expect(slack.messages("#eng-prod").map((m) => m.text)).toEqual(["Hotfix declared"]);
    answer = () => ({ body: "plain text answer" });
    await slack.slashCommand({ userId: "U0BOB", channelId: "#eng-prod", text: "x" });
    expect(slack.ephemerals({ user: "U0BOB" }).at(-1)?.text).toBe("plain text answer");
  });

  it("time out after 3 seconds as Slack does, recording the latency", async () => {
    const impatient = await startSlackEmulator({ manifestPath: sharedSpecs.manifest, ackTimeoutMs: 150, appUrl: slack.appUrl ?? "" });
    try {
      answer = () => ({ delayMs: 400 });
      const result = await impatient.slashCommand({ userId: "U0ALICE", channelId: "C0ENGPROD", text: "declare" });
      expect(result).toMatchObject({ timedOut: true, status: 0, error: "operation_timeout" });
      expect(result.latencyMs).toBeGreaterThanOrEqual(140);
    } finally {
      await impatient.close();
    }
  });

  it("refuse commands the manifest does not declare", async () => {
    await expect(slack.slashCommand({ userId: "U0ALICE", channelId: "C0ENGPROD", command: "/deploy" })).rejects.toThrow(
      /not a slash command/,
    );
  });
});

describe("response_url", () => {
  it("posts ephemerals and channel messages, 5 times within 30 minutes", async () => {
    const { responseUrl } = await slack.slashCommand({ userId: "U0CAROL", channelId: "C0INCIDENTS", text: "status" });
    expect((await post(responseUrl, { text: "Only you can see this" })).status).toBe(200);
    expect(slack.ephemerals({ channel: "#incidents", user: "U0CAROL" }).map((m) => m.text)).toEqual(["Only you can see this"]);
    // The bot is not in #incidents, but response_url needs no membership.
    await post(responseUrl, { response_type: "in_channel", text: "Status: mitigated" });
    expect(slack.messages("#incidents").map((m) => m.text)).toEqual(["Status: mitigated"]);
    for (let i = 0; i < 3; i++) expect((await post(responseUrl, { text: `more ${i}` })).status).toBe(200);
    const sixth = await post(responseUrl, { text: "too many" });
    expect(sixth.status).toBe(404);
    expect(await sixth.json()).toMatchObject({ error: "used_url" });
    expect(slack.responseUrlPosts()).toHaveLength(5);
    const fresh = await slack.slashCommand({ userId: "U0CAROL", channelId: "C0INCIDENTS", text: "status" });
    slack.clock.advance(31 * 60 * 1000);
    expect(await (await post(fresh.responseUrl, { text: "late" })).json()).toMatchObject({ error: "expired_url" });
    expect((await post(fresh.responseUrl.replace(/\/[^/]+$/, "/nope"), { text: "x" })).status).toBe(404);
    expect((await post(responseUrl, { nothing: true })).status).toBe(404);
  });

  it("refuses a message with no text", async () => {
    const { responseUrl } = await slack.slashCommand({ userId: "U0CAROL", channelId: "C0INCIDENTS", text: "status" });
    const res = await post(responseUrl, { response_type: "ephemeral" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "no_text" });
  });
});

describe("block actions", () => {
  const card = [
    { type: "section", text: { type: "mrkdwn", text: "*P1* payments" } },
    {
      type: "actions",
      block_id: "card_actions",
      elements: [
        { type: "button", action_id: "ack", value: "HF-1", style: "primary", text: { type: "plain_text", text: "Acknowledge" } },
        {
          type: "static_select",
          action_id: "severity",
          placeholder: { type: "plain_text", text: "Severity" },
          options: [
            { text: { type: "plain_text", text: "P0" }, value: "P0" },
            { text: { type: "plain_text", text: "P1" }, value: "P1" },
          ],
        },
      ],
    },
  ];

  it("on a channel message carry the message, the action and a response_url", async () => {
    const posted = await client.chat.postMessage({ channel: "C0INCIDENTS", text: "P1", blocks: card });
    const result = await slack.blockAction({ userId: "U0DAVE", channelId: "C0INCIDENTS", messageTs: posted.ts ?? "", actionId: "ack" });
    const r = last();
    expect(r.signatureValid).toBe(true);
    expect(r.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(r.raw.startsWith("payload=")).toBe(true);
    expect(r.body).toMatchObject({
      type: "block_actions",
      user: { id: "U0DAVE", username: "dave", team_id: "T0HOTFIX" },
      api_app_id: "A0HOTFIX",
      container: { type: "message", message_ts: posted.ts, channel_id: "C0INCIDENTS", is_ephemeral: false },
      channel: { id: "C0INCIDENTS", name: "incidents" },
      message: { ts: posted.ts, text: "P1", bot_id: "B0HOTFIX" },
      trigger_id: result.triggerId,
      response_url: result.responseUrl,
      actions: [{ type: "button", action_id: "ack", block_id: "card_actions", value: "HF-1", style: "primary" }],
    });
    expect(r.body.actions[0].action_ts).toMatch(/^\d{10}\.\d{6}$/);

    await slack.blockAction({
      userId: "U0DAVE",
      channelId: "C0INCIDENTS",
      messageTs: posted.ts ?? "",
      actionId: "severity",
      selectedOption: "P0",
    });
    expect(last().body.actions[0]).toMatchObject({
      type: "static_select",
      selected_option: { value: "P0", text: { type: "plain_text", text: "P0" } },
    });

    // replace_original edits the card; delete_original removes it.
    await post(result.responseUrl ?? "", { replace_original: true, text: "Acknowledged by <@U0DAVE>" });
    expect(slack.messages("#incidents")[0]).toMatchObject({ text: "Acknowledged by <@U0DAVE>", blocks: undefined });
    await post(result.responseUrl ?? "", { delete_original: true });
    expect(slack.messages("#incidents")).toHaveLength(0);
  });

  it("on an ephemeral message say so and leave the message out", async () => {
    await client.conversations.join({ channel: "C0INCIDENTS" });
    const sent = await client.chat.postEphemeral({ channel: "C0INCIDENTS", user: "U0ALICE", text: "Confirm?", blocks: card });
    const result = await slack.blockAction({
      userId: "U0ALICE",
      channelId: "C0INCIDENTS",
      messageTs: sent.message_ts ?? "",
      actionId: "ack",
    });
    expect(last().body.container).toMatchObject({ is_ephemeral: true });
    expect(last().body.message).toBeUndefined();
    await post(result.responseUrl ?? "", { replace_original: true, text: "Confirmed" });
    expect(slack.ephemerals({ user: "U0ALICE" }).map((m) => m.text)).toEqual(["Confirmed"]);
    await post(result.responseUrl ?? "", { delete_original: true });
    expect(slack.ephemerals({ user: "U0ALICE" })).toHaveLength(0);
  });

  it("refuse actions that are not on the message", async () => {
    const posted = await client.chat.postMessage({ channel: "C0INCIDENTS", text: "P1", blocks: card });
    await expect(
      slack.blockAction({ userId: "U0DAVE", channelId: "C0INCIDENTS", messageTs: posted.ts ?? "", actionId: "nope" }),
    ).rejects.toThrow(/no action nope/);
  });
});

describe("modals", () => {
  const declareModal = {
    type: "modal",
    callback_id: "declare",
    private_metadata: JSON.stringify({ channel: "C0ENGPROD" }),
    notify_on_close: true,
    title: { type: "plain_text", text: "Declare a hotfix" },
    submit: { type: "plain_text", text: "Declare" },
    blocks: [
      {
        type: "input",
        block_id: "title",
        label: { type: "plain_text", text: "Title" },
        element: { type: "plain_text_input", action_id: "title", min_length: 5 },
      },
      {
        type: "input",
        block_id: "severity",
        label: { type: "plain_text", text: "Severity" },
        element: {
          type: "static_select",
          action_id: "severity",
          options: ["P0", "P1", "P2"].map((p) => ({ text: { type: "plain_text", text: p }, value: p })),
          initial_option: { text: { type: "plain_text", text: "P1" }, value: "P1" },
        },
      },
      {
        type: "input",
        block_id: "ic",
        label: { type: "plain_text", text: "Commander" },
        element: { type: "users_select", action_id: "ic" },
      },
      {
        type: "input",
        block_id: "when",
        optional: true,
        label: { type: "plain_text", text: "Started" },
        element: { type: "datetimepicker", action_id: "when" },
      },
      {
        type: "input",
        block_id: "areas",
        optional: true,
        label: { type: "plain_text", text: "Areas" },
        element: {
          type: "checkboxes",
          action_id: "areas",
          options: ["payments", "ledger"].map((v) => ({ text: { type: "plain_text", text: v }, value: v })),
        },
      },
      {
        type: "input",
        block_id: "env",
        optional: true,
        label: { type: "plain_text", text: "Environment" },
        element: {
          type: "radio_buttons",
          action_id: "env",
          options: ["prod", "staging"].map((v) => ({ text: { type: "plain_text", text: v }, value: v })),
        },
      },
      {
        type: "input",
        block_id: "users_hit",
        optional: true,
        label: { type: "plain_text", text: "Users hit" },
        element: { type: "number_input", action_id: "users_hit", is_decimal_allowed: false },
      },
      {
        type: "input",
        block_id: "sentry",
        optional: true,
        label: { type: "plain_text", text: "Sentry" },
        element: { type: "url_text_input", action_id: "sentry" },
      },
      {
        type: "input",
        block_id: "notes",
        optional: true,
        label: { type: "plain_text", text: "Notes" },
        element: { type: "plain_text_input", action_id: "notes", multiline: true },
      },
      {
        type: "actions",
        block_id: "extras",
        elements: [{ type: "users_select", action_id: "deputy", placeholder: { type: "plain_text", text: "Deputy" } }],
      },
    ],
  };

  /** The app opens the modal from the command, with the trigger it was given. */
  async function openDeclareModal(): Promise<string> {
    answer = async (r) => {
      await client.views.open({ trigger_id: r.body.trigger_id, view: declareModal as never });
      return {};
    };
    await slack.slashCommand({ userId: "U0ALICE", channelId: "C0ENGPROD", text: "declare" });
    const [view] = slack.views({ callbackId: "declare", open: true });
    if (!view) throw new Error("the modal did not open");
    answer = () => ({});
    return view.id;
  }

  it("submit state.values shaped per element type, from the stored view", async () => {
    const viewId = await openDeclareModal();
    const stored = slack.view(viewId);
    const when = new Date("2024-05-01T10:30:00Z");
    const result = await slack.submitView({
      viewId,
      values: {
        title: "Payments failing",
        ic: "U0BOB",
        when,
        areas: ["payments"],
        env: "prod",
        users_hit: 1200,
        sentry: "https://sentry.example/issues/1",
      },
    });
    expect(result.responseAction).toBe("close");
    expect(result.current).toBeUndefined();
    expect(slack.view(viewId)?.status).toBe("closed");
    const payload = last().body;
    expect(last().signatureValid).toBe(true);
    expect(payload).toMatchObject({
      type: "view_submission",
      team: { id: "T0HOTFIX", domain: "hotfix-sandbox" },
      user: { id: "U0ALICE", username: "alice" },
      api_app_id: "A0HOTFIX",
      trigger_id: result.triggerId,
      response_urls: [],
      view: {
        id: viewId,
        callback_id: "declare",
        private_metadata: JSON.stringify({ channel: "C0ENGPROD" }),
        hash: stored?.hash,
        root_view_id: viewId,
        type: "modal",
      },
    });
    expect(payload.view.state.values).toEqual({
      title: { title: { type: "plain_text_input", value: "Payments failing" } },
      severity: {
        severity: { type: "static_select", selected_option: { text: { type: "plain_text", text: "P1", emoji: true }, value: "P1" } },
      },
      ic: { ic: { type: "users_select", selected_user: "U0BOB" } },
      when: { when: { type: "datetimepicker", selected_date_time: Math.floor(when.getTime() / 1000) } },
      areas: {
        areas: {
          type: "checkboxes",
          selected_options: [{ text: { type: "plain_text", text: "payments", emoji: true }, value: "payments" }],
        },
      },
      env: { env: { type: "radio_buttons", selected_option: { text: { type: "plain_text", text: "prod", emoji: true }, value: "prod" } } },
      users_hit: { users_hit: { type: "number_input", value: "1200" } },
      sentry: { sentry: { type: "url_text_input", value: "https://sentry.example/issues/1" } },
      notes: { notes: { type: "plain_text_input", value: null } },
    });
  });

  it("take values keyed by block and action id too", async () => {
    const viewId = await openDeclareModal();
    await slack.submitView({ viewId, values: { title: { title: "Ledger drift" }, ic: { ic: "U0CAROL" } } });
    expect(last().body.view.state.values.title.title.value).toBe("Ledger drift");
    expect(last().body.view.state.values.ic.ic.selected_user).toBe("U0CAROL");
  });

  it("are not submitted when the Slack client would refuse", async () => {
    const viewId = await openDeclareModal();
    const refused = await slack.submitView({ viewId, values: { title: "tiny" } }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SlackClientValidationError);
    expect((refused as SlackClientValidationError).errors).toEqual({
      title: "Please enter at least 5 characters.",
      ic: "Please fill out this field.",
    });
    expect(received).toHaveLength(1);
    await expect(slack.submitView({ viewId, values: { nope: "x" } })).rejects.toThrow(/no block_id or action_id "nope"/);
    await slack.submitView({ viewId, values: { title: "tiny" }, skipClientValidation: true });
    expect(received).toHaveLength(2);
  });

  it("show inline errors, update, push and clear as the app answers", async () => {
    const viewId = await openDeclareModal();
    const values = { title: "Payments failing", ic: "U0BOB" };
    answer = () => ({ body: { response_action: "errors", errors: { title: "A hotfix with this title is open" } } });
    const errors = await slack.submitView({ viewId, values });
    expect(errors).toMatchObject({ responseAction: "errors", errors: { title: "A hotfix with this title is open" }, problems: [] });
    expect(slack.view(viewId)?.status).toBe("open");

    answer = () => ({ body: { response_action: "errors", errors: { extras: "not an input" } } });
    expect((await slack.submitView({ viewId, values })).problems).toEqual(['errors key "extras" is not the block_id of an input block']);

    const before = slack.view(viewId)?.hash;
    answer = () => ({ body: { response_action: "update", view: { ...declareModal, title: { type: "plain_text", text: "Declared" } } } });
    const updated = await slack.submitView({ viewId, values });
    expect(updated.current?.id).toBe(viewId);
    expect(updated.current?.title).toBe("Declared");
    expect(updated.current?.hash).not.toBe(before);

    const confirm = { type: "modal", callback_id: "confirm", title: { type: "plain_text", text: "Confirm" }, blocks: [] };
    answer = () => ({ body: { response_action: "push", view: confirm } });
    const pushed = await slack.submitView({ viewId, values });
    expect(pushed.current).toMatchObject({ callbackId: "confirm", rootViewId: viewId, previousViewId: viewId });

    answer = () => ({ body: { response_action: "clear" } });
    const cleared = await slack.submitView({ viewId: pushed.current?.id ?? "" });
    expect(cleared.current).toBeUndefined();
    expect(slack.views({ open: true })).toHaveLength(0);
  });

  it("keep the modal open when the app fails or is slow", async () => {
    const viewId = await openDeclareModal();
    answer = () => ({ status: 500 });
    const failed = await slack.submitView({ viewId, values: { title: "Payments failing", ic: "U0BOB" } });
    expect(failed.problems).toEqual(["HTTP 500"]);
    expect(slack.view(viewId)?.status).toBe("open");
  });

  it("send block_actions from a modal with the picked value in its state", async () => {
    const viewId = await openDeclareModal();
    const result = await slack.blockAction({ userId: "U0ALICE", viewId, actionId: "deputy", value: "U0DAVE" });
    expect(result.responseUrl).toBeUndefined();
    expect(last().body).toMatchObject({
      type: "block_actions",
      container: { type: "view", view_id: viewId },
      view: {
        id: viewId,
        callback_id: "declare",
        state: { values: { extras: { deputy: { type: "users_select", selected_user: "U0DAVE" } } } },
      },
      actions: [{ type: "users_select", action_id: "deputy", block_id: "extras", selected_user: "U0DAVE" }],
    });
    // What the user picked there is part of the later submission.
    await slack.submitView({ viewId, values: { title: "Payments failing", ic: "U0BOB" } });
    expect(last().body.view.state.values.extras).toEqual({ deputy: { type: "users_select", selected_user: "U0DAVE" } });
  });

  it("push onto the modal a block action came from", async () => {
    const viewId = await openDeclareModal();
    const result = await slack.blockAction({ userId: "U0ALICE", viewId, actionId: "deputy", value: "U0DAVE" });
    const pushed = await client.views.push({
      trigger_id: result.triggerId ?? "",
      view: { type: "modal", title: { type: "plain_text", text: "Deputy" }, blocks: [] },
    });
    expect(pushed.view).toMatchObject({ root_view_id: viewId, previous_view_id: viewId });
    // Only the view on top can be submitted.
    await expect(slack.submitView({ viewId, values: {} })).rejects.toThrow(/not on top/);
    // Closing the pushed view goes back to the modal below it.
    await slack.closeView({ viewId: pushed.view?.id ?? "" });
    expect(slack.views({ open: true }).map((v) => v.id)).toEqual([viewId]);
  });

  it("tell the app about closing only when notify_on_close is set", async () => {
    const viewId = await openDeclareModal();
    const closed = await slack.closeView({ viewId });
    expect(closed?.status).toBe(200);
    expect(last().body).toMatchObject({ type: "view_closed", is_cleared: false, view: { id: viewId, callback_id: "declare" } });
    await client.views.open({
      trigger_id: slack.issueTriggerId("U0ALICE"),
      view: { type: "modal", title: { type: "plain_text", text: "Quiet" }, blocks: [] },
    });
    const quiet = slack.views({ open: true })[0];
    const count = received.length;
    expect(await slack.closeView({ viewId: quiet?.id ?? "" })).toBeUndefined();
    expect(received).toHaveLength(count);
  });
});

describe("shortcuts", () => {
  it("send message_action with the message and a response_url", async () => {
    const human = slack.state.addMessage({ channel: "C0INCIDENTS", user: "U0BOB", text: "errors are back to normal" });
    const result = await slack.messageShortcut({
      userId: "U0BOB",
      channelId: "C0INCIDENTS",
      messageTs: human.ts,
      callbackId: "add_to_timeline",
    });
    expect(last().body).toMatchObject({
      type: "message_action",
      callback_id: "add_to_timeline",
      trigger_id: result.triggerId,
      response_url: result.responseUrl,
      message_ts: human.ts,
      channel: { id: "C0INCIDENTS", name: "incidents" },
      message: { ts: human.ts, user: "U0BOB", text: "errors are back to normal", client_msg_id: expect.any(String) },
    });
    await expect(
      slack.messageShortcut({ userId: "U0BOB", channelId: "C0INCIDENTS", messageTs: human.ts, callbackId: "declare_hotfix" }),
    ).rejects.toThrow(/no message shortcut/);
  });

  it("send global shortcuts with a trigger", async () => {
    const result = await slack.globalShortcut({ userId: "U0CAROL", callbackId: "declare_hotfix" });
    expect(last().body).toMatchObject({
      type: "shortcut",
      callback_id: "declare_hotfix",
      trigger_id: result.triggerId,
      user: { id: "U0CAROL" },
    });
    const opened = await client.views.open({
      trigger_id: result.triggerId ?? "",
      view: { type: "modal", title: { type: "plain_text", text: "Declare" }, blocks: [] },
    });
    expect(opened.ok).toBe(true);
  });
});

describe("events", () => {
  it("wrap events in Slack's envelope and change the workspace like the user did", async () => {
    const posted = await client.chat.postMessage({ channel: "C0INCIDENTS", text: "deploying" });
    const result = await slack.event({
      type: "reaction_added",
      user: "U0ALICE",
      reaction: "white_check_mark",
      channel: "C0INCIDENTS",
      ts: posted.ts,
    });
    const r = last();
    expect(r.headers["content-type"]).toBe("application/json");
    expect(r.signatureValid).toBe(true);
    expect(r.body).toMatchObject({
      type: "event_callback",
      team_id: "T0HOTFIX",
      api_app_id: "A0HOTFIX",
      event_id: result.eventId,
      event_time: expect.any(Number),
      authorizations: [{ team_id: "T0HOTFIX", user_id: "U0HOTFIX", is_bot: true }],
      event: {
        type: "reaction_added",
        user: "U0ALICE",
        reaction: "white_check_mark",
        item: { type: "message", channel: "C0INCIDENTS", ts: posted.ts },
        item_user: "U0HOTFIX",
      },
    });
    expect(result.eventId).toMatch(/^Ev[A-Z0-9]+$/);
    expect(slack.messages("#incidents")[0]?.reactions).toEqual([{ name: "white_check_mark", users: ["U0ALICE"] }]);
  });

  it("redeliver the same event with retry headers", async () => {
    const posted = await client.chat.postMessage({ channel: "C0INCIDENTS", text: "x" });
    answer = () => ({ delayMs: 10 });
    const first = await slack.event({ type: "pin_added", user: "U0BOB", channel: "C0INCIDENTS", ts: posted.ts });
    expect(slack.pins("#incidents").map((p) => p.ts)).toEqual([posted.ts]);
    expect(last().body.event).toMatchObject({ type: "pin_added", channel_id: "C0INCIDENTS", item: { message: { ts: posted.ts } } });
    const again = await slack.replay(first.delivery);
    expect(last().headers).toMatchObject({ "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" });
    expect(last().body.event_id).toBe(first.eventId);
    expect(last().signatureValid).toBe(true);
    await slack.replay(again, { retryReason: "http_error" });
    expect(last().headers).toMatchObject({ "x-slack-retry-num": "2", "x-slack-retry-reason": "http_error" });
    const retried = await slack.event({ type: "app_home_opened", user: "U0ERIN", retryNum: 3, retryReason: "http_timeout" });
    expect(last().headers["x-slack-retry-num"]).toBe("3");
    expect(retried.event).toMatchObject({ type: "app_home_opened", user: "U0ERIN", channel: "D0ERIN", tab: "home" });
  });

  it("send only events the app subscribes to", async () => {
    await expect(slack.event({ type: "message", channel: "C0INCIDENTS", user: "U0ALICE", text: "hi" })).rejects.toThrow(
      /does not subscribe to message/,
    );
    const loose = await startSlackEmulator({ manifestPath: sharedSpecs.manifest, strictManifest: false, appUrl: slack.appUrl ?? "" });
    try {
      const result = await loose.event({ type: "message", channel: "C0INCIDENTS", user: "U0ALICE", text: "hi" });
      expect(result.event).toMatchObject({ type: "message", channel: "C0INCIDENTS", user: "U0ALICE", text: "hi", channel_type: "channel" });
      expect(loose.messages("#incidents").map((m) => m.text)).toEqual(["hi"]);
    } finally {
      await loose.close();
    }
  });

  it("answer url_verification with the challenge", async () => {
    answer = (r) => ({ body: { challenge: r.body.challenge } });
    const delivery = await slack.urlVerification();
    expect(delivery.responseBody).toEqual({ challenge: delivery.payload.challenge });
  });
});
