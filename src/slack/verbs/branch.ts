// `/hotfix branch [name] [from <tag>]`: shows the parent release and the
// branch it would cut (read from GitHub after the ack), with a button to go.
import { previewBranch } from "../../workflows/branch.js";
import { githubOrRefuse } from "../../workflows/lane-support.js";
import { branchPreviewMessage } from "../blocks/release-lane.js";
import { readingGitHub } from "./lane-support.js";
import type { Verb } from "./registry.js";
import { inWarRoom } from "./war-room.js";

export function parseBranchArgs(args: string[]): { name?: string; parent?: string } {
  const at = args.findIndex((a) => a.toLowerCase() === "from");
  const parent = at >= 0 ? args[at + 1] : undefined;
  const name = args.filter((_, i) => at < 0 || (i !== at && i !== at + 1))[0];
  return { ...(name ? { name } : {}), ...(parent ? { parent } : {}) };
}

export const branchVerb: Verb = {
  name: "branch",
  usage: "branch [name] [from <tag>]",
  summary: "cut the hotfix branch from the parent release (shown first), protected for code-owner review",
  where: "war room",
  run: inWarRoom(async (invocation, incident) => {
    const { args, ack, reply, ctx, command } = invocation;
    githubOrRefuse(ctx);
    await ack();
    await readingGitHub(invocation, async () => {
      const preview = await previewBranch(ctx, incident, parseBranchArgs(args), command.user_id);
      await reply(branchPreviewMessage(incident, preview));
    });
  }),
};
