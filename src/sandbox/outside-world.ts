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

/** sam-sre pushes a fix to the hotfix branch; CI passes on it (or, with `flaky`, the integration tests fail). */
export function pushFix(world: OutsideWorld, branch: string, options: { flaky?: string } = {}): string {
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
  // The checks main's branch protection requires (build, test), and the integration tests.
  for (const name of ["build", "test", "integration-tests"]) {
    repo.addCheckRun(sha, { name, conclusion: name === options.flaky ? "failure" : "success" });
  }
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

/** Alertmanager tells the bot about an alert on `service` (Bearer ALERTS_TOKEN); false when this build has no alert webhook. */
export async function alertWebhook(
  world: OutsideWorld & { alertsToken: string },
  alert: { service: string; name: string; status: "firing" | "resolved"; value?: number; startsAt: Date },
): Promise<boolean> {
  const body = {
    version: "4",
    status: alert.status,
    receiver: "hotfix-commander",
    groupLabels: { alertname: alert.name },
    commonLabels: { alertname: alert.name, service: alert.service, severity: "critical" },
    commonAnnotations: {
      summary: `${alert.name} on ${alert.service}`,
      ...(alert.value !== undefined ? { value: String(alert.value) } : {}),
    },
    externalURL: "https://alertmanager.example.com",
    alerts: [
      {
        status: alert.status,
        labels: { alertname: alert.name, service: alert.service },
        annotations: { summary: `${alert.name} on ${alert.service}` },
        startsAt: alert.startsAt.toISOString(),
        endsAt: alert.status === "resolved" ? new Date().toISOString() : "0001-01-01T00:00:00Z",
        generatorURL: "https://prometheus.example.com/graph",
        fingerprint: `${alert.name}-${alert.service}`,
      },
    ],
  };
  const res = await fetch(`${world.app.url}/webhooks/alerts/alertmanager`, {
    method: "POST",
    headers: { authorization: `Bearer ${world.alertsToken}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status === 404) return false;
  if (res.status >= 300) throw new OutsideWorldError(`The bot answered the alert webhook with ${res.status}: ${await res.text()}`);
  return true;
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
    return `sam-sre pushed ${sha.slice(0, 7)} to ${incident.hotfixBranch}; build, test and integration-tests passed. Next: /hotfix release.`;
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

// ------------------------------------------------------ the monitoring panel

export const MONITORING_ACTIONS = [
  { id: "fire-alert", label: "Fire an alert", hint: "Alertmanager: CardFeeErrorRate firing on the newest open incident's service" },
  { id: "resolve-alert", label: "Resolve it", hint: "Alertmanager: the same alert resolved" },
];

/** The alerts the monitoring panel sent, newest first, for the panel to list. */
export interface AlertLog {
  sent: { name: string; service: string; status: "firing" | "resolved"; at: Date }[];
  firingSince?: Date;
}

export async function monitoringAction(world: OutsideWorld & { alertsToken: string }, log: AlertLog, action: string): Promise<string> {
  if (action !== "fire-alert" && action !== "resolve-alert") throw new OutsideWorldError(`No monitoring action ${action}.`);
  const incident = await world.app.ctx.prisma.incident.findFirst({ where: { completedAt: null }, orderBy: { declaredAt: "desc" } });
  // Alerts find their incident by service: the declare form's "Affected service".
  const service = incident?.service ?? "payments-api";
  const status = action === "fire-alert" ? "firing" : "resolved";
  const startsAt = status === "firing" ? new Date() : (log.firingSince ?? new Date());
  if (!(await alertWebhook(world, { service, name: "CardFeeErrorRate", status, value: 0.021, startsAt }))) {
    throw new OutsideWorldError("This build has no alert webhook yet.");
  }
  log.firingSince = status === "firing" ? startsAt : undefined;
  log.sent.unshift({ name: "CardFeeErrorRate", service, status, at: new Date() });
  return `Alertmanager sent CardFeeErrorRate ${status} for service ${service}${
    incident?.service ? "" : " (set the incident's Affected service to payments-api for it to match)"
  }.`;
}
