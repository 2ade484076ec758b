// Records as GraphQL objects: scalar fields as values, relations and
// connections as methods taking the field's arguments. The same objects are
// what filters read (filter.ts), so `issues(filter: { team: { key: { eq:
// "ENG" } } })` walks the relation the query would.
import { type ConnectionArgs, connection } from "./connection.js";
import { notFound } from "./errors.js";
import {
  type Attachment,
  type Comment,
  type Issue,
  type IssueLabel,
  PRIORITY_LABELS,
  type Project,
  type Team,
  type User,
  type WorkflowState,
} from "./model.js";
import type { Workspace } from "./workspace.js";

type View = Record<string, unknown> & { id: string; createdAt: string; updatedAt: string; archivedAt?: string | null };

export class Views {
  constructor(private readonly ws: Workspace) {}

  organization(): View {
    const org = this.ws.organization;
    return {
      __typename: "Organization",
      id: org.id,
      name: org.name,
      urlKey: org.urlKey,
      createdAt: org.createdAt,
      updatedAt: org.createdAt,
      archivedAt: null,
      userCount: this.ws.users.size,
      teams: (args: ConnectionArgs) => connection(this.teamList(), args),
      users: (args: ConnectionArgs) => connection(this.userList(), args),
      labels: (args: ConnectionArgs) => connection(this.labelList(), args),
    };
  }

  user(user: User): View {
    return {
      __typename: "User",
      ...user,
      archivedAt: null,
      isMe: user.id === this.ws.viewerId,
      url: `https://linear.app/${this.ws.organization.urlKey}/profiles/${user.displayName}`,
      initials: user.name
        .split(/\s+/)
        .map((part) => part[0] ?? "")
        .join("")
        .slice(0, 2)
        .toUpperCase(),
      avatarUrl: null,
      guest: false,
      owner: user.admin,
      app: false,
      isAssignable: true,
      isMentionable: true,
      organization: () => this.organization(),
      teams: (args: ConnectionArgs) =>
        connection(
          this.teamList().filter((team) => this.ws.teams.get(team.id)?.memberIds.includes(user.id)),
          args,
        ),
      assignedIssues: (args: ConnectionArgs) =>
        connection(
          this.issueList().filter((issue) => issue.assigneeId === user.id),
          args,
        ),
      createdIssues: (args: ConnectionArgs) =>
        connection(
          this.issueList().filter((issue) => issue.creatorId === user.id),
          args,
        ),
    };
  }

  team(team: Team): View {
    return {
      __typename: "Team",
      id: team.id,
      key: team.key,
      name: team.name,
      displayName: team.name,
      description: team.description,
      createdAt: team.createdAt,
      updatedAt: team.updatedAt,
      archivedAt: null,
      private: false,
      timezone: "Etc/UTC",
      issueCount: [...this.ws.issues.values()].filter((issue) => issue.teamId === team.id && !issue.archivedAt).length,
      organization: () => this.organization(),
      states: (args: ConnectionArgs) =>
        connection(
          this.ws.teamStates(team.id).map((state) => this.state(state)),
          args,
        ),
      labels: (args: ConnectionArgs) =>
        connection(
          this.labelList().filter((label) => label.teamId === team.id),
          args,
        ),
      issues: (args: ConnectionArgs) =>
        connection(
          this.issueList().filter((issue) => issue.teamId === team.id),
          args,
        ),
      projects: (args: ConnectionArgs) =>
        connection(
          this.projectList().filter((project) => (project.teamIds as string[]).includes(team.id)),
          args,
        ),
      members: (args: ConnectionArgs) =>
        connection(
          this.userList().filter((user) => team.memberIds.includes(user.id)),
          args,
        ),
      defaultIssueState: () => {
        const states = this.ws.teamStates(team.id);
        const state = states.find((candidate) => candidate.type === "backlog") ?? states[0];
        return state ? this.state(state) : null;
      },
    };
  }

  state(state: WorkflowState): View {
    return {
      __typename: "WorkflowState",
      ...state,
      archivedAt: null,
      description: null,
      team: () => this.team(this.ws.team(state.teamId)),
      issues: (args: ConnectionArgs) =>
        connection(
          this.issueList().filter((issue) => issue.stateId === state.id),
          args,
        ),
    };
  }

