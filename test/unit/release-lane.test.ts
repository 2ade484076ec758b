// The release lane's pure rules: gates and waivers, the release form,
// milestone names, environments, completion gates, and the texts (release
// notes, rollback warning, CHANGELOG entry).
import { describe, expect, it } from "vitest";
import { parsePolicy } from "../../src/config.js";
import { evaluateGates, gateSummary, gatesFrom, type WaiverFacts, waiverProblems } from "../../src/domain/gates.js";
import {
  classifyEnvironment,
  completionBlockers,
  finalTagName,
  milestoneTagName,
  parseWaiverIds,
  validateReleaseForm,
} from "../../src/domain/release.js";
import { appendToChangelog, changelogEntry, releaseNotes, rollbackWarning, withRollbackWarning } from "../../src/domain/release-notes.js";

const now = new Date("2026-01-23T10:00:00Z");
const policy = parsePolicy({}, "test");

describe("gates from GitHub", () => {
  it("turns check runs and statuses into gates; the worst state wins a shared name", () => {
    const gates = gatesFrom(
      [
        { name: "build", status: "completed", conclusion: "success" },
        { name: "test", status: "completed", conclusion: "failure", html_url: "https://ci/test" },
        { name: "lint", status: "completed", conclusion: "skipped" },
        { name: "e2e", status: "in_progress", conclusion: null },
        { name: "docs", status: "completed", conclusion: "neutral" },
        { name: "fuzz", status: "completed", conclusion: "timed_out" },
      ],
      [
        { context: "ci/circleci", state: "success" },
        { context: "security", state: "error" },
        { context: "build", state: "failure" },
      ],
    );
    const byName = Object.fromEntries(gates.map((g) => [g.name, g.state]));
    expect(byName).toEqual({
      build: "failing",
      "ci/circleci": "passing",
      docs: "passing",
      e2e: "pending",
      fuzz: "failing",
      lint: "passing",
      security: "failing",
      test: "failing",
    });
    expect(gates.find((g) => g.name === "test")?.url).toBe("https://ci/test");
  });
});

const waiver = (over: Partial<WaiverFacts> = {}): WaiverFacts => ({
  code: "HW-2026-001",
  type: "gate-bypass",
  status: "active",
  hotfixTag: "v1.2.4",
  gatesWaived: ["integration-tests"],
  expiresAt: new Date("2026-01-30T10:00:00Z"),
  approvals: 2,
  ...over,
});
const rules = {
  hotfixTag: "v1.2.4",
  approvalsRequired: 2,
  now,
  maxDurationMs: { "gate-bypass": 7 * 86_400_000, "security-exception": 72 * 3_600_000 },
};
const failing = gatesFrom(
  [
    { name: "build", status: "completed", conclusion: "success" },
    { name: "integration-tests", status: "completed", conclusion: "failure" },
  ],
  [],
);

