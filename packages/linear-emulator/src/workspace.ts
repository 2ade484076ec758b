// The in-memory Linear workspace: records and the rules Linear applies when
// they change (identifiers ENG-1, ENG-2..., a team's default state, labels
// that must belong to the issue's team or the workspace). Both the GraphQL
// mutations and the tests' control API go through these methods.
import { randomUUID } from "node:crypto";
import { invalidInput, notFound } from "./errors.js";
import type {
  Attachment,
  Comment,
  Issue,
  IssueLabel,
  Organization,
  Project,
  Team,
  User,
  WorkflowState,
  WorkflowStateType,
} from "./model.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const IDENTIFIER = /^([A-Za-z0-9]+)-(\d+)$/;

export interface IssueInput {
  id?: string | null;
  teamId: string;
  title?: string | null;
  description?: string | null;
  priority?: number | null;
  stateId?: string | null;
  projectId?: string | null;
  labelIds?: string[] | null;
  assigneeId?: string | null;
  parentId?: string | null;
  estimate?: number | null;
  dueDate?: string | null;
  createdAt?: string | null;
}

export class Workspace {
  organization: Organization;
  readonly users = new Map<string, User>();
  readonly teams = new Map<string, Team>();
  readonly states = new Map<string, WorkflowState>();
  readonly projects = new Map<string, Project>();
  readonly labels = new Map<string, IssueLabel>();
  readonly issues = new Map<string, Issue>();
  readonly comments = new Map<string, Comment>();
  readonly attachments = new Map<string, Attachment>();
  viewerId = "";
  /** Linear's sync id, returned as `lastSyncId` by every mutation. */
  lastSyncId = 1000;

  constructor(private readonly now: () => Date) {
    this.organization = { id: randomUUID(), name: "Acme", urlKey: "acme", createdAt: this.stamp() };
  }

  stamp(): string {
    return this.now().toISOString();
  }

  get viewer(): User {
    const viewer = this.users.get(this.viewerId);
    if (!viewer) throw new Error("linear-emulator: no viewer (add a user first)");
    return viewer;
  }

  addUser(fields: Partial<User> & { name: string; email: string }): User {
    const at = this.stamp();
    const user: User = {
      id: randomUUID(),
      displayName: fields.name.toLowerCase().replace(/\s+/g, ""),
      admin: false,
      active: true,
      createdAt: at,
      updatedAt: at,
      ...fields,
    };
    this.users.set(user.id, user);
    if (!this.viewerId) this.viewerId = user.id;
    return user;
  }

  /** A team with Linear's default workflow (Backlog, Todo, In Progress, In Review, Done, Canceled, Duplicate). */
  addTeam(fields: { key: string; name: string; description?: string; id?: string }): Team {
    if ([...this.teams.values()].some((team) => team.key === fields.key)) throw invalidInput(`Team key ${fields.key} is already in use.`);
    const at = this.stamp();
    const team: Team = {
      id: fields.id ?? randomUUID(),
      key: fields.key,
      name: fields.name,
      description: fields.description ?? null,
      memberIds: [...this.users.keys()],
      issueSequence: 0,
      createdAt: at,
      updatedAt: at,
    };
    this.teams.set(team.id, team);
    const defaults: Array<[string, WorkflowStateType, string]> = [
      ["Backlog", "backlog", "#bec2c8"],
      ["Todo", "unstarted", "#e2e2e2"],
      ["In Progress", "started", "#f2c94c"],
      ["In Review", "started", "#0f783c"],
      ["Done", "completed", "#5e6ad2"],
      ["Canceled", "canceled", "#95a2b3"],
      ["Duplicate", "canceled", "#95a2b3"],
    ];
    defaults.forEach(([name, type, color], position) => {
      const state: WorkflowState = { id: randomUUID(), teamId: team.id, name, type, color, position, createdAt: at, updatedAt: at };
      this.states.set(state.id, state);
    });
    return team;
  }

  addProject(fields: { name: string; teamIds: string[]; description?: string; id?: string; state?: string }): Project {
    for (const teamId of fields.teamIds) this.team(teamId);
    const at = this.stamp();
    const id = fields.id ?? randomUUID();
    const project: Project = {
      id,
      name: fields.name,
      description: fields.description ?? "",
      slugId: id.replace(/-/g, "").slice(0, 12),
      teamIds: fields.teamIds,
      state: fields.state ?? "started",
      createdAt: at,
      updatedAt: at,
    };
    this.projects.set(project.id, project);
    return project;
  }

