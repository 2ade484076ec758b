// Property tests through the real app: generated slash commands and form
// submissions, signed as Slack signs them, against the emulators and real
// Postgres. For any input: HTTP 200 (never a 500), never "something went
// wrong" (every bad input gets its own clear answer), and never a
// half-written row: a refused form leaves the database as it was; an
// accepted one writes everything that belongs together.

import type { EmulatedRepo } from "@hotfix/github-emulator";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDeclareForm, settled } from "../support/declare.js";
import { eventually, type Harness } from "../support/harness.js";
import { declared, incidentNow, openReleaseForm, startReleaseLane, stopReleaseLane } from "../support/release-lane.js";
import { maybeText, nastyText } from "./arbitraries.js";

const SOMETHING_WRONG = /Something went wrong/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must be absent.
const UNSAFE = /[\u0000-\u001F\u007F\u202A-\u202E\u2066-\u2069]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must be absent.
const UNSAFE_NOTE = /[\u0000-\u0008\u000B-\u001F\u007F\u202A-\u202E\u2066-\u2069]/;

let h: Harness;
let repo: EmulatedRepo;
let room: string;
let incidentId: string;

const counts = async () => {
  const p = h.db.prisma;
  return {
    incidents: await p.incident.count(),
    steps: await p.sideEffect.count(),
    events: await p.timelineEvent.count(),
    roles: await p.incidentRole.count(),
  };
};

/** Whatever the app answered anyone so far, as text. */
const allAnswers = () =>
  [
    ...h.slack.ephemerals({ includeDeleted: true }).map((e) => e.text),
    ...h.slack.responseUrlPosts().map((p) => JSON.stringify(p.body)),
  ].join("\n");

beforeAll(async () => {
  ({ h, repo } = await startReleaseLane({ policy: { people: { releaseCaptains: { usergroup: "S0CAPTAINS" } } } }));
  const incident = await declared(h, { commanderId: "U0BOB", title: "Fuzzed war room" });
  room = incident.warRoomChannelId;
  incidentId = incident.id;
}, 60_000);

afterAll(async () => {
  expect(h.slack.internalErrors).toEqual([]);
  await stopReleaseLane(h);
});

describe("/hotfix with generated text", () => {
  const VERBS = [
    "status",
    "severity",
    "role",
    "update",
    "phase",
    "resolve",
    "retry",
    "help",
    "tag",
    "deployed",
    "branch",
    "rollback",
    "timeline",
    "",
    "declare",
    "Status",
    "sevrity",
  ];

  it("always answers 200 and never 'something went wrong', as the commander and as a stranger, in and out of a war room", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...VERBS),
        nastyText(8),
        fc.constantFrom("U0BOB", "U0ERIN"),
        fc.boolean(),
        async (verb, args, user, inRoom) => {
          const before = (await counts()).incidents;
          const res = await h.slack.slashCommand({ userId: user, channelId: inRoom ? room : "C0GENERAL", text: `${verb} ${args}` });
          expect(res.status).toBe(200);
          // A command never makes or loses an incident (declare only opens the form).
          expect((await counts()).incidents).toBe(before);
        },
      ),
      { numRuns: 100 },
    );
    await settled(h.db.prisma);
    // Answers after the ack arrive through response_url: all of them are in by now.
    expect(allAnswers()).not.toMatch(SOMETHING_WRONG);
    const incident = await incidentNow(h, incidentId);
    expect(incident.title).toBe("Fuzzed war room");
    const events = await h.db.prisma.timelineEvent.findMany({ where: { incidentId } });
    for (const e of events) expect(e.summary, e.kind).not.toContain("\u0000");
  }, 240_000);
});

describe("the declare form with generated values", () => {
  it("answers 200 with inline errors and nothing written, or one whole incident with clean text", async () => {
    let viewId = await openDeclareForm(h.slack, { title: "x" });
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          title: fc.oneof(maybeText(), fc.constantFrom("Payments failing", "<!channel> down")),
          // Selects carry only their options (Slack signs what it sends); the pure parser's fuzz covers the rest.
          severity: fc.constantFrom("P0", "P1", "P2"),
          commander: fc.constantFrom("U0BOB", "U0FRANK", "U0DEPLOYBOT", "UNOSUCH", "", "<@U0BOB>"),
          impact_users: maybeText(),
          service: maybeText(4),
          ticket: fc.oneof(maybeText(4), fc.webUrl(), fc.constant("https://x.example/a|b>")),
        }),
        async (values) => {
          if (h.slack.view(viewId)?.status !== "open") viewId = await openDeclareForm(h.slack, { title: "x" });
          await settled(h.db.prisma);
          const before = await counts();
          const res = await h.slack.submitView({
            viewId,
            userId: "U0ALICE",
            skipClientValidation: true,
            values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v ?? "" }])),
          });
          expect(res.status).toBe(200);
          const body = res.body as { response_action?: string; errors?: Record<string, string> } | null | undefined;
          if (body?.response_action === "errors") {
            expect(Object.keys(body.errors ?? {}).length).toBeGreaterThan(0);
            expect(await counts()).toEqual(before);
            return;
          }
          // Accepted: one incident, with its timeline and its war-room steps, all in one go.
          const made = await h.db.prisma.incident.findMany({
            orderBy: { number: "desc" },
            take: 1,
            include: { timeline: true, steps: true },
          });
          expect((await counts()).incidents).toBe(before.incidents + 1);
          const incident = made[0];
          expect(incident?.title).not.toMatch(UNSAFE);
          expect(incident?.timeline.map((e) => e.kind)).toContain("declared");
          expect(incident?.steps.length).toBeGreaterThan(0);
          // Its war room follows from the queue (writing timeline events of its own) before the next form.
          await settled(h.db.prisma);
        },
      ),
      { numRuns: 40 },
    );
    await settled(h.db.prisma);
    expect(allAnswers()).not.toMatch(SOMETHING_WRONG);
  }, 240_000);
});

