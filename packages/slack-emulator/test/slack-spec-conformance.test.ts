// Every success answer of the emulator must look like Slack's: its keys a
// subset of the keys in the sample responses under shared/specs/slack/api
// (recursively: channel, message, user, view, blocks…), each with a JSON
// type the sample has there. One busy scenario exercises every method that
// has a spec file; then each file is loaded (lazily: some are megabytes) and
// every recorded answer of that method is checked against it.
//
// Blocks are echoed as the app sent them (Slack does the same), so the
// scenario sticks to block and element kinds the samples contain: they have
// no context-block text elements and no number/url inputs, which Slack
// certainly echoes too.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { WebClient } from "@slack/web-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedSpecs } from "../../../test/support/shared-specs.js";
import { type SlackEmulator, startSlackEmulator } from "../src/index.js";

// A missing spec folder must fail this suite, never empty it: the folder is
// checked by its own test and an absent one lists no files to compare.
const SPEC_DIR = sharedSpecs.slackApiDir;
const specFiles = existsSync(SPEC_DIR) ? readdirSync(SPEC_DIR).filter((f) => f.endsWith(".json")) : [];

type JsonType = "null" | "array" | "object" | "string" | "number" | "boolean";

function jsonType(value: unknown): JsonType {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value as JsonType;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return jsonType(value) === "object";
}

/**
 * Compare a value with every sample the spec shows at the same place.
 * - Samples are placeholders, so only JSON types are compared (int and float are both numbers).
 * - null is accepted anywhere the key exists: Slack sends null for empty values
 *   (previous_view_id, entity_id…) where the samples show a typed placeholder.
 * - An empty object or list in the spec means "free-form" (view.state, metadata.event_payload).
 * - Objects with a "type" (blocks, elements, text objects) are compared with
 *   samples of the same type when the spec has some.
 */
function conform(actual: unknown, samples: unknown[], path: string, problems: string[]): void {
  if (actual === null) return;
  const kind = jsonType(actual);
  const same = samples.filter((s) => jsonType(s) === kind);
  if (same.length === 0) {
    const seen = [...new Set(samples.map(jsonType))].join("|");
    problems.push(`${path}: ${kind} where the spec has ${seen}`);
    return;
  }
  if (Array.isArray(actual)) {
    const items = same.flatMap((s) => s as unknown[]);
    if (items.length === 0) return;
    actual.forEach((item, i) => {
      conform(item, items, `${path}[${i}]`, problems);
    });
    return;
  }
  if (!isObject(actual)) return;
  let candidates = same.filter(isObject);
  if (candidates.some((c) => Object.keys(c).length === 0)) return;
  if (typeof actual.type === "string") {
    const typed = candidates.filter((c) => c.type === actual.type);
    if (typed.length > 0) candidates = typed;
  }
  for (const [key, value] of Object.entries(actual)) {
    const values = candidates.filter((c) => key in c).map((c) => c[key]);
    if (values.length === 0) {
      problems.push(`${path}.${key}: not a key Slack sends here`);
      continue;
    }
    conform(value, values, `${path}.${key}`, problems);
  }
}

let slack: SlackEmulator;

