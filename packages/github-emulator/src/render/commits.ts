// Commits as the REST API shows them ("Commit" in GitHub's description):
// the git data under `commit`, the GitHub accounts under `author`/`committer`,
// and, for single commits, the changed files with patches.
import { diffSnapshots } from "../git/diff.js";
import type { CommitObject, Signature } from "../git/objects.js";
import type { EmulatedRepo } from "../repo.js";
import { escapePath, nodeId } from "./links.js";
import { simpleUser } from "./users.js";

const UNSIGNED = { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null };

export function gitUser(who: Signature) {
  return { name: who.name, email: who.email, date: who.date };
}

/** The account GitHub links to a git signature by email; `null` when no account matches, as on GitHub. */
function accountFor(repo: EmulatedRepo, who: Signature) {
  const actor = repo.ctx.people.byEmail(who.email);
  return actor ? simpleUser(actor, repo.ctx.links) : null;
}

export function commitUrls(repo: EmulatedRepo, sha: string) {
  const { links } = repo.ctx;
  return {
    url: links.repoApi(repo.fullName, `/commits/${sha}`),
    html_url: links.repoWeb(repo.fullName, `/commit/${sha}`),
    comments_url: links.repoApi(repo.fullName, `/commits/${sha}/comments`),
  };
}

export function commitJson(repo: EmulatedRepo, commit: CommitObject, options: { files?: boolean } = {}) {
  const { links } = repo.ctx;
  const json: Record<string, unknown> = {
    sha: commit.sha,
    node_id: nodeId("Commit", `${repo.id}:${commit.sha}`),
    commit: {
      author: gitUser(commit.author),
      committer: gitUser(commit.committer),
      message: commit.message,
      tree: { sha: commit.tree, url: links.repoApi(repo.fullName, `/git/trees/${commit.tree}`) },
      url: links.repoApi(repo.fullName, `/git/commits/${commit.sha}`),
      comment_count: 0,
      verification: UNSIGNED,
    },
    ...commitUrls(repo, commit.sha),
    author: accountFor(repo, commit.author),
    committer: accountFor(repo, commit.committer),
    parents: commit.parents.map((sha) => ({ sha, ...pick(commitUrls(repo, sha), "url", "html_url") })),
  };
  if (options.files) {
    const parent = commit.parents[0] ? repo.objects.commit(commit.parents[0]) : undefined;
    const files = fileChangesJson(repo, commit.sha, parent?.files ?? new Map(), commit.files);
    const additions = files.reduce((sum, f) => sum + f.additions, 0);
    const deletions = files.reduce((sum, f) => sum + f.deletions, 0);
    json.stats = { total: additions + deletions, additions, deletions };
    json.files = files;
  }
  return json;
}

/** "Diff Entry" items: one per changed file, with GitHub's blob/raw/contents links at `ref`. */
export function fileChangesJson(repo: EmulatedRepo, ref: string, before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>) {
  const { links } = repo.ctx;
  return diffSnapshots(repo.objects, before, after).map((change) => {
    const file = escapePath(change.filename);
    return {
      sha: change.sha,
      filename: change.filename,
      status: change.status,
      additions: change.additions,
      deletions: change.deletions,
      changes: change.changes,
      blob_url: links.repoWeb(repo.fullName, `/blob/${ref}/${file}`),
      raw_url: links.repoWeb(repo.fullName, `/raw/${ref}/${file}`),
      contents_url: links.repoApi(repo.fullName, `/contents/${file}?ref=${ref}`),
      ...(change.patch !== undefined ? { patch: change.patch } : {}),
    };
  });
}

function pick<T extends Record<string, unknown>, K extends keyof T>(object: T, ...keys: K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, object[key]])) as Pick<T, K>;
}
