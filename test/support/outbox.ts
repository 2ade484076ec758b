// Store-level outbox tests: the app context over a test database (no Slack, no
// jobs: the tests run the outbox runner by hand) and an incident with one step.
import { createMetrics } from "../../src/http/metrics.js";
import type { WorkflowContext } from "../../src/workflows/context.js";
import type { TestDatabase } from "./database.js";
import { fakeContext } from "./registrations.js";

export function outboxContext(db: TestDatabase): WorkflowContext {
  return fakeContext({ prisma: db.prisma, metrics: createMetrics(), now: () => new Date() });
}

export async function incidentWithStep(db: TestDatabase, key: string): Promise<string> {
  const incident = await db.prisma.incident.create({
    data: { title: "t", slug: "t", severity: "P1", declaredBy: "U0ALICE", startedAt: new Date(), steps: { create: { key } } },
  });
  return incident.id;
}