describe("the card's update form with generated text", () => {
  const openUpdateForm = async () => {
    const incident = await incidentNow(h, incidentId);
    const press = await h.slack.blockAction({
      userId: "U0DAVE",
      channelId: room,
      messageTs: incident.cardTs ?? "",
      actionId: "card_update",
      value: incident.id,
    });
    return eventually(() => {
      const id = h.slack.viewOpenedBy(press.triggerId ?? "");
      if (!id) throw new Error("no update form yet");
      return id;
    });
  };

  it("answers 200 with an inline error and nothing written, or exactly one update", async () => {
    // An open incident to post on (the command fuzzing may have resolved it).
    await h.db.prisma.incident.update({ where: { id: incidentId }, data: { phase: "fixing", resolvedAt: null, closedAt: null } });
    let viewId = await openUpdateForm();
    await fc.assert(
      fc.asyncProperty(fc.oneof(maybeText(), fc.string({ minLength: 2990, maxLength: 3100 }), fc.constant("\udfff")), async (text) => {
        if (h.slack.view(viewId)?.status !== "open") viewId = await openUpdateForm();
        // What this form can write: this incident's updates and their posts (other work may run meanwhile).
        const written = async () => ({
          updates: await h.db.prisma.timelineEvent.count({ where: { incidentId, kind: "status_update" } }),
          posts: await h.db.prisma.sideEffect.count({ where: { incidentId, key: { contains: "update:" } } }),
        });
        const before = await written();
        const res = await h.slack.submitView({
          viewId,
          userId: "U0DAVE",
          skipClientValidation: true,
          values: { text: { value: text ?? "" } },
        });
        expect(res.status).toBe(200);
        const body = res.body as { response_action?: string } | null | undefined;
        if (body?.response_action === "errors") {
          expect(await written()).toEqual(before);
          return;
        }
        const after = await written();
        expect(after.updates).toBe(before.updates + 1);
        expect(after.posts).toBeGreaterThan(before.posts);
        const last = await h.db.prisma.timelineEvent.findFirst({ where: { incidentId, kind: "status_update" }, orderBy: { id: "desc" } });
        expect(last?.summary).not.toMatch(UNSAFE_NOTE);
        await settled(h.db.prisma);
      }),
      { numRuns: 25 },
    );
    await settled(h.db.prisma);
  }, 240_000);
});

describe("the release form with generated values", () => {
  it("answers 200 with inline errors and nothing queued, or queues the release once", async () => {
    const main = repo.branchHead("main");
    // Each accepted release uses up its incident: the next attempt gets a fresh one.
    let incident = await declared(h, { commanderId: "U0BOB", title: "Fuzzed release" });
    let view = await openReleaseForm(h, incident.warRoomChannelId, "U0BOB");
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          version: fc.oneof(maybeText(3), fc.constantFrom("1.2.4", "v1.2.5", "1.2.3", "1.2.3-hotfix.1")),
          commit: fc.oneof(maybeText(2), fc.constant(main)),
          parent: fc.oneof(maybeText(2), fc.constant("v1.2.3")),
          justification: fc.oneof(
            maybeText(),
            fc.constant("x".repeat(60)),
            // Long enough, with NUL, a lone surrogate half and an override in it.
            fc.constant(`${"Long enough justification. ".repeat(3)}\u0000\udfff\u202e`),
            nastyText(6).map((t) => `${"Long enough justification. ".repeat(3)}${t}`),
          ),
          ticket: fc.oneof(maybeText(3), fc.webUrl()),
          risk: fc.constantFrom("low", "medium", "high"),
          waivers: maybeText(3),
        }),
        async (values) => {
          if (h.slack.view(view.id)?.status !== "open") view = await openReleaseForm(h, incident.warRoomChannelId, "U0BOB");
          const before = await h.db.prisma.sideEffect.count({ where: { incidentId: incident.id, key: { startsWith: "gh-release" } } });
          const res = await h.slack.submitView({
            viewId: view.id,
            userId: "U0BOB",
            skipClientValidation: true,
            values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v ?? "" }])),
          });
          expect(res.status).toBe(200);
          const body = res.body as { response_action?: string } | null | undefined;
          const after = await h.db.prisma.sideEffect.count({ where: { incidentId: incident.id, key: { startsWith: "gh-release" } } });
          if (body?.response_action === "errors") {
            expect(after).toBe(before);
            return;
          }
          expect(after).toBeGreaterThan(before);
          accepted += 1;
          await settled(h.db.prisma);
          incident = await declared(h, { commanderId: "U0BOB", title: `Fuzzed release ${accepted}` });
        },
      ),
      // Every valid-looking field is one of few choices, so some forms are accepted too.
      {
        numRuns: 40,
        examples: [
          [
            {
              version: "1.2.4",
              commit: main,
              parent: "v1.2.3",
              justification: `${"Long enough justification. ".repeat(3)}\u0000\udfff\u202e`,
              ticket: "https://x.example/T-1",
              risk: "low",
              waivers: "",
            },
          ],
        ],
      },
    );
    expect(accepted).toBeGreaterThan(0);
    await settled(h.db.prisma);
    expect(allAnswers()).not.toMatch(SOMETHING_WRONG);
  }, 240_000);
});
