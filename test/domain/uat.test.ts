// The UAT rules, pure: deadline, checklist, validation, prioritisation, the
// severity -> Linear priority mapping and the completion gate.
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY, parsePolicy } from "../../src/config.js";
import {
  checklistFromText,
  closedStatus,
  feedbackDescription,
  feedbackTitle,
  LINEAR_PRIORITY,
  markItem,
  newChecklist,
  prioritise,
  uatDeadline,
  uatGateRefusal,
  uatReminderAt,
  uatStateWords,
  validateFeedback,
  validateSchedule,
} from "../../src/domain/uat.js";

const now = new Date("2026-03-28T12:00:00Z");

describe("the UAT deadline", () => {
  it("is the policy's deadline after the first staging deploy, none before it", () => {
    const staging = new Date("2026-03-28T08:00:00Z");
    expect(uatDeadline(DEFAULT_POLICY, staging)?.toISOString()).toBe("2026-03-29T08:00:00.000Z");
    const fourHours = parsePolicy({ uat: { deadline: "4h" } }, "runbook 001");
    expect(uatDeadline(fourHours, staging)?.toISOString()).toBe("2026-03-28T12:00:00.000Z");
    expect(uatDeadline(DEFAULT_POLICY, null)).toBeNull();
  });

  it("reminds reminderBefore ahead, never before the staging deploy", () => {
    const staging = new Date("2026-03-28T08:00:00Z");
    const deadline = new Date("2026-03-29T08:00:00Z");
    expect(uatReminderAt(DEFAULT_POLICY, staging, deadline).toISOString()).toBe("2026-03-29T07:00:00.000Z");
    const long = parsePolicy({ uat: { deadline: "30m", reminderBefore: "2h" } }, "test");
    expect(uatReminderAt(long, staging, new Date("2026-03-28T08:30:00Z")).toISOString()).toBe(staging.toISOString());
  });
});

describe("the schedule form", () => {
  const base = {
    date: "2026-03-30",
    time: "09:30",
    zone: "America/New_York",
    stakeholders: ["U0CAROL"],
    stakeholderGroups: [],
    checklist: "A\nB",
    now,
  };

  it("reads the time in the person's zone and stores UTC", () => {
    const parsed = validateSchedule(base);
    expect(parsed).toMatchObject({ ok: true, value: { scheduledFor: new Date("2026-03-30T13:30:00Z"), checklist: ["A", "B"] } });
    const tokyo = validateSchedule({ ...base, zone: "Asia/Tokyo" });
    expect(tokyo.ok && tokyo.value.scheduledFor.toISOString()).toBe("2026-03-30T00:30:00.000Z");
  });

  it("refuses a past time, a missing zone, no stakeholders, an empty or oversized checklist, each on its field", () => {
    expect(validateSchedule({ ...base, date: "2026-03-28", time: "06:00" })).toMatchObject({
      ok: false,
      errors: { time: expect.stringMatching(/in the past/) },
    });
    expect(validateSchedule({ ...base, zone: null })).toMatchObject({
      ok: false,
      errors: { time: expect.stringMatching(/did not send your time zone/) },
    });
    expect(validateSchedule({ ...base, stakeholders: [] })).toMatchObject({ ok: false, errors: { stakeholders: expect.any(String) } });
    expect(validateSchedule({ ...base, checklist: " \n\n" })).toMatchObject({
      ok: false,
      errors: { checklist: expect.stringMatching(/at least one/) },
    });
    const many = Array.from({ length: 21 }, (_, i) => `Item ${i}`).join("\n");
    expect(validateSchedule({ ...base, checklist: many })).toMatchObject({
      ok: false,
      errors: { checklist: expect.stringMatching(/At most 20/) },
    });
    expect(validateSchedule({ ...base, date: null, time: null })).toMatchObject({
      ok: false,
      errors: { date: expect.any(String), time: expect.any(String) },
    });
  });

  it("reads a nonexistent local time (a DST gap) as an error, not a guess", () => {
    const gap = validateSchedule({ ...base, date: "2027-03-14", time: "02:30" });
    expect(gap).toMatchObject({ ok: false, errors: { time: expect.stringMatching(/does not exist/) } });
  });

  it("cleans the checklist: bullets, blanks and repeats go", () => {
    expect(checklistFromText("- Payment posting\n\n* reconciliation\n1. Alerts routing\nPayment Posting\n")).toEqual([
      "Payment posting",
      "reconciliation",
      "Alerts routing",
    ]);
  });
});

describe("the checklist", () => {
  it("records a click with who and when, leaving the other items", () => {
    const list = markItem(newChecklist(["A", "B"]), 1, "fail", "U0ERIN", now);
    expect(list).toEqual([
      { item: "A", state: "untested", by: null, at: null },
      { item: "B", state: "fail", by: "U0ERIN", at: now.toISOString() },
    ]);
  });

  it("closes as passed only when every item passed and no blocker is open; pending keeps it running", () => {
    const passed = markItem(markItem(newChecklist(["A", "B"]), 0, "pass", "U", now), 1, "pass", "U", now);
    expect(closedStatus(passed, 0, "done")).toBe("passed");
    expect(closedStatus(passed, 1, "done")).toBe("failed");
    expect(closedStatus(markItem(passed, 1, "blocked", "U", now), 0, "done")).toBe("failed");
    expect(closedStatus(newChecklist(["A"]), 0, "done")).toBe("failed");
    expect(closedStatus(passed, 0, "pending")).toBe("running");
  });
});

