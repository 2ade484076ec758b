// Stakeholder UAT end to end (runbook 000 section 3, runbook 001 section 3,
// runbook 002 phase 6): signed Slack requests into the real app, Linear
// issues created through the real @linear/sdk against the Linear emulator,
// and the emulators' state and the database asserted afterwards. One incident
// goes through schedule, checklist clicks, feedback (Linear up, down, rate
// limited, answer lost), backlog, summary, close, the completion gate and the
// follow-ups; others show the skip and the bad input.

import type { EphemeralMessage } from "@hotfix/slack-emulator";
import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLinearJob } from "../../src/effects/linear.js";
import { settled } from "../support/declare.js";
import { eventually, type Harness } from "../support/harness.js";
import {
  answer,
  declared,
  hotfix,
  roomTexts,
  saidInRoom,
  startReleaseLane,
  stopReleaseLane,
  timelineKinds,
} from "../support/release-lane.js";

let h: Harness;
let room: string;
let incidentId: string;
let incidentNumber: number;
const linear = () => {
  if (!h.linear) throw new Error("no Linear emulator");
  return h.linear;
};

beforeAll(async () => {
  ({ h } = await startReleaseLane({ linear: true, policy: { uat: { required: true, stakeholders: { usergroups: ["S0STAKEHOLDERS"] } } } }));
  const incident = await declared(h, { title: "Card fees rounded wrong", commanderId: "U0BOB" });
  incidentId = incident.id;
  incidentNumber = incident.number;
  room = incident.warRoomChannelId;
});

afterAll(async () => {
  expect(h.linear?.schemaViolations() ?? []).toEqual([]);
  await stopReleaseLane(h);
});

/** Opens a form with `/hotfix <text>` and returns its view once Slack shows it. */
async function openForm(text: string, callbackId: string, userId = "U0BOB") {
  const before = h.slack.views({ callbackId }).length;
  const res = await h.slack.slashCommand({ userId, channelId: room, text });
  expect(res.status).toBe(200);
  return eventually(() => {
    const view = h.slack.views({ callbackId }).at(before);
    expect(view, `no ${callbackId} form opened`).toBeTruthy();
    return view as NonNullable<typeof view>;
  });
}

function submit(viewId: string, values: Record<string, unknown>, userId = "U0BOB", skipClientValidation = false) {
  return h.slack.submitView({
    viewId,
    userId,
    values: Object.fromEntries(Object.entries(values).map(([block, value]) => [block, { value }])),
    ...(skipClientValidation ? { skipClientValidation: true } : {}),
  });
}

const NY = "America/New_York";
const tomorrowNY = () => DateTime.now().setZone(NY).plus({ days: 1 }).toISODate() ?? "";

const FEEDBACK = {
  severity: "blocker",
  effort: "M",
  happened: "The ledger shows the fee twice after a retry.",
  steps: "1. Pay with a card\n2. Retry once\n3. Open the ledger",
  expected: "One fee line per payment.",
};

async function giveFeedback(values: Record<string, unknown>, userId = "U0CAROL") {
  const view = await openForm("uat feedback", "uat_feedback", userId);
  const res = await submit(view.id, { ...FEEDBACK, ...values }, userId);
  expect(res.errors).toBeUndefined();
  return h.db.prisma.uatFeedback.findFirstOrThrow({ where: { incidentId, workflow: String(values.workflow) } });
}

const issuesTitled = (part: string) =>
  linear()
    .issues()
    .filter((i) => i.title.includes(part));

