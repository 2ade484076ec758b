// The UAT state in a few words, for `/hotfix status`, the pinned card, the
// backlog and the summary: read from the store's facts, escaped here.
import { uatStateWords } from "../../domain/uat.js";
import type { UatFacts } from "../../store/uat.js";
import { dateToken } from "./block-kit.js";
import { escapeMrkdwn, link } from "./escape.js";

/** Plain words: "running, 2 feedback, 1 open blocker"; the skip reason is a person's text, so the whole is escaped. */
export function uatFactsWords(required: boolean, facts: UatFacts): string {
  return escapeMrkdwn(uatStateWords(required, facts), 300);
}

/** One mrkdwn line: state, schedule, deadline, Linear issues (a queued one says so). */
/** `required`: policy uat.required (the status answer, without the policy at hand, passes the runbooks' default, true). */
export function uatStatusLine(required: boolean, facts: UatFacts): string {
  const parts = [`*UAT:* ${uatFactsWords(required, facts)}`];
  if (facts.scheduledFor && facts.latest?.status !== "skipped")
    parts.push(`session ${dateToken(facts.scheduledFor, facts.scheduledFor.toISOString())}`);
  if (facts.deadline) parts.push(`deadline ${dateToken(facts.deadline, facts.deadline.toISOString())}`);
  if (facts.linear.length)
    parts.push(
      `Linear: ${facts.linear
        .slice(0, 8)
        .map((l) => link(l.url, l.identifier))
        .join(", ")}`,
    );
  if (facts.queued) parts.push(`${facts.queued} Linear issue${facts.queued === 1 ? "" : "s"} queued`);
  return parts.join(" · ");
}
