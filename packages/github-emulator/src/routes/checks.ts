// What CI says about a commit: check runs (Actions) and the combined commit
// status (older integrations), for a sha, branch or tag; and every status
// of a commit, history included.
import { HttpError, unprocessable } from "../errors.js";
import { checkRunJson, combinedState, statusJson } from "../render/checks.js";
import { repositoryJson } from "../render/repository.js";
import { simpleUser } from "../render/users.js";
import { paginate } from "./paginate.js";
import { type Handler, str } from "./types.js";

const GITHUB_ACTIONS_APP_ID = 15368;

export const listCheckRunsForRef: Handler = (ctx) => {
  const ref = str(ctx.params.ref);
  const commit = ctx.repo.resolve(ref);
  if (!commit) throw unprocessable(`No commit found for SHA: ${ref}`);
  const filter = ctx.query.filter === "all" ? "all" : "latest";
  const runs = ctx.repo
    .checkRunsFor(commit.sha, filter)
    .filter((run) => ctx.query.check_name === undefined || run.name === ctx.query.check_name)
    .filter((run) => ctx.query.status === undefined || run.status === ctx.query.status)
    .filter(() => ctx.query.app_id === undefined || ctx.query.app_id === GITHUB_ACTIONS_APP_ID);
  const page = paginate(ctx, runs);
  return {
    status: 200,
    headers: page.headers,
    body: { total_count: runs.length, check_runs: page.items.map((run) => checkRunJson(ctx.repo, run)) },
  };
};

export const getCombinedStatus: Handler = (ctx) => {
  const ref = str(ctx.params.ref);
  const commit = ctx.repo.resolve(ref);
  if (!commit) throw new HttpError(404, `No commit found for SHA: ${ref}`);
  const latest = ctx.repo.latestStatuses(commit.sha);
  const page = paginate(ctx, latest);
  const { links } = ctx.repo.ctx;
  return {
    status: 200,
    headers: page.headers,
    body: {
      state: combinedState(latest),
      statuses: page.items.map((status) => statusJson(ctx.repo, status)),
      sha: commit.sha,
      total_count: latest.length,
      repository: repositoryJson(ctx.repo, "minimal"),
      commit_url: links.repoApi(ctx.repo.fullName, `/commits/${commit.sha}`),
      url: links.repoApi(ctx.repo.fullName, `/commits/${commit.sha}/status`),
    },
  };
};

/** Every status of the commit, newest first (not only the latest per context), paginated. */
export const listCommitStatusesForRef: Handler = (ctx) => {
  const ref = str(ctx.params.ref);
  const commit = ctx.repo.resolve(ref);
  if (!commit) throw new HttpError(404, `No commit found for SHA: ${ref}`);
  const all = ctx.repo.statuses.filter((s) => s.sha === commit.sha).sort((a, b) => b.id - a.id);
  const page = paginate(ctx, all);
  const { links } = ctx.repo.ctx;
  return {
    status: 200,
    headers: page.headers,
    body: page.items.map((status) => ({ ...statusJson(ctx.repo, status), creator: simpleUser(status.creator, links) })),
  };
};
