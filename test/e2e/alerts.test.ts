// Alert intake end to end (runbook 000 §2, runbook 001 §2, issue 10): signed
// Sentry deliveries, Alertmanager and metrics posts with the bearer token,
// into the real app; the breach is matched to the incident of its service,
// posted in its war room mentioning the on-call, recorded, deduplicated, and
// it restarts the stability window so `/hotfix complete` waits again.
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settled } from "../support/declare.js";
import { eventually, type Harness } from "../support/harness.js";
import {
  declared,
  hotfix,
  incidentNow,
  movableClock,
  roomTexts,
  saidInRoom,
  startReleaseLane,
  stopReleaseLane,
  timelineKinds,
} from "../support/release-lane.js";

const SENTRY_SECRET = "test-sentry-client-secret";
const ALERTS_TOKEN = "test-alerts-token";
const HOUR = 3_600_000;
const MINUTE = 60_000;
const clock = movableClock();
let h: Harness;
let room: string;
let incidentId: string;
/** When the breach during the stability window started (the sender repeats it with this startsAt). */
let breachAt: Date;

beforeAll(async () => {
  ({ h } = await startReleaseLane({
    now: clock.now,
    env: { SENTRY_CLIENT_SECRET: SENTRY_SECRET, ALERTS_TOKEN },
    policy: {
      people: { oncall: { usergroup: "S0ONCALL", users: ["U0ERIN"] }, approvers: { usergroup: "S0APPROVERS" } },
      links: { dashboard: "https://grafana.example.com/d/prod" },
    },
  }));
  const incident = await declared(h, { title: "Card fees rounded wrong", commanderId: "U0BOB" });
  incidentId = incident.id;
  room = incident.warRoomChannelId;
  // The service alerts are matched by (the declare form's "Affected service"; `/hotfix guardrails` can set it too).
  await h.db.prisma.incident.update({
    where: { id: incidentId },
    data: { service: "payments-api", hotfixBranch: "release/hotfix-eng-42", releaseTag: "v1.2.4" },
  });
});

afterAll(() => stopReleaseLane(h));