describe("feedback", () => {
  const good = { workflow: "Payment posting", severity: "blocker", effort: "M", happened: "x", steps: "y", expected: "z" };

  it("needs every field, a known severity and an effort from the policy's scale", () => {
    expect(validateFeedback(good, ["S", "M", "L"])).toMatchObject({ ok: true });
    const bad = validateFeedback({ ...good, workflow: " ", severity: "critical", effort: "XL", expected: "" }, ["S", "M", "L"]);
    expect(bad).toMatchObject({
      ok: false,
      errors: {
        workflow: expect.any(String),
        severity: expect.any(String),
        effort: "Pick an effort: S, M, L.",
        expected: expect.any(String),
      },
    });
  });

  it("maps severity to Linear priority: blocker Urgent (1), high High (2), medium Medium (3)", () => {
    expect(LINEAR_PRIORITY).toEqual({
      blocker: { priority: 1, label: "Urgent" },
      high: { priority: 2, label: "High" },
      medium: { priority: 3, label: "Medium" },
    });
  });

  it("orders the backlog by severity, then effort (smaller first), then age; resolved last", () => {
    const at = (m: number) => new Date(now.getTime() + m * 60_000);
    const items = [
      { id: "medium-S", severity: "medium", effort: "S", createdAt: at(0), resolvedAt: null },
      { id: "high-L", severity: "high", effort: "L", createdAt: at(1), resolvedAt: null },
      { id: "blocker-L", severity: "blocker", effort: "L", createdAt: at(2), resolvedAt: null },
      { id: "high-S-late", severity: "high", effort: "S", createdAt: at(4), resolvedAt: null },
      { id: "high-S", severity: "high", effort: "S", createdAt: at(3), resolvedAt: null },
      { id: "blocker-resolved", severity: "blocker", effort: "S", createdAt: at(5), resolvedAt: at(6) },
    ];
    expect(prioritise(items, ["S", "M", "L"]).map((i) => i.id)).toEqual([
      "blocker-L",
      "high-S",
      "high-S-late",
      "high-L",
      "medium-S",
      "blocker-resolved",
    ]);
  });

  it("titles and describes the Linear issue with the incident, the reporter and the thread", () => {
    expect(feedbackTitle("HF-12", "Payment posting", "Double fee\nmore")).toBe("UAT HF-12: Payment posting — Double fee");
    const description = feedbackDescription({
      incidentLabel: "HF-12",
      incidentTitle: "Card fees",
      severity: "high",
      effort: "S",
      workflow: "Payment posting",
      reporter: "Erin Evans",
      happened: "Double fee",
      steps: "1. pay",
      expected: "One fee",
      threadUrl: "https://acme.slack.com/archives/C1/p1",
    });
    expect(description).toContain("**Incident:** HF-12");
    expect(description).toContain("Erin Evans");
    expect(description).toContain("priority High");
    expect(description).toContain("[Slack thread](https://acme.slack.com/archives/C1/p1)");
  });
});

describe("the completion gate (runbooks 000 and 001)", () => {
  const required = DEFAULT_POLICY;
  const notRequired = parsePolicy({ uat: { required: false } }, "test");

  it("holds completion until UAT ran: no session is not 'not needed'", () => {
    expect(uatGateRefusal(required, { latest: null, openBlockers: 0 })).toMatch(/UAT has not run/);
    expect(uatGateRefusal(required, { latest: { status: "running", skipReason: null }, openBlockers: 0 })).toMatch(
      /has not passed \(latest session: running\)/,
    );
    expect(uatGateRefusal(required, { latest: { status: "failed", skipReason: null }, openBlockers: 1 })).toMatch(
      /1 UAT blocker is still open/,
    );
  });

  it("lets it go when the latest session passed with no open blocker, or UAT was skipped with a reason, or the policy does not require it", () => {
    expect(uatGateRefusal(required, { latest: { status: "passed", skipReason: null }, openBlockers: 0 })).toBeUndefined();
    expect(uatGateRefusal(required, { latest: { status: "passed", skipReason: null }, openBlockers: 2 })).toMatch(
      /2 UAT blockers are still open/,
    );
    expect(uatGateRefusal(required, { latest: { status: "skipped", skipReason: "config only" }, openBlockers: 0 })).toBeUndefined();
    expect(uatGateRefusal(required, { latest: { status: "skipped", skipReason: null }, openBlockers: 0 })).toBeDefined();
    expect(uatGateRefusal(notRequired, { latest: null, openBlockers: 3 })).toBeUndefined();
  });

  it("says the state in words", () => {
    const facts = { latest: null, openBlockers: 0, deadline: null, scheduledFor: null, feedback: 0 };
    expect(uatStateWords(true, facts)).toBe("not scheduled yet");
    expect(uatStateWords(false, facts)).toBe("not required by policy");
    expect(uatStateWords(true, { ...facts, latest: { status: "running", skipReason: null }, feedback: 2, openBlockers: 1 })).toBe(
      "running, 2 feedback, 1 open blocker",
    );
  });
});

describe("the policy keys", () => {
  it("default from the runbooks and validate", () => {
    expect(DEFAULT_POLICY.uat).toMatchObject({
      required: true,
      effort: ["S", "M", "L"],
      stakeholderChannel: "#stakeholders",
      reminderBefore: { text: "1h" },
    });
    expect(() => parsePolicy({ uat: { effort: [] } }, "test")).toThrow(/uat.effort/);
    expect(() => parsePolicy({ uat: { stakeholderChannel: "not a channel!" } }, "test")).toThrow(/uat.stakeholderChannel/);
  });
});
