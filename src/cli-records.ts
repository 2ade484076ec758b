// The CLI's view of the record (issue 11): `hotfix postmortem <incident>`
// writes the post-mortem (Markdown or JSON, streamed from the database), and
// `hotfix status <incident>` prints runbook 001's outstanding-items report
// (`--json`: the hotfix-status.json form). cli.ts dispatches here.
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { hotfixStatusJson, outstandingItemsMarkdown } from "./domain/outstanding.js";
import { formatDurationMs } from "./domain/policy-values.js";
import { findIncidentByRef } from "./store/postmortem.js";
import type { Db } from "./store/prisma.js";
import { type PostmortemFormat, recordPostmortemExported, renderPostmortem } from "./workflows/postmortem-render.js";
import { stageTimesOf, statusReport } from "./workflows/status-report.js";

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Where a post-mortem goes without --out. */
  stdout: NodeJS.WritableStream;
}

const validZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** Exit codes: 0 written, 64 bad usage, 66 no such incident. */
export async function postmortemCommand(
  db: Db,
  io: CliIo,
  options: { incident?: string | undefined; format?: string | undefined; out?: string | undefined; zone?: string | undefined },
): Promise<number> {
  if (!options.incident) {
    io.err("usage: hotfix postmortem <incident> [--format md|json] [--out FILE] [--zone Europe/Paris]");
    return 64;
  }
  const format = (options.format ?? "md") as PostmortemFormat;
  if (format !== "md" && format !== "json") {
    io.err(`hotfix postmortem: --format is md or json, not "${options.format}"`);
    return 64;
  }
  const zone = options.zone ?? "UTC";
  if (!validZone(zone)) {
    io.err(`hotfix postmortem: unknown time zone "${zone}"; use an IANA name such as Europe/Paris`);
    return 64;
  }
  const incident = await findIncidentByRef(db, options.incident);
  if (!incident) {
    io.err(`hotfix postmortem: no incident "${options.incident}" (use its label HF-12, its number or its id)`);
    return 66;
  }
  const chunks = Readable.from(renderPostmortem(db, incident, { format, zone, now: new Date() }));
  if (options.out) {
    // Written beside the target and renamed at the end: a failure never leaves half a file under the name asked for.
    const partial = `${options.out}.partial-${process.pid}`;
    try {
      await pipeline(chunks, createWriteStream(partial));
      await rename(partial, options.out);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    io.err(`wrote ${options.out}`);
  } else await pipeline(chunks, io.stdout, { end: false });
  await recordPostmortemExported(db, incident, "cli", null, new Date(), { format });
  return 0;
}

/** `hotfix status <incident> [--json]`: runbook 001's report (Markdown, or hotfix-status.json). */
export async function statusReportCommand(db: Db, io: CliIo, options: { incident: string; json: boolean }): Promise<number> {
  const incident = await findIncidentByRef(db, options.incident);
  if (!incident) {
    io.err(`hotfix status: no incident "${options.incident}" (use its label HF-12, its number or its id)`);
    return 66;
  }
  const report = await statusReport(db, incident, new Date());
  if (options.json) {
    io.out(JSON.stringify(hotfixStatusJson(report), null, 2));
    return 0;
  }
  io.out(outstandingItemsMarkdown(report).trimEnd());
  const times = await stageTimesOf(db, incident.id);
  const show = (s: number | null | undefined) => (s === null || s === undefined ? "not yet" : formatDurationMs(s * 1000));
  io.out(
    `\nTime to declare ${show(times?.declare)} · to branch ${show(times?.branch)} · to deploy ${show(times?.deploy)} · to resolve ${show(times?.resolve)}`,
  );
  return 0;
}

/** `hotfix status --json` (no incident): hotfix-status.json of each incident, as one array. */
export async function statusReportsJson(db: Db, io: CliIo, incidents: Array<{ id: string; number: number }>): Promise<number> {
  const now = new Date();
  const reports = [];
  for (const incident of incidents) reports.push(hotfixStatusJson(await statusReport(db, incident, now)));
  io.out(JSON.stringify(reports, null, 2));
  return 0;
}
