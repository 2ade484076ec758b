import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  coverageProblems,
  covers,
  createWaiver,
  DEFAULT_WAIVER_RULES,
  decideWaiver,
  effectiveStatus,
  exportWaiversFile,
  extendWaiver,
  importWaiversFile,
  isTicketUrl,
  nextWaiverId,
  validateWaiverRequest,
  verifyWaivers,
  type Waiver,
  waiverRulesSchema,
} from "../../src/domain/waivers.js";

const NOW = new Date("2026-01-09T10:00:00Z");
const HOUR = 3_600_000;
const later = (hours: number) => new Date(NOW.getTime() + hours * HOUR);
const APPROVERS = ["U_ANA", "U_BEN", "U_CAT"];
const policy = { rules: DEFAULT_WAIVER_RULES, approvers: APPROVERS };
const JUSTIFICATION = "Emergency CVE patch - integration tests not affected by security fix";

const request = (overrides: Record<string, unknown> = {}) => ({
  type: "gate-bypass",
  hotfixTag: "v4.1.3",
  gatesWaived: ["integration-tests"],
  justification: JUSTIFICATION,
  risk: "low",
  mitigations: ["Manual verification of affected endpoints", "Canary deployment at 5% traffic"],
  ticketUrl: "https://issues.example.com/SEC-1234",
  duration: "48h",
  ...overrides,
});

function pending(overrides: Partial<Waiver> = {}): Waiver {
  const valid = validateWaiverRequest(request(), DEFAULT_WAIVER_RULES, NOW);
  if (!valid.ok) throw new Error(valid.errors.join("; "));
  return { ...createWaiver(valid.value, { id: "HW-2026-001", requestedBy: "U_REQ", now: NOW }), ...overrides };
}

function approvedBy(waiver: Waiver, ...approvers: string[]): Waiver {
  let current = waiver;
  for (const by of approvers) {
    const outcome = decideWaiver(current, { by, decision: "approve", at: later(1) }, DEFAULT_WAIVER_RULES, APPROVERS);
    if (!outcome.ok) throw new Error(outcome.refusal.message);
    current = outcome.waiver;
  }
  return current;
}

describe("the policy's waivers section", () => {
  it("defaults to runbook 004's limits and two approvals", () => {
    expect(waiverRulesSchema.parse({})).toEqual({
      approvals: 2,
      maxDurationMs: {
        "gate-bypass": 168 * HOUR,
        "coverage-exception": 168 * HOUR,
        "security-exception": 72 * HOUR,
        "compliance-exception": 168 * HOUR,
      },
    });
  });

  it("lets the policy change the approvals and any type's maximum", () => {
    const rules = waiverRulesSchema.parse({ approvals: 3, maxDuration: { "security-exception": "24h" } });
    expect(rules.approvals).toBe(3);
    expect(rules.maxDurationMs["security-exception"]).toBe(24 * HOUR);
    expect(rules.maxDurationMs["gate-bypass"]).toBe(168 * HOUR);
  });

  it("refuses an unknown type, zero approvals, a bad duration", () => {
    expect(waiverRulesSchema.safeParse({ maxDuration: { "any-exception": "1d" } }).success).toBe(false);
    expect(waiverRulesSchema.safeParse({ approvals: 0 }).success).toBe(false);
    expect(waiverRulesSchema.safeParse({ maxDuration: { "gate-bypass": "a week" } }).success).toBe(false);
  });
});

