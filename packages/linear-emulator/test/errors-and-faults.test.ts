// Linear's refusals and failures, as a client sees them: schema validation
// (HTTP 400), authentication, RATELIMITED as @linear/sdk parses it, 5xx,
// a request that never answers, and an answer lost after the mutation ran.
import { LinearClient, LinearErrorType, RatelimitedLinearError } from "@linear/sdk";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LinearEmulator } from "../src/index.js";
import { postGraphql, startEmulator } from "./support.js";

let emulator: LinearEmulator;
let client: LinearClient;

beforeEach(async () => {
  ({ emulator, client } = await startEmulator());
});
afterEach(async () => {
  await emulator.stop();
});

function teamId(): string {
  const team = emulator.seeded?.team;
  if (!team) throw new Error("not seeded");
  return team.id;
}

describe("schema validation", () => {
  it("refuses a field the schema does not have with HTTP 400 and Linear's graphql-error shape", async () => {
    const answer = await postGraphql(emulator, { query: "query { issues { nodes { id externalId } } }" });
    expect(answer.status).toBe(400);
    expect(answer.json.data).toBeUndefined();
    expect(answer.json.errors?.[0]).toMatchObject({
      message: 'Cannot query field "externalId" on type "Issue".',
      extensions: { code: "GRAPHQL_VALIDATION_FAILED", type: "graphql error", userError: true },
    });
    expect(emulator.schemaViolations()).toHaveLength(1);
    expect(emulator.calls({ executed: true })).toEqual([]);
  });

  it("refuses a wrong argument type, a syntax error and variables that break the input type", async () => {
    const wrongArgument = await postGraphql(emulator, { query: 'query { issues(first: "ten") { nodes { id } } }' });
    expect(wrongArgument.status).toBe(400);
    expect(wrongArgument.json.errors?.[0]?.extensions).toMatchObject({ code: "GRAPHQL_VALIDATION_FAILED" });

    const syntax = await postGraphql(emulator, { query: "query { issues { nodes { id }" });
    expect(syntax.status).toBe(400);
    expect(syntax.json.errors?.[0]?.extensions).toMatchObject({ code: "GRAPHQL_PARSE_FAILED", type: "graphql error" });

    const missingTeam = await postGraphql(emulator, {
      query: "mutation M($input: IssueCreateInput!) { issueCreate(input: $input) { success } }",
      variables: { input: { title: "no team" } },
    });
    expect(missingTeam.status).toBe(400);
    expect(missingTeam.json.errors?.[0]?.message).toContain("teamId");
    expect(emulator.issues()).toEqual([]);
    expect(emulator.schemaViolations().map((call) => call.refused)).toEqual(["validation", "parse", "variables"]);
  });

  it("refuses input Linear refuses (empty title, priority out of range, another team's state) without creating anything", async () => {
    const empty = await client.createIssue({ teamId: teamId(), title: "  " }).catch((caught: unknown) => caught);
    expect(empty).toMatchObject({ type: LinearErrorType.InvalidInput, message: expect.stringContaining("title") });
    const priority = await client.createIssue({ teamId: teamId(), title: "x", priority: 7 }).catch((caught: unknown) => caught);
    expect(priority).toMatchObject({ type: LinearErrorType.InvalidInput, message: expect.stringContaining("priority") });
    const other = emulator.workspace.addTeam({ key: "OPS", name: "Operations" });
    const opsState = emulator.workspace.teamStates(other.id)[0];
    const wrongState = await client.createIssue({ teamId: teamId(), title: "x", stateId: opsState?.id }).catch((caught: unknown) => caught);
    expect(wrongState).toMatchObject({ type: LinearErrorType.InvalidInput });
    const unknownTeam = await client
      .createIssue({ teamId: "00000000-0000-4000-8000-000000000000", title: "x" })
      .catch((caught: unknown) => caught);
    expect(unknownTeam).toMatchObject({ type: LinearErrorType.InvalidInput, message: expect.stringContaining("Team") });
    expect(emulator.issues()).toEqual([]);
    // Refused input is not a schema violation: the documents were valid.
    expect(emulator.schemaViolations()).toEqual([]);
  });

  it("surfaces a validation failure through the SDK as a GraphqlError", async () => {
    const error = await client.client.rawRequest("query { viewer { id nosuchfield } }").catch((caught: unknown) => caught);
    expect(error).toMatchObject({ type: LinearErrorType.GraphqlError, status: 400 });
  });
});

describe("authentication", () => {
  it("refuses a wrong key, a missing header and a personal key sent as Bearer", async () => {
    const wrong = new LinearClient({ apiKey: "lin_api_wrong", apiUrl: emulator.url });
    const error = await wrong.viewer.catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      type: LinearErrorType.AuthenticationError,
      message: expect.stringContaining("You need to authenticate"),
    });

    const missing = await postGraphql(emulator, { query: "{ viewer { id } }" }, {});
    expect(missing.status).toBe(401);
    expect(missing.json.errors?.[0]).toMatchObject({
      message: "Authentication required, not authenticated",
      extensions: { type: "authentication error", code: "AUTHENTICATION_ERROR" },
    });
    const bearer = await postGraphql(emulator, { query: "{ viewer { id } }" }, { authorization: `Bearer ${emulator.apiKey}` });
    expect(bearer.status).toBe(401);
    expect(emulator.calls().map((call) => call.refused)).toEqual(["auth", "auth", "auth"]);
  });

  it("accepts configured OAuth tokens as Bearer", async () => {
    const oauth = await startEmulator({ accessTokens: ["oauth-token-1"] });
    try {
      const viaToken = new LinearClient({ accessToken: "oauth-token-1", apiUrl: oauth.emulator.url });
      expect((await viaToken.viewer).name).toBe("Hotfix Commander");
    } finally {
      await oauth.emulator.stop();
    }
  });
});

