// Waivers as the release gates read them: approvals are counted again against
// the approvers as they are now — one per approver, never the requester's, and
// not someone who has since left the approvers — as the stability gate and
// `hotfix waivers verify` count them. (The approve button checks the approver
// when they click; this is the check at the moment a gate is waived.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "../../src/config.js";
import { evaluateGates, waiverProblems, waiverRulesFor } from "../../src/domain/gates.js";
import { waiverFacts, waiversForRelease } from "../../src/store/waivers.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await db.prisma.waiver.create({
    data: {
      code: "HW-2026-042",
      type: "gate-bypass",
      hotfixTag: "v1.2.4",
      gatesWaived: ["integration-tests"],
      justification: "Integration tests do not cover the fix",
      riskAssessment: "low",
      mitigations: ["Manual check"],
      status: "active",
      requestedBy: "U0REQ",
      expiresAt: new Date(Date.now() + 24 * 3_600_000),
      // The requester approving their own waiver, an approver, and one who has left the approvers since.
      approvals: { create: [{ approver: "U0REQ" }, { approver: "U0BOB" }, { approver: "U0GONE" }] },
    },
  });
});
afterAll(async () => {
  await db?.drop();
});

const policy = DEFAULT_POLICY;
const failing = [{ name: "integration-tests", source: "check" as const, state: "failing" as const, detail: "failure", url: null }];

describe("waivers as the release gates read them", () => {
  it("count only approvals by today's approvers, never the requester's", async () => {
    const now = new Date();
    const [waiver] = await waiverFacts(db.prisma, { approvers: new Set(["U0BOB", "U0CAROL", "U0REQ"]) });
    expect(waiver?.approvals).toBe(1);
    const rules = waiverRulesFor(policy, "v1.2.4", now);
    expect(waiverProblems(waiver as never, rules, "integration-tests")).toContain("it has 1 of the 2 approvals required");
    expect(evaluateGates(failing, waiver ? [waiver] : [], rules).ok).toBe(false);
  });

  it("waive the gate when two approvers still in the group signed it", async () => {
    const now = new Date();
    const waivers = await waiversForRelease(db.prisma, ["HW-2026-042"], new Set(["U0BOB", "U0GONE"]));
    expect(waivers.map((w) => [w.code, w.approvals])).toEqual([["HW-2026-042", 2]]);
    const verdict = evaluateGates(failing, waivers, waiverRulesFor(policy, "v1.2.4", now));
    expect(verdict.ok).toBe(true);
    expect(verdict.waiversUsed).toEqual(["HW-2026-042"]);
  });
});