describe("a waiver request", () => {
  it("is valid with the runbook's fields, expiry from a duration", () => {
    const result = validateWaiverRequest(request(), DEFAULT_WAIVER_RULES, NOW);
    expect(result).toEqual({
      ok: true,
      value: {
        type: "gate-bypass",
        hotfixTag: "v4.1.3",
        gatesWaived: ["integration-tests"],
        justification: JUSTIFICATION,
        risk: "low",
        mitigations: ["Manual verification of affected endpoints", "Canary deployment at 5% traffic"],
        ticketUrl: "https://issues.example.com/SEC-1234",
        expiresAt: later(48),
      },
    });
  });

  it("reads gates and mitigations written as one text (a modal's plain input)", () => {
    const result = validateWaiverRequest(
      request({ gatesWaived: "integration-tests, e2e\nlint, e2e", mitigations: "canary\n" }),
      DEFAULT_WAIVER_RULES,
      NOW,
    );
    expect(result.ok && result.value.gatesWaived).toEqual(["integration-tests", "e2e", "lint"]);
    expect(result.ok && result.value.mitigations).toEqual(["canary"]);
  });

  it("needs a justification of at least 50 characters", () => {
    const short = "x".repeat(49);
    const result = validateWaiverRequest(request({ justification: short }), DEFAULT_WAIVER_RULES, NOW);
    expect(result).toEqual({
      ok: false,
      errors: ["justification: the justification must be at least 50 characters, so a reviewer can judge it"],
    });
    expect(validateWaiverRequest(request({ justification: "x".repeat(50) }), DEFAULT_WAIVER_RULES, NOW).ok).toBe(true);
    // Spaces do not count towards the 50.
    expect(validateWaiverRequest(request({ justification: `  ${short}   ` }), DEFAULT_WAIVER_RULES, NOW).ok).toBe(false);
  });

  it.each([
    ["gate-bypass", 168],
    ["coverage-exception", 168],
    ["security-exception", 72],
    ["compliance-exception", 168],
  ])("lets a %s run exactly its maximum of %i h and not a second more", (type, hours) => {
    expect(validateWaiverRequest(request({ type, duration: `${hours}h` }), DEFAULT_WAIVER_RULES, NOW).ok).toBe(true);
    const over = validateWaiverRequest(
      request({ type, duration: undefined, expiresAt: new Date(later(hours).getTime() + 1000) }),
      DEFAULT_WAIVER_RULES,
      NOW,
    );
    expect(over.ok).toBe(false);
    expect(!over.ok && over.errors[0]).toContain(`a ${type} waiver runs at most`);
    expect(!over.ok && over.errors[0]).toContain(`the latest expiry is ${later(hours).toISOString()}`);
  });

  it("refuses an expiry in the past or now", () => {
    for (const expiresAt of ["2026-01-09T09:59:59Z", "2026-01-09T10:00:00Z"]) {
      const result = validateWaiverRequest(request({ duration: undefined, expiresAt }), DEFAULT_WAIVER_RULES, NOW);
      expect(!result.ok && result.errors[0]).toMatch(/^expiresAt: .* is not after 2026-01-09T10:00:00.000Z$/);
    }
  });

  it("wants either an expiry or a duration", () => {
    expect(validateWaiverRequest(request({ duration: undefined }), DEFAULT_WAIVER_RULES, NOW)).toEqual({
      ok: false,
      errors: ["expiresAt: give either an expiry time or a duration, not both and not neither"],
    });
    expect(validateWaiverRequest(request({ expiresAt: "2026-01-10T10:00:00Z" }), DEFAULT_WAIVER_RULES, NOW).ok).toBe(false);
  });

  it("names every bad field at once", () => {
    const result = validateWaiverRequest(
      {
        type: "yolo",
        hotfixTag: " ",
        gatesWaived: [],
        justification: "",
        risk: "extreme",
        mitigations: [],
        ticketUrl: "javascript:alert(1)",
        duration: "1d",
      },
      DEFAULT_WAIVER_RULES,
      NOW,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const fields = result.errors.map((e) => e.split(":")[0]);
    expect(fields).toEqual(expect.arrayContaining(["type", "hotfixTag", "gatesWaived", "justification", "risk", "ticketUrl"]));
  });

  it("checks ticket URLs", () => {
    expect(isTicketUrl("https://issues.example.com/SEC-1234")).toBe(true);
    expect(isTicketUrl("http://linear.app/acme/issue/ENG-1")).toBe(true);
    for (const bad of ["javascript:alert(1)", "ftp://x.example.com/a", "SEC-1234", "/issues/1", "https://", ""])
      expect(isTicketUrl(bad)).toBe(false);
  });
});

describe("waiver ids", () => {
  it("numbers per year from the existing ones", () => {
    expect(nextWaiverId([], NOW)).toBe("HW-2026-001");
    expect(nextWaiverId(["HW-2026-001", "HW-2026-007", "HW-2025-031", "junk"], NOW)).toBe("HW-2026-008");
    expect(nextWaiverId(["HW-2025-031"], NOW)).toBe("HW-2026-001");
    expect(nextWaiverId(["HW-2026-999"], NOW)).toBe("HW-2026-1000");
  });

  it("is always new and well-formed (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 2024, max: 2027 }), fc.integer({ min: 1, max: 1500 }))), (pairs) => {
        const ids = pairs.map(([year, n]) => `HW-${year}-${String(n).padStart(3, "0")}`);
        const next = nextWaiverId(ids, NOW);
        expect(next).toMatch(/^HW-2026-\d{3,}$/);
        expect(ids).not.toContain(next);
      }),
    );
  });
});