describe("gates and waivers", () => {
  it("passes when every gate passes, and when there are no gates at all", () => {
    expect(evaluateGates(gatesFrom([{ name: "build", status: "completed", conclusion: "success" }], []), [], rules).ok).toBe(true);
    const none = evaluateGates([], [], rules);
    expect(none.ok).toBe(true);
    expect(gateSummary(none)).toMatch(/no check runs/);
  });

  it("blocks on a failing gate without a waiver", () => {
    const verdict = evaluateGates(failing, [], rules);
    expect(verdict.ok).toBe(false);
    expect(verdict.blocking.map((b) => b.gate.name)).toEqual(["integration-tests"]);
  });

  it("lets an active, unexpired waiver with enough approvals, naming the gate and the tag, cover it", () => {
    const verdict = evaluateGates(failing, [waiver()], rules);
    expect(verdict.ok).toBe(true);
    expect(verdict.waived).toEqual([{ gate: expect.objectContaining({ name: "integration-tests" }), waiver: "HW-2026-001" }]);
    expect(verdict.waiversUsed).toEqual(["HW-2026-001"]);
    expect(gateSummary(verdict)).toContain("waived by HW-2026-001");
    // "v1.2.4" and "1.2.4" name the same tag.
    expect(evaluateGates(failing, [waiver({ hotfixTag: "1.2.4" })], rules).ok).toBe(true);
  });

  it.each([
    ["pending", { status: "pending" }, /pending, not active/],
    ["revoked", { status: "revoked" }, /revoked, not active/],
    ["expired", { expiresAt: new Date("2026-01-23T09:59:59Z") }, /expired/],
    ["expiring now", { expiresAt: now }, /expired/],
    ["one approval of two", { approvals: 1 }, /1 of the 2 approvals/],
    ["for another tag", { hotfixTag: "v1.2.5" }, /for v1.2.5, not v1.2.4/],
    ["without a tag", { hotfixTag: null }, /names no hotfix tag/],
    ["for another gate", { gatesWaived: ["unit-tests"] }, /does not list integration-tests/],
    [
      "running longer than the policy allows its type",
      { type: "security-exception", createdAt: new Date("2026-01-22T10:00:00Z") },
      /runs 8d, longer than the 3d the policy allows a security-exception waiver/,
    ],
  ])("does not let a waiver %s cover it, and says why", (_what, over, why) => {
    const verdict = evaluateGates(failing, [waiver(over as Partial<WaiverFacts>)], rules);
    expect(verdict.ok).toBe(false);
    const problems = verdict.blocking[0]?.nearMisses.flatMap((n) => n.problems) ?? [];
    expect(problems.join("; ")).toMatch(why);
  });

  it("blocks a gate still running unless waived", () => {
    const pending = gatesFrom([{ name: "integration-tests", status: "in_progress", conclusion: null }], []);
    expect(evaluateGates(pending, [], rules).ok).toBe(false);
    expect(evaluateGates(pending, [waiver()], rules).ok).toBe(true);
  });

  it("lets a waiver run exactly its type's maxDuration, not longer", () => {
    const created = new Date("2026-01-23T09:00:00Z");
    const week = new Date(created.getTime() + 7 * 86_400_000);
    expect(waiverProblems(waiver({ createdAt: created, expiresAt: week }), rules)).toEqual([]);
    const longer = waiver({ createdAt: created, expiresAt: new Date(week.getTime() + 3_600_000) });
    expect(waiverProblems(longer, rules).join("; ")).toMatch(/longer than the 7d the policy allows a gate-bypass waiver/);
    expect(evaluateGates(failing, [longer], rules).ok).toBe(false);
  });

  it("lists waiver problems without a gate for the form's waiver ids", () => {
    expect(waiverProblems(waiver(), rules)).toEqual([]);
    expect(waiverProblems(waiver({ approvals: 0, status: "expired" }), rules)).toHaveLength(2);
  });
});

const form = {
  version: "1.2.4",
  commit: "a".repeat(40),
  parent: "v1.2.3",
  justification: "Card payments fail for every EU customer since v1.2.3; this reverts the rounding change.",
  ticketUrl: "https://linear.app/acme/issue/ENG-42",
  riskLevel: "high",
  waiverIds: "hw-2026-001, HW-2026-002 HW-2026-001",
};

