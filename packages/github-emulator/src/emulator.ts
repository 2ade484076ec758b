// The emulator object tests and the demo hold: an HTTP server (use `url` as
// Octokit's baseUrl), its repositories, fault injection, the call log.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type CallFilter, CallLog, type RecordedCall } from "./calls.js";
import { Faults } from "./faults.js";
import type { EmulatorContext, WorkflowRun, WorkflowRunConclusion } from "./model.js";
import { RateLimits, type SecondaryLimitOptions } from "./rate-limit.js";
import { Links } from "./render/links.js";
import { EmulatedRepo, SEED_DEVELOPER } from "./repo.js";
import { Router } from "./router.js";
import { HANDLERS } from "./routes/index.js";
import { seedAcmePayments } from "./seed.js";
import { handleRequest } from "./server.js";
import { loadSpec } from "./spec.js";
import { type Actor, makeActor, People } from "./users.js";
import { validatorFor } from "./validate.js";
import { sendWebhook, type WebhookDelivery, type WebhookTarget } from "./webhooks.js";
import type { PendingDeploymentInput, WorkflowRuns } from "./workflow-runs.js";

export interface GitHubEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Accepted API token(s); default "ghp_test_token". Sent as `token X` or `Bearer X`. */
  token?: string | string[];
  /** Check every request and answer against the description (default true). */
  validate?: boolean;
  /** Create the demo repository acme/payments (default true). */
  seed?: boolean;
  /** The account the token belongs to; default the bot "hotfix-commander[bot]". */
  actor?: { login: string; name?: string; email?: string; type?: Actor["type"] };
  /**
   * Whether that account is a repository admin (default true). Admins bypass
   * branch protection unless it sets enforce_admins; set false to get
   * GitHub's refusals for a plain writer (e.g. a GitHub App token).
   */
  actorIsAdmin?: boolean;
  /** Web root used in html_url fields; default https://github.com. */
  webBase?: string;
  /** GitHub's secondary limit on content-creating requests (80 a minute); off by default. */
  secondaryRateLimit?: boolean | SecondaryLimitOptions;
  /** Clock for timestamps and rate limits; default real time. */
  now?: () => Date;
  /** Path of shared/specs/github/rest-subset.json: the operations it routes, validates and documents. */
  specPath: string;
  /** Receives every spec violation (default: printed to stderr). */
  onSpecViolation?: (message: string) => void;
}

const ID_BASES: Record<string, number> = {
  repository: 812_000_000,
  release: 190_000_000,
  check_run: 31_000_000_000,
  status: 33_000_000_000,
  deployment: 2_100_000_000,
  deployment_status: 9_800_000_000,
  pull: 2_300_000_000,
  issue: 2_700_000_000,
  issue_comment: 2_900_000_000,
  workflow: 120_000_000,
  workflow_run: 14_000_000_000,
};

export class GitHubEmulator {
  readonly faults = new Faults();
  readonly people: People;
  readonly actor: Actor;
  readonly rateLimits: RateLimits;
  private readonly callLog = new CallLog();
  private readonly repos = new Map<string, EmulatedRepo>();
  private readonly ids = new Map<string, number>();
  private readonly context: EmulatorContext;
  private readonly server: Server;
  private baseUrl = "";

