// The post-mortem's due date (runbook 004 "within 24 h"; the policy's
// postmortem.due): resolving schedules a durable reminder; at the deadline it
// posts in the war room once (even fired twice), schedules the next day's, and
// goes quiet once a post-mortem has been exported or the incident reopened.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POSTMORTEM_DUE_QUEUE } from "../../src/effects/postmortem-due.js";
import { firePostmortemReminder } from "../../src/workflows/postmortem.js";
import { recordPostmortemExported } from "../../src/workflows/postmortem-render.js";
import { settled } from "../support/declare.js";
import { type Harness, startHarness } from "../support/harness.js";
import { declared, hotfix, saidInRoom } from "../support/release-lane.js";

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ policy: { postmortem: { due: "48h" } } });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

const dueJobs = (incidentId: string) =>
  h.db.prisma.$queryRawUnsafe<Array<{ start_after: Date; data: { due: string; round: number } }>>(
    `select start_after, data from pgboss.job where name = $1 and data->>'incidentId' = $2 order by start_after`,
    POSTMORTEM_DUE_QUEUE,
    incidentId,
  );

describe("the post-mortem's due date", () => {
  it("follows the policy (48 h here), reminds the war room once per round, and stops once exported", async () => {
    const incident = await declared(h);
    const room = incident.warRoomChannelId;
    expect((await hotfix(h, room, "resolve", "U0BOB")).status).toBe(200);
    const resolved = await h.db.prisma.incident.findUniqueOrThrow({ where: { id: incident.id } });
    const due = resolved.postmortemDueAt as Date;
    expect(due.getTime() - (resolved.resolvedAt as Date).getTime()).toBe(48 * 3_600_000);
    const [job] = await dueJobs(incident.id);
    expect(job?.start_after.getTime()).toBe(due.getTime());

    // The deadline comes (the timer fires; twice, as two replicas might).
    const data = { incidentId: incident.id, due: due.toISOString(), round: 0 };
    expect(await firePostmortemReminder(h.app.ctx, data)).toBe("sent");
    expect(await firePostmortemReminder(h.app.ctx, data)).toBe("sent");
    await settled(h.db.prisma);
    await saidInRoom(h, room, /post-mortem of HF-\d+ is due now \(policy: within 48h/);
    expect(h.slack.messages(room).filter((m) => m.text.includes("is due now"))).toHaveLength(1);
    expect(await h.db.prisma.timelineEvent.count({ where: { incidentId: incident.id, kind: "postmortem_due" } })).toBe(1);
    // The next day's reminder is queued.
    const jobs = await dueJobs(incident.id);
    expect(jobs.map((j) => j.data.round)).toEqual([0, 1]);
    expect(jobs[1]?.start_after.getTime()).toBe(due.getTime() + 24 * 3_600_000);

    // Once exported, the next round says nothing.
    await recordPostmortemExported(h.db.prisma, incident, "cli", null, new Date());
    expect(await firePostmortemReminder(h.app.ctx, { ...data, round: 1 })).toBe("exported");
    await settled(h.db.prisma);
    expect(h.slack.messages(room).filter((m) => m.text.includes("post-mortem of"))).toHaveLength(1);
  });

  it("a reminder for an earlier deadline stays silent (reopened and resolved again)", async () => {
    const incident = await declared(h);
    expect((await hotfix(h, incident.warRoomChannelId, "resolve", "U0BOB")).status).toBe(200);
    expect(await firePostmortemReminder(h.app.ctx, { incidentId: incident.id, due: new Date(0).toISOString(), round: 0 })).toBe("stale");
  });
});