describe("approvals", () => {
  it("activates with two approvals from two different approvers", () => {
    const once = decideWaiver(pending(), { by: "U_ANA", decision: "approve", at: later(1) }, DEFAULT_WAIVER_RULES, APPROVERS);
    expect(once.ok && once.outcome).toBe("approved");
    expect(once.ok && once.waiver.status).toBe("pending");
    if (!once.ok) return;
    const twice = decideWaiver(once.waiver, { by: "U_BEN", decision: "approve", at: later(2) }, DEFAULT_WAIVER_RULES, APPROVERS);
    expect(twice.ok && twice.outcome).toBe("activated");
    expect(twice.ok && twice.waiver.status).toBe("active");
    expect(twice.ok && twice.waiver.approvals).toEqual([
      { approver: "U_ANA", at: later(1) },
      { approver: "U_BEN", at: later(2) },
    ]);
  });

  it("refuses the requester", () => {
    const outcome = decideWaiver(pending(), { by: "U_ANA", decision: "approve", at: later(1) }, DEFAULT_WAIVER_RULES, APPROVERS);
    expect(outcome.ok).toBe(true);
    const self = decideWaiver(
      pending({ requestedBy: "U_ANA" }),
      { by: "U_ANA", decision: "approve", at: later(1) },
      DEFAULT_WAIVER_RULES,
      APPROVERS,
    );
    expect(self).toEqual({
      ok: false,
      refusal: {
        code: "requester-cannot-approve",
        message: "You requested HW-2026-001, so you cannot approve it; another approver must review it.",
      },
    });
  });

  it("refuses someone outside the approvers group, for approve and deny alike", () => {
    for (const decision of ["approve", "deny"] as const) {
      const outcome = decideWaiver(pending(), { by: "U_MALLORY", decision, at: later(1) }, DEFAULT_WAIVER_RULES, APPROVERS);
      expect(!outcome.ok && outcome.refusal.code).toBe("not-an-approver");
      expect(!outcome.ok && outcome.refusal.message).toBe(
        `Only members of the approvers group can ${decision} HW-2026-001; ask one of them to review it.`,
      );
    }
  });

  it("counts each approver once", () => {
    const once = approvedBy(pending(), "U_ANA");
    const again = decideWaiver(once, { by: "U_ANA", decision: "approve", at: later(2) }, DEFAULT_WAIVER_RULES, APPROVERS);
    expect(!again.ok && again.refusal.code).toBe("already-decided");
  });

  it("follows the policy's number of approvals", () => {
    const rules = { ...DEFAULT_WAIVER_RULES, approvals: 3 };
    let waiver = pending();
    for (const [by, expected] of [
      ["U_ANA", "approved"],
      ["U_BEN", "approved"],
      ["U_CAT", "activated"],
    ] as const) {
      const outcome = decideWaiver(waiver, { by, decision: "approve", at: later(1) }, rules, APPROVERS);
      if (!outcome.ok) throw new Error(outcome.refusal.message);
      expect(outcome.outcome).toBe(expected);
      waiver = outcome.waiver;
    }
  });

  it("ends with a denial: no approval after it", () => {
    const denied = decideWaiver(
      pending(),
      { by: "U_BEN", decision: "deny", at: later(1), reason: " too risky " },
      DEFAULT_WAIVER_RULES,
      APPROVERS,
    );
    expect(denied.ok && denied.waiver).toMatchObject({ status: "denied", denial: { by: "U_BEN", at: later(1), reason: "too risky" } });
    if (!denied.ok) return;
    const after = decideWaiver(denied.waiver, { by: "U_ANA", decision: "approve", at: later(2) }, DEFAULT_WAIVER_RULES, APPROVERS);
    expect(!after.ok && after.refusal.code).toBe("denied");
  });

  it("refuses any decision once expired, and says to file a new one", () => {
    const outcome = decideWaiver(pending(), { by: "U_ANA", decision: "approve", at: later(48) }, DEFAULT_WAIVER_RULES, APPROVERS);
    expect(!outcome.ok && outcome.refusal).toEqual({
      code: "expired",
      message: "HW-2026-001 expired at 2026-01-11T10:00:00.000Z; expired waivers are never extended, file a new one.",
    });
  });

  it("does not change the waiver it was given", () => {
    const waiver = pending();
    const copy = structuredClone(waiver);
    decideWaiver(waiver, { by: "U_ANA", decision: "approve", at: later(1) }, DEFAULT_WAIVER_RULES, APPROVERS);
    expect(waiver).toEqual(copy);
  });
});

