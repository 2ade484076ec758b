// Loads the published description of the GitHub REST operations the product
// may use (`specs/github/rest-subset.json`). The emulator routes, validates and
// documents itself from this one file, so it cannot drift from it.
import { existsSync, readFileSync } from "node:fs";

export type JsonSchema = Record<string, unknown>;

export interface SpecParameter {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  schema?: JsonSchema;
}

export interface SpecOperation {
  /** e.g. "GET" */
  method: string;
  /** e.g. "/repos/{owner}/{repo}/git/ref/{ref}" */
  path: string;
  operationId: string;
  summary: string;
  parameters: SpecParameter[];
  requestBody: { required?: boolean; content: Record<string, { schema: JsonSchema }> } | null;
  responses: Record<string, { description: string; schema: JsonSchema | null }>;
  /** GitHub's documentation page, used in error bodies like GitHub does. */
  documentationUrl: string;
}

export interface Spec {
  file: string;
  operations: SpecOperation[];
  byId: Map<string, SpecOperation>;
}

// Docs pages per operation, so error bodies carry the same
// `documentation_url` GitHub sends (clients sometimes log or match on it).
const DOCS: Record<string, string> = {
  "git/delete-ref": "git/refs#delete-a-reference",
  "repos/get": "repos/repos#get-a-repository",
  "repos/list-branches": "branches/branches#list-branches",
  "repos/get-branch": "branches/branches#get-a-branch",
  "repos/get-commit": "commits/commits#get-a-commit",
  "checks/list-for-ref": "checks/runs#list-check-runs-for-a-git-reference",
  "repos/get-combined-status-for-ref": "commits/statuses#get-the-combined-status-for-a-specific-reference",
  "repos/compare-commits-with-basehead": "commits/commits#compare-two-commits",
  "repos/get-content": "repos/contents#get-repository-content",
  "git/list-matching-refs": "git/refs#list-matching-references",
  "git/get-ref": "git/refs#get-a-reference",
  "git/get-tag": "git/tags#get-a-tag",
  "pulls/get": "pulls/pulls#get-a-pull-request",
  "repos/list-releases": "releases/releases#list-releases",
  "repos/get-latest-release": "releases/releases#get-the-latest-release",
  "repos/get-release-by-tag": "releases/releases#get-a-release-by-tag-name",
  "repos/list-tags": "repos/repos#list-repository-tags",
  "git/update-ref": "git/refs#update-a-reference",
  "repos/update-release": "releases/releases#update-a-release",
  "actions/create-workflow-dispatch": "actions/workflows#create-a-workflow-dispatch-event",
  "repos/create-deployment": "deployments/deployments#create-a-deployment",
  "repos/create-deployment-status": "deployments/statuses#create-a-deployment-status",
  "git/create-ref": "git/refs#create-a-reference",
  "git/create-tag": "git/tags#create-a-tag-object",
  "issues/create-comment": "issues/comments#create-an-issue-comment",
  "repos/merge": "branches/branches#merge-a-branch",
  "pulls/create": "pulls/pulls#create-a-pull-request",
  "repos/create-release": "releases/releases#create-a-release",
  "repos/update-branch-protection": "branches/branch-protection#update-branch-protection",
  "repos/create-or-update-file-contents": "repos/contents#create-or-update-file-contents",
  "pulls/merge": "pulls/pulls#merge-a-pull-request",
  "pulls/list": "pulls/pulls#list-pull-requests",
  "pulls/update": "pulls/pulls#update-a-pull-request",
  "actions/list-workflow-runs": "actions/workflow-runs#list-workflow-runs-for-a-workflow",
  "actions/get-workflow-run": "actions/workflow-runs#get-a-workflow-run",
  "actions/get-pending-deployments-for-run": "actions/workflow-runs#get-pending-deployments-for-a-workflow-run",
  "repos/list-deployments": "deployments/deployments#list-deployments",
  "repos/list-deployment-statuses": "deployments/statuses#list-deployment-statuses",
  "repos/get-branch-protection": "branches/branch-protection#get-branch-protection",
  "repos/list-commit-statuses-for-ref": "commits/statuses#list-commit-statuses-for-a-reference",
};

export const DOCS_ROOT = "https://docs.github.com/rest";

const cache = new Map<string, Spec>();

/**
 * Parses the spec once per file; the file is ~1 MB and shared by every
 * emulator in a process. The caller says where it is (the repo's tests compute
 * it once, beside the repo): guessing would let a test run against a stale copy.
 */
export function loadSpec(file: string): Spec {
  const cached = cache.get(file);
  if (cached) return cached;
  if (!existsSync(file)) throw new Error(`GitHub emulator: no spec at ${file} (the specPath option: shared/specs/github/rest-subset.json)`);
  const raw = JSON.parse(readFileSync(file, "utf8")) as { operations: Record<string, Omit<SpecOperation, "method" | "path">> };
  const operations: SpecOperation[] = Object.entries(raw.operations).map(([key, op]) => {
    const [method = "", opPath = ""] = key.split(" ");
    const docs = DOCS[op.operationId];
    return {
      ...op,
      method,
      path: opPath,
      parameters: op.parameters ?? [],
      documentationUrl: docs ? `${DOCS_ROOT}/${docs}` : DOCS_ROOT,
    };
  });
  const spec: Spec = { file, operations, byId: new Map(operations.map((op) => [op.operationId, op])) };
  cache.set(file, spec);
  return spec;
}
