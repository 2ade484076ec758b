// `/hotfix guardrails` end to end (runbook 000 §2, runbook 001 §2): the modal
// opens prefilled with the policy's thresholds, refuses bad values inline,
// and saving stores them for the incident, ticks "guardrails tuned", posts the
// thresholds and dashboard links in the war room and records them. The tuned
// thresholds are the ones the metrics endpoint evaluates.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { settled } from "../support/declare.js";
import { eventually, type Harness, startHarness } from "../support/harness.js";
import { declared, hotfix, incidentNow, saidInRoom, timelineKinds } from "../support/release-lane.js";

const ALERTS_TOKEN = "test-alerts-token";
const MINUTE = 60_000;
let h: Harness;
let room: string;
let incidentId: string;

beforeAll(async () => {
  h = await startHarness({
    env: { ALERTS_TOKEN },
    policy: {
      links: {
        dashboard: "https://grafana.example.com/d/prod-health",
        sentry: "https://sentry.io/organizations/acme/projects/prisma-app-prod/",
      },
      guardrails: { relative: { cpu: null } },
    },
  });
  const incident = await declared(h, { title: "Checkout latency", commanderId: "U0BOB" });
  incidentId = incident.id;
  room = incident.warRoomChannelId;
});

afterAll(() => h?.close());

async function openForm(userId = "U0BOB") {
  const before = h.slack.views({ callbackId: "guardrails" }).length;
  const res = await h.slack.slashCommand({ userId, channelId: room, text: "guardrails" });
  expect(res.status).toBe(200);
  return eventually(() => {
    const view = h.slack.views({ callbackId: "guardrails" }).at(before);
    expect(view).toBeTruthy();
    return view as NonNullable<typeof view>;
  });
}

const submit = (viewId: string, values: Record<string, string>, userId = "U0BOB") =>
  h.slack.submitView({ viewId, userId, values: Object.fromEntries(Object.entries(values).map(([block, value]) => [block, { value }])) });

describe("/hotfix guardrails", () => {
  it("is for the commander or a release captain, and the refusal is recorded", async () => {
    const res = await hotfix(h, room, "guardrails", "U0DAVE");
    await eventually(() => expect(res.text()).toContain("tune the guardrails of this incident"));
    expect(h.slack.views({ callbackId: "guardrails" })).toHaveLength(0);
    expect(await timelineKinds(h, incidentId)).toContain("permission_refused");
  });

  it("lists 'tune the guardrails' as outstanding before they are tuned", async () => {
    const res = await hotfix(h, room, "status");
    await eventually(() => expect(res.text()).toContain("/hotfix guardrails"));
  });

  it("opens prefilled with the policy's thresholds (runbook 000 absolute, runbook 001 relative) and the dashboard links", async () => {
    const view = await openForm();
    const text = JSON.stringify(view.blocks);
    for (const value of [
      '"initial_value":"1%"',
      '"initial_value":"5m"',
      '"initial_value":"1200"',
      '"initial_value":"98%"',
      '"initial_value":"30m"',
      '"initial_value":"+25%"',
      '"initial_value":"+20%"',
      '"initial_value":"7d"',
    ])
      expect(text).toContain(value);
    // The policy switched CPU's relative threshold off: its field is empty.
    expect(text).not.toContain('"initial_value":"+30%","action_id"');
    expect(text).toContain("https://grafana.example.com/d/prod-health");
    await h.slack.closeView({ viewId: view.id, userId: "U0BOB" });
  });

  it("refuses bad values inline, on their field, and changes nothing", async () => {
    const view = await openForm();
    const res = await submit(view.id, {
      service: "payments-api",
      errorRate_above: "lots",
      errorRate_for: "5m",
      p95_aboveMs: "1200",
      p95_windows: "0",
    });
    expect(res.body).toMatchObject({
      response_action: "errors",
      errors: { errorRate_above: expect.stringContaining("errorRate.above"), p95_windows: expect.any(String) },
    });
    const incident = await incidentNow(h, incidentId);
    expect(incident.guardrails).toBeNull();
    expect(await timelineKinds(h, incidentId)).not.toContain("guardrails_tuned");
    await h.slack.closeView({ viewId: view.id, userId: "U0BOB" });
  });

  it("saves: stores the thresholds and the service, posts them with the dashboard links, ticks the checklist", async () => {
    const view = await openForm();
    const res = await submit(view.id, {
      service: "payments-api",
      errorRate_above: "2%",
      errorRate_for: "10m",
      // p95 cleared: off for this incident.
      p95_aboveMs: "",
      p95_windows: "",
      crashFree_below: "97.5%",
      crashFree_over: "30m",
      relative_errors: "+40%",
      relative_for: "5m",
      relative_baseline: "7d",
    });
    expect(res.status).toBe(200);
    expect(res.body ?? {}).not.toMatchObject({ response_action: "errors" });
    const incident = await incidentNow(h, incidentId);
    expect(incident.service).toBe("payments-api");
    expect(incident.guardrails).toMatchObject({ errorRate: { above: "2%", for: "10m" }, p95: null, crashFree: { below: "97.5%" } });
    const said = await saidInRoom(h, room, "Guardrails tuned for HF-");
    expect(said).toContain("Error rate above 2% for 10 min");
    expect(said).toContain("Crash-free sessions below 97.5% over 30 min");
    expect(said).toContain("Errors more than +40% above");
    expect(said).not.toContain("p95 latency above 1200");
    expect(said).toContain("<https://grafana.example.com/d/prod-health|dashboard>");
    expect(said).toContain("<https://sentry.io/organizations/acme/projects/prisma-app-prod/|Sentry>");
    const event = await h.db.prisma.timelineEvent.findFirstOrThrow({ where: { incidentId, kind: "guardrails_tuned" } });
    expect(event).toMatchObject({ actor: "U0BOB" });
    expect(event.summary).toContain("Error rate above 2% for 10 min");
    await settled(h.db.prisma);
    const status = await hotfix(h, room, "status");
    await eventually(() => expect(status.text()).toContain("*Outstanding:*"));
    expect(status.text()).not.toContain("/hotfix guardrails");
  });

  it("the tuned thresholds are the ones metric samples are evaluated with", async () => {
    const now = Date.now();
    const at = (i: number) => new Date(now - (12 - i) * MINUTE).toISOString();
    const post = (samples: unknown[]) =>
      fetch(`${h.app.url}/webhooks/alerts/metrics`, {
        method: "POST",
        headers: { authorization: `Bearer ${ALERTS_TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ service: "payments-api", samples }),
      });
    // 1.5 % for 12 minutes: over the policy's 1 %, under the tuned 2 %. p95 at 5 s: its threshold is off.
    const calm = await post(
      Array.from({ length: 13 }, (_, i) => [
        { metric: "error_rate", value: 0.015, at: at(i) },
        { metric: "p95_ms", value: 5000, at: at(i) },
      ]).flat(),
    );
    expect(calm.status).toBe(200);
    expect(await calm.json()).toMatchObject({ incidents: [{ state: "ok", breaches: 0 }] });
    expect(await h.db.prisma.guardrailBreach.count({ where: { incidentId } })).toBe(0);
  });
});
