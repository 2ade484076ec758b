// What happens outside Slack during a hotfix, done to the emulators the way
// the real world would do it: a developer pushes the fix and CI reports on it,
// GitHub delivers a signed deployment_status webhook, someone files the bug in
// Linear. The demo calls these for its incident; the sandbox page's panel
// buttons call them for the newest open incident.
import type { GitHubEmulator } from "@hotfix/github-emulator";
import type { LinearEmulator } from "@hotfix/linear-emulator";
import type { RunningApp } from "../app.js";

export const SANDBOX_REPOSITORY = "acme/payments";

export interface OutsideWorld {
  app: RunningApp;
  github: GitHubEmulator | undefined;
  linear: LinearEmulator | undefined;
  githubWebhookSecret: string;
}

/** A refusal the person on the page reads. */
export class OutsideWorldError extends Error {}

function github(world: OutsideWorld): GitHubEmulator {
  if (!world.github) throw new OutsideWorldError("The GitHub emulator is not running in this sandbox.");
  return world.github;
}

/** The newest incident still being worked on that has `field` set. */
async function newestWith(world: OutsideWorld, field: "hotfixBranch" | "releaseTag") {
  return world.app.ctx.prisma.incident.findFirst({
    where: { completedAt: null, [field]: { not: null } },
    orderBy: { declaredAt: "desc" },
  });
}

/** sam-sre pushes a fix to the hotfix branch; build and integration tests pass on it. */
export function pushFix(world: OutsideWorld, branch: string): string {
  const repo = github(world).repo(SANDBOX_REPOSITORY);
  if (!repo.branch(branch)) throw new OutsideWorldError(`There is no branch ${branch} in ${SANDBOX_REPOSITORY}.`);
  const sha = repo.commit({
    branch,
    author: "sam-sre",
    message: "fix: round card fees half-up again",
    files: {
      "src/money.ts": `export function roundHalfEven(value: number): number {\n  return Math.round(value); // ${new Date().toISOString()}\n}\n`,
    },
  });
  repo.addCheckRun(sha, { name: "build", conclusion: "success" });
  repo.addCheckRun(sha, { name: "integration-tests", conclusion: "success" });
  return sha;
}

/** GitHub tells the bot that `tag` was deployed to `environment` (a signed deployment_status webhook). */
export async function deployWebhook(world: OutsideWorld, tag: string, environment: "staging" | "production"): Promise<void> {
  const emulator = github(world);
  const { deploymentStatusEvent } = await import("@hotfix/github-emulator");
  const payload = deploymentStatusEvent(emulator.repo(SANDBOX_REPOSITORY), {
    ref: tag,
    environment,
    creator: "sam-sre",
    description: `hotfix ${tag} to ${environment}`,
  });
  const res = await emulator.sendWebhook("deployment_status", payload, {
    url: `${world.app.url}/webhooks/github`,
    secret: world.githubWebhookSecret,
  });
  if (res.status !== 200) throw new OutsideWorldError(`The bot answered the ${environment} deploy webhook with ${res.status}: ${res.body}`);
}

/** Someone files the bug in Linear (team ENG); returns its identifier and URL. */
export function fileBug(world: OutsideWorld, title: string): { identifier: string; url: string } {
  const team = world.linear?.seeded?.team;
  if (!world.linear || !team) throw new OutsideWorldError("The Linear emulator is not running in this sandbox.");
  const issue = world.linear.workspace.createIssue({ teamId: team.id, title, priority: 1 });
  const filed = world.linear.issue(issue.id);
  return { identifier: filed?.identifier ?? issue.id, url: filed?.url ?? "" };
}

// ------------------------------------------------- the page's panel buttons

export const GITHUB_ACTIONS = [
  { id: "push-fix", label: "Push a fix", hint: "sam-sre pushes a fix to the newest hotfix branch; CI passes" },
  { id: "deploy-staging", label: "Deploy to staging", hint: "GitHub reports the newest release deployed to staging (webhook)" },
  { id: "deploy-production", label: "Deploy to production", hint: "GitHub reports the newest release deployed to production (webhook)" },
];

export const LINEAR_ACTIONS = [{ id: "file-bug", label: "File a bug", hint: "A new urgent issue in team ENG, to link as the ticket" }];

export async function githubAction(world: OutsideWorld, action: string): Promise<string> {
  if (action === "push-fix") {
    const incident = await newestWith(world, "hotfixBranch");
    if (!incident?.hotfixBranch) throw new OutsideWorldError("No hotfix branch yet: type /hotfix branch in a war room first.");
    const sha = pushFix(world, incident.hotfixBranch);
    return `sam-sre pushed ${sha.slice(0, 7)} to ${incident.hotfixBranch}; build and integration-tests passed. Next: /hotfix release.`;
  }
  if (action === "deploy-staging" || action === "deploy-production") {
    const environment = action === "deploy-staging" ? "staging" : "production";
    const incident = await newestWith(world, "releaseTag");
    if (!incident?.releaseTag) throw new OutsideWorldError("Nothing released yet: /hotfix release in a war room first.");
    await deployWebhook(world, incident.releaseTag, environment);
    return `GitHub reported ${incident.releaseTag} deployed to ${environment}; see the war room.`;
  }
  throw new OutsideWorldError(`No GitHub action ${action}.`);
}

export function linearAction(world: OutsideWorld, action: string): string {
  if (action !== "file-bug") throw new OutsideWorldError(`No Linear action ${action}.`);
  const filed = fileBug(world, "Card fees rounded down for EU cards");
  return `Filed ${filed.identifier}: ${filed.url} (paste it as the ticket link when you declare).`;
}