describe("expiry and extension", () => {
  it("is expired from the expiry instant on", () => {
    const active = approvedBy(pending(), "U_ANA", "U_BEN");
    expect(effectiveStatus(active, new Date(later(48).getTime() - 1))).toBe("active");
    expect(effectiveStatus(active, later(48))).toBe("expired");
  });

  it("never extends an expired waiver", () => {
    const active = approvedBy(pending(), "U_ANA", "U_BEN");
    expect(extendWaiver(active, later(100), DEFAULT_WAIVER_RULES, later(49))).toEqual({
      ok: false,
      errors: ["HW-2026-001 expired at 2026-01-11T10:00:00.000Z; expired waivers are never extended, file a new one"],
    });
  });

  it("extends a live one only within its type's maximum from creation", () => {
    const active = approvedBy(pending(), "U_ANA", "U_BEN");
    const ok = extendWaiver(active, later(168), DEFAULT_WAIVER_RULES, later(10));
    expect(ok.ok && ok.value.expiresAt).toEqual(later(168));
    expect(extendWaiver(active, later(169), DEFAULT_WAIVER_RULES, later(10)).ok).toBe(false);
  });
});

describe("covers", () => {
  const active = () => approvedBy(pending({ gatesWaived: ["integration-tests", "coverage"] }), "U_ANA", "U_BEN");

  it("covers only its gates, only for its tag, only while active", () => {
    const waiver = active();
    expect(covers(waiver, "integration-tests", "v4.1.3", later(2))).toBe(true);
    expect(covers(waiver, "integration-tests", "4.1.3", later(2))).toBe(true);
    expect(covers(waiver, "lint", "v4.1.3", later(2))).toBe(false);
    expect(covers(waiver, "integration-tests", "v4.1.4", later(2))).toBe(false);
    expect(covers(pending(), "integration-tests", "v4.1.3", later(2))).toBe(false);
  });

  it("stops covering at the expiry instant (a release a minute earlier was covered)", () => {
    const waiver = active();
    expect(covers(waiver, "integration-tests", "v4.1.3", new Date(later(48).getTime() - 60_000))).toBe(true);
    expect(covers(waiver, "integration-tests", "v4.1.3", later(48))).toBe(false);
    expect(coverageProblems(waiver, "integration-tests", "v4.1.3", later(48))).toEqual([
      "it expired at 2026-01-11T10:00:00.000Z (file a new one; do not extend)",
    ]);
  });

  it("re-counts approvals instead of trusting a recorded status", () => {
    const forged = {
      ...pending(),
      status: "active" as const,
      approvals: [
        { approver: "U_REQ", at: null },
        { approver: "U_MALLORY", at: null },
      ],
    };
    expect(covers(forged, "integration-tests", "v4.1.3", later(1))).toBe(true);
    expect(covers(forged, "integration-tests", "v4.1.3", later(1), policy)).toBe(false);
    expect(coverageProblems(forged, "integration-tests", "v4.1.3", later(1), policy)).toEqual(["it has 0 of the 2 approvals required"]);
  });

  it("explains each reason at once", () => {
    expect(coverageProblems(pending(), "lint", "v9.9.9", later(1))).toEqual([
      "it is pending, not active",
      "it is for v4.1.3, not v9.9.9",
      "it does not list lint in its waived gates",
    ]);
  });
});