describe("/hotfix uat schedule", () => {
  it("refuses someone who is neither commander nor release captain, before the form opens", async () => {
    const res = await hotfix(h, room, "uat schedule", "U0DAVE");
    expect(res.text()).toMatch(/Only the commander \(<@U0BOB>\) or a release captain can run UAT/);
    expect(h.slack.views({ callbackId: "uat_schedule", userId: "U0DAVE" })).toHaveLength(0);
  });

  it("opens the form in the person's time zone with the policy's checklist and stakeholder groups", async () => {
    const view = await openForm("uat schedule", "uat_schedule");
    const blocks = JSON.stringify(view.blocks);
    expect(blocks).toContain(NY);
    expect(blocks).toContain("Payment posting\\nReconciliation\\nAlerts routing");
    expect(blocks).toContain("S0STAKEHOLDERS");
  });

  it("answers bad input with inline errors and stores nothing", async () => {
    const view = await openForm("uat schedule", "uat_schedule");
    const yesterday = DateTime.now().setZone(NY).minus({ days: 1 }).toISODate();
    const past = await submit(view.id, { date: yesterday, time: "10:00", stakeholders: ["U0CAROL"] });
    expect(past.errors?.time).toMatch(/in the past/);
    const empty = await submit(
      view.id,
      { date: tomorrowNY(), time: "10:00", stakeholders: ["U0CAROL"], checklist: "  \n " },
      "U0BOB",
      true,
    );
    expect(empty.errors?.checklist).toMatch(/at least one item/);
    const nobody = await submit(view.id, { date: tomorrowNY(), time: "10:00", stakeholders: [], groups: [] }, "U0BOB", true);
    expect(nobody.errors?.stakeholders).toMatch(/Pick the stakeholders/);
    // The form keeps what was typed between submissions (as Slack does): put the checklist back.
    const gone = await submit(view.id, {
      date: tomorrowNY(),
      time: "10:00",
      stakeholders: ["U0CAROL", "U0FRANK"],
      checklist: "Payment posting",
    });
    expect(gone.errors?.stakeholders).toMatch(/Not in this workspace: Frank Fischer \(that account is deactivated/);

    // Slack sends no time zone for this person: the time cannot be read, so it is refused rather than guessed.
    const bob = h.slack.state.users.get("U0BOB");
    if (!bob) throw new Error("no U0BOB");
    const zone = bob.tz;
    bob.tz = "";
    try {
      const noZone = await submit(view.id, { date: tomorrowNY(), time: "10:00", stakeholders: ["U0CAROL"], checklist: "Payment posting" });
      expect(noZone.errors?.time).toMatch(/Slack did not send your time zone/);
    } finally {
      bob.tz = zone;
    }
    expect(await h.db.prisma.uatSession.count({ where: { incidentId } })).toBe(0);
  });

  it("stores the time in UTC, invites the stakeholders (people and groups), posts the schedule and the checklist, records it", async () => {
    const view = await openForm("uat schedule", "uat_schedule");
    const date = tomorrowNY();
    const res = await submit(view.id, {
      date,
      time: "10:30",
      stakeholders: ["U0CAROL"],
      checklist: "Payment posting\nReconciliation\nAlerts routing\nRefund rounding (defect area)",
    });
    expect(res.errors).toBeUndefined();
    const session = await h.db.prisma.uatSession.findFirstOrThrow({ where: { incidentId } });
    expect(session.scheduledFor?.toISOString()).toBe(DateTime.fromISO(`${date}T10:30`, { zone: NY }).toUTC().toISO());
    expect(session.status).toBe("scheduled");
    await saidInRoom(h, room, /UAT for HF-\d+ is scheduled/);
    const checklist = await saidInRoom(h, room, /UAT checklist/);
    for (const item of ["Payment posting", "Reconciliation", "Alerts routing", "Refund rounding (defect area)"])
      expect(checklist).toContain(item);
    await eventually(() => {
      const members = h.slack.channel(room)?.members ?? [];
      // Carol by name, Erin through the stakeholders group.
      expect(members).toEqual(expect.arrayContaining(["U0CAROL", "U0ERIN"]));
    });
    expect(await timelineKinds(h, incidentId)).toContain("uat_scheduled");
    // A replay of the same submission schedules nothing twice.
    expect(await h.db.prisma.uatSession.count({ where: { incidentId } })).toBe(1);
  });
});

function checklistMessage() {
  const message = h.slack.messages(room).find((m) => JSON.stringify(m.blocks ?? []).includes("uat_item_actions_0"));
  if (!message) throw new Error("no checklist message");
  return message;
}

function clickItem(index: number, state: "pass" | "fail" | "blocked", userId: string) {
  return h.slack.blockAction({
    userId,
    actionId: `uat_check_${state}`,
    channelId: room,
    messageTs: checklistMessage().ts,
    blockId: `uat_item_actions_${index}`,
  });
}

describe("the checklist", () => {
  it("updates the one message in place on each click, with who and when", async () => {
    const count = h.slack.messages(room).length;
    const ts = checklistMessage().ts;
    expect((await clickItem(0, "pass", "U0CAROL")).status).toBe(200);
    await eventually(() =>
      expect(JSON.stringify(checklistMessage().blocks)).toMatch(/Payment posting\*\\n:white_check_mark: pass — <@U0CAROL>/),
    );
    expect(checklistMessage().ts).toBe(ts);
    expect(h.slack.messages(room).length).toBe(count);
    const session = await h.db.prisma.uatSession.findFirstOrThrow({ where: { incidentId } });
    expect(session.status).toBe("running");
    expect(JSON.stringify(session.checklist)).toContain('"by":"U0CAROL"');
    expect(await timelineKinds(h, incidentId)).toContain("uat_checklist_item");
  });

  it("opens the feedback form prefilled with the workflow when an item fails", async () => {
    const before = h.slack.views({ callbackId: "uat_feedback", userId: "U0ERIN" }).length;
    await clickItem(1, "fail", "U0ERIN");
    const view = await eventually(() => {
      const v = h.slack.views({ callbackId: "uat_feedback", userId: "U0ERIN" }).at(before);
      expect(v).toBeTruthy();
      return v as NonNullable<typeof v>;
    });
    expect(JSON.stringify(view.blocks)).toContain('"initial_value":"Reconciliation"');
    await eventually(() => expect(JSON.stringify(checklistMessage().blocks)).toMatch(/Reconciliation\*\\n:x: fail — <@U0ERIN>/));

    // The stakeholder fills it in: stored, then a Linear issue in ENG / HOTFIX with priority and labels, linked back.
    const res = await submit(view.id, FEEDBACK, "U0ERIN");
    expect(res.errors).toBeUndefined();
    const stored = await h.db.prisma.uatFeedback.findFirstOrThrow({ where: { incidentId, workflow: "Reconciliation" } });
    expect(stored).toMatchObject({ severity: "blocker", effort: "M", author: "U0ERIN", checklistItem: "Reconciliation" });
    await answer(h, room, "U0ERIN", /your feedback on \*Reconciliation\* \(blocker\) is stored/);
    const recorded = await eventually(async () => {
      const row = await h.db.prisma.uatFeedback.findUniqueOrThrow({ where: { id: stored.id } });
      expect(row.linearIdentifier).toMatch(/^ENG-\d+$/);
      return row;
    });
    const issue = linear().issue(recorded.linearIdentifier ?? "");
    expect(issue).toMatchObject({
      id: stored.linearIssueId,
      priority: 1,
      projectId: linear().seeded?.project.id,
      teamId: linear().seeded?.team.id,
    });
    expect(issue?.title).toMatch(/^UAT HF-\d+: Reconciliation — The ledger shows the fee twice/);
    expect(
      linear()
        .labelNames(recorded.linearIdentifier ?? "")
        .sort(),
    ).toEqual(["blocker", "hotfix", "uat"]);
    expect(issue?.description).toContain(`HF-${incidentNumber}`);
    expect(issue?.description).toContain("Erin Evans");
    expect(issue?.description).toContain("### Steps to reproduce");
    expect(issue?.description).toContain(`[Slack thread](${recorded.permalink})`);
    expect(recorded.permalink).toMatch(/^https?:\/\//);
    // The identifier and URL in the feedback's war-room thread.
    await eventually(() => {
      const thread = h.slack.thread(room, recorded.slackTs ?? "");
      expect(thread.map((m) => m.text).join("\n")).toContain(`<${recorded.linearUrl}|${recorded.linearIdentifier}>`);
    });
    expect(issuesTitled("Reconciliation")).toHaveLength(1);
  });

  it("answers bad feedback with inline errors and stores nothing", async () => {
    const before = await h.db.prisma.uatFeedback.count({ where: { incidentId } });
    const view = await openForm("uat feedback", "uat_feedback", "U0CAROL");
    const res = await submit(
      view.id,
      { workflow: "  ", severity: "blocker", effort: "M", happened: "", steps: "x", expected: "" },
      "U0CAROL",
      true,
    );
    expect(res.errors).toMatchObject({
      workflow: expect.stringMatching(/required/),
      happened: expect.stringMatching(/required/),
      expected: expect.stringMatching(/required/),
    });
    expect(await h.db.prisma.uatFeedback.count({ where: { incidentId } })).toBe(before);
  });
});

describe("Linear down, slow or rate limited: the feedback is never lost, the issue is made exactly once", () => {
  it("stores the feedback during an outage, says it is queued, and creates the issue once Linear is back", async () => {
    const fault = linear().failNext({ field: "issueCreate", status: 503, times: 2 });
    const stored = await giveFeedback({ workflow: "Alerts routing", severity: "high", effort: "S" });
    expect(stored.linearIdentifier).toBeNull();
    await eventually(async () => {
      const row = await h.db.prisma.uatFeedback.findUniqueOrThrow({ where: { id: stored.id } });
      const thread = h.slack.thread(room, row.slackTs ?? "-");
      expect(thread.map((m) => m.text).join("\n")).toMatch(
        /Linear is not answering .* Your feedback is stored; the Linear issue is queued/,
      );
    });
    const recorded = await eventually(
      async () => {
        const row = await h.db.prisma.uatFeedback.findUniqueOrThrow({ where: { id: stored.id } });
        expect(row.linearIdentifier).toMatch(/^ENG-\d+$/);
        return row;
      },
      { timeoutMs: 30_000 },
    );
    expect(fault.hits).toBe(2);
    expect(issuesTitled("Alerts routing")).toHaveLength(1);
    expect(linear().issue(recorded.linearIdentifier ?? "")).toMatchObject({ id: stored.linearIssueId, priority: 2 });
    const created = linear()
      .calls({ field: "issueCreate" })
      .filter((c) => JSON.stringify(c.variables).includes(stored.linearIssueId ?? "-"));
    expect(created.map((c) => [c.status, c.executed])).toEqual([
      [503, false],
      [503, false],
      [200, true],
    ]);
  });

  it("finds the issue when Linear created it but the answer was lost, instead of making a second one", async () => {
    linear().loseAnswerNext({ field: "issueCreate" });
    const stored = await giveFeedback({ workflow: "Refund rounding", severity: "medium", effort: "L" });
    const recorded = await eventually(
      async () => {
        const row = await h.db.prisma.uatFeedback.findUniqueOrThrow({ where: { id: stored.id } });
        expect(row.linearIdentifier).toMatch(/^ENG-\d+$/);
        return row;
      },
      { timeoutMs: 30_000 },
    );
    expect(issuesTitled("Refund rounding")).toHaveLength(1);
    expect(recorded.linearAttempts).toBe(2);
    const creates = linear()
      .calls({ field: "issueCreate" })
      .filter((c) => JSON.stringify(c.variables).includes(stored.linearIssueId ?? "-"));
    // One create applied (its answer lost), then a look-up by the id we chose found it: no second create.
    expect(creates.map((c) => c.executed)).toEqual([true]);
    expect(
      linear()
        .calls({ field: "issues" })
        .some((c) => JSON.stringify(c.variables).includes(stored.linearIssueId ?? "-")),
    ).toBe(true);
  });

  it("records once after a crash between 'Linear issue created' and 'recorded', looking the issue up by its id", async () => {
    // Linear refuses every create while the scene is set, so each attempt is counted and none creates.
    const outage = linear().failNext({ field: "issueCreate", status: 503, times: 1_000 });
    const stored = await giveFeedback({ workflow: "Payment posting crash", severity: "high", effort: "L" });
    // The first attempt was counted and reached Linear (and was refused): the next one looks before creating.
    await eventually(() => expect(outage.hits).toBeGreaterThanOrEqual(1));
    // The state a crash right after Linear's answer leaves: Linear has the issue (with the id we chose), the row does not know it.
    const seeded = linear().seeded;
    if (!seeded || !stored.linearIssueId) throw new Error("no seed");
    linear().workspace.createIssue({ id: stored.linearIssueId, teamId: seeded.team.id, title: "UAT: Payment posting crash", priority: 2 });
    linear().clearFaults();
    const recorded = await eventually(
      async () => {
        const row = await h.db.prisma.uatFeedback.findUniqueOrThrow({ where: { id: stored.id } });
        expect(row.linearIdentifier).toBe(linear().issue(stored.linearIssueId ?? "")?.identifier);
        return row;
      },
      { timeoutMs: 30_000 },
    );
    // The one issue is the one Linear already had: the bot made none of its own (its title would start "UAT HF-").
    expect(issuesTitled("Payment posting crash")).toHaveLength(1);
    expect(recorded.linearAttempts).toBeGreaterThanOrEqual(2);
    // A duplicate job (a redelivery after the crash) changes nothing.
    expect(await runLinearJob(h.app.ctx, { kind: "feedback", id: recorded.id })).toBe("stale");
    expect(issuesTitled("Payment posting crash")).toHaveLength(1);
  });

  it("waits for Linear's rate-limit reset before trying again", async () => {
    linear().rateLimitNext({ field: "issueCreate", resetInMs: 2_500 });
    const stored = await giveFeedback({ workflow: "Settlement export", severity: "high", effort: "L" });
    await eventually(
      async () => {
        const row = await h.db.prisma.uatFeedback.findUniqueOrThrow({ where: { id: stored.id } });
        expect(row.linearIdentifier).toMatch(/^ENG-\d+$/);
      },
      { timeoutMs: 30_000 },
    );
    const creates = linear()
      .calls({ field: "issueCreate" })
      .filter((c) => JSON.stringify(c.variables).includes(stored.linearIssueId ?? "-"));
    expect(creates).toHaveLength(2);
    const [first, second] = creates.map((c) => Date.parse(c.at));
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(2_000);
    expect(issuesTitled("Settlement export")).toHaveLength(1);
  });
});

describe("backlog, summary, status", () => {
  let backlog: EphemeralMessage;

  it("lists the feedback by severity, then effort, with Linear links", async () => {
    await settled(h.db.prisma);
    const res = await hotfix(h, room, "uat backlog", "U0BOB");
    backlog = await answer(h, room, "U0BOB", /UAT backlog/);
    const text = res.text();
    const order = ["Reconciliation", "Alerts routing", "Payment posting crash", "Settlement export", "Refund rounding"].map((w) =>
      text.indexOf(`*${w}*`),
    );
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const row = await h.db.prisma.uatFeedback.findFirstOrThrow({ where: { incidentId, workflow: "Reconciliation" } });
    expect(text).toContain(`<${row.linearUrl}|${row.linearIdentifier}>`);
  });

  it("shares the summary and the prioritised backlog in the stakeholder channel", async () => {
    await h.slack.blockAction({ userId: "U0BOB", actionId: "uat_share_summary", channelId: backlog.channel, messageTs: backlog.ts });
    const posted = await eventually(() => {
      const m = h.slack.messages("C0STAKEHOLDERS").find((x) => x.text.includes("UAT summary for HF-"));
      expect(m).toBeTruthy();
      return m as NonNullable<typeof m>;
    });
    const all = `${posted.text}${JSON.stringify(posted.blocks)}`;
    expect(all).toContain("Prioritised backlog");
    expect(all.indexOf("Reconciliation")).toBeLessThan(all.indexOf("Refund rounding"));
    expect(await timelineKinds(h, incidentId)).toContain("uat_summary_shared");
  });

  it("shows the UAT state and the Linear issues in /hotfix status and on the pinned card", async () => {
    const row = await h.db.prisma.uatFeedback.findFirstOrThrow({ where: { incidentId, workflow: "Reconciliation" } });
    const res = await hotfix(h, room, "status", "U0DAVE");
    await eventually(() => expect(res.text()).toMatch(/\*UAT:\* running, 5 feedback, 1 open blocker/));
    expect(res.text()).toContain(row.linearIdentifier ?? "-");
    await eventually(() => {
      const pin = h.slack.pins(room)[0]?.message;
      expect(JSON.stringify(pin?.blocks)).toMatch(/\*UAT:\* running, 5 feedback, 1 open blocker/);
    });
  });
});

describe("closing the review and the completion gate", () => {
  it("refuses /hotfix complete while UAT has not passed, naming the open blocker", async () => {
    await hotfix(h, room, "complete", "U0BOB");
    await answer(h, room, "U0BOB", /UAT has not passed \(latest session: running\).*1 UAT blocker is still open/);
  });

  it("keeps the session open with --feedback pending, fails it with failing items, passes it once all pass and the blocker is resolved", async () => {
    await hotfix(h, room, "uat close --feedback pending", "U0BOB");
    await answer(h, room, "U0BOB", /feedback is still pending/);
    expect((await h.db.prisma.uatSession.findFirstOrThrow({ where: { incidentId } })).status).toBe("running");

    const failed = await hotfix(h, room, "uat close --feedback done", "U0BOB");
    await eventually(() => expect(failed.text()).toMatch(/UAT did not pass: Reconciliation \(fail\)/));
    expect((await h.db.prisma.uatSession.findFirstOrThrow({ where: { incidentId } })).status).toBe("failed");

    // The fix is retested in a new session; the blocker is resolved.
    const blocker = await h.db.prisma.uatFeedback.findFirstOrThrow({ where: { incidentId, workflow: "Reconciliation" } });
    await hotfix(h, room, `uat resolve ${blocker.linearIdentifier}`, "U0BOB");
    await answer(h, room, "U0BOB", `${blocker.linearIdentifier} is resolved`);
    const view = await openForm("uat schedule", "uat_schedule");
    expect(
      (
        await submit(view.id, {
          date: tomorrowNY(),
          time: "09:00",
          stakeholders: ["U0CAROL"],
          checklist: "Reconciliation\nPayment posting",
        })
      ).errors,
    ).toBeUndefined();
    const second = await eventually(async () => {
      const sessions = await h.db.prisma.uatSession.findMany({ where: { incidentId }, orderBy: { createdAt: "desc" } });
      expect(sessions).toHaveLength(2);
      return sessions[0] as NonNullable<(typeof sessions)[0]>;
    });
    const latest = await eventually(() => {
      const m = h.slack.messages(room).find((x) => JSON.stringify(x.blocks ?? []).includes(second.id));
      expect(m, "the new session's checklist").toBeTruthy();
      return m as NonNullable<typeof m>;
    });
    for (const index of [0, 1])
      await h.slack.blockAction({
        userId: "U0CAROL",
        actionId: "uat_check_pass",
        channelId: room,
        messageTs: latest.ts,
        blockId: `uat_item_actions_${index}`,
      });
    await eventually(async () => {
      const session = await h.db.prisma.uatSession.findFirstOrThrow({ where: { incidentId }, orderBy: { createdAt: "desc" } });
      expect(JSON.stringify(session.checklist).match(/"pass"/g)?.length).toBe(2);
    });
    const passed = await hotfix(h, room, "uat close --feedback done", "U0BOB");
    await eventually(() => expect(passed.text()).toMatch(/UAT passed; completion no longer waits for it/));
    const kinds = await timelineKinds(h, incidentId);
    expect(kinds).toEqual(expect.arrayContaining(["uat_review_closed", "uat_rejected", "uat_signed_off", "uat_feedback_resolved"]));

    const complete = await hotfix(h, room, "complete", "U0BOB");
    await eventually(() => expect(complete.text()).toMatch(/Not yet:/));
    expect(complete.text()).not.toMatch(/UAT/);
  });
});

describe("/hotfix uat skip", () => {
  it("lets only the commander (or an incident manager) skip, with a recorded reason; completion then no longer waits for UAT", async () => {
    const other = await declared(h, { title: "Webhook retries", commanderId: "U0BOB" });
    const otherRoom = other.warRoomChannelId;
    await hotfix(h, otherRoom, "complete", "U0BOB");
    await answer(h, otherRoom, "U0BOB", /UAT has not run: schedule it .* or skip it with a reason/);

    const refused = await hotfix(h, otherRoom, "uat skip config-only change", "U0DAVE");
    expect(refused.text()).toMatch(/Only the commander \(<@U0BOB>\) or an incident manager can skip UAT/);
    const noReason = await hotfix(h, otherRoom, "uat skip", "U0BOB");
    expect(noReason.text()).toMatch(/Say why/);

    const skipped = await hotfix(h, otherRoom, "uat skip config-only change, covered by canary", "U0BOB");
    expect(skipped.text()).toContain("UAT skipped");
    await saidInRoom(h, otherRoom, /UAT for HF-\d+ was skipped by <@U0BOB>: config-only change, covered by canary/);
    const event = await h.db.prisma.timelineEvent.findFirstOrThrow({ where: { incidentId: other.id, kind: "uat_skipped" } });
    expect(event).toMatchObject({ actor: "U0BOB", data: { reason: "config-only change, covered by canary" } });
    const after = await hotfix(h, otherRoom, "complete", "U0BOB");
    await eventually(() => expect(after.text()).toMatch(/Not yet:/));
    expect(after.text()).not.toMatch(/UAT/);
    const refusals = await h.db.prisma.timelineEvent.count({ where: { incidentId: other.id, kind: "permission_refused" } });
    expect(refusals).toBe(1);
  });
});

describe("follow-up tickets (runbook 002 phase 6)", () => {
  it("files the five tickets in Linear with one command, linked to the incident, and never twice", async () => {
    const res = await hotfix(h, room, "followups", "U0BOB");
    expect(res.text()).toMatch(/Filing 5 follow-up tickets/);
    const tickets = await eventually(
      async () => {
        const rows = await h.db.prisma.followUpTicket.findMany({ where: { incidentId } });
        expect(rows).toHaveLength(5);
        expect(rows.every((r) => r.linearIdentifier)).toBe(true);
        return rows;
      },
      { timeoutMs: 30_000 },
    );
    for (const label of ["Root cause analysis", "Permanent fix", "Testing gap", "Monitoring improvement", "Process improvement"]) {
      const found = linear()
        .issues()
        .filter((i) => i.title.startsWith(`HF-${incidentNumber} follow-up: ${label}`));
      expect(found, label).toHaveLength(1);
      expect(found[0]?.description).toContain(`HF-${incidentNumber}`);
      await saidInRoom(h, room, `Follow-up ${label}: <${found[0]?.url}|${found[0]?.identifier}>`);
    }
    const events = await h.db.prisma.timelineEvent.findMany({ where: { incidentId, kind: "followup_created" } });
    expect(events).toHaveLength(5);
    expect(events.map((e) => (e.data as { linear: { identifier: string } }).linear.identifier).sort()).toEqual(
      tickets.map((t) => t.linearIdentifier).sort(),
    );

    // Again, by command and by the button: nothing new.
    const again = await hotfix(h, room, "followups", "U0BOB");
    expect(again.text()).toMatch(/exist already/);
    const backlog = await (async () => {
      await hotfix(h, room, "uat backlog", "U0BOB");
      return answer(h, room, "U0BOB", /UAT backlog/);
    })();
    await h.slack.blockAction({ userId: "U0BOB", actionId: "uat_followups", channelId: backlog.channel, messageTs: backlog.ts });
    await answer(h, room, "U0BOB", /exist already/);
    await settled(h.db.prisma);
    expect(
      linear()
        .issues()
        .filter((i) => i.title.includes("follow-up:")),
    ).toHaveLength(5);
    expect(roomTexts(h, room).filter((t) => t.includes("Follow-up Root cause analysis"))).toHaveLength(1);
  });
});