  constructor(private readonly options: GitHubEmulatorOptions) {
    const now = options.now ?? (() => new Date());
    const given = options.actor;
    this.actor = given
      ? makeActor(given.login, {
          ...(given.name ? { name: given.name } : {}),
          ...(given.email ? { email: given.email } : {}),
          ...(given.type ? { type: given.type } : {}),
        })
      : makeActor("hotfix-commander[bot]", { id: 190_000_001, type: "Bot" });
    this.people = new People([this.actor, SEED_DEVELOPER]);
    this.rateLimits = new RateLimits(now, options.secondaryRateLimit);
    const spec = loadSpec(options.specPath);
    const validator = validatorFor(spec);
    const router = new Router(spec);
    const missing = spec.operations.filter((op) => !HANDLERS[op.operationId]).map((op) => op.operationId);
    if (missing.length > 0) throw new Error(`GitHub emulator: no handler for ${missing.join(", ")}`);
    const tokens = new Set(Array.isArray(options.token) ? options.token : [options.token ?? "ghp_test_token"]);
    const links = new Links("http://127.0.0.1", options.webBase ?? "https://github.com");
    this.context = {
      now,
      nextId: (kind) => {
        const next = (this.ids.get(kind) ?? ID_BASES[kind] ?? 1_000) + 1;
        this.ids.set(kind, next);
        return next;
      },
      links,
      actor: this.actor,
      actorIsAdmin: options.actorIsAdmin ?? true,
      people: this.people,
      calls: this.callLog,
    };
    const onSpecViolation = options.onSpecViolation ?? ((message: string) => process.stderr.write(`${message}\n`));
    this.server = createServer((req, res) => {
      handleRequest(
        {
          router,
          validator,
          validate: options.validate ?? true,
          tokens,
          faults: this.faults,
          rateLimits: this.rateLimits,
          calls: this.callLog,
          actor: this.actor,
          now,
          baseUrl: () => this.baseUrl,
          findRepo: (fullName) => this.repos.get(fullName.toLowerCase()),
          onSpecViolation,
        },
        req,
        res,
      ).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
        res.end(JSON.stringify({ message: `GitHub emulator failed: ${error instanceof Error ? error.message : String(error)}` }));
      });
    });
  }

  /** Base URL of the API, e.g. http://127.0.0.1:53211: Octokit's `baseUrl`, or GITHUB_API_URL. */
  get url(): string {
    return this.baseUrl;
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.options.port ?? 0, this.options.host ?? "127.0.0.1", () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    this.baseUrl = `http://${host}:${address.port}`;
    // Links were made before the port was known; API URLs must point here.
    this.context.links = new Links(this.baseUrl, this.context.links.webBase);
    if (this.options.seed ?? true) seedAcmePayments(this);
    return this;
  }

  /** The repository "owner/name" (case-insensitive, like GitHub); throws if it does not exist. */
  repo(fullName: string): EmulatedRepo {
    const repo = this.repos.get(fullName.toLowerCase());
    if (!repo)
      throw new Error(
        `GitHub emulator has no repository ${fullName} (have: ${[...this.repos.values()].map((r) => r.fullName).join(", ") || "none"})`,
      );
    return repo;
  }

  hasRepo(fullName: string): boolean {
    return this.repos.has(fullName.toLowerCase());
  }

  /** A new, empty repository (no commits: GitHub answers 409 "Git Repository is empty." on git endpoints). */
  createRepo(fullName: string, options: { defaultBranch?: string; description?: string; private?: boolean } = {}): EmulatedRepo {
    if (this.repos.has(fullName.toLowerCase())) throw new Error(`repository ${fullName} already exists`);
    const repo = new EmulatedRepo(this.context, fullName, options);
    this.repos.set(fullName.toLowerCase(), repo);
    return repo;
  }

  // ---------------------------------------------------------------- workflow runs
  // A dispatched run stays queued until the test moves it; run ids are unique
  // across repositories, so these find the run wherever it is.

  /** The run with this id (e.g. a dispatch's `workflow_run_id`), in any repository. */
  workflowRun(id: number): WorkflowRun | undefined {
    for (const repo of this.repos.values()) {
      const run = repo.workflowRuns.get(id);
      if (run) return run;
    }
    return undefined;
  }

  /** queued -> in_progress. */
  startWorkflowRun(id: number): WorkflowRun {
    return this.runsHolding(id).start(id);
  }

  /**
   * The run waits (status `waiting`) on these environments' required reviewers,
   * e.g. `[{ environment: "hotfix-release", reviewers: ["cole", { team: "release-captains" }] }]`.
   */
  setPendingDeployments(id: number, deployments: PendingDeploymentInput[]): WorkflowRun {
    return this.runsHolding(id).setPendingDeployments(id, deployments);
  }

  /** The reviewers approved: the run is in progress again. */
  approvePendingDeployments(id: number): WorkflowRun {
    return this.runsHolding(id).approvePendingDeployments(id);
  }

  /** Ends the run: `success`, `failure`, `cancelled` (or another of GitHub's conclusions). */
  completeWorkflowRun(id: number, conclusion: WorkflowRunConclusion): WorkflowRun {
    return this.runsHolding(id).complete(id, conclusion);
  }

  private runsHolding(id: number): WorkflowRuns {
    for (const repo of this.repos.values()) if (repo.workflowRuns.get(id)) return repo.workflowRuns;
    throw new Error(`GitHub emulator has no workflow run ${id}`);
  }

  /** Every request answered so far, optionally filtered. */
  calls(filter?: CallFilter): RecordedCall[] {
    return this.callLog.list(filter);
  }

  /** Requests and answers that did not match the description; a clean test run has none. */
  specViolations(): RecordedCall[] {
    return this.callLog.list().filter((call) => call.specViolation);
  }

  /** Turns GitHub's secondary limit on content-creating requests on (default 80 a minute) or off. */
  setSecondaryRateLimit(limit: boolean | SecondaryLimitOptions): void {
    this.rateLimits.secondary = limit ? { perMinute: (typeof limit === "object" && limit.perMinute) || 80 } : null;
  }

  clearCalls(): void {
    this.callLog.clear();
  }

  /** POSTs a signed webhook the way GitHub delivers it. */
  sendWebhook(event: string, payload: unknown, target: WebhookTarget): Promise<WebhookDelivery> {
    return sendWebhook(event, payload, target);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export async function startGitHubEmulator(options: GitHubEmulatorOptions): Promise<GitHubEmulator> {
  return new GitHubEmulator(options).listen();
}
