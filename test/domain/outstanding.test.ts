import { lint } from "markdownlint/promise";
import { describe, expect, it } from "vitest";
import {
  hotfixStatusJson,
  hotfixStatusSchema,
  type OutstandingEvent,
  outstandingFactsFromEvents,
  outstandingItemsMarkdown,
  outstandingReport,
} from "../../src/domain/outstanding.js";
import { expectGolden } from "./golden.js";

const T0 = Date.parse("2026-01-09T10:00:00Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000);
const NOW = at(600);

const ev = (minutes: number, kind: string, actor: string | null, data?: Record<string, unknown>): OutstandingEvent => ({
  kind,
  occurredAt: at(minutes),
  actor,
  summary: kind,
  ...(data ? { data } : {}),
});

const events = (): OutstandingEvent[] => [
  ev(30, "milestone_tagged", "Ana Lima", { tag: "milestone/post-fix" }),
  ev(5, "branch_created", "Hotfix Commander", { branch: "release/hotfix-20260109" }),
  ev(10, "milestone_tagged", "Ana Lima", { tag: "milestone/pre-fix" }),
  ev(12, "guardrails_tuned", "Ben Ode"),
  ev(40, "uat_scheduled", "Ana Lima", { scheduledFor: "2026-01-09T14:00:00Z" }),
  ev(90, "uat_feedback", "Eve Fox"),
  ev(95, "uat_feedback", "Dan Eze"),
  ev(100, "message", "Someone"),
];

describe("the outstanding-items report (runbook 001)", () => {
  it("ticks items from the timeline with who and when, in the runbook's order", () => {
    const report = outstandingReport("HF-12", outstandingFactsFromEvents(events()), NOW);
    expect(report.items.map((i) => [i.id, i.status, i.by, i.at, i.detail])).toEqual([
      ["branch", "done", "Hotfix Commander", at(5), "release/hotfix-20260109"],
      ["milestone_tags", "done", "Ana Lima", at(10), "milestone/pre-fix, milestone/post-fix"],
      ["guardrails", "done", "Ben Ode", at(12), null],
      ["uat_scheduled", "done", "Ana Lima", at(40), "scheduled for 2026-01-09T14:00:00Z"],
      ["uat_feedback", "done", "Eve Fox", at(90), null],
      ["merged_back", "outstanding", null, null, null],
      ["legacy_branches", "outstanding", null, null, null],
      ["documentation", "outstanding", null, null, null],
    ]);
    expect(report.done).toBe(5);
    expect(report.outstanding).toBe(3);
  });

  it("is all outstanding for an empty timeline, and can skip items a team does not use", () => {
    const report = outstandingReport("HF-1", outstandingFactsFromEvents([]), NOW, ["legacy_branches"]);
    expect(report.items).toHaveLength(7);
    expect(report.items.every((i) => i.status === "outstanding")).toBe(true);
  });

  it("lists retired legacy branches", () => {
    const facts = outstandingFactsFromEvents([
      ev(200, "legacy_branches_retired", "Ana Lima", { branches: ["release/hotfix-20251001", "release/hotfix-20251102"] }),
      ev(210, "legacy_branch_retired", "Ana Lima", { branch: "release/hotfix-20251215" }),
    ]);
    expect(facts.legacy_branches?.detail).toBe("release/hotfix-20251001, release/hotfix-20251102, release/hotfix-20251215");
  });
});

describe("hotfix-status.json", () => {
  it("is the report with ISO times, and validates against its schema", () => {
    const json = hotfixStatusJson(outstandingReport("HF-12", outstandingFactsFromEvents(events()), NOW));
    expect(hotfixStatusSchema.parse(JSON.parse(JSON.stringify(json)))).toEqual(json);
    expect(json).toMatchObject({
      version: 1,
      incident: "HF-12",
      generatedAt: "2026-01-09T20:00:00.000Z",
      complete: false,
      done: 5,
      outstanding: 3,
    });
    expect(json.items[0]).toEqual({
      id: "branch",
      label: "Temporary branch created and pushed",
      status: "done",
      by: "Hotfix Commander",
      at: "2026-01-09T10:05:00.000Z",
      detail: "release/hotfix-20260109",
    });
  });

  it("says complete when nothing is outstanding", () => {
    const all = outstandingFactsFromEvents(
      [
        "branch_created",
        "milestone_tagged",
        "guardrails_tuned",
        "uat_started",
        "uat_signed_off",
        "merged_back",
        "legacy_branches_retired",
        "changelog_updated",
      ].map((kind, i) => ev(i, kind, "Ana Lima")),
    );
    expect(hotfixStatusJson(outstandingReport("HF-12", all, NOW)).complete).toBe(true);
  });

  it("refuses a status file of another shape", () => {
    expect(hotfixStatusSchema.safeParse({ version: 2, incident: "HF-12" }).success).toBe(false);
  });
});

describe("hotfix-outstanding-items.md", () => {
  it("matches the golden file and passes markdownlint", async () => {
    const markdown = outstandingItemsMarkdown(outstandingReport("HF-12", outstandingFactsFromEvents(events()), NOW), "America/New_York");
    expectGolden("outstanding-hf-12.md", markdown);
    const results = await lint({ strings: { doc: markdown }, config: { default: true, MD013: false } });
    expect(results.doc).toEqual([]);
  });

  it("escapes what people typed", () => {
    const markdown = outstandingItemsMarkdown(
      outstandingReport("HF-<b>1</b>", { branch: { by: "*bold* | me", at: at(1), detail: "[x](y)" } }, NOW),
    );
    expect(markdown).toContain("# Outstanding items: HF-&lt;b&gt;1&lt;/b&gt;");
    expect(markdown).toContain("(\\[x\\](y)) by \\*bold\\* \\| me");
  });
});