describe("rate limits", () => {
  it("answers RATELIMITED the way Linear does, and the SDK reads it as rate limited with the headers", async () => {
    const fault = emulator.rateLimitNext({ field: "issueCreate", resetInMs: 30_000 });
    const before = Date.now();
    const error = await client.createIssue({ teamId: teamId(), title: "rate limited" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RatelimitedLinearError);
    const limited = error as RatelimitedLinearError;
    expect(limited.type).toBe(LinearErrorType.Ratelimited);
    expect(limited.status).toBe(400);
    expect(limited.requestsRemaining).toBe(0);
    expect(limited.requestsLimit).toBe(5000);
    expect(limited.requestsResetAt).toBeGreaterThanOrEqual(before + 30_000);
    expect(fault.hits).toBe(1);
    expect(emulator.issues()).toEqual([]);

    // Raw, the body carries extensions.code RATELIMITED.
    emulator.rateLimitNext({ retryAfterSeconds: 12 });
    const raw = await postGraphql(emulator, { query: "{ viewer { id } }" });
    expect(raw.status).toBe(400);
    expect(raw.json.errors?.[0]?.extensions).toMatchObject({ code: "RATELIMITED", type: "ratelimited" });
    expect(raw.headers.get("retry-after")).toBe("12");

    // The fault is spent: the next attempt succeeds.
    const created = await client.createIssue({ teamId: teamId(), title: "after the limit" });
    expect(created.success).toBe(true);
    expect(emulator.issues().map((issue) => issue.title)).toEqual(["after the limit"]);
  });

  it("runs out of its hourly request budget like a real key", async () => {
    const small = await startEmulator({ requestsPerHour: 2 });
    try {
      await small.client.viewer;
      await small.client.viewer;
      const error = await small.client.viewer.catch((caught: unknown) => caught);
      expect(error).toMatchObject({ type: LinearErrorType.Ratelimited, requestsRemaining: 0 });
    } finally {
      await small.emulator.stop();
    }
  });
});

describe("outages", () => {
  it("answers a 5xx without applying the mutation", async () => {
    emulator.failNext({ field: "issueCreate", status: 503 });
    const gateway = await client.createIssue({ teamId: teamId(), title: "during the outage" }).catch((caught: unknown) => caught);
    expect(gateway).toMatchObject({ status: 503, type: LinearErrorType.NetworkError });
    emulator.failNext({ field: "issueCreate" });
    const internal = await client.createIssue({ teamId: teamId(), title: "during the outage" }).catch((caught: unknown) => caught);
    expect(internal).toMatchObject({ status: 500, type: LinearErrorType.InternalError });
    expect(emulator.issues()).toEqual([]);
    expect(emulator.calls({ field: "issueCreate" }).map((call) => [call.status, call.executed])).toEqual([
      [503, false],
      [500, false],
    ]);
  });

  it("hangs a request until the client gives up, without applying it", async () => {
    emulator.hangNext({ field: "issueCreate" });
    const impatient = new LinearClient({ apiKey: emulator.apiKey, apiUrl: emulator.url, signal: AbortSignal.timeout(300) });
    const error = await impatient.createIssue({ teamId: teamId(), title: "never answered" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toMatch(/abort|timeout/i);
    expect(emulator.issues()).toEqual([]);
    expect(emulator.calls({ field: "issueCreate" })).toMatchObject([{ executed: false, status: 0 }]);
  });

  it("applies a mutation whose answer is lost exactly once; looking before repeating finds it", async () => {
    emulator.loseAnswerNext({ field: "issueCreate" });
    const marker = "hotfix-feedback:fb-lost";
    const lost = await client
      .createIssue({ teamId: teamId(), title: "Created, answer lost", description: `body\n<!-- ${marker} -->` })
      .catch((caught: unknown) => caught);
    expect(lost).toBeInstanceOf(Error);
    expect(lost).not.toBeInstanceOf(RatelimitedLinearError);

    // The issue exists once, although the client never heard so.
    expect(emulator.issues().map((issue) => issue.title)).toEqual(["Created, answer lost"]);
    expect(emulator.calls({ field: "issueCreate" })).toMatchObject([{ executed: true, status: 0 }]);

    // What the app does next: look, find, do not create again.
    const found = await client.issues({ filter: { description: { contains: marker } } });
    expect(found.nodes.map((issue) => issue.identifier)).toEqual([emulator.issues()[0]?.identifier]);
    expect(emulator.issues()).toHaveLength(1);
  });

  it("delays an answer and then answers normally", async () => {
    emulator.delayNext({ field: "viewer", delayMs: 150 });
    const started = Date.now();
    expect((await client.viewer).isMe).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});
