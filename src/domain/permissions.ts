// Who may do what (DESIGN.md, "Who may do what"), as one pure function. The
// caller resolves the actor's user groups first (a Slack lookup); this file
// decides from data alone, so every rule is unit-testable and the same on a
// slash command, a button click and a form submission.
import { commanderOf, type Incident } from "./incident.js";
import type { People, Policy } from "./policy.js";

export type Action =
  | "declare"
  | "status"
  | "post_update"
  | "add_timeline"
  | "change_severity"
  | "change_phase"
  | "resolve"
  | "assign_role"
  | "take_command"
  | "branch"
  | "tag"
  | "record_deploy"
  | "retry"
  | "release"
  | "rollback"
  | "complete"
  | "tune_guardrails"
  | "request_waiver"
  | "approve_waiver"
  | "uat_feedback"
  | "uat_manage"
  | "uat_skip"
  | "export_postmortem";

/** The kinds of people a refusal can point to. */
export type Who = "commander" | "incident_manager" | "release_captain" | "approver";

export interface Actor {
  userId: string;
  /** Slack user groups the actor belongs to (only the policy's groups need be resolved). */
  usergroups: readonly string[];
}

export interface PermissionRefusal {
  action: Action;
  /** Plain words for the action: "release the hotfix: it tags and ships it". */
  what: string;
  /** Who may do it instead. */
  who: Who[];
  /** The incident's commander, to name in the refusal. */
  commander?: string;
  /** A refusal that is not about a role: the requester approving their own waiver, a second approval. */
  because?: "own_request" | "approved_already";
}

export type Permission = { allowed: true } | { allowed: false; refusal: PermissionRefusal };

/** Extra facts some actions need. */
export interface PermissionContext {
  /** approve_waiver: who asked for the waiver, and who approved already. */
  requester?: string;
  approvedBy?: readonly string[];
}

export const ACTION_WORDS: Record<Action, string> = {
  declare: "declare an incident",
  status: "see the status",
  post_update: "post an update",
  add_timeline: "add to the timeline",
  change_severity: "change the severity",
  change_phase: "change the phase",
  resolve: "resolve the incident",
  assign_role: "assign or hand over a role",
  take_command: "make yourself commander",
  branch: "cut the hotfix branch",
  tag: "tag a rollback point",
  record_deploy: "record a deployment by hand",
  retry: "retry failed steps",
  release: "release the hotfix: it tags and ships it",
  rollback: "roll back the release: it marks it pre-release and sends production back to the parent",
  complete: "complete the hotfix: it merges into the default branch and deletes the hotfix branch",
  tune_guardrails: "tune the guardrails of this incident",
  request_waiver: "request a waiver",
  approve_waiver: "approve or deny a waiver",
  uat_feedback: "give UAT feedback",
  uat_manage: "run UAT (schedule it, close a review, share the summary, resolve feedback, file the follow-ups)",
  uat_skip: "skip UAT (completion no longer waits for it)",
  export_postmortem: "export the post-mortem",
};

const ANYONE: ReadonlySet<Action> = new Set([
  "declare",
  "status",
  "post_update",
  "add_timeline",
  "request_waiver",
  "uat_feedback",
  "export_postmortem",
]);
const COMMAND: ReadonlySet<Action> = new Set(["change_severity", "change_phase", "resolve", "assign_role", "uat_skip"]);
const LANE: ReadonlySet<Action> = new Set([
  "branch",
  "tag",
  "record_deploy",
  "retry",
  "release",
  "rollback",
  "complete",
  "uat_manage",
  "tune_guardrails",
]);

export function isMember(actor: Actor, people: People): boolean {
  if (people.users.includes(actor.userId)) return true;
  return Boolean(people.usergroup && actor.usergroups.includes(people.usergroup));
}

/** The Slack user groups `may` looks at: resolve the actor's membership of these only. */
export function policyUsergroups(policy: Policy): string[] {
  const { releaseCaptains, incidentManagers, approvers } = policy.people;
  return [releaseCaptains.usergroup, incidentManagers.usergroup, approvers.usergroup].filter((g): g is string => Boolean(g));
}

type IncidentRoles = Pick<Incident, "roles">;

const refuse = (action: Action, who: Who[], incident: IncidentRoles | null, because?: PermissionRefusal["because"]): Permission => {
  const commander = incident ? commanderOf(incident) : undefined;
  return {
    allowed: false,
    refusal: { action, what: ACTION_WORDS[action], who, ...(commander ? { commander } : {}), ...(because ? { because } : {}) },
  };
};

const ALLOWED: Permission = { allowed: true };

export function may(
  actor: Actor,
  action: Action,
  incident: IncidentRoles | null,
  policy: Policy,
  context: PermissionContext = {},
): Permission {
  if (ANYONE.has(action)) return ALLOWED;
  const isCommander = Boolean(incident?.roles.some((r) => r.role === "commander" && r.userId === actor.userId));
  const isManager = isMember(actor, policy.people.incidentManagers);
  if (COMMAND.has(action)) return isCommander || isManager ? ALLOWED : refuse(action, ["commander", "incident_manager"], incident);
  if (action === "take_command") {
    const hasCommander = Boolean(incident && commanderOf(incident));
    return !hasCommander || isCommander || isManager ? ALLOWED : refuse(action, ["commander", "incident_manager"], incident);
  }
  if (LANE.has(action)) {
    const isCaptain =
      Boolean(incident?.roles.some((r) => r.role === "release_captain" && r.userId === actor.userId)) ||
      isMember(actor, policy.people.releaseCaptains);
    return isCommander || isCaptain ? ALLOWED : refuse(action, ["commander", "release_captain"], incident);
  }
  // approve_waiver: an approver, never the requester, each approver once.
  if (!isMember(actor, policy.people.approvers)) return refuse(action, ["approver"], incident);
  if (context.requester === actor.userId) return refuse(action, ["approver"], incident, "own_request");
  if (context.approvedBy?.includes(actor.userId)) return refuse(action, ["approver"], incident, "approved_already");
  return ALLOWED;
}

const WHO_WORDS: Record<Who, string> = {
  commander: "the commander",
  incident_manager: "an incident manager",
  release_captain: "a release captain",
  approver: "a waiver approver",
};

/** "a, b or c" */
export function whoWords(who: readonly Who[], name: (who: Who) => string = (w) => WHO_WORDS[w]): string {
  const words = who.map(name);
  return words.length <= 1 ? (words[0] ?? "nobody") : `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`;
}

/**
 * The refusal as a sentence that says who may do it. `mention` shows a
 * person (Slack passes its mention syntax; logs keep the id).
 */
export function refusalWords(refusal: PermissionRefusal, mention: (userId: string) => string = (id) => id): string {
  if (refusal.because === "own_request") return "You requested this waiver; another approver must decide on it.";
  if (refusal.because === "approved_already") return "You approved this waiver already; it needs another approver.";
  const who = whoWords(refusal.who, (w) =>
    w === "commander" && refusal.commander ? `${WHO_WORDS.commander} (${mention(refusal.commander)})` : WHO_WORDS[w],
  );
  const hint = refusal.who.includes("release_captain")
    ? " The commander or an incident manager can make you release captain."
    : refusal.who.includes("incident_manager")
      ? " Ask the commander or an incident manager."
      : "";
  return `Only ${who} can ${refusal.what}.${hint}`;
}
