// A thin adapter over @linear/sdk for the UAT lane: create an issue in the
// policy's team and project exactly once, and say what a failure means.
//
// Exactly once: the caller chooses the issue's `id` (a UUID) when it stores
// the feedback, before any call. After an uncertain outcome (timeout, 5xx,
// lost answer) the next attempt looks the issue up by that id first; a create
// Linear refuses because the id exists already is looked up too. So a retry
// never makes a second issue.
import { LinearClient, LinearErrorType } from "@linear/sdk";
import type { Logger } from "pino";
import type { Env } from "../config.js";

/** One operation (a few GraphQL calls) may take this long before it counts as not answered. */
export const LINEAR_TIMEOUT_MS = 15_000;

export interface LinearIssueRef {
  id: string;
  identifier: string;
  url: string;
}

export interface LinearIssueInput {
  /** Chosen by us before the first call; the key of exactly-once. */
  id: string;
  title: string;
  /** Markdown. */
  description: string;
  /** 1 Urgent, 2 High, 3 Medium, 4 Low. */
  priority?: number;
  /** Label names; missing ones are created in the team. */
  labels: string[];
}

export interface LinearTarget {
  /** Team key, e.g. ENG. */
  team: string;
  /** Project name, e.g. HOTFIX. */
  project: string;
}

/** What a failed Linear call means for the next attempt. */
export type LinearFailure =
  | { kind: "rate_limited"; retryAt: Date; message: string }
  /** Linear down, slow, or the answer lost: the call may have taken effect; look before trying again. */
  | { kind: "uncertain"; message: string }
  /** Linear refused what we sent, or the key/team/project is wrong: trying again will not help until someone acts. */
  | { kind: "refused"; message: string };

export class LinearConfigError extends Error {}

interface Ids {
  teamId: string;
  projectId: string | undefined;
  labels: Map<string, string>;
}

export class LinearAdapter {
  private ids: Promise<Ids> | undefined;

  constructor(
    private readonly options: { apiKey: string; apiUrl: string; target: LinearTarget; timeoutMs?: number },
    private readonly logger?: Logger,
  ) {}

  /** A client whose calls give up after the timeout (one signal per operation: clients are cheap). */
  private client(): LinearClient {
    return new LinearClient({
      apiKey: this.options.apiKey,
      apiUrl: this.options.apiUrl,
      signal: AbortSignal.timeout(this.options.timeoutMs ?? LINEAR_TIMEOUT_MS),
    });
  }

  /** The issue with this id, or undefined when Linear has none. */
  async findIssue(id: string, client = this.client()): Promise<LinearIssueRef | undefined> {
    const found = await client.issues({ filter: { id: { eq: id } } });
    const issue = found.nodes[0];
    return issue ? { id: issue.id, identifier: issue.identifier, url: issue.url } : undefined;
  }

  /**
   * Creates the issue unless it exists. `lookFirst`: a previous attempt's
   * outcome is unknown, so look it up by its id before creating.
   */
  async ensureIssue(input: LinearIssueInput, { lookFirst }: { lookFirst: boolean }): Promise<LinearIssueRef & { existed: boolean }> {
    const client = this.client();
    if (lookFirst) {
      const existing = await this.findIssue(input.id, client);
      if (existing) return { ...existing, existed: true };
    }
    const ids = await this.resolveIds(client, input.labels);
    try {
      const payload = await client.createIssue({
        id: input.id,
        teamId: ids.teamId,
        ...(ids.projectId ? { projectId: ids.projectId } : {}),
        title: input.title,
        description: input.description,
        ...(input.priority !== undefined ? { priority: input.priority } : {}),
        labelIds: input.labels.map((name) => ids.labels.get(name.toLowerCase())).filter((id): id is string => Boolean(id)),
      });
      const issue = await payload.issue;
      if (!issue) throw new Error("Linear created the issue but did not return it");
      return { id: issue.id, identifier: issue.identifier, url: issue.url, existed: false };
    } catch (error) {
      // Refused because the id is taken: an earlier attempt created it (its answer was lost).
      if (isInvalidInput(error)) {
        const existing = await this.findIssue(input.id, client);
        if (existing) return { ...existing, existed: true };
      }
      throw error;
    }
  }

