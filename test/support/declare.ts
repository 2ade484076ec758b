// Declaring through Slack exactly as a user does: the slash command opens the
// form, the form is submitted, the war room follows from the job queue.

import type { SlackEmulator, SubmitViewResult } from "@hotfix/slack-emulator";
import { expect } from "vitest";
import type { Db } from "../../src/store/prisma.js";
import { eventually } from "./harness.js";

export interface DeclareOptions {
  title?: string;
  userId?: string;
  channelId?: string;
  values?: Record<string, unknown>;
}

/** Runs `/hotfix declare <title>` and returns the id of the form it opened. */
export async function openDeclareForm(slack: SlackEmulator, options: DeclareOptions = {}): Promise<string> {
  const res = await slack.slashCommand({
    userId: options.userId ?? "U0ALICE",
    channelId: options.channelId ?? "C0ENGPROD",
    text: `declare ${options.title ?? "Payments failing for card users"}`,
  });
  expect(res.status).toBe(200);
  // views.open follows the ack, with this command's trigger_id.
  return eventually(() => {
    const id = slack.viewOpenedBy(res.triggerId);
    if (!id) throw new Error("no declare form opened yet");
    return id;
  });
}

export async function submitDeclare(slack: SlackEmulator, viewId: string, options: DeclareOptions = {}): Promise<SubmitViewResult> {
  return slack.submitView({
    viewId,
    userId: options.userId ?? "U0ALICE",
    // Every input of the form has action_id "value": address them by block id.
    values: Object.fromEntries(
      Object.entries({
        severity: "P0",
        commander: "U0BOB",
        impact_users: "All EU card users",
        impact_revenue: "$4k/h",
        ...options.values,
      }).map(([block, value]) => [block, { value }]),
    ),
  });
}

export async function declareViaSlack(slack: SlackEmulator, options: DeclareOptions = {}): Promise<SubmitViewResult> {
  const viewId = await openDeclareForm(slack, options);
  return submitDeclare(slack, viewId, options);
}

/** Waits until every war-room step of every incident is done (or failed). */
export async function settled(prisma: Db, timeoutMs = 40_000): Promise<void> {
  await eventually(
    async () => {
      const open = await prisma.sideEffect.count({ where: { status: { in: ["pending", "running"] } } });
      expect(open).toBe(0);
    },
    { timeoutMs, intervalMs: 100 },
  );
}
