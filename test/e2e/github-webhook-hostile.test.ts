// /webhooks/github against hostile and unlucky input, signed with the real
// secret (so each reaches the parser): another repository's events change
// nothing, malformed payloads get 400 with the reason and write nothing, a late
// delivery of an earlier deploy never moves the stability window earlier, and
// for generated payloads (fast-check) the answer is never a 5xx and a
// deployment row never exists without its timeline event (or the reverse).
import { createHmac, randomUUID } from "node:crypto";
import { request } from "node:http";
import { deploymentStatusEvent, type EmulatedRepo, pullRequestEvent } from "@hotfix/github-emulator";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GITHUB_WEBHOOK_SECRET, type Harness, startHarness } from "../support/harness.js";
import { declared, incidentNow } from "../support/release-lane.js";

const BRANCH = "release/hotfix-webhooks";
const HOUR = 3_600_000;
let h: Harness;
let repo: EmulatedRepo;
let incidentId: string;

beforeAll(async () => {
  h = await startHarness({ github: true });
  if (!h.github) throw new Error("no GitHub emulator");
  repo = h.github.repo("acme/payments");
  const incident = await declared(h, { title: "Webhook checks" });
  incidentId = incident.id;
  // The incident's hotfix branch with a fix on it, as `/hotfix branch` leaves it (that verb is tested in release-lane.test.ts).
  repo.createBranch(BRANCH, "v1.2.3");
  repo.commit({ branch: BRANCH, message: "fix: webhook checks", files: { "src/fix.ts": "export const fixed = true;\n" } });
  await h.db.prisma.incident.update({ where: { id: incidentId }, data: { hotfixBranch: BRANCH } });
});

afterAll(async () => {
  await h?.close();
});

/** A signed delivery of any body (the emulator's helper only sends objects). */
async function deliver(event: string, body: string | object): Promise<{ status: number; json: Record<string, unknown> }> {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const signature = `sha256=${createHmac("sha256", GITHUB_WEBHOOK_SECRET).update(raw).digest("hex")}`;
  const res = await fetch(`${h.app.url}/webhooks/github`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": event,
      "x-github-delivery": randomUUID(),
      "x-hub-signature-256": signature,
    },
    body: raw,
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { text };
  }
  return { status: res.status, json };
}

/** What a delivery may have written: deployment rows, their timeline events, and the incident's clocks. */
async function written() {
  const [deployments, events, incident] = await Promise.all([
    h.db.prisma.deployment.count({ where: { incidentId } }),
    h.db.prisma.timelineEvent.count({ where: { incidentId, kind: { in: ["deployed", "deployment_failed", "pull_request_merged"] } } }),
    incidentNow(h, incidentId),
  ]);
  return {
    deployments,
    events,
    clocks: {
      stagingDeployedAt: incident.stagingDeployedAt?.toISOString() ?? null,
      productionDeployedAt: incident.productionDeployedAt?.toISOString() ?? null,
      stabilityEndsAt: incident.stabilityEndsAt?.toISOString() ?? null,
      phase: incident.phase,
    },
  };
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

describe("another repository's events (an organisation webhook)", () => {
  it("are acknowledged with 202 and the reason, and change nothing", async () => {
    const before = await written();
    const payload = deploymentStatusEvent(repo, { ref: BRANCH, environment: "production" });
    payload.repository = { ...payload.repository, full_name: "acme/someone-elses-service" };
    const res = await deliver("deployment_status", payload);
    expect(res.status).toBe(202);
    expect(res.json.ignored).toBe("repository acme/someone-elses-service is not acme/payments");
    const pr = pullRequestEvent(repo, { head: BRANCH, base: "main", title: "elsewhere", merge: false });
    pr.repository = { ...pr.repository, full_name: "evil/payments" };
    expect((await deliver("pull_request", pr)).status).toBe(202);
    expect(await written()).toEqual(before);
  });

  it("the same delivery from acme/payments (any letter case) is recorded", async () => {
    const payload = deploymentStatusEvent(repo, { ref: BRANCH, environment: "staging" });
    payload.repository = { ...payload.repository, full_name: "ACME/Payments" };
    const res = await deliver("deployment_status", payload);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ recorded: true });
  });
});

