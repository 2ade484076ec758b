// Hostile titles, reasons, updates and URLs, typed through Slack into the
// real app: whatever they contain, nobody is pinged, no link is forged, no
// text is reordered by bidi overrides, NUL never reaches Postgres, and too
// long is refused with a clear message. Asserted on what the Slack emulator
// received: announcements, the pinned card, status, updates, deploy and
// completion messages. And a replayed "Post an update" posts once.

import type { EmulatedRepo } from "@hotfix/github-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BRANCH_CREATE_ACTION } from "../../src/slack/blocks/release-lane.js";
import { fireStabilityWindow } from "../../src/workflows/deploy.js";
import { declareViaSlack, openDeclareForm, settled } from "../support/declare.js";
import { eventually, type Harness } from "../support/harness.js";
import {
  answer,
  hotfix,
  incidentNow,
  JUSTIFICATION,
  movableClock,
  openReleaseForm,
  saidInRoom,
  startReleaseLane,
  stopReleaseLane,
  submitRelease,
} from "../support/release-lane.js";

const RLO = "\u202E";
const PDF = "\u202C";
const LRI = "\u2066";
const PDI = "\u2069";
const NUL = "\u0000";
/** NUL, bidi embeddings, overrides and isolates: none may reach Slack or the database. */
const UNSAFE = new RegExp(`[${NUL}\u202A-\u202E\u2066-\u2069]`);

/** Everything at once: a broadcast, a mention, a forged link, mrkdwn, an RTL override, an isolate, NUL. */
const HOSTILE = `<!channel> <!here> <@U0CAROL> <https://evil.example/login|Open the runbook> *bold* _it_ ~s~ \`code\` ${RLO}exe.piz${PDF} ${LRI}x${PDI} & ${NUL}end`;
const TITLE = HOSTILE;
const CLEAN_TITLE = "<!channel> <!here> <@U0CAROL> <https://evil.example/login|Open the runbook> *bold* _it_ ~s~ `code` exe.piz x & end";

const HOUR = 3_600_000;
const clock = movableClock();
let h: Harness;
let repo: EmulatedRepo;
let incidentId: string;
let room: string;

/**
 * Every string the app sent to Slack so far (Web API calls, response_url
 * posts, command answers), with whether Slack reads it as mrkdwn. plain_text
 * objects, topics, purposes, bookmark titles and input values are shown as
 * typed by Slack: there `<!channel>` is only text.
 */
const PLAIN_KEYS = new Set(["topic", "purpose", "title", "initial_value", "private_metadata", "value", "name", "placeholder"]);

function strings(value: unknown, where: string, plain: boolean, out: Array<{ where: string; text: string; plain: boolean }>): void {
  if (typeof value === "string") out.push({ where, text: value, plain });
  else if (Array.isArray(value)) for (const item of value) strings(item, where, plain, out);
  else if (value && typeof value === "object") {
    const isPlain = (value as { type?: unknown }).type === "plain_text";
    for (const [key, item] of Object.entries(value)) strings(item, `${where}.${key}`, plain || isPlain || PLAIN_KEYS.has(key), out);
  }
}

function everythingSent(): Array<{ where: string; text: string; plain: boolean }> {
  const out: Array<{ where: string; text: string; plain: boolean }> = [];
  for (const call of h.slack.calls()) strings(call.params, call.method, false, out);
  for (const post of h.slack.responseUrlPosts()) strings(post.body, "response_url", false, out);
  for (const e of h.slack.ephemerals({ includeDeleted: true }))
    strings({ text: e.text, blocks: e.blocks }, `ephemeral ${e.source}`, false, out);
  return out;
}

/** Nothing a person typed acts in Slack (`<!date^…>` is the app's own date token), and no NUL or override reached it at all. */
function expectNothingActive(sent: Array<{ where: string; text: string; plain: boolean }>): void {
  for (const { where, text, plain } of sent) {
    expect(text, where).not.toMatch(UNSAFE);
    if (plain) continue;
    expect(text, where).not.toMatch(/<!(channel|here|everyone)/);
    expect(text, where).not.toContain("<@U0CAROL");
    expect(text, where).not.toContain("<https://evil.example");
  }
}