  project(project: Project): View {
    const slug = project.name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "");
    return {
      __typename: "Project",
      ...project,
      archivedAt: null,
      url: `https://linear.app/${this.ws.organization.urlKey}/project/${slug}-${project.slugId}`,
      teams: (args: ConnectionArgs) =>
        connection(
          project.teamIds.map((id) => this.team(this.ws.team(id))),
          args,
        ),
      issues: (args: ConnectionArgs) =>
        connection(
          this.issueList().filter((issue) => issue.projectId === project.id),
          args,
        ),
    };
  }

  label(label: IssueLabel): View {
    return {
      __typename: "IssueLabel",
      ...label,
      archivedAt: null,
      team: () => (label.teamId ? this.team(this.ws.team(label.teamId)) : null),
      parent: () => {
        const parent = label.parentId ? this.ws.labels.get(label.parentId) : undefined;
        return parent ? this.label(parent) : null;
      },
      creator: () => this.userById(label.creatorId),
      organization: () => this.organization(),
      issues: (args: ConnectionArgs) =>
        connection(
          this.issueList().filter((issue) => (issue.labelIds as string[]).includes(label.id)),
          args,
        ),
      children: (args: ConnectionArgs) =>
        connection(
          this.labelList().filter((child) => child.parentId === label.id),
          args,
        ),
    };
  }

  issue(issue: Issue): View {
    const identifier = this.ws.identifier(issue);
    const creator = issue.creatorId ? this.ws.users.get(issue.creatorId) : undefined;
    const url = this.ws.issueUrl(issue);
    return {
      __typename: "Issue",
      ...issue,
      identifier,
      url,
      priorityLabel: PRIORITY_LABELS[issue.priority] ?? "No priority",
      branchName: `${creator?.displayName ?? "linear"}/${url.split("/").slice(-2).join("-").toLowerCase()}`,
      boardOrder: issue.sortOrder,
      prioritySortOrder: issue.sortOrder,
      subIssueSortOrder: null,
      trashed: false,
      previousIdentifiers: [],
      reactionData: [],
      reactions: [],
      customerTicketCount: 0,
      // Only a filter key (IssueFilter.searchableContent), not a field of Issue.
      searchableContent: `${issue.title}\n${issue.description ?? ""}`,
      team: () => this.team(this.ws.team(issue.teamId)),
      state: () => {
        const state = this.ws.states.get(issue.stateId);
        if (!state) throw notFound("WorkflowState");
        return this.state(state);
      },
      project: () => {
        const project = issue.projectId ? this.ws.projects.get(issue.projectId) : undefined;
        return project ? this.project(project) : null;
      },
      creator: () => this.userById(issue.creatorId),
      assignee: () => this.userById(issue.assigneeId),
      parent: () => {
        const parent = issue.parentId ? this.ws.issues.get(issue.parentId) : undefined;
        return parent ? this.issue(parent) : null;
      },
      children: (args: ConnectionArgs) =>
        connection(
          this.issueList().filter((child) => child.parentId === issue.id),
          args,
        ),
      labels: (args: ConnectionArgs) =>
        connection(
          issue.labelIds.flatMap((id) => {
            const label = this.ws.labels.get(id);
            return label ? [this.label(label)] : [];
          }),
          args,
        ),
      comments: (args: ConnectionArgs) =>
        connection(
          this.commentList().filter((comment) => comment.issueId === issue.id),
          args,
        ),
      attachments: (args: ConnectionArgs) =>
        connection(
          this.attachmentList().filter((attachment) => attachment.issueId === issue.id),
          args,
        ),
    };
  }

  comment(comment: Comment): View {
    const issue = this.ws.issues.get(comment.issueId);
    return {
      __typename: "Comment",
      ...comment,
      archivedAt: null,
      editedAt: null,
      resolvedAt: null,
      reactionData: [],
      reactions: [],
      url: issue ? `${this.ws.issueUrl(issue)}#comment-${comment.id.slice(0, 8)}` : "",
      issue: () => (issue ? this.issue(issue) : null),
      user: () => this.userById(comment.userId),
      parent: () => {
        const parent = comment.parentId ? this.ws.comments.get(comment.parentId) : undefined;
        return parent ? this.comment(parent) : null;
      },
      children: (args: ConnectionArgs) =>
        connection(
          this.commentList().filter((child) => child.parentId === comment.id),
          args,
        ),
    };
  }

  attachment(attachment: Attachment): View {
    return {
      __typename: "Attachment",
      ...attachment,
      archivedAt: null,
      groupBySource: false,
      source: attachment.sourceType ? { type: attachment.sourceType } : null,
      issue: () => this.issue(this.ws.issue(attachment.issueId)),
      creator: () => this.userById(attachment.creatorId),
    };
  }

  issueList(): View[] {
    return [...this.ws.issues.values()].map((issue) => this.issue(issue));
  }

  teamList(): View[] {
    return [...this.ws.teams.values()].map((team) => this.team(team));
  }

  userList(): View[] {
    return [...this.ws.users.values()].map((user) => this.user(user));
  }

  projectList(): View[] {
    return [...this.ws.projects.values()].map((project) => this.project(project));
  }

  labelList(): View[] {
    return [...this.ws.labels.values()].map((label) => this.label(label));
  }

  stateList(): View[] {
    return [...this.ws.states.values()].map((state) => this.state(state));
  }

  commentList(): View[] {
    return [...this.ws.comments.values()].map((comment) => this.comment(comment));
  }

  attachmentList(): View[] {
    return [...this.ws.attachments.values()].map((attachment) => this.attachment(attachment));
  }

  private userById(id: string | null): View | null {
    const user = id ? this.ws.users.get(id) : undefined;
    return user ? this.user(user) : null;
  }
}