  addLabel(fields: {
    name: string;
    teamId?: string | null;
    color?: string | null;
    description?: string | null;
    parentId?: string | null;
    isGroup?: boolean | null;
    id?: string | null;
  }): IssueLabel {
    const name = fields.name.trim();
    if (!name) throw invalidInput("Label name can't be empty.");
    const teamId = fields.teamId ?? null;
    if (teamId) this.team(teamId);
    if (fields.id && this.labels.has(fields.id)) throw invalidInput("A label with this id already exists.");
    // Linear refuses a second label of the same name in the same scope (and a team label shadowing a workspace one).
    const clash = [...this.labels.values()].find(
      (label) => label.name.toLowerCase() === name.toLowerCase() && (label.teamId === null || label.teamId === teamId),
    );
    if (clash) throw invalidInput(`Duplicate label name: a label named "${clash.name}" already exists.`);
    const at = this.stamp();
    const label: IssueLabel = {
      id: fields.id ?? randomUUID(),
      name,
      color: fields.color ?? "#bec2c8",
      description: fields.description ?? null,
      teamId,
      parentId: fields.parentId ?? null,
      isGroup: fields.isGroup ?? false,
      creatorId: this.viewerId || null,
      createdAt: at,
      updatedAt: at,
    };
    this.labels.set(label.id, label);
    this.lastSyncId += 1;
    return label;
  }

  team(id: string): Team {
    const team = this.teams.get(id);
    if (!team) throw notFound("Team");
    return team;
  }

  /** An issue by UUID or identifier ("ENG-12"), as Query.issue(id:) accepts both. */
  findIssue(idOrIdentifier: string): Issue | undefined {
    const byId = this.issues.get(idOrIdentifier);
    if (byId) return byId;
    const match = IDENTIFIER.exec(idOrIdentifier);
    if (!match) return undefined;
    const team = [...this.teams.values()].find((candidate) => candidate.key.toLowerCase() === match[1]?.toLowerCase());
    return [...this.issues.values()].find((issue) => issue.teamId === team?.id && issue.number === Number(match[2]));
  }

  issue(idOrIdentifier: string): Issue {
    const issue = this.findIssue(idOrIdentifier);
    if (!issue) throw notFound("Issue");
    return issue;
  }

  identifier(issue: Issue): string {
    return `${this.team(issue.teamId).key}-${issue.number}`;
  }