describe("signed payloads of an unexpected shape", () => {
  const base = () => deploymentStatusEvent(repo, { ref: BRANCH, environment: "staging", state: "failure" });
  const cases: Array<[string, string, () => unknown, RegExp]> = [
    ["no deployment", "deployment_status", () => ({ ...base(), deployment: undefined }), /deployment: /],
    ["a numeric sha", "deployment_status", () => ({ ...base(), deployment: { ...base().deployment, sha: 42 } }), /deployment\.sha/],
    [
      "a sha that is not hex",
      "deployment_status",
      () => ({ ...base(), deployment: { ...base().deployment, sha: "main; drop" } }),
      /deployment\.sha/,
    ],
    [
      "a time that is no time",
      "deployment_status",
      () => ({ ...base(), deployment_status: { ...base().deployment_status, created_at: "yesterday" } }),
      /created_at/,
    ],
    [
      "a time before Postgres's range",
      "deployment_status",
      () => ({ ...base(), deployment_status: { ...base().deployment_status, created_at: "-200000-01-01T00:00:00Z" } }),
      /created_at/,
    ],
    [
      "a string id",
      "deployment_status",
      () => ({ ...base(), deployment_status: { ...base().deployment_status, id: "7" } }),
      /deployment_status\.id/,
    ],
    [
      "a NUL in the description",
      "deployment_status",
      () => ({ ...base(), deployment: { ...base().deployment, description: "a\u0000b" } }),
      /NUL/,
    ],
    ["no repository", "deployment_status", () => ({ ...base(), repository: undefined }), /repository/],
    [
      "a pull request without head",
      "pull_request",
      () => {
        const pr = pullRequestEvent(repo, { head: BRANCH, base: "main", merge: false });
        return { ...pr, pull_request: { ...pr.pull_request, head: undefined } };
      },
      /pull_request\.head/,
    ],
    ["an array", "deployment_status", () => [], /not a JSON object/],
    ["null", "pull_request", () => null, /not a JSON object/],
    ["a payload nested 10,000 deep", "deployment_status", () => `${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`, /nests deeper/],
  ];

  it.each(cases)("%s: 400 with the reason, nothing written", async (_name, event, make, reason) => {
    const before = await written();
    const made = make();
    const res = await deliver(event, typeof made === "string" ? made : JSON.stringify(made));
    expect(res.status).toBe(400);
    expect(String(res.json.error)).toMatch(reason);
    expect(await written()).toEqual(before);
  });

  it("a body that is not JSON: 400", async () => {
    expect((await deliver("deployment_status", "{not json")).status).toBe(400);
  });
});

describe("the stability window", () => {
  it("only ever moves later: a late delivery of an earlier production deploy is logged but does not move it", async () => {
    const first = deploymentStatusEvent(repo, { ref: BRANCH, environment: "production" });
    const deployedAt = Date.parse(first.deployment_status.created_at);
    expect((await deliver("deployment_status", first)).status).toBe(200);
    const window = (await incidentNow(h, incidentId)).stabilityEndsAt?.getTime();
    expect(window).toBe(deployedAt + 24 * HOUR);

    // GitHub delivers an older deploy (another status, made 3 hours earlier) late.
    const late = deploymentStatusEvent(repo, { ref: BRANCH, environment: "production" });
    late.deployment_status = { ...late.deployment_status, created_at: iso(deployedAt - 3 * HOUR) };
    const res = await deliver("deployment_status", late);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ recorded: true });
    let incident = await incidentNow(h, incidentId);
    expect(incident.stabilityEndsAt?.getTime()).toBe(window);
    expect(incident.productionDeployedAt?.getTime()).toBe(deployedAt);
    // ...and a redelivery of it changes nothing either.
    expect((await deliver("deployment_status", late)).json).toMatchObject({ duplicate: true });

    // A later deploy does move it, later.
    const later = deploymentStatusEvent(repo, { ref: BRANCH, environment: "production" });
    later.deployment_status = { ...later.deployment_status, created_at: iso(deployedAt + HOUR) };
    expect((await deliver("deployment_status", later)).status).toBe(200);
    incident = await incidentNow(h, incidentId);
    expect(incident.stabilityEndsAt?.getTime()).toBe(deployedAt + 25 * HOUR);
  });
});

