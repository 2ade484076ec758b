// GET /incidents/<id>/postmortem.md and .json for holders of EXPORT_TOKEN
// (DESIGN.md: unset refuses all). Everything that can refuse — the token,
// the incident, the reader's zone (?zone=Europe/Paris), the format — is
// checked before the first byte: a refusal is a whole 4xx with a clear body,
// never half a file. The body then streams from Postgres (flat memory for
// 100 000 events); a failure mid-stream aborts the connection so a client
// cannot mistake a truncated file for a whole one.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppContext } from "../context.js";
import { findIncidentByRef } from "../store/postmortem.js";
import { type PostmortemFormat, postmortemFilename, recordPostmortemExported, renderPostmortem } from "../workflows/postmortem-render.js";
import { type PrefixRoute, sendText } from "./server.js";

export const EXPORT_PREFIX = "/incidents/";
const PATH = /^\/incidents\/([^/]{1,64})\/postmortem\.(md|json)$/;

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

/** Compares the bearer token in constant time (over digests, so lengths leak nothing either). */
export function exportTokenMatches(header: string | undefined, expected: string | undefined): boolean {
  if (!expected) return false;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match?.[1]) return false;
  return timingSafeEqual(digest(match[1]), digest(expected));
}

function zoneOf(url: URL): { zone: string } | { error: string } {
  const zone = url.searchParams.get("zone") ?? "UTC";
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return { zone };
  } catch {
    return { error: `unknown time zone ${JSON.stringify(zone.slice(0, 64))}; use an IANA name such as Europe/Paris\n` };
  }
}

export function exportRoutes(ctx: AppContext): PrefixRoute[] {
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const token = ctx.config.env.EXPORT_TOKEN;
    if (!token) return sendText(res, 403, "post-mortem exports are switched off: set EXPORT_TOKEN on the bot to allow them\n");
    if (!exportTokenMatches(req.headers.authorization, token)) {
      res.setHeader("www-authenticate", 'Bearer realm="hotfix-exports"');
      return sendText(res, 401, "missing or wrong export token: send Authorization: Bearer <EXPORT_TOKEN>\n");
    }
    const match = PATH.exec(url.pathname);
    if (!match) return sendText(res, 404, "not found: use /incidents/<HF-12 | 12 | uuid>/postmortem.md or .json\n");
    const ref = decodeURIComponent(match[1] ?? "");
    const format = match[2] as PostmortemFormat;
    const zone = zoneOf(url);
    if ("error" in zone) return sendText(res, 400, zone.error);
    const incident = await findIncidentByRef(ctx.prisma, ref);
    if (!incident) return sendText(res, 404, `no incident ${JSON.stringify(ref)}: use its label (HF-12), its number or its id\n`);

    const chunks = renderPostmortem(ctx.prisma, incident, { format, zone: zone.zone, now: ctx.now() });
    // The first chunk (the header, small) is rendered before any header is sent: whatever can fail early fails here.
    const first = await chunks.next();
    res.writeHead(200, {
      "content-type": format === "md" ? "text/markdown; charset=utf-8" : "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="${postmortemFilename(incident, format)}"`,
      "cache-control": "no-store",
    });
    try {
      if (!first.done) await write(res, first.value);
      for await (const chunk of chunks) await write(res, chunk);
    } catch (error) {
      ctx.logger.error({ err: error, incident: incident.id }, "post-mortem export failed mid-stream; connection aborted");
      res.destroy();
      return;
    }
    res.end();
    await recordPostmortemExported(ctx.prisma, incident, "http", null, ctx.now(), { format }).catch((error: unknown) =>
      ctx.logger.warn({ err: error }, "could not record the export"),
    );
  };
  return [{ method: "GET", prefix: EXPORT_PREFIX, label: "/incidents/:id/postmortem", handler }];
}

/** Writes with back-pressure: a slow reader slows the database reads instead of filling memory. */
function write(res: ServerResponse, chunk: string): Promise<void> {
  if (res.destroyed) return Promise.reject(new Error("client went away"));
  if (res.write(chunk)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      res.off("close", onClose);
      resolve();
    };
    const onClose = () => {
      res.off("drain", onDrain);
      reject(new Error("client went away"));
    };
    res.once("drain", onDrain);
    res.once("close", onClose);
  });
}
