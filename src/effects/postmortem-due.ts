// The post-mortem's deadline as a durable timer (runbook 004: "post-mortem
// within 24 h"; the policy's `postmortem.due`): queued in the transaction
// that resolves the incident — `/hotfix resolve` or the completion of the
// release lane — so a crash never loses it and a rollback never leaves one.
// The timer itself (what it says, when it stays quiet) is a workflow:
// workflows/postmortem.ts.
import { z } from "zod";
import type { AppContext } from "../context.js";
import type { Tx } from "../store/timeline.js";

/** The post-mortem's deadline for an incident resolved at `resolvedAt`: the policy's `postmortem.due` (runbook 004: 24 h). */
export const postmortemDue = (ctx: Pick<AppContext, "config">, resolvedAt: Date) =>
  new Date(resolvedAt.getTime() + ctx.config.policy.postmortem.due.ms);

export const POSTMORTEM_DUE_QUEUE = "postmortem.due";
/** After the deadline, the reminder repeats this often until a post-mortem is exported. */
const POSTMORTEM_REPEAT_MS = 24 * 3_600_000;

export const dueJob = z.object({ incidentId: z.string(), due: z.string(), round: z.number().int().min(0) });
export type DueJob = z.output<typeof dueJob>;

/** Called in the resolving transaction: the reminder fires at the due time, durably (pg-boss). */
export async function schedulePostmortemReminder(
  ctx: Pick<AppContext, "jobs">,
  tx: Tx,
  incidentId: string,
  due: Date,
  round = 0,
): Promise<void> {
  const job: DueJob = { incidentId, due: due.toISOString(), round };
  const at = new Date(due.getTime() + round * POSTMORTEM_REPEAT_MS);
  await ctx.jobs.send(POSTMORTEM_DUE_QUEUE, job, { tx, startAfter: at, singletonKey: `${incidentId}:${job.due}:${round}` });
}
