// The UAT deadline as a durable timer (runbooks 000 and 001: UAT within 24 h
// / 4 h of the first staging deploy): a reminder before it and a warning in
// the war room when it is missed, each once; silent when UAT is done. The
// policy's deadline is seconds here so the real pg-boss timers fire in the test.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, type Harness, startHarness } from "../support/harness.js";
import { declared, hotfix, roomTexts, saidInRoom, timelineKinds } from "../support/release-lane.js";

let h: Harness;
const SHA = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";

beforeAll(async () => {
  h = await startHarness({ policy: { uat: { deadline: "4s", reminderBefore: "3s" } } });
});

afterAll(() => h?.close());

describe("the UAT deadline timer", () => {
  it("starts at the first staging deploy, reminds before the deadline and warns when it is missed, once each", async () => {
    const incident = await declared(h, { title: "Ledger export broken", commanderId: "U0BOB" });
    const room = incident.warRoomChannelId;
    const deployed = await hotfix(h, room, `deployed staging ${SHA} first cut`, "U0BOB");
    await eventually(() => expect(deployed.text()).toContain("deployed to staging"));
    const reminder = await saidInRoom(
      h,
      room,
      /:alarm_clock: HF-\d+: the UAT deadline is .* and UAT is not scheduled yet\. <@U0BOB>/,
      20_000,
    );
    expect(reminder).toContain("/hotfix uat schedule");
    await saidInRoom(h, room, /:rotating_light: HF-\d+: the UAT deadline \(.*\) has passed and UAT is not scheduled yet/, 20_000);
    const kinds = await timelineKinds(h, incident.id);
    expect(kinds.filter((k) => k === "uat_due")).toHaveLength(1);
    expect(kinds.filter((k) => k === "uat_overdue")).toHaveLength(1);
    // A second staging deploy does not start the clock again.
    await hotfix(h, room, `deployed staging ${SHA.replace("a1", "b2")} second cut`, "U0BOB");
    await new Promise((r) => setTimeout(r, 5_000));
    expect(roomTexts(h, room).filter((t) => t.includes(":alarm_clock:"))).toHaveLength(1);
    expect(roomTexts(h, room).filter((t) => t.includes(":rotating_light:"))).toHaveLength(1);
  });

  it("stays silent when UAT was skipped with a reason before the deadline", async () => {
    const incident = await declared(h, { title: "Config-only hotfix", commanderId: "U0BOB" });
    const room = incident.warRoomChannelId;
    const skipped = await hotfix(h, room, "uat skip config-only change, verified by canary", "U0BOB");
    await eventually(() => expect(skipped.text()).toContain("UAT skipped"));
    await hotfix(h, room, `deployed staging ${SHA}`, "U0BOB");
    await eventually(async () => expect(await timelineKinds(h, incident.id)).toContain("deployed"));
    await new Promise((r) => setTimeout(r, 6_000));
    expect(roomTexts(h, room).some((t) => t.includes(":alarm_clock:") || t.includes(":rotating_light:"))).toBe(false);
    const kinds = await timelineKinds(h, incident.id);
    expect(kinds).not.toContain("uat_due");
    expect(kinds).not.toContain("uat_overdue");
    // The deadline is on the record all the same (the session got it when staging was deployed).
    const session = await h.db.prisma.uatSession.findFirstOrThrow({ where: { incidentId: incident.id } });
    expect(session.deadline).toBeInstanceOf(Date);
  });
});