describe("the release form", () => {
  it("accepts runbook 004's inputs and normalises them", () => {
    const result = validateReleaseForm(form);
    expect(result).toEqual({
      ok: true,
      value: {
        tag: "v1.2.4",
        version: "1.2.4",
        commit: "a".repeat(40),
        parentTag: "v1.2.3",
        justification: form.justification,
        ticketUrl: form.ticketUrl,
        riskLevel: "high",
        waiverIds: ["HW-2026-001", "HW-2026-002"],
      },
    });
  });

  it("explains every bad field inline, by block id", () => {
    const result = validateReleaseForm({
      version: "1.2",
      commit: "abc1234",
      parent: "v1..2",
      justification: "too short",
      ticketUrl: "not a url",
      riskLevel: "extreme",
      waiverIds: "HW-2026-001 !!",
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual(["commit", "justification", "parent", "risk", "ticket", "version", "waivers"]);
    expect(result.errors.justification).toContain("50 characters");
    expect(result.errors.commit).toContain("40-character");
  });

  it("refuses a ticket link that would break out of a Slack link or carry credentials, like the declare form", () => {
    for (const ticketUrl of ["https://x.example/a|<!channel>", "https://x.example/a>b", "https://u:p@x.example/1", "javascript:alert(1)"]) {
      const result = validateReleaseForm({ ...form, ticketUrl });
      expect(result.ok === false && Object.keys(result.errors)).toEqual(["ticket"]);
    }
  });

  it("refuses the parent's own version and counts the justification after trimming", () => {
    const same = validateReleaseForm({ ...form, version: "v1.2.3" });
    expect(same.ok === false && same.errors.version).toMatch(/parent release itself/);
    const padded = validateReleaseForm({ ...form, justification: `   ${"x".repeat(49)}   ` });
    expect(padded.ok === false && padded.errors.justification).toMatch(/49 so far/);
    expect(validateReleaseForm({ ...form, justification: "x".repeat(50) }).ok).toBe(true);
  });

  it("reads waiver ids separated by commas, spaces or semicolons", () => {
    expect(parseWaiverIds(" HW-1, hw-2;HW-3  HW-1 ")).toEqual(["HW-1", "HW-2", "HW-3"]);
    expect(parseWaiverIds(null)).toEqual([]);
  });
});

describe("names and environments", () => {
  it("names milestone tags from the policy's templates", () => {
    expect(milestoneTagName(policy, "prep", now)).toEqual({ kind: "prep", tag: "hotfix-prep-20260123" });
    expect(milestoneTagName(policy, "PROD", now)).toEqual({ kind: "prod", tag: "hotfix-prod-20260123" });
    expect(milestoneTagName(policy, "pre-fix", now)).toEqual({ kind: "milestone", tag: "milestone/pre-fix" });
    expect(milestoneTagName(policy, "milestone/post fix", now)).toEqual({ kind: "milestone", tag: "milestone/post-fix" });
    expect(milestoneTagName(policy, "..", now)).toBeUndefined();
    expect(finalTagName(policy, now)).toBe("prod-20260123-hotfix");
    const other = parsePolicy({ github: { tags: { prep: "rc/{yyyymmdd}", milestone: "m-{name}" } } }, "test");
    expect(milestoneTagName(other, "prep", now)?.tag).toBe("rc/20260123");
    expect(milestoneTagName(other, "x", now)?.tag).toBe("m-x");
  });

  it.each([
    ["production", undefined, "production"],
    ["Production", undefined, "production"],
    ["prod", undefined, "production"],
    ["production-eu", undefined, "production"],
    ["live", true, "production"],
    ["staging", undefined, "staging"],
    ["stage", undefined, "staging"],
    ["pre-prod", undefined, "staging"],
    ["preprod", undefined, "staging"],
    ["uat", undefined, "staging"],
    ["review-app-42", undefined, "other"],
  ])("classifies the %s environment", (name, flag, expected) => {
    expect(classifyEnvironment(name, flag)).toBe(expected);
  });
});

describe("completion gates", () => {
  const ready = {
    completedAt: null,
    rolledBackAt: null,
    hotfixBranch: "release/hotfix-eng-42",
    productionDeployedAt: new Date("2026-01-22T09:00:00Z"),
    stabilityEndsAt: new Date("2026-01-23T09:00:00Z"),
    uat: undefined,
    openBreaches: 0,
  };

  it("lets it go when the window passed, UAT does not hold it (domain/uat.ts decides) and nothing is open", () => {
    expect(completionBlockers(ready, now)).toEqual([]);
  });

  it("says every reason to wait", () => {
    const early = completionBlockers({ ...ready, stabilityEndsAt: new Date("2026-01-23T11:30:00Z") }, now);
    expect(early.join()).toMatch(/stability window is still running: 1 h 30 min left/);
    expect(completionBlockers({ ...ready, productionDeployedAt: null, stabilityEndsAt: null }, now).join()).toMatch(
      /nothing is deployed to production/,
    );
    expect(completionBlockers({ ...ready, uat: "UAT has not passed (latest session: running)" }, now).join()).toMatch(
      /UAT has not passed \(latest session: running\)/,
    );
    expect(completionBlockers({ ...ready, openBreaches: 1 }, now).join()).toMatch(/1 guardrail breach is still open/);
    expect(completionBlockers({ ...ready, rolledBackAt: now }, now).join()).toMatch(/rolled back/);
    expect(completionBlockers({ ...ready, hotfixBranch: null }, now).join()).toMatch(/no hotfix branch/);
    expect(completionBlockers({ ...ready, completedAt: now }, now).join()).toMatch(/completed at/);
  });
});

describe("texts", () => {
  it("writes release notes that link the incident", () => {
    const notes = releaseNotes({
      incident: { number: 12, title: "Payments failing", severity: "P0" },
      tag: "v1.2.4",
      parentTag: "v1.2.3",
      commit: "a".repeat(40),
      justification: form.justification,
      ticketUrl: form.ticketUrl,
      riskLevel: "high",
      waivers: ["HW-2026-001"],
      incidentUrl: "https://acme.slack.com/archives/C1/p1",
      releasedBy: "Alice Adams",
    });
    expect(notes).toContain("[HF-12: Payments failing](https://acme.slack.com/archives/C1/p1)");
    expect(notes).toContain("**Risk level:** high");
    expect(notes).toContain("HW-2026-001");
  });

  it("appends runbook 004's rollback warning once", () => {
    const warning = rollbackWarning("v1.2.5");
    expect(warning).toBe("**WARNING: This release has been rolled back. See v1.2.5 for fix.**");
    const once = withRollbackWarning("Notes.", warning);
    expect(once).toBe(`Notes.\n\n---\n\n${warning}`);
    expect(withRollbackWarning(once, warning)).toBe(once);
    expect(withRollbackWarning(null, warning)).toContain(warning);
  });

  it("puts the CHANGELOG entry under the title, newest first, and makes a file when there is none", () => {
    const entry = changelogEntry({
      incident: {
        number: 12,
        title: "Payments failing",
        severity: "P0",
        ticketUrl: "https://linear.app/acme/issue/ENG-42",
        parentTag: "v1.2.3",
        hotfixBranch: "release/hotfix-eng-42",
        fixSha: "b".repeat(40),
        releaseTag: "v1.2.4",
        stabilityEndsAt: new Date("2026-01-23T09:00:00Z"),
      },
      deployments: [
        {
          environment: "production",
          sha: "b".repeat(40),
          deployer: "sam-sre",
          reason: "hotfix",
          status: "success",
          occurredAt: new Date("2026-01-22T09:00:00Z"),
          source: "webhook",
        },
      ],
      finalTag: "prod-20260123-hotfix",
      stabilityWindow: "24h",
      now,
    });
    expect(entry).toContain("## v1.2.4 (hotfix, 2026-01-23)");
    expect(entry).toContain("2026-01-22 09:00 UTC — Deployed to production: bbbbbbb by sam-sre — hotfix");
    const existing = "# Changelog\n\n## v1.2.3\n- Round fees half-even\n";
    const updated = appendToChangelog(existing, entry);
    expect(updated.startsWith("# Changelog\n\n## v1.2.4")).toBe(true);
    expect(updated.endsWith("## v1.2.3\n- Round fees half-even\n")).toBe(true);
    expect(appendToChangelog(undefined, entry).startsWith("# Changelog\n\n## v1.2.4")).toBe(true);
    expect(appendToChangelog("Some notes\n", entry)).toBe(`Some notes\n\n${entry}`);
  });
});
