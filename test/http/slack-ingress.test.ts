// POST /slack/events before trust: our server (src/http/server.ts) in front of
// a real Bolt app (HTTPReceiver), over real sockets. Unsigned, stale, future
// and oversized requests are refused before their body is parsed or counted,
// so 10,000 of them leave /metrics with the same series; signed ones reach
// Bolt, which answers from the buffer we read once.
import { createHmac, randomBytes } from "node:crypto";
import { request } from "node:http";
import { App, HTTPReceiver } from "@slack/bolt";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMetrics, type Metrics } from "../../src/http/metrics.js";
import { createHttpServer, type HttpServer, sendText } from "../../src/http/server.js";

const SECRET = "ingress-test-signing-secret";
let metrics: Metrics;
let http: HttpServer;
let url: string;
const handled: string[] = [];

beforeAll(async () => {
  const receiver = new HTTPReceiver({
    signingSecret: SECRET,
    endpoints: ["/slack/events"],
    processBeforeResponse: false,
    unhandledRequestTimeoutMillis: 300,
  });
  // authorize instead of a token: Bolt then never calls auth.test (there is no Slack here).
  const app = new App({ receiver, authorize: async () => ({ botToken: "xoxb-ingress", botId: "B1", botUserId: "U0BOT" }) });
  app.command("/hotfix", async ({ ack, command }) => {
    handled.push(`command:${command.text}`);
    await ack(`pong ${command.text}`);
  });
  app.action("go", async ({ ack }) => {
    handled.push("action:go");
    await ack();
  });
  app.event("app_mention", async () => {
    handled.push("event:app_mention");
  });
  metrics = createMetrics();
  http = createHttpServer({
    routes: [{ method: "GET", path: "/metrics", handler: async (_q, r) => sendText(r, 200, await metrics.registry.metrics()) }],
    slackListener: receiver.requestListener,
    slackSigningSecret: SECRET,
    metrics,
    logger: pino({ level: "silent" }),
  });
  url = await http.listen(0, "127.0.0.1");
});
afterAll(async () => {
  await http?.close();
});

const now = () => Math.floor(Date.now() / 1000);
function sign(body: string | Buffer, timestamp = now(), secret = SECRET): Record<string, string> {
  const signature = `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:`).update(body).digest("hex")}`;
  return { "x-slack-signature": signature, "x-slack-request-timestamp": String(timestamp) };
}
const form = "application/x-www-form-urlencoded";
const commandBody = (text: string) =>
  new URLSearchParams({
    command: "/hotfix",
    text,
    user_id: "U1",
    channel_id: "C1",
    team_id: "T1",
    trigger_id: "1.2.3",
    response_url: "http://127.0.0.1:9/x",
  }).toString();

async function post(body: string | Buffer, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}/slack/events`, { method: "POST", headers, body });
  return { status: res.status, text: await res.text() };
}

/** `name{labels}` of every series; the process's own (GC kinds, active handle types) come and go by themselves. */
async function appSeries(): Promise<{ series: string[]; bytes: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const series = text
    .split("\n")
    .filter((line) => line && !line.startsWith("#") && !/^hotfix_(process|nodejs)_/.test(line))
    .map((line) => line.slice(0, line.lastIndexOf(" ")))
    .sort();
  return { series, bytes: Buffer.byteLength(text) };
}

describe("signed requests", () => {
  it("reach Bolt and are counted by kind", async () => {
    const body = commandBody("help");
    const res = await post(body, { "content-type": form, ...sign(body) });
    expect(res).toEqual({ status: 200, text: "pong help" });
    const payload = JSON.stringify({
      type: "block_actions",
      user: { id: "U1" },
      actions: [{ action_id: "go", type: "button" }],
      team: { id: "T1" },
    });
    const click = new URLSearchParams({ payload }).toString();
    expect((await post(click, { "content-type": form, ...sign(click) })).status).toBe(200);
    const event = JSON.stringify({
      token: "t",
      team_id: "T1",
      event: { type: "app_mention", text: "hi", user: "U1", ts: "1.1", channel: "C1" },
      type: "event_callback",
      event_id: "Ev1",
      event_time: 1,
    });
    expect((await post(event, { "content-type": "application/json", ...sign(event) })).status).toBe(200);
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/hotfix_slack_requests_total\{kind="command"\} 1/);
    expect(text).toMatch(/hotfix_slack_requests_total\{kind="block_actions"\} 1/);
    expect(text).toMatch(/hotfix_slack_requests_total\{kind="event"\} 1/);
    expect(handled).toEqual(expect.arrayContaining(["command:help", "action:go"]));
  });

  it("counts a signed body with an unknown type as `other`, never by its name", async () => {
    const body = JSON.stringify({ type: `made-up-${randomBytes(4).toString("hex")}` });
    await post(body, { "content-type": "application/json", ...sign(body) });
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).not.toContain("made-up-");
    expect(text).toMatch(/hotfix_slack_requests_total\{kind="other"\} [1-9]/);
  });

  it("accepts a timestamp up to 5 minutes ahead (clock skew) and refuses one further ahead or behind", async () => {
    const body = commandBody("skew");
    expect((await post(body, { "content-type": form, ...sign(body, now() + 4 * 60) })).status).toBe(200);
    expect((await post(body, { "content-type": form, ...sign(body, now() + 6 * 60) })).status).toBe(401);
    expect((await post(body, { "content-type": form, ...sign(body, now() + 365 * 24 * 3600) })).status).toBe(401);
    expect((await post(body, { "content-type": form, ...sign(body, now() - 6 * 60) })).status).toBe(401);
    expect(handled.filter((h) => h === "command:skew")).toHaveLength(1);
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/hotfix_slack_rejected_total\{reason="future"\} [2-9]/);
    expect(text).toMatch(/hotfix_slack_rejected_total\{reason="stale"\} [1-9]/);
  });

  it("answers Slack's unsigned ssl_check with 200 and hands nothing to Bolt", async () => {
    const res = await post("token=x&ssl_check=1", { "content-type": form });
    expect(res.status).toBe(200);
  });
});