/** Runs every method with a spec file, with data rich enough to fill the answers. */
async function busyScenario(client: WebClient): Promise<void> {
  await client.auth.test();
  const room = await client.conversations.create({ name: "hotfix-spec-check" });
  const id = room.channel?.id ?? "";
  await client.conversations.create({ name: "hotfix-spec-private", is_private: true });
  await client.conversations.info({ channel: id, include_num_members: true });
  await client.conversations.info({ channel: "C0INCIDENTS" });
  await client.conversations.invite({ channel: id, users: "U0ALICE,U0BOB" });
  await client.conversations.join({ channel: "C0ENGPROD" });
  await client.conversations.join({ channel: "C0ENGPROD" });
  await client.conversations.members({ channel: id });
  await client.conversations.setTopic({ channel: id, topic: "P1: payments failing" });
  await client.conversations.setPurpose({ channel: id, purpose: "Hotfix war room" });
  const blocks = [
    { type: "header", text: { type: "plain_text", text: "P1 — Payments failing" } },
    {
      type: "section",
      text: { type: "mrkdwn", text: "*Severity* P1\n*IC* <@U0ALICE>" },
      fields: [
        { type: "mrkdwn", text: "*Branch*\n`release/hotfix-PAY-1`" },
        { type: "plain_text", text: "SLA 24h" },
      ],
      accessory: { type: "button", action_id: "open_runbook", text: { type: "plain_text", text: "Runbook" }, url: "https://runbooks" },
    },
    { type: "divider" },
    {
      type: "actions",
      block_id: "incident_actions",
      elements: [
        { type: "button", action_id: "ack", style: "primary", value: "ack", text: { type: "plain_text", text: "Acknowledge" } },
        {
          type: "static_select",
          action_id: "severity",
          placeholder: { type: "plain_text", text: "Severity" },
          options: [
            { text: { type: "plain_text", text: "P0" }, value: "P0" },
            { text: { type: "plain_text", text: "P1" }, value: "P1" },
          ],
          initial_option: { text: { type: "plain_text", text: "P1" }, value: "P1" },
        },
        { type: "users_select", action_id: "ic", placeholder: { type: "plain_text", text: "Commander" } },
        {
          type: "overflow",
          action_id: "more",
          options: [{ text: { type: "plain_text", text: "Resolve" }, value: "resolve" }],
        },
      ],
    },
    { type: "context", elements: [{ type: "image", image_url: "https://example.com/p1.png", alt_text: "P1" }] },
  ];
  const card = await client.chat.postMessage({
    channel: id,
    text: "P1 declared",
    blocks,
    metadata: { event_type: "hotfix_declared", event_payload: { incident: "HF-1" } },
  });
  const ts = card.ts ?? "";
  await client.chat.postMessage({
    channel: id,
    text: "with an attachment",
    attachments: [
      { fallback: "deploy", color: "#36a64f", title: "Deploy", text: "green", fields: [{ title: "env", value: "prod", short: true }] },
    ],
  });
  const reply = await client.chat.postMessage({ channel: id, text: "timeline: branch cut", thread_ts: ts });
  await client.chat.postMessage({ channel: id, text: "broadcast", thread_ts: ts, reply_broadcast: true });
  await client.chat.postMessage({ channel: "U0BOB", text: "you are an approver" });
  await client.chat.postEphemeral({ channel: id, user: "U0ALICE", text: "only you" });
  await client.chat.update({ channel: id, ts, text: "P1 mitigated", blocks });
  await client.chat.update({ channel: id, ts: reply.ts ?? "", text: "timeline: branch cut (edited)" });
  await client.chat.getPermalink({ channel: id, message_ts: ts });
  await client.chat.getPermalink({ channel: id, message_ts: reply.ts ?? "" });
  await client.pins.add({ channel: id, timestamp: ts });
  await client.reactions.add({ channel: id, timestamp: ts, name: "eyes" });
  slack.state.addMessage({ channel: id, user: "U0BOB", text: "human message" });
  await client.bookmarks.add({ channel_id: id, title: "Runbook", type: "link", link: "https://runbooks/hotfix", emoji: ":book:" });
  await client.filesUploadV2({ channel_id: id, filename: "timeline.md", content: "# Timeline\n", title: "Timeline" });
  await client.conversations.history({ channel: id });
  await client.conversations.history({ channel: id, limit: 2 });
  await client.users.info({ user: "U0ALICE" });
  await client.users.info({ user: "U0FRANK" });
  await client.users.info({ user: "U0HOTFIX" });
  await client.users.lookupByEmail({ email: "carol@example.com" });
  await client.usergroups.list({ include_users: true, include_count: true });
  await client.usergroups.users.list({ usergroup: "S0APPROVERS" });

  const modal = {
    type: "modal" as const,
    callback_id: "declare",
    private_metadata: '{"channel":"C0INCIDENTS"}',
    title: { type: "plain_text" as const, text: "Declare a hotfix" },
    submit: { type: "plain_text" as const, text: "Declare" },
    close: { type: "plain_text" as const, text: "Cancel" },
    notify_on_close: true,
    blocks: [
      {
        type: "input",
        block_id: "title",
        label: { type: "plain_text", text: "Title" },
        element: { type: "plain_text_input", action_id: "title", initial_value: "Payments failing" },
      },
      {
        type: "input",
        block_id: "severity",
        label: { type: "plain_text", text: "Severity" },
        element: {
          type: "static_select",
          action_id: "severity",
          options: [
            { text: { type: "plain_text", text: "P0" }, value: "P0" },
            { text: { type: "plain_text", text: "P1" }, value: "P1" },
          ],
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
        block_id: "due",
        optional: true,
        label: { type: "plain_text", text: "Due" },
        element: { type: "datetimepicker", action_id: "due" },
      },
      {
        type: "input",
        block_id: "checks",
        optional: true,
        label: { type: "plain_text", text: "Checks" },
        element: {
          type: "checkboxes",
          action_id: "checks",
          options: [{ text: { type: "mrkdwn", text: "*Payments*" }, value: "payments" }],
        },
      },
      { type: "section", text: { type: "mrkdwn", text: "Pick a severity" } },
    ],
  };
  const opened = await client.views.open({ trigger_id: slack.issueTriggerId("U0ALICE"), view: modal });
  await client.views.update({ view_id: opened.view?.id ?? "", hash: opened.view?.hash ?? "", view: modal });
  await client.views.push({
    trigger_id: slack.issueTriggerId("U0ALICE"),
    view: {
      type: "modal",
      title: { type: "plain_text", text: "Confirm" },
      blocks: [{ type: "section", text: { type: "plain_text", text: "Sure?" } }],
    },
  });
  const home = {
    type: "home" as const,
    blocks: [
      { type: "header", text: { type: "plain_text", text: "Hotfix Commander" } },
      { type: "section", text: { type: "mrkdwn", text: "No active hotfix" } },
    ],
  };
  await client.views.publish({ user_id: "U0CAROL", view: home });
  await client.views.publish({ user_id: "U0CAROL", view: home });

  await client.conversations.archive({ channel: id });
}

describe("answers match Slack's sample responses", () => {
  it("finds the sample responses in shared/specs/slack/api", () => {
    expect(existsSync(SPEC_DIR), `${SPEC_DIR} is missing: shared/ must sit beside the repository`).toBe(true);
    expect(specFiles.length).toBeGreaterThan(20);
  });

  beforeAll(async () => {
    slack = await startSlackEmulator({ manifestPath: sharedSpecs.manifest });
    const client = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
    await busyScenario(client);
  });
  afterAll(async () => {
    await slack?.close();
  });

  it("has a checker that catches unknown keys and wrong types", () => {
    const problems: string[] = [];
    const spec = { ok: false, channel: { id: "C0", is_member: false, topic: { value: "" } }, blocks: [{ type: "divider", block_id: "" }] };
    conform(
      {
        ok: true,
        channel: { id: "C1", is_member: "yes", extra: 1, topic: { value: "x", mood: "" } },
        blocks: [{ type: "divider", block_id: 5 }],
      },
      [spec],
      "m",
      problems,
    );
    expect(problems).toEqual([
      "m.channel.is_member: string where the spec has boolean",
      "m.channel.extra: not a key Slack sends here",
      "m.channel.topic.mood: not a key Slack sends here",
      "m.blocks[0].block_id: number where the spec has string",
    ]);
  });

  it("ran without emulator errors", () => {
    expect(slack.internalErrors).toEqual([]);
    expect(slack.calls().filter((c) => c.response.ok !== true && !c.method.startsWith("files."))).toEqual([]);
  });

  it.each(specFiles)("%s", (file) => {
    const method = file.replace(/\.json$/, "");
    const answers = slack.calls(method).filter((c) => c.response.ok === true);
    expect(answers.length, `the scenario never called ${method} successfully`).toBeGreaterThan(0);
    const spec: unknown = JSON.parse(readFileSync(`${SPEC_DIR}/${file}`, "utf8"));
    const problems: string[] = [];
    for (const answer of answers) conform(answer.response, [spec], method, problems);
    expect([...new Set(problems)]).toEqual([]);
  });
});