  /** Team, project and label ids, looked up once per adapter (labels: created when missing). */
  private async resolveIds(client: LinearClient, labels: string[]): Promise<Ids> {
    this.ids ??= (async () => {
      const { team, project } = this.options.target;
      const teams = await client.teams({ filter: { key: { eq: team } } });
      const teamId = teams.nodes[0]?.id;
      if (!teamId) throw new LinearConfigError(`Linear has no team with the key ${team} (policy linear.team)`);
      const projects = await client.projects({ filter: { name: { eq: project } } });
      const projectId = projects.nodes[0]?.id;
      if (!projectId) this.logger?.warn({ project }, "Linear has no such project (policy linear.project); issues go to the team only");
      const existing = await client.issueLabels({ first: 250 });
      return { teamId, projectId, labels: new Map(existing.nodes.map((l) => [l.name.toLowerCase(), l.id])) };
    })().catch((error: unknown) => {
      this.ids = undefined;
      throw error;
    });
    const ids = await this.ids;
    for (const name of labels) {
      if (ids.labels.has(name.toLowerCase())) continue;
      try {
        const created = await (await client.createIssueLabel({ name, teamId: ids.teamId })).issueLabel;
        if (created) ids.labels.set(name.toLowerCase(), created.id);
      } catch (error) {
        // A label is a nicety: an issue without it is better than no issue.
        if (!isInvalidInput(error)) throw error;
        this.logger?.warn({ label: name }, "Linear refused to create a label");
      }
    }
    return ids;
  }
}

function isInvalidInput(error: unknown): boolean {
  const type = (error as { type?: string }).type;
  return type === LinearErrorType.InvalidInput || type === LinearErrorType.GraphqlError || type === LinearErrorType.UserError;
}

/** What a Linear error means: rate limited (with when to try again), uncertain, or refused. */
export function linearFailure(error: unknown, now: Date): LinearFailure {
  const e = error as { type?: string; status?: number; message?: string; requestsResetAt?: number; retryAfter?: number };
  const message = (e.message ?? String(error)).split("\n")[0]?.slice(0, 300) ?? "unknown error";
  if (error instanceof LinearConfigError) return { kind: "refused", message };
  if (e.type === LinearErrorType.Ratelimited) {
    const reset = e.requestsResetAt && e.requestsResetAt > now.getTime() ? e.requestsResetAt : undefined;
    const after = e.retryAfter ? now.getTime() + e.retryAfter * 1000 : undefined;
    // Honour Linear's reset; never sooner than a second, never later than an hour.
    const at = Math.min(now.getTime() + 3_600_000, Math.max(now.getTime() + 1_000, reset ?? after ?? now.getTime() + 60_000));
    return { kind: "rate_limited", retryAt: new Date(at), message: "Linear rate limit (RATELIMITED)" };
  }
  if (
    e.type === LinearErrorType.AuthenticationError ||
    e.type === LinearErrorType.Forbidden ||
    e.type === LinearErrorType.FeatureNotAccessible ||
    isInvalidInput(error)
  )
    return { kind: "refused", message: `Linear refused: ${message}` };
  return { kind: "uncertain", message };
}

/** The adapter, when LINEAR_API_KEY is set. */
export function createLinearAdapter(env: Env, target: LinearTarget, logger?: Logger, timeoutMs?: number): LinearAdapter | undefined {
  if (!env.LINEAR_API_KEY) return undefined;
  return new LinearAdapter({ apiKey: env.LINEAR_API_KEY, apiUrl: env.LINEAR_API_URL, target, ...(timeoutMs ? { timeoutMs } : {}) }, logger);
}
