// The waivers' posts (runbook 004 step 2): the request goes to the war room
// and to each approver by DM, with Approve / Deny; decisions and the expiry
// are said in the war room. Each post happens once, even when the step runs
// again; the waiver is read at run time so the post shows what it is.
import { z } from "zod";
import { waiverEventText, waiverRequestMessage } from "../slack/blocks/waivers.js";
import { findWaiver, toDomainWaiver } from "../store/waivers.js";
import { approverIds } from "../workflows/approvers.js";
import { defineStep, type OutboxRow } from "./define.js";
import { postOnce } from "./support.js";

const afterChannel = () => ["channel"];

const params = z.object({
  code: z.string(),
  event: z.enum(["requested", "approved", "activated", "denied", "expired"]),
  by: z.string().nullable(),
});

const post = defineStep({
  prefix: "waiver-post",
  params,
  describe: (p) => `post waiver ${p.code} (${p.event})`,
  dependsOn: afterChannel,
  async run(ctx, run) {
    const row = await findWaiver(ctx.prisma, run.params.code);
    if (!row) return { skipped: "no such waiver" };
    const waiver = toDomainWaiver(row);
    const { policy } = ctx.config;
    const needed = policy.waivers.approvals;
    if (run.params.event !== "requested") {
      const ts = await postOnce(ctx, run, waiverEventText(waiver, run.params.event, run.params.by, needed));
      return { ts };
    }
    const group = policy.people.approvers.usergroup;
    const message = waiverRequestMessage(waiver, {
      number: run.incident.number,
      approvers: group ? `<!subteam^${group}>` : null,
      needed,
    });
    const ts = await postOnce(ctx, run, message);
    // Each approver also hears it directly (a DM), except the requester.
    const dms: string[] = [];
    for (const approver of await approverIds(ctx)) {
      if (approver === waiver.requestedBy) continue;
      await postOnce(ctx, run, message, { channel: approver, suffix: approver });
      dms.push(approver);
    }
    return { ts, dms };
  },
});

export const waiverEffects = {
  post: (p: z.input<typeof params>, id: string): OutboxRow => post.row(p, id),
};

export const WAIVER_STEPS = [post];