describe("generated payloads (fast-check)", () => {
  const validDeployment = () => deploymentStatusEvent(repo, { ref: BRANCH, environment: "staging" }) as Record<string, unknown>;
  const validPull = () => pullRequestEvent(repo, { head: BRANCH, base: "main", merge: false, action: "opened" }) as Record<string, unknown>;
  const paths = [
    ["deployment_status"],
    ["deployment_status", "id"],
    ["deployment_status", "state"],
    ["deployment_status", "created_at"],
    ["deployment_status", "description"],
    ["deployment_status", "creator"],
    ["deployment"],
    ["deployment", "sha"],
    ["deployment", "ref"],
    ["deployment", "environment"],
    ["deployment", "payload"],
    ["deployment", "production_environment"],
    ["repository"],
    ["repository", "full_name"],
    ["pull_request"],
    ["pull_request", "head"],
    ["pull_request", "merged"],
    ["pull_request", "merged_at"],
    ["pull_request", "merge_commit_sha"],
    ["pull_request", "title"],
    ["action"],
    ["sender"],
  ];
  /** Sets (or deletes, for undefined) the value at a path, creating objects on the way. */
  function mutate(target: Record<string, unknown>, path: string[], value: unknown): void {
    let node: Record<string, unknown> = target;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      if (next === null || typeof next !== "object") node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    const last = path[path.length - 1] as string;
    if (value === undefined) delete node[last];
    else node[last] = value;
  }
  const hostileValue = fc.oneof(
    fc.constant(undefined),
    fc.jsonValue(),
    fc.string({ unit: "binary" }),
    fc.constantFrom(
      "\u0000",
      "9999-99-99T99:99:99Z",
      "+275760-09-13T00:00:00Z",
      "0000-01-01T00:00:00Z",
      "a".repeat(20_000),
      -1,
      1e308,
      2 ** 53,
    ),
  );
  const mutation = fc.record({ path: fc.constantFrom(...paths), value: hostileValue });

  it("never answer 5xx, and never leave a deployment without its timeline event", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("deployment_status", "pull_request"),
        fc.array(mutation, { maxLength: 4 }),
        async (event, mutations) => {
          const payload = event === "deployment_status" ? validDeployment() : validPull();
          for (const m of mutations) mutate(payload, m.path, m.value);
          const res = await deliver(event, payload);
          expect([200, 202, 400]).toContain(res.status);
          const after = await written();
          expect(after.deployments).toBe(after.events);
        },
      ),
      { numRuns: 150 },
    );
    // Some of them were recorded: the property covered the writing path, not only refusals.
    expect((await written()).deployments).toBeGreaterThan(3);
  }, 120_000);

  it("never answer 5xx for arbitrary JSON bodies either", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("deployment_status", "pull_request", "ping", "push"),
        fc.json({ maxDepth: 6 }),
        async (event, body) => {
          const res = await deliver(event, body);
          expect(res.status).toBeLessThan(500);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("unsigned deliveries", () => {
  it("are refused with 401 before the body is read, and a declared body over 5 MiB with 413", async () => {
    const before = await written();
    const payload = JSON.stringify(deploymentStatusEvent(repo, { ref: BRANCH, environment: "production" }));
    for (const signature of [undefined, "sha1=abc", `sha256=${"0".repeat(64)}`]) {
      const res = await fetch(`${h.app.url}/webhooks/github`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": "deployment_status",
          ...(signature ? { "x-hub-signature-256": signature } : {}),
        },
        body: payload,
      });
      expect(res.status).toBe(401);
    }
    // A raw request, so the answer can be read while the body is still being sent.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${h.app.url}/webhooks/github`,
        {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "content-length": String(5 * 1_048_576 + 1),
            "x-github-event": "ping",
            "x-hub-signature-256": `sha256=${"0".repeat(64)}`,
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      req.end(Buffer.alloc(5 * 1_048_576 + 1, "x"));
    });
    expect(status).toBe(413);
    expect(await written()).toEqual(before);
  });
});
