// Issue comments (pull requests are issues too, so the product comments on
// them through this API).
import type { IssueComment } from "../model.js";
import type { EmulatedRepo } from "../repo.js";
import { nodeId } from "./links.js";
import { simpleUser } from "./users.js";

export function issueCommentJson(repo: EmulatedRepo, comment: IssueComment) {
  const { links } = repo.ctx;
  return {
    id: comment.id,
    node_id: nodeId("IssueComment", comment.id),
    url: links.repoApi(repo.fullName, `/issues/comments/${comment.id}`),
    html_url: links.repoWeb(repo.fullName, `/issues/${comment.issueNumber}#issuecomment-${comment.id}`),
    body: comment.body,
    user: simpleUser(comment.user, links),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    issue_url: links.repoApi(repo.fullName, `/issues/${comment.issueNumber}`),
    author_association: "MEMBER",
    reactions: {
      url: links.repoApi(repo.fullName, `/issues/comments/${comment.id}/reactions`),
      total_count: 0,
      "+1": 0,
      "-1": 0,
      laugh: 0,
      hooray: 0,
      confused: 0,
      heart: 0,
      rocket: 0,
      eyes: 0,
    },
  };
}
