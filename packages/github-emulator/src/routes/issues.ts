// Comments on issues and pull requests (a pull request is an issue too).
import { notFound, validationFailed } from "../errors.js";
import type { IssueComment } from "../model.js";
import { issueCommentJson } from "../render/issues.js";
import { isoSeconds } from "../render/links.js";
import { type Handler, str } from "./types.js";

export const createIssueComment: Handler = (ctx) => {
  const number = ctx.params.issue_number;
  const exists = ctx.repo.pulls.some((p) => p.number === number) || ctx.repo.issues.some((i) => i.number === number);
  if (!exists) throw notFound();
  const body = str(ctx.body.body);
  if (body.trim() === "") throw validationFailed({ resource: "IssueComment", code: "missing_field", field: "body" });
  const now = isoSeconds(ctx.now);
  const comment: IssueComment = {
    id: ctx.repo.ctx.nextId("issue_comment"),
    issueNumber: number as number,
    body,
    user: ctx.actor,
    createdAt: now,
    updatedAt: now,
  };
  ctx.repo.comments.push(comment);
  return {
    status: 201,
    body: issueCommentJson(ctx.repo, comment),
    headers: { location: ctx.repo.ctx.links.repoApi(ctx.repo.fullName, `/issues/comments/${comment.id}`) },
  };
};