  /** https://linear.app/<org>/issue/ENG-12/<slug-of-the-title> */
  issueUrl(issue: Issue): string {
    const slug = issue.title
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60)
      .replace(/-+$/, "");
    return `https://linear.app/${this.organization.urlKey}/issue/${this.identifier(issue)}${slug ? `/${slug}` : ""}`;
  }

  teamStates(teamId: string): WorkflowState[] {
    return [...this.states.values()].filter((state) => state.teamId === teamId).sort((a, b) => a.position - b.position);
  }

  createIssue(input: IssueInput): Issue {
    const team = this.team(input.teamId);
    if (input.id != null) {
      if (!UUID.test(input.id)) throw invalidInput("id must be a UUID.");
      if (this.issues.has(input.id)) throw invalidInput("An issue with this id already exists.");
    }
    const title = input.title?.trim();
    if (!title) throw invalidInput("title can't be empty.");
    const priority = this.checkPriority(input.priority ?? 0);
    const stateId = input.stateId ?? this.defaultState(team.id).id;
    this.checkState(team.id, stateId);
    if (input.projectId) this.checkProject(team.id, input.projectId);
    const labelIds = this.checkLabels(team.id, input.labelIds ?? []);
    if (input.assigneeId && !this.users.has(input.assigneeId)) throw notFound("User");
    if (input.parentId) this.issue(input.parentId);
    const at = input.createdAt ?? this.stamp();
    team.issueSequence += 1;
    const state = this.states.get(stateId);
    const issue: Issue = {
      id: input.id ?? randomUUID(),
      teamId: team.id,
      number: team.issueSequence,
      title,
      description: input.description ?? null,
      priority,
      stateId,
      projectId: input.projectId ?? null,
      labelIds,
      creatorId: this.viewerId || null,
      assigneeId: input.assigneeId ?? null,
      parentId: input.parentId ?? null,
      estimate: input.estimate ?? null,
      dueDate: input.dueDate ?? null,
      sortOrder: -team.issueSequence,
      createdAt: at,
      updatedAt: at,
      startedAt: state?.type === "started" ? at : null,
      completedAt: state?.type === "completed" ? at : null,
      canceledAt: state?.type === "canceled" ? at : null,
      archivedAt: null,
    };
    this.issues.set(issue.id, issue);
    this.lastSyncId += 1;
    return issue;
  }

  updateIssue(idOrIdentifier: string, input: Partial<Omit<IssueInput, "id">>): Issue {
    const issue = this.issue(idOrIdentifier);
    const teamId = input.teamId ?? issue.teamId;
    if (input.teamId) this.team(input.teamId);
    if (input.title !== undefined && input.title !== null) {
      if (!input.title.trim()) throw invalidInput("title can't be empty.");
      issue.title = input.title.trim();
    }
    if (input.description !== undefined) issue.description = input.description;
    if (input.priority !== undefined && input.priority !== null) issue.priority = this.checkPriority(input.priority);
    if (input.stateId) {
      this.checkState(teamId, input.stateId);
      const type = this.states.get(input.stateId)?.type;
      const at = this.stamp();
      issue.stateId = input.stateId;
      issue.startedAt = type === "started" ? (issue.startedAt ?? at) : issue.startedAt;
      issue.completedAt = type === "completed" ? at : null;
      issue.canceledAt = type === "canceled" ? at : null;
    }
    if (input.projectId !== undefined) {
      if (input.projectId) this.checkProject(teamId, input.projectId);
      issue.projectId = input.projectId ?? null;
    }
    if (input.labelIds) issue.labelIds = this.checkLabels(teamId, input.labelIds);
    if (input.assigneeId !== undefined) {
      if (input.assigneeId && !this.users.has(input.assigneeId)) throw notFound("User");
      issue.assigneeId = input.assigneeId ?? null;
    }
    if (input.estimate !== undefined) issue.estimate = input.estimate ?? null;
    if (input.dueDate !== undefined) issue.dueDate = input.dueDate ?? null;
    issue.teamId = teamId;
    issue.updatedAt = this.stamp();
    this.lastSyncId += 1;
    return issue;
  }

  addComment(input: { issueId: string; body: string; id?: string | null; parentId?: string | null }): Comment {
    const issue = this.issue(input.issueId);
    if (!input.body.trim()) throw invalidInput("Comment body can't be empty.");
    if (input.id && this.comments.has(input.id)) throw invalidInput("A comment with this id already exists.");
    const at = this.stamp();
    const comment: Comment = {
      id: input.id ?? randomUUID(),
      issueId: issue.id,
      body: input.body,
      userId: this.viewerId || null,
      parentId: input.parentId ?? null,
      createdAt: at,
      updatedAt: at,
    };
    this.comments.set(comment.id, comment);
    issue.updatedAt = at;
    this.lastSyncId += 1;
    return comment;
  }

  /**
   * Links a URL to an issue. Like Linear, linking the same URL to the same
   * issue again updates the existing attachment instead of adding a second.
   */
  linkUrl(input: {
    issueId: string;
    url: string;
    title?: string | null;
    subtitle?: string | null;
    metadata?: Record<string, unknown> | null;
    id?: string | null;
    sourceType?: string | null;
  }): Attachment {
    const issue = this.issue(input.issueId);
    let parsed: URL;
    try {
      parsed = new URL(input.url);
    } catch {
      throw invalidInput("url must be a valid URL.");
    }
    const at = this.stamp();
    const existing = [...this.attachments.values()].find((attachment) => attachment.issueId === issue.id && attachment.url === input.url);
    if (existing) {
      if (input.title) existing.title = input.title;
      if (input.subtitle !== undefined) existing.subtitle = input.subtitle ?? null;
      if (input.metadata) existing.metadata = input.metadata;
      existing.updatedAt = at;
      this.lastSyncId += 1;
      return existing;
    }
    const attachment: Attachment = {
      id: input.id ?? randomUUID(),
      issueId: issue.id,
      title: input.title ?? parsed.hostname,
      subtitle: input.subtitle ?? null,
      url: input.url,
      metadata: input.metadata ?? {},
      sourceType: input.sourceType ?? null,
      creatorId: this.viewerId || null,
      createdAt: at,
      updatedAt: at,
    };
    this.attachments.set(attachment.id, attachment);
    issue.updatedAt = at;
    this.lastSyncId += 1;
    return attachment;
  }

  private defaultState(teamId: string): WorkflowState {
    const states = this.teamStates(teamId);
    const state = states.find((candidate) => candidate.type === "backlog") ?? states[0];
    if (!state) throw invalidInput("The team has no workflow states.");
    return state;
  }

  private checkPriority(priority: number): number {
    if (!Number.isInteger(priority) || priority < 0 || priority > 4) throw invalidInput("priority must be an integer between 0 and 4.");
    return priority;
  }

  private checkState(teamId: string, stateId: string): void {
    const state = this.states.get(stateId);
    if (!state) throw notFound("WorkflowState");
    if (state.teamId !== teamId) throw invalidInput("The workflow state does not belong to the issue's team.");
  }

  private checkProject(teamId: string, projectId: string): void {
    const project = this.projects.get(projectId);
    if (!project) throw notFound("Project");
    if (!project.teamIds.includes(teamId)) throw invalidInput("The project is not associated with the issue's team.");
  }

  private checkLabels(teamId: string, labelIds: string[]): string[] {
    for (const labelId of labelIds) {
      const label = this.labels.get(labelId);
      if (!label) throw notFound("IssueLabel");
      if (label.teamId !== null && label.teamId !== teamId) throw invalidInput(`The label "${label.name}" belongs to another team.`);
      if (label.isGroup) throw invalidInput(`The label "${label.name}" is a group and can't be applied to an issue.`);
    }
    return [...new Set(labelIds)];
  }
}
