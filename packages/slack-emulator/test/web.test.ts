// The sandbox page's HTTP side (src/web/): the static page with its security
// headers, the JSON the page polls, and the page's actions arriving at an app
// as signed Slack requests. The app here is a small receiver of our own that
// checks every signature, opens a modal and answers a submission with errors,
// so the emulator's page is tested without the bot.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedSpecs } from "../../../test/support/shared-specs.js";
import { type SlackEmulator, startSlackEmulator, verifySignature } from "../src/index.js";

let slack: SlackEmulator;
let app: Server;
const received: { kind: string; body: Record<string, unknown> }[] = [];
let badSignatures = 0;

async function read(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

const MODAL = {
  type: "modal",
  callback_id: "form",
  title: { type: "plain_text", text: "A form" },
  submit: { type: "plain_text", text: "Send" },
  blocks: [
    {
      type: "input",
      block_id: "why",
      label: { type: "plain_text", text: "Why" },
      element: { type: "plain_text_input", action_id: "value" },
    },
    {
      type: "input",
      block_id: "when",
      optional: true,
      label: { type: "plain_text", text: "When" },
      element: { type: "datepicker", action_id: "value" },
    },
  ],
};

/** The app side: verify, record, and answer like a Bolt app would. */
async function startApp(): Promise<string> {
  app = createServer(async (req, res) => {
    const raw = await read(req);
    const ok = verifySignature(
      slack.signingSecret,
      Number(req.headers["x-slack-request-timestamp"]),
      raw,
      String(req.headers["x-slack-signature"]),
    );
    if (!ok) {
      badSignatures += 1;
      res.writeHead(401).end();
      return;
    }
    const form = new URLSearchParams(raw);
    const body = form.has("payload")
      ? (JSON.parse(form.get("payload") ?? "{}") as Record<string, unknown>)
      : raw.startsWith("{")
        ? (JSON.parse(raw) as Record<string, unknown>)
        : Object.fromEntries(form);
    const kind = String(body.type ?? (body.command ? "command" : "unknown"));
    received.push({ kind, body });
    if (kind === "command") {
      res.writeHead(200).end();
      await fetch(`${slack.apiUrl}views.open`, {
        method: "POST",
        headers: { authorization: `Bearer ${slack.botToken}`, "content-type": "application/json" },
        body: JSON.stringify({ trigger_id: body.trigger_id, view: MODAL }),
      });
      return;
    }
    if (kind === "view_submission") {
      const values = (body.view as { state: { values: Record<string, Record<string, { value?: string }>> } }).state.values;
      const why = values.why?.value?.value ?? "";
      res.writeHead(200, { "content-type": "application/json" });
      res.end(why.length < 5 ? JSON.stringify({ response_action: "errors", errors: { why: "Say a bit more." } }) : "");
      return;
    }
    res.writeHead(200).end();
  });
  await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(app.address() as AddressInfo).port}/slack/events`;
}

const post = async (path: string, body: unknown) => {
  const res = await fetch(`${slack.url}/web/api/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

const page = async (query: string) => (await (await fetch(`${slack.url}/web/api/page?${query}`)).json()) as Record<string, unknown>;

beforeAll(async () => {
  slack = await startSlackEmulator({ manifestPath: sharedSpecs.manifest });
  slack.setAppUrl(await startApp());
});

afterAll(async () => {
  await slack?.close();
  await new Promise((resolve) => app?.close(resolve));
});

describe("the page", () => {
  it("is served with a content security policy that runs only its own script", async () => {
    const res = await fetch(`${slack.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await res.text()).toContain('<script src="/web/app.js" defer></script>');
    for (const asset of ["/web/app.js", "/web/style.css"]) expect((await fetch(`${slack.url}${asset}`)).status).toBe(200);
  });

  it("shows the workspace as one person sees it, with panels others register", async () => {
    slack.panels.set("repo", { id: "repo", title: "Repo", load: () => ({ sections: [{ title: "Tags", rows: [{ text: "v1.2.3" }] }] }) });
    slack.panels.set("broken", {
      id: "broken",
      title: "Broken",
      load: () => {
        throw new Error("cannot read");
      },
    });
    const state = await page("user=U0ERIN&channel=C0STAKEHOLDERS");
    expect(state.me).toMatchObject({ id: "U0ERIN" });
    expect((state.channel as { name: string }).name).toBe("stakeholders");
    expect((state.users as { id: string }[]).map((u) => u.id)).not.toContain("U0FRANK");
    const panels = (await (await fetch(`${slack.url}/web/api/panels`)).json()) as unknown[];
    expect(panels).toEqual([
      { id: "repo", title: "Repo", data: { sections: [{ title: "Tags", rows: [{ text: "v1.2.3" }] }] } },
      { id: "broken", title: "Broken", error: "cannot read" },
    ]);
    slack.panels.clear();
  });

  it("refuses bad input with a clear error and sends nothing", async () => {
    const before = received.length;
    expect(await post("command", "not json")).toEqual({ status: 400, body: { ok: false, error: "expected a JSON object" } });
    expect(await post("command", { user: "U0ALICE", channel: "C0GENERAL" })).toEqual({
      status: 400,
      body: { ok: false, error: "text is required" },
    });
    expect((await post("command", { user: "U0FRANK", channel: "C0GENERAL", text: "/hotfix help" })).body).toEqual({
      ok: false,
      error: "no such person: U0FRANK",
    });
    expect((await post("nothing", { user: "U0ALICE" })).status).toBe(404);
    expect(received.length).toBe(before);
  });
});

describe("what a person does on the page reaches the app signed, as Slack sends it", () => {
  it("a slash command, the modal it opened, a submission refused inline, then accepted", async () => {
    const sent = await post("command", { user: "U0ALICE", channel: "C0GENERAL", text: "/hotfix help me" });
    expect(sent.body).toEqual({ ok: true });
    expect(received.at(-1)).toMatchObject({ kind: "command", body: { command: "/hotfix", text: "help me", user_id: "U0ALICE" } });
    const modal = await (async () => {
      for (let i = 0; i < 50; i++) {
        const state = await page("user=U0ALICE&channel=C0GENERAL");
        if (state.modal) return state.modal as { id: string; title: string };
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error("no modal");
    })();
    expect(modal.title).toBe("A form");
    // Left empty: the Slack client itself refuses, nothing is sent.
    const empty = await post("submit", { user: "U0ALICE", viewId: modal.id, values: { why: { value: null } } });
    expect(empty.body).toMatchObject({ ok: false, responseAction: "errors", errors: { why: "Please fill out this field." } });
    // Too short: the app answers response_action errors; the modal stays open.
    const short = await post("submit", { user: "U0ALICE", viewId: modal.id, values: { why: { value: "no" } } });
    expect(short.body).toMatchObject({ ok: true, responseAction: "errors", errors: { why: "Say a bit more." } });
    expect(((await page("user=U0ALICE")).modal as { id: string }).id).toBe(modal.id);
    const good = await post("submit", {
      user: "U0ALICE",
      viewId: modal.id,
      values: { why: { value: "Because <b>it</b> broke" }, when: { value: "2026-12-01" } },
    });
    expect(good.body).toMatchObject({ ok: true, responseAction: "close" });
    const submission = received.filter((r) => r.kind === "view_submission").at(-1)?.body as {
      view: { state: { values: Record<string, Record<string, unknown>> } };
    };
    expect(submission.view.state.values).toEqual({
      why: { value: { type: "plain_text_input", value: "Because <b>it</b> broke" } },
      when: { value: { type: "datepicker", selected_date: "2026-12-01" } },
    });
    expect((await page("user=U0ALICE")).modal).toBeNull();
    expect(badSignatures).toBe(0);
  });

  it("a button click on a message, as block_actions with the message", async () => {
    const ts = slack.state.addMessage({
      channel: "C0GENERAL",
      user: slack.bot.userId,
      text: "card",
      blocks: [
        {
          type: "actions",
          block_id: "card",
          elements: [{ type: "button", action_id: "go", text: { type: "plain_text", text: "Go" }, value: "v1" }],
        },
      ],
    }).ts;
    const clicked = await post("action", { user: "U0BOB", channel: "C0GENERAL", ts, actionId: "go", blockId: "card" });
    expect(clicked.body).toEqual({ ok: true });
    expect(received.at(-1)).toMatchObject({
      kind: "block_actions",
      body: { user: { id: "U0BOB" }, actions: [{ action_id: "go", value: "v1" }], container: { message_ts: ts } },
    });
    expect((await post("action", { user: "U0BOB", channel: "C0GENERAL", ts, actionId: "nope" })).body).toMatchObject({
      ok: false,
      error: expect.stringContaining("no action nope"),
    });
  });

  it("a panel's button runs the registering side's action for that person; a refusal is shown", async () => {
    const done: string[] = [];
    slack.panels.set("ci", {
      id: "ci",
      title: "CI",
      load: () => ({ sections: [], actions: [{ id: "deploy", label: "Deploy" }] }),
      act: (action, user) => {
        if (action !== "deploy") throw new Error(`No action ${action}.`);
        done.push(`${action} by ${user}`);
        return "Deployed.";
      },
    });
    expect((await post("panel", { user: "U0DAVE", panel: "ci", action: "deploy" })).body).toEqual({ ok: true, message: "Deployed." });
    expect((await post("panel", { user: "U0DAVE", panel: "ci", action: "explode" })).body).toEqual({
      ok: false,
      error: "No action explode.",
    });
    expect((await post("panel", { user: "U0DAVE", panel: "nope", action: "deploy" })).status).toBe(404);
    expect(done).toEqual(["deploy by U0DAVE"]);
    slack.panels.clear();
  });

  it("opening the App Home sends app_home_opened for that person", async () => {
    expect((await post("home", { user: "U0CAROL" })).body).toEqual({ ok: true });
    expect(received.at(-1)).toMatchObject({ kind: "event_callback", body: { event: { type: "app_home_opened", user: "U0CAROL" } } });
  });
});