describe("verifyWaivers (runbook 004's verify script)", () => {
  it("passes valid waivers, with warnings for the pending ones", () => {
    const result = verifyWaivers([approvedBy(pending(), "U_ANA", "U_BEN"), pending({ id: "HW-2026-002" })], policy, later(1));
    expect(result.ok).toBe(true);
    expect(result.errors).toBe(0);
    expect(result.findings).toEqual([
      {
        waiverId: "HW-2026-002",
        level: "warning",
        code: "pending",
        message: "pending with 0 of 2 approvals; it covers nothing until approved",
      },
    ]);
  });

  it("--strict turns warnings into errors", () => {
    const result = verifyWaivers([pending()], policy, later(1), { strict: true });
    expect(result.ok).toBe(false);
    expect(result.findings.every((f) => f.level === "error")).toBe(true);
  });

  it("finds expiry, approver and limit problems", () => {
    const expiredActive = approvedBy(pending({ id: "HW-2026-003" }), "U_ANA", "U_BEN");
    const waivers: Waiver[] = [
      expiredActive,
      {
        ...pending({ id: "HW-2026-004" }),
        status: "active",
        approvals: [
          { approver: "U_REQ", at: null },
          { approver: "U_ZED", at: null },
        ],
      },
      { ...pending({ id: "HW-2026-005", type: "security-exception" }), expiresAt: later(73) },
      { ...pending({ id: "bad-id" }), justification: "short", ticketUrl: "SEC-1", gatesWaived: [] },
      pending({ id: "HW-2026-006" }),
      pending({ id: "HW-2026-006" }),
    ];
    const result = verifyWaivers(waivers, policy, later(50));
    const codes = result.findings.map((f) => `${f.waiverId} ${f.level} ${f.code}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        "HW-2026-003 error expired",
        "HW-2026-004 error approver-not-allowed",
        "HW-2026-004 error self-approved",
        "HW-2026-004 error approvals-missing",
        "HW-2026-005 error too-long",
        "bad-id error id-format",
        "bad-id error justification-short",
        "bad-id error ticket-url",
        "bad-id error no-gates",
        "HW-2026-006 error id-duplicate",
        "HW-2026-006 warning expired-pending",
      ]),
    );
    expect(result.ok).toBe(false);
    expect(result.checked).toBe(6);
    expect(result.findings.find((f) => f.code === "approver-not-allowed")?.message).toBe(
      "approved by U_REQ, U_ZED, not in the approvers group",
    );
  });

  it("warns of a waiver expiring within a day", () => {
    const result = verifyWaivers([approvedBy(pending(), "U_ANA", "U_BEN")], policy, later(30));
    expect(result.findings.map((f) => f.code)).toEqual(["expiring-soon"]);
    expect(result.ok).toBe(true);
  });
});

describe("hotfix_waivers.json", () => {
  // Runbook 004, step 2, as written.
  const runbookFile = () => ({
    version: "1.0.0",
    waivers: [
      {
        id: "HW-2026-001",
        type: "gate-bypass",
        hotfix_tag: "v4.1.3",
        gates_waived: ["integration-tests"],
        justification: "Emergency CVE patch - integration tests not affected by security fix",
        risk_assessment: "low",
        mitigations: ["Manual verification of affected endpoints", "Canary deployment at 5% traffic"],
        created_at: "2026-01-09T10:00:00Z",
        expires_at: "2026-01-16T10:00:00Z",
        approved_by: [] as string[],
        ticket_url: "https://issues.example.com/SEC-1234",
        status: "pending",
      },
    ],
  });

  it("imports the runbook's example and exports it back byte for byte", () => {
    const imported = importWaiversFile(runbookFile(), policy, later(1));
    expect(imported.ok && imported.value.refused).toEqual([]);
    if (!imported.ok) return;
    expect(imported.value.accepted[0]).toMatchObject({
      id: "HW-2026-001",
      status: "pending",
      requestedBy: null,
      risk: "low",
      hotfixTag: "v4.1.3",
    });
    expect(JSON.stringify(exportWaiversFile(imported.value.accepted, later(1)), null, 2)).toBe(JSON.stringify(runbookFile(), null, 2));
  });

  it("exports statuses as of now, sorted by id", () => {
    const a = approvedBy(pending({ id: "HW-2026-010" }), "U_ANA", "U_BEN");
    const b = pending({ id: "HW-2026-002" });
    const file = exportWaiversFile([a, b], later(49));
    expect(file.waivers.map((w) => [w.id, w.status, w.approved_by])).toEqual([
      ["HW-2026-002", "expired", []],
      ["HW-2026-010", "expired", ["U_ANA", "U_BEN"]],
    ]);
    expect(Object.keys(file.waivers[0] ?? {})).toEqual([
      "id",
      "type",
      "hotfix_tag",
      "gates_waived",
      "justification",
      "risk_assessment",
      "mitigations",
      "created_at",
      "expires_at",
      "approved_by",
      "ticket_url",
      "status",
    ]);
  });

  it("refuses entries that break the rules, each with its reasons, and keeps the good ones", () => {
    const file = runbookFile();
    const base = file.waivers[0] as Record<string, unknown>;
    file.waivers = [
      base,
      { ...base, id: "HW-2026-001" },
      { ...base, id: "HW-2026-002", type: "security-exception" },
      { ...base, id: "HW-2026-003", status: "active", approved_by: ["U_ANA"] },
      { ...base, id: "HW-2026-004", approved_by: ["U_ANA", "U_EVE"] },
      { ...base, id: "HW-2026-005", requested_by: "U_ANA", approved_by: ["U_ANA", "U_BEN"], status: "active" },
      { ...base, id: "HW-2026-006", justification: "too short", ticket_url: "nope", risk_assessment: "huge" },
      { ...base, id: "HW-2026-007", status: "active", approved_by: ["U_ANA", "U_BEN"] },
      "not an object",
    ] as never;
    const result = importWaiversFile(file, policy, later(1));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.accepted.map((w) => [w.id, w.status])).toEqual([
      ["HW-2026-001", "pending"],
      ["HW-2026-007", "active"],
    ]);
    const refused = Object.fromEntries(result.value.refused.map((r) => [r.index, r.reasons]));
    expect(refused[1]).toEqual(["id HW-2026-001 already exists"]);
    expect(refused[2]?.[0]).toContain("a security-exception waiver runs at most 3 d");
    expect(refused[3]).toEqual(["status: active needs 2 approvals from distinct approvers, it has 1"]);
    expect(refused[4]).toEqual(["approved_by: U_EVE not in the approvers group"]);
    expect(refused[5]).toEqual([
      "approved_by: U_ANA requested it and cannot approve it",
      "status: active needs 2 approvals from distinct approvers, it has 1",
    ]);
    expect(refused[6]?.map((r) => r.split(":")[0])).toEqual(["justification", "risk_assessment", "ticket_url"]);
    expect(result.value.refused.find((r) => r.index === 8)).toMatchObject({ id: null });
  });

  it("refuses ids that already exist in the store", () => {
    const result = importWaiversFile(runbookFile(), policy, later(1), ["HW-2026-001"]);
    expect(result.ok && result.value.refused[0]?.reasons).toEqual(["id HW-2026-001 already exists"]);
  });

  it("keeps an expired entry as history, marked expired", () => {
    const result = importWaiversFile(runbookFile(), policy, later(24 * 8));
    expect(result.ok && result.value.accepted[0]?.status).toBe("expired");
  });

  it("refuses a file that is not the runbook's format", () => {
    expect(importWaiversFile({ waivers: [] }, policy, NOW)).toEqual({
      ok: false,
      errors: [expect.stringMatching(/^hotfix_waivers\.json\.version: /)],
    });
    expect(importWaiversFile([], policy, NOW).ok).toBe(false);
  });

  it("round-trips any valid waiver set through export and import (property)", () => {
    const waiverArb = fc.record({
      n: fc.integer({ min: 1, max: 999 }),
      type: fc.constantFrom("gate-bypass", "coverage-exception", "security-exception", "compliance-exception"),
      hours: fc.integer({ min: 1, max: 72 }),
      approvals: fc.subarray(APPROVERS),
    });
    fc.assert(
      fc.property(fc.uniqueArray(waiverArb, { selector: (w) => w.n, maxLength: 8 }), (specs) => {
        const waivers = specs.map((s) => {
          const waiver = pending({
            id: `HW-2026-${String(s.n).padStart(3, "0")}`,
            type: s.type,
            expiresAt: later(s.hours),
            requestedBy: null,
          });
          const approvals = s.approvals.map((approver) => ({ approver, at: null }));
          return { ...waiver, approvals, status: approvals.length >= 2 ? ("active" as const) : ("pending" as const) };
        });
        const file = exportWaiversFile(waivers, NOW);
        const back = importWaiversFile(JSON.parse(JSON.stringify(file)), policy, NOW);
        expect(back.ok && back.value.refused).toEqual([]);
        expect(back.ok && exportWaiversFile(back.value.accepted, NOW)).toEqual(file);
      }),
    );
  });
});
