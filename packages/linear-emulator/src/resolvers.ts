// The root fields the emulator answers. A root field of the schema that is
// not here is refused with a clear "not emulated" error rather than a
// made-up answer.
import { type ConnectionArgs, connection } from "./connection.js";
import { notFound } from "./errors.js";
import type { Views } from "./views.js";
import type { IssueInput, Workspace } from "./workspace.js";

type Args = Record<string, unknown>;
type Resolver = (args: Args) => unknown;

export function rootResolvers(ws: Workspace, views: Views): Record<string, Resolver> {
  const byId = <T>(map: Map<string, T>, entity: string, id: unknown): T => {
    const record = map.get(String(id));
    if (!record) throw notFound(entity);
    return record;
  };
  const payload = (key: string, value: unknown) => ({ lastSyncId: ws.lastSyncId, success: true, [key]: value });

  return {
    // Queries
    viewer: () => views.user(ws.viewer),
    organization: () => views.organization(),
    user: (args) => views.user(byId(ws.users, "User", args.id)),
    users: (args) => connection(views.userList(), args as ConnectionArgs),
    team: (args) => views.team(ws.team(String(args.id))),
    teams: (args) => connection(views.teamList(), args as ConnectionArgs),
    project: (args) => views.project(byId(ws.projects, "Project", args.id)),
    projects: (args) => connection(views.projectList(), args as ConnectionArgs),
    issueLabel: (args) => views.label(byId(ws.labels, "IssueLabel", args.id)),
    issueLabels: (args) => connection(views.labelList(), args as ConnectionArgs),
    workflowState: (args) => views.state(byId(ws.states, "WorkflowState", args.id)),
    workflowStates: (args) => connection(views.stateList(), args as ConnectionArgs),
    issue: (args) => views.issue(ws.issue(String(args.id))),
    issues: (args) => connection(views.issueList(), args as ConnectionArgs),
    comment: (args) => views.comment(byId(ws.comments, "Comment", args.id)),
    comments: (args) => connection(views.commentList(), args as ConnectionArgs),
    attachment: (args) => views.attachment(byId(ws.attachments, "Attachment", args.id)),
    attachments: (args) => connection(views.attachmentList(), args as ConnectionArgs),
    attachmentsForURL: (args) =>
      connection(
        views.attachmentList().filter((attachment) => attachment.url === args.url),
        args as ConnectionArgs,
      ),

    // Mutations
    issueCreate: (args) => payload("issue", views.issue(ws.createIssue(args.input as IssueInput))),
    issueUpdate: (args) => payload("issue", views.issue(ws.updateIssue(String(args.id), args.input as Partial<IssueInput>))),
    issueLabelCreate: (args) => {
      const input = args.input as Parameters<Workspace["addLabel"]>[0];
      return payload("issueLabel", views.label(ws.addLabel(input)));
    },
    commentCreate: (args) => {
      const input = args.input as { issueId?: string | null; body?: string | null; id?: string | null; parentId?: string | null };
      if (!input.issueId) throw notFound("Issue");
      return payload(
        "comment",
        views.comment(
          ws.addComment({ issueId: input.issueId, body: input.body ?? "", id: input.id ?? null, parentId: input.parentId ?? null }),
        ),
      );
    },
    attachmentCreate: (args) => {
      const input = args.input as {
        issueId: string;
        url: string;
        title: string;
        subtitle?: string | null;
        metadata?: Record<string, unknown> | null;
        id?: string | null;
      };
      return payload("attachment", views.attachment(ws.linkUrl(input)));
    },
    attachmentLinkURL: (args) =>
      payload(
        "attachment",
        views.attachment(
          ws.linkUrl({
            issueId: String(args.issueId),
            url: String(args.url),
            title: (args.title as string | null) ?? null,
            id: (args.id as string | null) ?? null,
          }),
        ),
      ),
    attachmentLinkSlack: (args) =>
      payload(
        "attachment",
        views.attachment(
          ws.linkUrl({
            issueId: String(args.issueId),
            url: String(args.url),
            title: (args.title as string | null) ?? "Slack thread",
            id: (args.id as string | null) ?? null,
            sourceType: "slack",
          }),
        ),
      ),
  };
}
