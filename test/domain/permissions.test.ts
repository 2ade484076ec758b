// DESIGN.md's "Who may do what", as the pure function every workflow asks.
import { describe, expect, it } from "vitest";
import { parsePolicy } from "../../src/config.js";
import { type Action, type Actor, may, refusalWords } from "../../src/domain/permissions.js";

const policy = parsePolicy(
  {
    people: {
      incidentManagers: { usergroup: "S0MANAGERS", users: ["U0MANAGER"] },
      releaseCaptains: { usergroup: "S0CAPTAINS" },
      approvers: { users: ["U0APPROVER", "U0APPROVER2"] },
    },
  },
  "test",
);
const incident = {
  roles: [
    { role: "commander" as const, userId: "U0BOB" },
    { role: "release_captain" as const, userId: "U0CAROL" },
  ],
};
const nobodyInCommand = { roles: [] };

const person = (userId: string, ...usergroups: string[]): Actor => ({ userId, usergroups });
const commander = person("U0BOB");
const incidentCaptain = person("U0CAROL");
const policyCaptain = person("U0DAVE", "S0CAPTAINS");
const managerByGroup = person("U0ERIN", "S0MANAGERS");
const managerByName = person("U0MANAGER");
const approver = person("U0APPROVER");
const stranger = person("U0MALLORY");

const allowed = (actor: Actor, action: Action, on: { roles: typeof incident.roles } | null = incident) =>
  may(actor, action, on, policy).allowed;

describe("may", () => {
  it("lets anyone declare, read the status, post updates, add to the timeline, request waivers, give UAT feedback and export", () => {
    for (const action of [
      "declare",
      "status",
      "post_update",
      "add_timeline",
      "request_waiver",
      "uat_feedback",
      "export_postmortem",
    ] as const) {
      expect(allowed(stranger, action)).toBe(true);
    }
    expect(allowed(stranger, "declare", null)).toBe(true);
  });

  it("keeps severity, phase, resolve and roles for the commander and incident managers", () => {
    for (const action of ["change_severity", "change_phase", "resolve", "assign_role"] as const) {
      expect(allowed(commander, action)).toBe(true);
      expect(allowed(managerByGroup, action)).toBe(true);
      expect(allowed(managerByName, action)).toBe(true);
      expect(allowed(incidentCaptain, action)).toBe(false);
      expect(allowed(policyCaptain, action)).toBe(false);
      expect(allowed(stranger, action)).toBe(false);
    }
  });

  it("lets someone take command only when there is no commander, or as an incident manager", () => {
    expect(allowed(stranger, "take_command", nobodyInCommand)).toBe(true);
    expect(allowed(stranger, "take_command")).toBe(false);
    expect(allowed(managerByGroup, "take_command")).toBe(true);
    expect(allowed(commander, "take_command")).toBe(true);
  });

  it("keeps the release lane for the commander, the incident's release captain and the policy's release captains", () => {
    for (const action of ["branch", "tag", "record_deploy", "retry", "release", "rollback", "complete"] as const) {
      expect(allowed(commander, action)).toBe(true);
      expect(allowed(incidentCaptain, action)).toBe(true);
      expect(allowed(policyCaptain, action)).toBe(true);
      expect(allowed(stranger, action)).toBe(false);
      // An incident manager makes people captain; they do not release themselves.
      expect(allowed(managerByGroup, action)).toBe(false);
    }
  });

  it("lets approvers approve, never their own request, each once", () => {
    expect(may(approver, "approve_waiver", incident, policy, { requester: "U0ALICE" }).allowed).toBe(true);
    expect(may(stranger, "approve_waiver", incident, policy, { requester: "U0ALICE" }).allowed).toBe(false);
    const own = may(approver, "approve_waiver", incident, policy, { requester: "U0APPROVER" });
    expect(own).toEqual({ allowed: false, refusal: expect.objectContaining({ because: "own_request", who: ["approver"] }) });
    const twice = may(approver, "approve_waiver", incident, policy, { requester: "U0ALICE", approvedBy: ["U0APPROVER"] });
    expect(twice).toEqual({ allowed: false, refusal: expect.objectContaining({ because: "approved_already" }) });
  });

  it("says who may do it instead, naming the commander", () => {
    const verdict = may(stranger, "release", incident, policy);
    expect(verdict).toEqual({
      allowed: false,
      refusal: {
        action: "release",
        what: "release the hotfix: it tags and ships it",
        who: ["commander", "release_captain"],
        commander: "U0BOB",
      },
    });
    if (verdict.allowed) return;
    expect(refusalWords(verdict.refusal, (id) => `<@${id}>`)).toBe(
      "Only the commander (<@U0BOB>) or a release captain can release the hotfix: it tags and ships it. The commander or an incident manager can make you release captain.",
    );
    const severity = may(stranger, "change_severity", incident, policy);
    expect(severity.allowed ? "" : refusalWords(severity.refusal)).toBe(
      "Only the commander (U0BOB) or an incident manager can change the severity. Ask the commander or an incident manager.",
    );
  });
});
