// One handler per operation of the description, by operationId. The server
// checks at start-up that this table and the description list the same
// operations, so adding an operation to the spec fails loudly until handled.
import { createWorkflowDispatch, getPendingDeploymentsForRun, getWorkflowRun, listWorkflowRuns } from "./actions.js";
import { getBranch, getBranchProtection, listBranches, mergeBranch, updateBranchProtection } from "./branches.js";
import { getCombinedStatus, listCheckRunsForRef, listCommitStatusesForRef } from "./checks.js";
import { compareCommits, getCommit } from "./commits.js";
import { createOrUpdateFile, getContent } from "./contents.js";
import { createDeployment, createDeploymentStatus, listDeploymentStatuses, listDeployments } from "./deployments.js";
import { createIssueComment } from "./issues.js";
import { createPull, getPull, listPulls, mergePull, updatePull } from "./pulls.js";
import { createRef, deleteRef, getRef, listMatchingRefs, updateRef } from "./refs.js";
import { createRelease, getLatestRelease, getReleaseByTag, listReleases, updateRelease } from "./releases.js";
import { getRepo } from "./repos.js";
import { createTag, getTag, listTags } from "./tags.js";
import type { Handler } from "./types.js";

export const HANDLERS: Record<string, Handler> = {
  "repos/get": getRepo,
  "git/get-ref": getRef,
  "git/list-matching-refs": listMatchingRefs,
  "git/create-ref": createRef,
  "git/update-ref": updateRef,
  "git/delete-ref": deleteRef,
  "git/create-tag": createTag,
  "git/get-tag": getTag,
  "repos/list-tags": listTags,
  "repos/list-branches": listBranches,
  "repos/get-branch": getBranch,
  "repos/update-branch-protection": updateBranchProtection,
  "repos/get-branch-protection": getBranchProtection,
  "repos/merge": mergeBranch,
  "repos/get-commit": getCommit,
  "repos/compare-commits-with-basehead": compareCommits,
  "repos/list-releases": listReleases,
  "repos/get-latest-release": getLatestRelease,
  "repos/get-release-by-tag": getReleaseByTag,
  "repos/create-release": createRelease,
  "repos/update-release": updateRelease,
  "checks/list-for-ref": listCheckRunsForRef,
  "repos/get-combined-status-for-ref": getCombinedStatus,
  "repos/list-commit-statuses-for-ref": listCommitStatusesForRef,
  "repos/get-content": getContent,
  "repos/create-or-update-file-contents": createOrUpdateFile,
  "actions/create-workflow-dispatch": createWorkflowDispatch,
  "actions/list-workflow-runs": listWorkflowRuns,
  "actions/get-workflow-run": getWorkflowRun,
  "actions/get-pending-deployments-for-run": getPendingDeploymentsForRun,
  "repos/create-deployment": createDeployment,
  "repos/create-deployment-status": createDeploymentStatus,
  "repos/list-deployments": listDeployments,
  "repos/list-deployment-statuses": listDeploymentStatuses,
  "pulls/create": createPull,
  "pulls/get": getPull,
  "pulls/merge": mergePull,
  "pulls/list": listPulls,
  "pulls/update": updatePull,
  "issues/create-comment": createIssueComment,
};