const post = (path: string, body: unknown, headers: Record<string, string> = {}) => {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  return fetch(`${h.app.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: raw });
};
const bearer = { authorization: `Bearer ${ALERTS_TOKEN}` };
const sentrySigned = (body: unknown, resource = "metric_alert") => {
  const raw = JSON.stringify(body);
  return post("/webhooks/alerts/sentry", raw, {
    "sentry-hook-resource": resource,
    "sentry-hook-signature": createHmac("sha256", SENTRY_SECRET).update(raw).digest("hex"),
  });
};

const alertmanager = (
  over: {
    status?: "firing" | "resolved";
    alertname?: string;
    service?: string;
    startsAt?: string;
    endsAt?: string;
    fingerprint?: string;
  } = {},
) => ({
  version: "4",
  status: over.status ?? "firing",
  receiver: "hotfix",
  groupLabels: {},
  commonLabels: {},
  commonAnnotations: {},
  externalURL: "https://alertmanager.example.com",
  alerts: [
    {
      status: over.status ?? "firing",
      labels: { alertname: over.alertname ?? "HighErrorRate", service: over.service ?? "payments-api", severity: "page" },
      annotations: { summary: "5xx above 1%", value: "0.034" },
      startsAt: over.startsAt ?? clock.now().toISOString(),
      endsAt: over.endsAt ?? "0001-01-01T00:00:00Z",
      generatorURL: "https://prometheus.example.com/graph?g0.expr=rate",
      fingerprint: over.fingerprint ?? "c0ffee01",
    },
  ],
});

async function storedCounts() {
  const [breaches, samples, events, effects] = await Promise.all([
    h.db.prisma.guardrailBreach.count(),
    h.db.prisma.metricSample.count(),
    h.db.prisma.timelineEvent.count({ where: { incidentId } }),
    h.db.prisma.sideEffect.count({ where: { incidentId } }),
  ]);
  return { breaches, samples, events, effects };
}

describe("webhooks without a valid signature or token", () => {
  it("get 401 and nothing is stored", async () => {
    const before = await storedCounts();
    const body = alertmanager();
    const raw = JSON.stringify({ action: "critical", data: {} });
    const refused = await Promise.all([
      post("/webhooks/alerts/alertmanager", body),
      post("/webhooks/alerts/alertmanager", body, { authorization: "Bearer wrong-token" }),
      post("/webhooks/alerts/alertmanager", body, { authorization: `Basic ${ALERTS_TOKEN}` }),
      post("/webhooks/alerts/metrics", {
        service: "payments-api",
        samples: [{ metric: "error_rate", value: 0.5, at: clock.now().toISOString() }],
      }),
      post("/webhooks/alerts/metrics", {}, { authorization: `Bearer ${ALERTS_TOKEN}x` }),
      post("/webhooks/alerts/sentry", raw, { "sentry-hook-resource": "metric_alert" }),
      post("/webhooks/alerts/sentry", raw, {
        "sentry-hook-resource": "metric_alert",
        "sentry-hook-signature": createHmac("sha256", "another-secret").update(raw).digest("hex"),
      }),
      // Signed for a different body than the one sent.
      post("/webhooks/alerts/sentry", `${raw} `, {
        "sentry-hook-resource": "metric_alert",
        "sentry-hook-signature": createHmac("sha256", SENTRY_SECRET).update(raw).digest("hex"),
      }),
    ]);
    expect(refused.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401, 401, 401]);
    expect(await storedCounts()).toEqual(before);
  });

  it("refuse a body over 1 MiB with 413 and store nothing", async () => {
    const before = await storedCounts();
    const res = await post("/webhooks/alerts/metrics", `{"service":"payments-api","pad":"${"x".repeat(1_100_000)}"}`, bearer);
    expect(res.status).toBe(413);
    expect(await storedCounts()).toEqual(before);
  });
});

describe("bad shapes", () => {
  it("get 400 naming what is wrong, and nothing is stored", async () => {
    const before = await storedCounts();
    const noService = alertmanager();
    noService.alerts[0] = { ...noService.alerts[0], labels: { alertname: "X" } } as (typeof noService.alerts)[0];
    const cases = [
      await post("/webhooks/alerts/alertmanager", "{not json", bearer),
      await post("/webhooks/alerts/alertmanager", { status: "firing", alerts: [] }, bearer),
      await post("/webhooks/alerts/alertmanager", noService, bearer),
      await post(
        "/webhooks/alerts/metrics",
        { service: "payments-api", samples: [{ metric: "error_rate", value: 3, at: "2026-01-01T00:00:00Z" }] },
        bearer,
      ),
      await post(
        "/webhooks/alerts/metrics",
        { service: "payments-api", samples: [{ metric: "latency", value: 3, at: "yesterday" }] },
        bearer,
      ),
      await sentrySigned({ action: "critical", data: { metric_alert: { id: 1 } } }),
    ];
    expect(cases.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400]);
    const reasons = await Promise.all(cases.map((r) => r.json() as Promise<{ error: string }>));
    expect(reasons[0]?.error).toContain("not JSON");
    expect(reasons[1]?.error).toContain("at least one alert");
    expect(reasons[2]?.error).toContain("no service, app, job label");
    expect(reasons[3]?.error).toContain("fraction between 0 and 1");
    expect(reasons[4]?.error).toMatch(/metrics\.samples\[0\]\.metric/);
    expect(reasons[5]?.error).toContain("alert_rule");
    expect(await storedCounts()).toEqual(before);
  });

  it("acknowledge Sentry resources that are not alerts, and alerts of services with no active incident, recording nothing", async () => {
    const before = await storedCounts();
    const install = await sentrySigned({ action: "created", data: { installation: { uuid: "x" } } }, "installation");
    expect(install.status).toBe(202);
    const other = await post("/webhooks/alerts/alertmanager", alertmanager({ service: "search-api", fingerprint: "other" }), bearer);
    expect(other.status).toBe(202);
    expect(await storedCounts()).toEqual(before);
  });
});

describe("a breach", () => {
  it("before the production deploy: recorded, posted mentioning the on-call, everything escaped", async () => {
    const res = await post(
      "/webhooks/alerts/alertmanager",
      alertmanager({ alertname: "<!everyone> *Errors*", fingerprint: "early-1" }),
      bearer,
    );
    expect(res.status).toBe(200);
    const said = await saidInRoom(h, room, "Guardrail breached on HF-");
    expect(said).toContain("<!subteam^S0ONCALL>");
    expect(said).toContain("<@U0ERIN>");
    expect(said).not.toContain("<!everyone>");
    expect(said).toContain("&lt;!everyone&gt;");
    expect(said).toContain("<https://prometheus.example.com/graph?g0.expr=rate|details>");
    const breach = await h.db.prisma.guardrailBreach.findFirstOrThrow({ where: { incidentId, fingerprint: "early-1" } });
    expect(breach).toMatchObject({ source: "alertmanager", resolvedAt: null });
    expect(await timelineKinds(h, incidentId)).toContain("guardrail_breached");
    // No production deploy yet: no window to restart.
    expect((await incidentNow(h, incidentId)).stabilityEndsAt).toBeNull();
  });

  it("a resolved alert closes its breach and is recorded", async () => {
    const res = await post(
      "/webhooks/alerts/alertmanager",
      alertmanager({ status: "resolved", fingerprint: "early-1", alertname: "<!everyone> *Errors*", endsAt: clock.now().toISOString() }),
      bearer,
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ alerts: [{ incidents: [{ result: "recovered" }] }] });
    await saidInRoom(h, room, "Guardrail recovered on HF-");
    const breach = await h.db.prisma.guardrailBreach.findFirstOrThrow({ where: { incidentId, fingerprint: "early-1" } });
    expect(breach.resolvedAt).toBeInstanceOf(Date);
    expect(await timelineKinds(h, incidentId)).toContain("guardrail_recovered");
  });

  it("during the stability window restarts it, and /hotfix complete refuses until the new window has passed", async () => {
    const deployed = await hotfix(h, room, "deployed production abc1234 the fix", "U0BOB");
    expect(deployed.status).toBe(200);
    const start = await eventually(async () => {
      const incident = await incidentNow(h, incidentId);
      expect(incident.stabilityEndsAt).toBeInstanceOf(Date);
      return incident;
    });
    const firstEnd = start.stabilityEndsAt?.getTime() ?? 0;
    expect(firstEnd).toBe((start.productionDeployedAt?.getTime() ?? 0) + 24 * HOUR);

    clock.advance(23 * HOUR);
    breachAt = clock.now();
    const res = await post(
      "/webhooks/alerts/alertmanager",
      alertmanager({ startsAt: breachAt.toISOString(), fingerprint: "late-1" }),
      bearer,
    );
    expect(res.status).toBe(200);
    const restarted = await incidentNow(h, incidentId);
    expect(restarted.stabilityEndsAt?.getTime()).toBe(breachAt.getTime() + 24 * HOUR);
    const said = await saidInRoom(h, room, "stability window restarts");
    expect(said).toContain("<!subteam^S0ONCALL>");
    expect(await timelineKinds(h, incidentId)).toContain("stability_window_restarted");

    // The alert resolves (so only the window holds completion back); the original window has passed, the restarted one has not.
    const resolved = await post(
      "/webhooks/alerts/alertmanager",
      alertmanager({
        status: "resolved",
        startsAt: breachAt.toISOString(),
        endsAt: new Date(breachAt.getTime() + 10 * MINUTE).toISOString(),
        fingerprint: "late-1",
      }),
      bearer,
    );
    expect(resolved.status).toBe(200);
    clock.advance(2 * HOUR);
    expect(clock.now().getTime()).toBeGreaterThan(firstEnd);
    const status = await hotfix(h, room, "status");
    await eventually(() => expect(status.text()).toMatch(/Stability window:\* 2[12] h/));
    await settled(h.db.prisma);
    const complete = await hotfix(h, room, "complete", "U0BOB");
    await eventually(() => expect(complete.text()).toMatch(/stability window is still running: 2[12] h/));
    expect(complete.text()).not.toContain("guardrail breach");
    expect(await timelineKinds(h, incidentId)).not.toContain("completion_started");
  });

  it("repeated by the sender is recorded once and moves nothing", async () => {
    const before = await incidentNow(h, incidentId);
    const breaches = await h.db.prisma.guardrailBreach.count({ where: { incidentId } });
    const posts = roomTexts(h, room).length;
    clock.advance(5 * MINUTE);
    // Alertmanager repeats a firing group (repeat_interval): same fingerprint, same startsAt.
    const again = await post(
      "/webhooks/alerts/alertmanager",
      alertmanager({ startsAt: breachAt.toISOString(), fingerprint: "late-1" }),
      bearer,
    );
    expect(await again.json()).toMatchObject({ alerts: [{ incidents: [{ result: "duplicate" }] }] });
    await settled(h.db.prisma);
    expect(await h.db.prisma.guardrailBreach.count({ where: { incidentId } })).toBe(breaches);
    expect((await incidentNow(h, incidentId)).stabilityEndsAt).toEqual(before.stabilityEndsAt);
    expect(roomTexts(h, room).length).toBe(posts);
  });

  it("from Sentry (signed metric alert) is matched by the rule's project and recorded", async () => {
    const res = await sentrySigned({
      action: "critical",
      data: {
        description_text: "1000 events in the last 10 minutes",
        web_url: "https://sentry.io/organizations/acme/alerts/rules/details/7/",
        metric_alert: {
          id: "7001",
          date_started: clock.now().toISOString(),
          alert_rule: { name: "Too many errors", projects: ["payments-api"] },
        },
      },
    });
    expect(res.status).toBe(200);
    await saidInRoom(h, room, /Guardrail breached on HF-\d+\*: Too many errors \(Sentry/);
    expect(
      await h.db.prisma.guardrailBreach.findFirst({ where: { incidentId, source: "sentry", fingerprint: "sentry-metric:7001" } }),
    ).toMatchObject({ value: 1000 });
  });

  it("from metric samples: the bot evaluates the thresholds itself, keeps the samples, and restarts the window", async () => {
    const before = (await incidentNow(h, incidentId)).stabilityEndsAt?.getTime() ?? 0;
    clock.advance(30 * MINUTE);
    const now = clock.now().getTime();
    // Error rate 2.5 % every minute for 7 minutes: above 1 % for 5 minutes fires at the sixth sample.
    const samples = Array.from({ length: 8 }, (_, i) => ({
      metric: "error_rate",
      value: 0.025,
      at: new Date(now - (7 - i) * MINUTE).toISOString(),
    }));
    samples.push({ metric: "p95_ms", value: 640, at: new Date(now).toISOString() });
    const res = await post(
      "/webhooks/alerts/metrics",
      { service: "Payments-API", samples, baseline: { error_rate: 0.004, p95_ms: 600 } },
      bearer,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { stored: number; incidents: Array<{ breaches: number; state: string }> };
    expect(body.stored).toBe(9);
    expect(body.incidents[0]).toMatchObject({ state: "firing" });
    expect(body.incidents[0]?.breaches).toBeGreaterThanOrEqual(1);
    expect(await h.db.prisma.metricSample.count({ where: { service: "payments-api" } })).toBe(9);
    const breach = await h.db.prisma.guardrailBreach.findFirstOrThrow({ where: { incidentId, source: "metrics", threshold: "errorRate" } });
    expect(breach.resolvedAt).toBeNull();
    const after = (await incidentNow(h, incidentId)).stabilityEndsAt?.getTime() ?? 0;
    expect(after).toBeGreaterThan(before);
    await saidInRoom(h, room, /Guardrail breached on HF-\d+\*: errorRate \(metrics/);

    // The same samples again: nothing new.
    const again = await post("/webhooks/alerts/metrics", { service: "payments-api", samples }, bearer);
    expect(((await again.json()) as { stored: number; incidents: Array<{ breaches: number }> }).incidents[0]?.breaches).toBe(0);

    // A good sample ends the run: the breach recovers.
    clock.advance(1000);
    const good = await post(
      "/webhooks/alerts/metrics",
      { service: "payments-api", samples: [{ metric: "error_rate", value: "0.2%", at: new Date(now + 1000).toISOString() }] },
      bearer,
    );
    expect(good.status).toBe(200);
    await eventually(async () =>
      expect((await h.db.prisma.guardrailBreach.findUniqueOrThrow({ where: { id: breach.id } })).resolvedAt).toBeInstanceOf(Date),
    );
  });
});

describe("the stability window, waived", () => {
  it("an active stability-window waiver for the release lets /hotfix complete go ahead of the window; a pending one does not", async () => {
    const before = h.slack.views({ callbackId: "waiver_request" }).length;
    await h.slack.slashCommand({ userId: "U0ALICE", channelId: room, text: "waiver request" });
    const view = await eventually(() => {
      const found = h.slack.views({ callbackId: "waiver_request" }).at(before);
      expect(found).toBeTruthy();
      return found as NonNullable<typeof found>;
    });
    const values = {
      type: "gate-bypass",
      tag: "v1.2.4",
      gates: "stability-window",
      justification:
        "The breach was a load-test artefact in the canary pool, confirmed by SRE; the fix must land before the weekend freeze.",
      risk: "medium",
      mitigations: "SRE watches the dashboards until Monday",
      expiry: "24h",
      ticket: "https://linear.app/acme/issue/ENG-42",
    };
    const res = await h.slack.submitView({
      viewId: view.id,
      userId: "U0ALICE",
      values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v }])),
    });
    expect(res.body ?? {}).not.toMatchObject({ response_action: "errors" });
    const { code } = await h.db.prisma.waiver.findFirstOrThrow({ where: { gatesWaived: { has: "stability-window" } } });
    const request = await eventually(() => {
      const found = h.slack.messages(room).find((m) => m.text.includes(`waiver *${code}* requested`));
      expect(found).toBeTruthy();
      return found as NonNullable<typeof found>;
    });
    await h.slack.blockAction({ userId: "U0BOB", actionId: "waiver_approve", channelId: room, messageTs: request.ts });
    await eventually(async () => expect(await h.db.prisma.waiverApproval.count({ where: { waiver: { code } } })).toBe(1));
    const pending = await hotfix(h, room, "complete", "U0BOB");
    await eventually(() => expect(pending.text()).toContain("stability window is still running"));
    await h.slack.blockAction({ userId: "U0CAROL", actionId: "waiver_approve", channelId: room, messageTs: request.ts });
    await eventually(async () => expect((await h.db.prisma.waiver.findUniqueOrThrow({ where: { code } })).status).toBe("active"));
    await settled(h.db.prisma);
    const waived = await hotfix(h, room, "complete", "U0BOB");
    await eventually(() => expect(waived.text().length).toBeGreaterThan(0));
    expect(waived.text()).not.toContain("stability window is still running");
  });
});
