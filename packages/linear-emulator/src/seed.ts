// The default workspace: what the bot's policy names out of the box
// (`linear: { team: ENG, project: HOTFIX }`) and the labels UAT feedback uses.
import type { IssueLabel, Project, Team, User } from "./model.js";
import type { Workspace } from "./workspace.js";

export const SEED_LABELS = ["hotfix", "uat", "blocker", "high", "medium"] as const;

export interface SeededWorkspace {
  viewer: User;
  team: Team;
  project: Project;
  labels: Record<(typeof SEED_LABELS)[number], IssueLabel>;
}

const COLORS: Record<(typeof SEED_LABELS)[number], string> = {
  hotfix: "#eb5757",
  uat: "#4ea7fc",
  blocker: "#b91c1c",
  high: "#f2994a",
  medium: "#f2c94c",
};

export function seedWorkspace(workspace: Workspace): SeededWorkspace {
  const viewer = workspace.addUser({
    name: "Hotfix Commander",
    displayName: "hotfix-commander",
    email: "hotfix-commander@acme.test",
    admin: true,
  });
  workspace.addUser({ name: "Dana Developer", email: "dana@acme.test" });
  const team = workspace.addTeam({ key: "ENG", name: "Engineering" });
  const project = workspace.addProject({ name: "HOTFIX", teamIds: [team.id], description: "Hotfix follow-ups and UAT feedback" });
  const labels = Object.fromEntries(
    SEED_LABELS.map((name) => [name, workspace.addLabel({ name, color: COLORS[name] })]),
  ) as SeededWorkspace["labels"];
  return { viewer, team, project, labels };
}
