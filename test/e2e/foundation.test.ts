// The bot as Slack and operators meet it: signed requests in, help out,
// bad requests refused without a trace in the database, health and metrics.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, type Harness, startHarness } from "../support/harness.js";
import { slackHeaders } from "../support/signing.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const texts = (body: unknown) => JSON.stringify(body);

describe("/hotfix help", () => {
  it("answers ephemerally with every verb, in the ack itself", async () => {
    const res = await h.slack.slashCommand({
      userId: "U0ALICE",
      channelId: h.slack.channelByName("eng-prod")?.id ?? "C0ENGPROD",
      text: "help",
    });
    expect(res.status).toBe(200);
    const body = res.body as { response_type: string; text: string };
    expect(body.response_type).toBe("ephemeral");
    for (const verb of ["declare", "status", "severity", "role", "update", "resolve", "help"])
      expect(body.text).toContain(`/hotfix ${verb}`);
  });

  it("answers an unknown verb with the help and a hint", async () => {
    const res = await h.slack.slashCommand({ userId: "U0ALICE", channelId: "C0ENGPROD", text: "delcare payments down" });
    const body = res.body as { text: string };
    expect(body.text).toContain("`delcare` is not a /hotfix verb");
    expect(body.text).toContain("Did you mean `/hotfix declare`?");
    expect(body.text).toContain("/hotfix status");
  });

  it("treats an empty command as a request for help", async () => {
    const res = await h.slack.slashCommand({ userId: "U0ALICE", channelId: "C0ENGPROD", text: "" });
    expect(texts(res.body)).toContain("/hotfix declare");
  });
});

describe("requests that are not Slack's", () => {
  it("refuses a bad signature with 401 and records nothing", async () => {
    const before = await h.db.prisma.incident.count();
    const res = await h.slack.slashCommand({ userId: "U0ALICE", channelId: "C0ENGPROD", text: "help", badSignature: true });
    expect(res.status).toBe(401);
    const view = await h.slack.slashCommand({ userId: "U0ALICE", channelId: "C0ENGPROD", text: "declare x", badSignature: true });
    expect(view.status).toBe(401);
    expect(h.slack.calls("views.open")).toHaveLength(0);
    expect(await h.db.prisma.incident.count()).toBe(before);
  });

  it("refuses a stale timestamp (a replayed request) with 401", async () => {
    const res = await h.slack.slashCommand({
      userId: "U0ALICE",
      channelId: "C0ENGPROD",
      text: "help",
      timestamp: Math.floor(Date.now() / 1000) - 10 * 60,
    });
    expect(res.status).toBe(401);
  });

  it("answers a malformed body with 400", async () => {
    const body = '{"type": "event_callback", oops';
    const res = await fetch(`${h.app.url}/slack/events`, {
      method: "POST",
      headers: { "content-type": "application/json", ...slackHeaders(body) },
      body,
    });
    expect(res.status).toBe(400);
  });

  it("answers unknown paths with 404", async () => {
    expect((await fetch(`${h.app.url}/nope`)).status).toBe(404);
    expect((await fetch(`${h.app.url}/healthz`, { method: "POST" })).status).toBe(405);
  });
});

describe("operations", () => {
  it("reports health with the database reachable", async () => {
    const res = await fetch(`${h.app.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", database: "ok" });
  });

  it("exports Prometheus metrics: request counts and ack latency", async () => {
    await h.slack.slashCommand({ userId: "U0ALICE", channelId: "C0ENGPROD", text: "help" });
    const text = await eventually(async () => {
      const body = await (await fetch(`${h.app.url}/metrics`)).text();
      expect(body).toMatch(/hotfix_slack_ack_seconds_count\{kind="command"\} [1-9]/);
      return body;
    });
    expect(text).toMatch(/hotfix_slack_requests_total\{kind="command"\} [1-9]/);
    expect(text).toMatch(/hotfix_http_requests_total\{route="\/slack\/events",method="POST",status="401"\} [1-9]/);
    expect(text).toContain("hotfix_process_cpu_seconds_total");
  });
});