const messagesIn = (channel: string) => h.slack.messages(channel).map((m) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`);

beforeAll(async () => {
  ({ h, repo } = await startReleaseLane({ now: clock.now, policy: { people: { releaseCaptains: { usergroup: "S0CAPTAINS" } } } }));
  repo.setRef("refs/heads/main", repo.mustResolve("v1.2.3").sha);
}, 60_000);

afterAll(() => stopReleaseLane(h));

describe("the declare form refuses what cannot be stored or linked, inline, and creates nothing", () => {
  const refused = async (values: Record<string, unknown>, field: string, pattern: RegExp) => {
    const viewId = await openDeclareForm(h.slack, { title: "x" });
    const res = await h.slack.submitView({
      viewId,
      userId: "U0ALICE",
      skipClientValidation: true,
      values: Object.fromEntries(
        Object.entries({ title: "Payments failing", severity: "P1", commander: "U0BOB", ...values }).map(([k, v]) => [k, { value: v }]),
      ),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ response_action: "errors", errors: { [field]: expect.stringMatching(pattern) } });
    await h.slack.closeView({ viewId, userId: "U0ALICE" });
  };

  it("5,000 characters of title, a title of only NUL and overrides, and links that would break out of <url|label>", async () => {
    await refused({ title: "A".repeat(5000) }, "title", /under 150 characters/);
    await refused({ title: `${NUL}${NUL}${RLO}${PDF}  ` }, "title", /Give the incident a title/);
    await refused({ ticket: "https://tickets.example/T-1|<!channel>" }, "ticket", /cannot contain/);
    await refused({ ticket: "https://tickets.example/T-1>x" }, "ticket", /cannot contain/);
    await refused({ ticket: "javascript:alert(1)" }, "ticket", /must be a link/);
    await refused({ ticket: "https://admin:hunter2@tickets.example/T-1" }, "ticket", /user name or password/);
    await refused({ impact_users: "x".repeat(5000) }, "impact_users", /under 500/);
    expect(await h.db.prisma.incident.count()).toBe(0);
    expect(h.slack.calls("chat.postMessage")).toHaveLength(0);
  });
});

describe("a hostile title, impact and ticket link", () => {
  beforeAll(async () => {
    const res = await declareViaSlack(h.slack, {
      title: "placeholder",
      values: {
        title: TITLE,
        severity: "P1",
        commander: "U0BOB",
        impact_users: HOSTILE,
        impact_revenue: `${"$".repeat(10)} ${HOSTILE}`,
        ticket: "https://tickets.example/browse/T-1?q=a%7Cb#x",
      },
    });
    expect(res.body).toBeFalsy();
    const incident = await eventually(async () => {
      const found = await h.db.prisma.incident.findFirstOrThrow({ where: { title: CLEAN_TITLE } });
      expect(found.warRoomChannelId).toBeTruthy();
      return found;
    });
    await settled(h.db.prisma);
    incidentId = incident.id;
    room = incident.warRoomChannelId ?? "";
  }, 60_000);

  it("is stored without NUL or overrides, and shown escaped in the announcements and the pinned card", async () => {
    const incident = await incidentNow(h, incidentId);
    expect(incident.title).toBe(CLEAN_TITLE);
    expect(incident.impactUsers).not.toMatch(UNSAFE);
    for (const channel of ["#incidents", "#eng-prod"]) {
      const said = messagesIn(channel).join("\n");
      expect(said, channel).toContain(
        "&lt;!channel&gt; &lt;!here&gt; &lt;@U0CAROL&gt; &lt;https://evil.example/login|Open the runbook&gt;",
      );
    }
    const card = h.slack.pins(room)[0]?.message;
    const cardText = JSON.stringify(card?.blocks);
    expect(cardText).toContain("&lt;!channel&gt;");
    // The ticket link stays one link: its own `|` encoded, the label ours.
    expect(cardText).toContain("<https://tickets.example/browse/T-1?q=a%7Cb#x|Ticket>");
    expectNothingActive(everythingSent());
  });

  it("/hotfix status shows it escaped", async () => {
    const res = await hotfix(h, room, "status", "U0DAVE");
    const text = await eventually(() => {
      const t = res.text();
      expect(t).toContain("&lt;!channel&gt;");
      return t;
    });
    expect(text).not.toContain("<!channel>");
    expectNothingActive(everythingSent());
  });

  it("an update full of it is posted escaped everywhere; 5,000 characters are refused and nothing is posted", async () => {
    await hotfix(h, room, `update ${HOSTILE}\nsecond line`, "U0DAVE");
    await settled(h.db.prisma);
    for (const channel of [room, "#incidents", "#eng-prod"]) {
      expect(
        messagesIn(channel).some((m) => m.includes("&lt;https://evil.example/login|Open the runbook&gt;")),
        channel,
      ).toBe(true);
    }
    const events = await h.db.prisma.timelineEvent.findMany({ where: { incidentId, kind: "status_update" } });
    expect(events).toHaveLength(1);
    expect(events[0]?.summary).not.toMatch(UNSAFE);
    const posts = h.slack.calls("chat.postMessage").length;
    const long = await hotfix(h, room, `update ${"<!channel> ".repeat(500)}`, "U0DAVE");
    await eventually(() => expect(long.text()).toContain("Keep updates under 3000 characters"));
    await settled(h.db.prisma);
    expect(h.slack.calls("chat.postMessage")).toHaveLength(posts);
    expect(await h.db.prisma.timelineEvent.count({ where: { incidentId, kind: "status_update" } })).toBe(1);
    expectNothingActive(everythingSent());
  });

  it("a replayed or double-submitted 'Post an update' form posts once", async () => {
    const incident = await incidentNow(h, incidentId);
    const press = await h.slack.blockAction({
      userId: "U0DAVE",
      channelId: room,
      messageTs: incident.cardTs ?? "",
      actionId: "card_update",
      value: incident.id,
    });
    const viewId = await eventually(() => {
      const id = h.slack.viewOpenedBy(press.triggerId ?? "");
      if (!id) throw new Error("no update form yet");
      return id;
    });
    await h.slack.submitView({ viewId, userId: "U0DAVE", values: { text: { value: "Replay me: consumers scaled to 40." } } });
    const submission = h.slack.deliveries("view_submission").at(-1);
    if (!submission) throw new Error("no view submission delivered");
    // Slack retries a delivery it thinks was lost; a double-click sends the same view again.
    await h.slack.replay(submission);
    await h.slack.replay(submission);
    await settled(h.db.prisma);
    expect(
      await h.db.prisma.timelineEvent.count({ where: { incidentId, kind: "status_update", summary: { contains: "Replay me" } } }),
    ).toBe(1);
    for (const channel of [room, "#incidents", "#eng-prod"]) {
      expect(
        messagesIn(channel).filter((m) => m.includes("Replay me")),
        channel,
      ).toHaveLength(1);
    }
  });

  it("deploy reasons and the completion messages show it escaped too", async () => {
    // The branch, named with markup (git allows < > | in a ref), from the preview's button.
    await hotfix(h, room, "branch <!channel>|<@U0CAROL>", "U0BOB");
    const preview = await answer(h, room, "U0BOB", BRANCH_CREATE_ACTION);
    await h.slack.blockAction({ userId: "U0BOB", actionId: BRANCH_CREATE_ACTION, channelId: room, messageTs: preview.ts });
    await saidInRoom(h, room, "is protected");
    const branch = (await incidentNow(h, incidentId)).hotfixBranch ?? "";
    expect(branch).not.toMatch(/[<>|]/);
    const fix = repo.commit({ branch, message: "fix: fees", files: { "src/money.ts": "export const fee = 1;\n" } });
    // Every check the policy or branch protection may require, green.
    for (const name of ["build", "test"]) repo.addCheckRun(fix, { name, conclusion: "success" });
    const view = await openReleaseForm(h, room);
    await submitRelease(h, view.id, {
      version: "v1.2.4",
      commit: fix,
      parent: "v1.2.3",
      justification: JUSTIFICATION,
      ticket: "https://linear.app/acme/issue/ENG-42/fees",
      risk: "medium",
    });
    await saidInRoom(h, room, /v1\.2\.4 released/, 20_000);
    for (const environment of ["staging", "production"]) {
      const deployed = await hotfix(h, room, `deployed ${environment} ${fix.slice(0, 12)} ${HOSTILE}`, "U0BOB");
      await eventually(() => expect(deployed.text()).toContain(`deployed to ${environment}`));
    }
    await saidInRoom(h, room, /Deployed `[0-9a-f]{7}` to \*production\*/);
    expect(messagesIn(room).some((m) => m.includes("&lt;!channel&gt;") && m.includes("Deployed"))).toBe(true);
    await settled(h.db.prisma);
    clock.advance(25 * HOUR);
    const incident = await incidentNow(h, incidentId);
    expect(await fireStabilityWindow(h.app.ctx, { incidentId, endsAt: incident.stabilityEndsAt?.toISOString() ?? "" })).toBe("sent");
    await settled(h.db.prisma);
    // When the policy makes completion wait for UAT, skipping it takes a reason: a hostile one here too.
    if ((h.config.policy as { uat?: { required?: boolean } }).uat?.required) {
      const skipped = await hotfix(h, room, `uat skip ${HOSTILE}`, "U0BOB");
      await eventually(() => expect(skipped.text()).not.toBe(""));
      await settled(h.db.prisma);
    }
    const res = await hotfix(h, room, "complete", "U0BOB");
    await eventually(() => expect(res.text()).toContain("Completing"));
    const done = await saidInRoom(h, room, /HF-\d+ complete\*/, 30_000);
    // The deployment log carries the reason, escaped.
    expect(done).toContain("&lt;!channel&gt;");
    const announced = await eventually(() => {
      const found = ["#incidents", "#eng-prod", "#stakeholders"].flatMap(messagesIn).find((m) => m.includes("is complete"));
      expect(found).toBeTruthy();
      return found as string;
    });
    expect(announced).toContain("&lt;!channel&gt; &lt;!here&gt; &lt;@U0CAROL&gt;");
    expectNothingActive(everythingSent());
  });
});
