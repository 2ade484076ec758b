// The main listener callbacks, called directly the way Slack's TypeScript
// starter template tests them: a fake ack and client, assertions on what they
// were called with. No app, no HTTP, no database.
import { describe, expect, it, vi } from "vitest";
import { hotfixCommand } from "../../src/slack/listeners/commands/hotfix.js";
import { appHomeOpened } from "../../src/slack/listeners/events/app-home.js";
import { declareShortcut } from "../../src/slack/listeners/shortcuts/declare.js";
import { declareSubmitted } from "../../src/slack/listeners/views/declare.js";
import { allVerbs } from "../../src/slack/verbs/index.js";
import { fakeContext } from "../support/registrations.js";

const ctx = fakeContext();

describe("/hotfix", () => {
  const command = (text: string) => ({
    command: "/hotfix",
    text,
    user_id: "U0ALICE",
    channel_id: "C0ENGPROD",
    trigger_id: "1.2.3",
    response_url: "https://hooks.slack.test/r",
  });

  it("answers an unknown verb in the ack, with a guess and the help", async () => {
    const ack = vi.fn(async () => undefined);
    const respond = vi.fn(async () => undefined);
    await hotfixCommand(ctx, allVerbs())({ command: command("stauts") as never, ack, respond: respond as never, client: {} as never });
    expect(ack).toHaveBeenCalledTimes(1);
    const answer = ack.mock.calls[0] as unknown as [{ response_type: string; text: string }];
    expect(answer[0].response_type).toBe("ephemeral");
    expect(answer[0].text).toContain("`stauts` is not a /hotfix verb. Did you mean `/hotfix status`?");
    expect(respond).not.toHaveBeenCalled();
  });

  it("opens the declare form with the trigger before anything else", async () => {
    const ack = vi.fn(async () => undefined);
    const open = vi.fn(async () => ({ ok: true }));
    await hotfixCommand(
      ctx,
      allVerbs(),
    )({ command: command("declare Card fees wrong") as never, ack, respond: vi.fn(), client: { views: { open } } as never });
    expect(ack).toHaveBeenCalledWith();
    expect(open).toHaveBeenCalledWith(
      expect.objectContaining({ trigger_id: "1.2.3", view: expect.objectContaining({ callback_id: "declare" }) }),
    );
  });
});

describe("the global shortcut declare_hotfix", () => {
  it("acks and opens the declare form for the person who used it", async () => {
    const ack = vi.fn(async () => undefined);
    const open = vi.fn(async () => ({ ok: true }));
    await declareShortcut(ctx)({
      ack,
      shortcut: { type: "shortcut", callback_id: "declare_hotfix", trigger_id: "9.9.9", user: { id: "U0BOB" } } as never,
      client: { views: { open } } as never,
    });
    expect(ack).toHaveBeenCalledWith();
    const [args] = open.mock.calls[0] as unknown as [{ trigger_id: string; view: { callback_id: string; private_metadata: string } }];
    expect(args.trigger_id).toBe("9.9.9");
    expect(args.view.callback_id).toBe("declare");
    expect(JSON.parse(args.view.private_metadata)).toEqual({});
  });
});

describe("the declare form", () => {
  it("answers bad input with inline errors and declares nothing", async () => {
    const ack = vi.fn(async () => undefined);
    const view = {
      id: "V1",
      private_metadata: "{}",
      state: { values: { title: { value: { type: "plain_text_input", value: "" } }, severity: { value: { type: "static_select" } } } },
    };
    await declareSubmitted(ctx)({ ack, body: { user: { id: "U0ALICE" } } as never, view: view as never });
    expect(ack).toHaveBeenCalledTimes(1);
    const [answer] = ack.mock.calls[0] as unknown as [{ response_action: string; errors: Record<string, string> }];
    expect(answer.response_action).toBe("errors");
    expect(Object.keys(answer.errors)).toEqual(expect.arrayContaining(["title", "severity"]));
  });
});

describe("App Home", () => {
  it("publishes the home view to whoever opened it", async () => {
    // The Home's data is one raw query (store/home.ts); here it finds no incident.
    const queryRaw = vi.fn(async () => []);
    const publish = vi.fn(async () => ({ ok: true }));
    await appHomeOpened(fakeContext({ prisma: { $queryRaw: queryRaw } as never }))({
      event: { type: "app_home_opened", user: "U0ALICE", tab: "home", channel: "D1", event_ts: "1" } as never,
      client: { views: { publish } } as never,
    });
    const [args] = publish.mock.calls[0] as unknown as [
      { user_id: string; view: { type: string; blocks: Array<{ text?: { text: string } }> } },
    ];
    expect(args.user_id).toBe("U0ALICE");
    expect(args.view.type).toBe("home");
    expect(args.view.blocks.map((b) => b.text?.text)).toContain("*No open incidents.* :white_check_mark:");
    expect(queryRaw).toHaveBeenCalledTimes(1);
  });

  it("ignores the other tabs", async () => {
    const publish = vi.fn();
    await appHomeOpened(ctx)({
      event: { type: "app_home_opened", user: "U0ALICE", tab: "messages" } as never,
      client: { views: { publish } } as never,
    });
    expect(publish).not.toHaveBeenCalled();
  });
});