describe("bodies over 1 MiB", () => {
  /** A raw request, so the 413 can be read even while the body is still being sent. */
  function rawPost(headers: Record<string, string>, chunks: number, chunkSize: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request(`${url}/slack/events`, { method: "POST", headers }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      const chunk = Buffer.alloc(chunkSize, "a");
      let sent = 0;
      const pump = () => {
        while (sent < chunks) {
          sent++;
          if (!req.write(chunk)) return void req.once("drain", pump);
        }
        req.end();
      };
      pump();
    });
  }

  it("refuses a declared Content-Length over 1 MiB with 413, signed or not, without reading it", async () => {
    const big = `payload=${"a".repeat(1_048_577)}`;
    expect(await rawPost({ "content-type": form, "content-length": String(big.length), ...sign(big) }, 1, big.length)).toBe(413);
    expect(await rawPost({ "content-type": form, "content-length": String(big.length) }, 1, big.length)).toBe(401);
  });

  it("stops reading a chunked body at 1 MiB and answers 413", async () => {
    // Signed headers (the body itself cannot be signed in advance): it passes the header checks and is read up to the cap.
    const status = await rawPost({ "content-type": form, "transfer-encoding": "chunked", ...sign("x") }, 64, 64 * 1024);
    expect(status).toBe(413);
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toMatch(/hotfix_slack_rejected_total\{reason="too_large"\} [1-9]/);
  });

  it("still takes a signed body just under the limit", async () => {
    const body = commandBody("x".repeat(1_000_000));
    expect(body.length).toBeLessThan(1_048_576);
    expect((await post(body, { "content-type": form, ...sign(body) })).status).toBe(200);
  });
});

describe("10,000 unsigned requests", () => {
  it("are all refused with 401 and leave /metrics with the same series (and about the same size)", async () => {
    // One of each refusal first: the series a refusal can touch exist from then on (and most from the start).
    await post("{}", { "content-type": "application/json" });
    await post("{}", { "content-type": "application/json", ...sign("{}", now(), "wrong-secret") });
    const before = await appSeries();
    const handledBefore = handled.length;

    const hostile = (i: number): [string, Record<string, string>] => {
      const type = `${randomBytes(6).toString("hex")}-${i}`;
      switch (i % 5) {
        case 0:
          return [JSON.stringify({ type, event: { type } }), { "content-type": "application/json" }];
        case 1: {
          const body = new URLSearchParams({ payload: JSON.stringify({ type }) }).toString();
          return [body, { "content-type": form, ...sign(body, now(), "not-the-secret") }];
        }
        case 2: {
          const body = new URLSearchParams({ command: `/${type}`, text: type }).toString();
          return [body, { "content-type": form, "x-slack-signature": `v0=${"0".repeat(64)}`, "x-slack-request-timestamp": String(now()) }];
        }
        case 3: {
          const body = JSON.stringify({ type });
          return [body, { "content-type": `application/${type}`, ...sign(body, now() - 3600) }];
        }
        default: {
          const body = JSON.stringify({ type, pad: "p".repeat(20_000) });
          return [body, { "content-type": "application/json", "x-slack-signature": type, "x-slack-request-timestamp": type }];
        }
      }
    };
    const statuses = new Map<number, number>();
    for (let batch = 0; batch < 50; batch++) {
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, j) => {
          const [body, headers] = hostile(batch * 200 + j);
          return post(body, headers);
        }),
      );
      for (const { status } of results) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
    expect(Object.fromEntries(statuses)).toEqual({ 401: 10_000 });
    expect(handled.length).toBe(handledBefore);

    const after = await appSeries();
    expect(after.series).toEqual(before.series);
    // Only counters' digits grew; the issue's 2,000 requests had added ~500 KB.
    expect(after.bytes - before.bytes).toBeLessThan(2_000);
  }, 120_000);
});
