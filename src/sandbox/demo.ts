// `npm run demo` (`hotfix demo`): a complete hotfix played through the local
// sandbox the way people would do it: slash commands typed in channels, the
// forms the bot opens filled in from the views it actually sent, buttons
// clicked, GitHub deploy webhooks signed and delivered. Every step is a
// function; a step whose feature is not in this build says so and does
// nothing (it is never imitated). At the end: what each channel saw, and the
// post-mortem when the build can write one.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { EmulatedRepo } from "@hotfix/github-emulator";
import type { JsonObject, SlackEmulator, StoredMessage, StoredView } from "@hotfix/slack-emulator";
import { createLogger } from "../logger.js";
import { alertWebhook, deployWebhook, fileBug, OutsideWorldError, pushFix } from "./outside-world.js";
import { type Sandbox, startSandbox } from "./sandbox.js";
import { blocksAsText, slackText } from "./transcript.js";

export interface DemoOptions {
  print: (line: string) => void;
  /** Port of the sandbox page (0: any free port). */
  port: number;
  /** Leave the sandbox running afterwards, until Ctrl-C. */
  keep: boolean;
  /** Where the post-mortem (and the transcript) are written. */
  outDir: string;
  dataDir: string;
  databaseUrl?: string;
}

/** The people of the sandbox workspace and what they do in the story. */
const ALICE = "U0ALICE"; // on call, release captain: declares
const BOB = "U0BOB"; // engineering manager: commander, approver
const CAROL = "U0CAROL"; // QA lead: approver, UAT stakeholder
const ERIN = "U0ERIN"; // product manager: UAT stakeholder
const ENG_PROD = "C0ENGPROD";

/** The stability window in the demo's policy: long enough to be real, short enough to wait for. */
const DEMO_STABILITY = "4s";

export interface DemoRun {
  sandbox: Sandbox;
  print: (line: string) => void;
  /** What the /hotfix help of this build lists (a step whose verb is missing is not in this build). */
  verbs: Set<string>;
  title: string;
  ticketUrl: string;
  incidentId: string;
  incidentNumber: number;
  room: string;
  fixSha: string;
  version: string;
  /** The waiver that lets the release past its failing gate, when this build has waivers. */
  waiver: string;
  repo: EmulatedRepo | undefined;
  postmortemPath: string | undefined;
  outDir: string;
}

export interface DemoStep {
  name: string;
  /** Why this step cannot run in this build, or undefined when it can. */
  missing?(run: DemoRun): string | undefined;
  run(run: DemoRun): Promise<void>;
}

class DemoError extends OutsideWorldError {}

async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new DemoError(`the demo waited ${timeoutMs / 1000} s for ${what}`);
}

function slack(run: DemoRun): SlackEmulator {
  return run.sandbox.slack;
}

function name(run: DemoRun, userId: string): string {
  return slack(run).user(userId)?.name ?? userId;
}

/** `/hotfix <text>` typed by a person in a channel; refuses to go on if Slack would show an error. */
async function type(run: DemoRun, userId: string, channel: string, text: string) {
  const where = slack(run).channel(channel)?.name ?? channel;
  run.print(`> ${name(run, userId)} types in #${where}: /hotfix ${text}`);
  const result = await slack(run).slashCommand({ userId, channelId: channel, text });
  if (result.error) throw new DemoError(`/hotfix ${text}: Slack would show ${result.error}`);
  return result;
}

/** The newest ephemeral answer to `userId` in `channel` that matches, once it is there. */
function answer(run: DemoRun, userId: string, channel: string, pattern: RegExp) {
  return waitFor(`an answer to ${name(run, userId)} matching ${pattern}`, () =>
    slack(run)
      .ephemerals({ channel, user: userId })
      .filter((e) => pattern.test(`${e.text}\n${blocksAsText(e.blocks ?? [], slack(run))}`))
      .at(-1),
  );
}

/** A message in a channel that matches, once it is there; printed as the room saw it. */
async function said(run: DemoRun, channel: string, pattern: RegExp, timeoutMs?: number) {
  const message = await waitFor<StoredMessage>(
    `a message in #${slack(run).channel(channel)?.name ?? channel} matching ${pattern}`,
    () =>
      slack(run)
        .messages(channel)
        .find((m) => pattern.test(`${m.text}\n${blocksAsText(m.blocks ?? [], slack(run))}`)),
    timeoutMs,
  ).catch((error: unknown) => {
    // Say what the channel did show, and what the person was last told: the reason is usually there.
    const recent = slack(run)
      .messages(channel)
      .slice(-3)
      .map((m) => `  last in the channel: ${firstLine(slackText(m.text, slack(run)))}`);
    const told = slack(run)
      .ephemerals({ channel })
      .slice(-2)
      .map((e) => `  last told to ${name(run, e.user)}: ${firstLine(slackText(e.text, slack(run)))}`);
    throw new DemoError([(error as Error).message, ...recent, ...told].join("\n"));
  });
  run.print(`  #${slack(run).channel(channel)?.name}: ${firstLine(slackText(message.text, slack(run)))}`);
  return message;
}

function firstLine(text: string): string {
  const line = text.split("\n").find((l) => l.trim()) ?? "";
  return line.length > 140 ? `${line.slice(0, 139)}…` : line;
}

/** The modal the bot opened for this trigger, once it has (apps open views after their ack). */
async function openedView(run: DemoRun, triggerId: string, readyWhen?: (view: StoredView) => boolean): Promise<StoredView> {
  const viewId = await waitFor("the bot to open its form", () => slack(run).viewOpenedBy(triggerId));
  // Some forms open at once and fill in from GitHub a moment later (views.update).
  return waitFor("the form to fill in", () => {
    const view = slack(run).view(viewId);
    return view && (!readyWhen || readyWhen(view)) ? view : undefined;
  });
}

/** The form's fields as the person sees them: label and what is already filled in. */
function describeForm(run: DemoRun, view: StoredView): void {
  run.print(`  the bot opens the form "${view.title}":`);
  for (const block of view.blocks) {
    if (block.type !== "input") continue;
    const label = String((block.label as JsonObject | undefined)?.text ?? block.block_id);
    const element = (block.element ?? {}) as JsonObject;
    const initialOptions = Array.isArray(element.initial_options)
      ? (element.initial_options as JsonObject[]).map((o) => o.value).join(", ")
      : undefined;
    const initial =
      element.initial_value ??
      (element.initial_option as JsonObject | undefined)?.value ??
      initialOptions ??
      element.initial_user ??
      element.initial_date;
    const shown = initial !== undefined ? `: ${String(initial).replace(/\s+/g, " ")}` : "";
    run.print(`    - ${label}${block.optional ? " (optional)" : ""}${shown}`);
  }
}

/**
 * What a person fills in where the form asks and nothing is filled in yet:
 * `given` first (by block id), then a plausible answer for the element's type.
 */
function fillForm(run: DemoRun, view: StoredView, given: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const block of view.blocks) {
    if (block.type !== "input") continue;
    const id = String(block.block_id);
    const element = (block.element ?? {}) as JsonObject;
    if (id in given) {
      values[id] = given[id];
      continue;
    }
    const filled = [
      "initial_value",
      "initial_option",
      "initial_options",
      "initial_user",
      "initial_users",
      "initial_date",
      "initial_time",
    ].some((k) => element[k] !== undefined && element[k] !== null && element[k] !== "");
    if (block.optional || filled) continue;
    const label = String((block.label as JsonObject | undefined)?.text ?? id);
    const options = (element.options ?? []) as JsonObject[];
    const min = typeof element.min_length === "number" ? element.min_length : 0;
    switch (element.type) {
      case "plain_text_input":
        values[id] = `${label}: as seen in the sandbox demo, on the EU card checkout with a 10.05 EUR basket.`.padEnd(min, ".");
        break;
      case "url_text_input":
        values[id] = run.ticketUrl || "https://wiki.example.com/hotfix";
        break;
      case "static_select":
      case "radio_buttons":
        values[id] = options[0]?.value;
        break;
      case "multi_static_select":
      case "checkboxes":
        values[id] = options.slice(0, 1).map((o) => o.value);
        break;
      case "users_select":
        values[id] = BOB;
        break;
      case "multi_users_select":
        values[id] = [CAROL, ERIN];
        break;
      case "datepicker":
        values[id] = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
        break;
      case "timepicker":
        values[id] = "10:00";
        break;
      case "datetimepicker":
        values[id] = new Date(Date.now() + 3_600_000);
        break;
      case "number_input":
        values[id] = "1";
        break;
      case "email_text_input":
        values[id] = "erin@acme.example";
        break;
      default:
        break;
    }
  }
  return values;
}

/** Waits for the next message in a channel after `count` messages (matching `pattern`, if given), and prints it. */
async function nextMessage(run: DemoRun, channel: string, count: number, what: string, pattern?: RegExp): Promise<StoredMessage> {
  const message = await waitFor(what, () =>
    slack(run)
      .messages(channel)
      .slice(count)
      .find((m) => !pattern || pattern.test(`${m.text}\n${blocksAsText(m.blocks ?? [], slack(run))}`)),
  );
  const text = message.blocks?.length ? blocksAsText(message.blocks, slack(run)) : slackText(message.text, slack(run));
  run.print(`  #${slack(run).channel(channel)?.name}: ${firstLine(text)}`);
  return message;
}

async function submit(run: DemoRun, view: StoredView, userId: string, values: Record<string, unknown>) {
  const filled = Object.entries(values)
    .map(([k, v]) => `${k}=${typeof v === "string" && v.length > 40 ? `${v.slice(0, 37)}…` : String(v)}`)
    .join(", ");
  const button = String((view.definition.submit as JsonObject | undefined)?.text ?? "Submit");
  run.print(`> ${name(run, userId)} ${filled ? `fills in ${filled}` : "keeps what the form proposes"} and presses "${button}"`);
  // Values by input block, under the action id of the block's element (as Slack's view.state.values has them).
  const byBlock = Object.fromEntries(
    Object.entries(values).map(([blockId, value]) => {
      const element = view.blocks.find((b) => b.block_id === blockId)?.element as JsonObject | undefined;
      if (!element) throw new DemoError(`the form "${view.title}" has no field ${blockId}`);
      return [blockId, { [String(element.action_id)]: value }];
    }),
  );
  const result = await slack(run).submitView({ viewId: view.id, userId, values: byBlock });
  if (result.responseAction === "errors") throw new DemoError(`the form "${view.title}" was refused: ${JSON.stringify(result.errors)}`);
  if (result.problems.length) throw new DemoError(`Slack would not accept the bot's answer: ${result.problems.join("; ")}`);
  return result;
}

async function click(
  run: DemoRun,
  userId: string,
  message: { channel: string; ts: string },
  actionId: string,
  label: string,
  blockId?: string,
) {
  run.print(`> ${name(run, userId)} clicks "${label}"`);
  const result = await slack(run).blockAction({
    userId,
    actionId,
    channelId: message.channel,
    messageTs: message.ts,
    ...(blockId ? { blockId } : {}),
  });
  if (result.status !== 200) throw new DemoError(`clicking "${label}": the app answered HTTP ${result.status}`);
}

async function deploy(run: DemoRun, environment: "staging" | "production") {
  run.print(`> GitHub sends a signed deployment_status webhook: v${run.version} deployed to ${environment} by sam-sre`);
  await deployWebhook(run.sandbox, `v${run.version}`, environment);
}

async function incident(run: DemoRun) {
  return run.sandbox.app.ctx.prisma.incident.findUniqueOrThrow({ where: { id: run.incidentId }, include: { steps: true } });
}

/** Waits until every queued step of the incident is done (or failed, which the demo reports and stops on). */
async function settled(run: DemoRun): Promise<void> {
  const steps = await waitFor("the bot's queued steps to finish", async () => {
    const found = await incident(run);
    return found.steps.every((s) => s.status === "done" || s.status === "failed") ? found.steps : undefined;
  });
  const failed = steps.filter((s) => s.status === "failed");
  if (failed.length) throw new DemoError(`steps failed: ${failed.map((s) => `${s.key} (${s.lastError})`).join(", ")}`);
}

// ----------------------------------------------------------------- steps

const fileTicket: DemoStep = {
  name: "erin files the bug in Linear",
  missing: (run) => (run.sandbox.linear ? undefined : "no Linear emulator (shared/specs not found)"),
  async run(run) {
    const filed = fileBug(run.sandbox, "Card fees rounded down for EU cards");
    run.ticketUrl = filed.url;
    run.print(`> erin files ${filed.identifier} in Linear: "Card fees rounded down for EU cards" (${filed.url})`);
  },
};

const declare: DemoStep = {
  name: "declare",
  async run(run) {
    const prisma = run.sandbox.app.ctx.prisma;
    // With a DATABASE_URL of its own the sandbox keeps earlier runs' incidents: look only at the new one.
    const earlier = (await prisma.incident.findMany({ select: { id: true } })).map((i) => i.id);
    const command = await type(run, ALICE, ENG_PROD, `declare ${run.title}`);
    const view = await openedView(run, command.triggerId);
    describeForm(run, view);
    await submit(run, view, ALICE, {
      severity: "P1",
      commander: BOB,
      impact_users: "All card users in the EU",
      service: "payments-api",
      ...(run.ticketUrl ? { ticket: run.ticketUrl } : {}),
    });
    const found = await waitFor("the incident", () =>
      prisma.incident.findFirst({ where: { title: run.title, id: { notIn: earlier } } }).then((i) => i ?? undefined),
    );
    run.incidentId = found.id;
    run.incidentNumber = found.number;
  },
};

const warRoom: DemoStep = {
  name: "war room",
  async run(run) {
    const found = await waitFor("the war room", async () => {
      const i = await incident(run);
      return i.warRoomChannelId ? i : undefined;
    });
    await settled(run);
    run.room = found.warRoomChannelId ?? "";
    const s = slack(run);
    const room = s.channel(run.room);
    run.print(`  the bot opens the war room #${room?.name}`);
    run.print(`    topic:     ${slackText(room?.topic.value ?? "", s)}`);
    run.print(`    members:   ${(room?.members ?? []).map((m) => name(run, m)).join(", ")}`);
    const pinned = s.pins(run.room)[0]?.message;
    run.print(`    pinned:    ${pinned ? firstLine(blocksAsText(pinned.blocks ?? [], s) || pinned.text) : "-"}`);
    run.print(
      `    bookmarks: ${
        s
          .bookmarks(run.room)
          .map((b) => b.title)
          .join(", ") || "-"
      }`,
    );
  },
};

const branch: DemoStep = {
  name: "branch",
  missing: (run) => (run.repo ? undefined : "no GitHub emulator"),
  async run(run) {
    await type(run, BOB, run.room, "branch");
    const preview = await answer(run, BOB, run.room, /Create branch/);
    run.print(`  the bot shows bob (only him): ${firstLine(blocksAsText(preview.blocks ?? [], slack(run)) || preview.text)}`);
    await click(run, BOB, preview, "lane_branch_create", "Create branch");
    await said(run, run.room, /Hotfix branch .* created/);
    await settled(run);
  },
};

const fixPushed: DemoStep = {
  name: "the fix is pushed and CI passes",
  missing: (run) => (run.repo ? undefined : "no GitHub emulator"),
  async run(run) {
    const branchName = (await incident(run)).hotfixBranch ?? "";
    // With waivers in this build, the story has the flaky integration suite that runbook 004's waivers are for.
    const flaky = run.verbs.has("waiver");
    run.fixSha = pushFix(run.sandbox, branchName, flaky ? { flaky: "integration-tests" } : {});
    run.print(
      `> sam-sre pushes the fix ${run.fixSha.slice(0, 7)} to ${branchName} on GitHub; ${
        flaky ? "build and test pass, the flaky integration-tests fail" : "build, test and integration-tests pass"
      }`,
    );
  },
};

async function releaseForm(run: DemoRun, waiver?: string): Promise<void> {
  const command = await type(run, BOB, run.room, "release");
  const view = await openedView(run, command.triggerId, (v) => v.blocks.some((b) => b.block_id === "version"));
  describeForm(run, view);
  const version = view.blocks.find((b) => b.block_id === "version")?.element as JsonObject | undefined;
  run.version = String(version?.initial_value ?? "v1.2.4").replace(/^v/, "");
  await submit(run, view, BOB, {
    commit: run.fixSha,
    justification: "Card fees are rounded down since v1.2.3: every EU card payment is under-charged until this ships.",
    ...(run.ticketUrl ? { ticket: run.ticketUrl } : {}),
    risk: "medium",
    ...(waiver ? { waivers: waiver } : {}),
  });
}

const releaseBlocked: DemoStep = {
  name: "release, blocked by a failing gate",
  missing: needsVerb("waiver", (run) => (run.repo ? undefined : "no GitHub emulator")),
  async run(run) {
    await releaseForm(run);
    await said(run, run.room, /blocked by gates/);
    await settled(run);
  },
};

const waiver: DemoStep = {
  name: "waiver with two approvals",
  missing: needsVerb("waiver", (run) => (run.repo ? undefined : "no GitHub emulator")),
  async run(run) {
    const command = await type(run, ALICE, run.room, "waiver request");
    const view = await openedView(run, command.triggerId);
    describeForm(run, view);
    await submit(
      run,
      view,
      ALICE,
      fillForm(run, view, {
        type: "gate-bypass",
        tag: `v${run.version}`,
        gates: "integration-tests",
        justification: "The integration suite fails on a known-flaky settlement mock (ENG-3); the fee rounding is covered by unit tests.",
        risk: "low",
        mitigations: "Manual verification of fee posting on staging",
        expiry: "24h",
      }),
    );
    const request = await waitFor("the waiver request with its Approve button", () =>
      slack(run)
        .messages(run.room)
        .find((m) => JSON.stringify(m.blocks ?? []).includes('"block_id":"waiver:')),
    );
    const code = /"block_id":"waiver:([^"]+)"/.exec(JSON.stringify(request.blocks))?.[1] ?? "";
    run.waiver = code;
    run.print(`  #${slack(run).channel(run.room)?.name}: ${firstLine(slackText(request.text, slack(run)))}`);
    for (const approver of [BOB, CAROL]) {
      const count = slack(run).messages(run.room).length;
      const actionId = String(
        ((request.blocks ?? []).find((b) => b.block_id === `waiver:${code}`)?.elements as JsonObject[] | undefined)?.[0]?.action_id ?? "",
      );
      await click(run, approver, request, actionId, "Approve");
      await nextMessage(run, run.room, count, `${name(run, approver)}'s approval to show`).catch(() => undefined);
    }
    await waitFor(`waiver ${code} to be active`, async () => {
      const row = await run.sandbox.app.ctx.prisma.waiver.findFirst({ where: { code } });
      return row?.status === "active" || undefined;
    });
    run.print(`  waiver ${code} is active: two approvers, neither of them the requester`);
  },
};

const release: DemoStep = {
  name: "release",
  missing: (run) => (run.repo ? undefined : "no GitHub emulator"),
  async run(run) {
    await releaseForm(run, run.waiver || undefined);
    await said(run, run.room, new RegExp(`v${run.version.replaceAll(".", "\\.")} released`));
    await settled(run);
  },
};

const uatSchedule: DemoStep = {
  name: "UAT scheduled",
  missing: needsVerb("uat"),
  async run(run) {
    const count = slack(run).messages(run.room).length;
    const command = await type(run, BOB, run.room, "uat schedule");
    const view = await openedView(run, command.triggerId);
    describeForm(run, view);
    await submit(run, view, BOB, fillForm(run, view, {}));
    await nextMessage(run, run.room, count, "the UAT session in the war room");
    await settled(run);
  },
};

const uatChecklist: DemoStep = {
  name: "UAT checklist",
  missing: needsVerb("uat"),
  async run(run) {
    const checklist = await waitFor("the UAT checklist with its buttons", () =>
      slack(run)
        .messages(run.room)
        .findLast((m) => JSON.stringify(m.blocks ?? []).includes('"block_id":"uat_item_actions_')),
    );
    run.print(`  #${slack(run).channel(run.room)?.name}: ${firstLine(blocksAsText(checklist.blocks ?? [], slack(run)))}`);
    const rows = (checklist.blocks ?? []).filter((b) => String(b.block_id).startsWith("uat_item_actions_"));
    for (const row of rows) {
      const index = String(row.block_id).slice("uat_item_actions_".length);
      const item = slackText(
        String(((checklist.blocks ?? []).find((b) => b.block_id === `uat_item_${index}`)?.text as JsonObject)?.text ?? ""),
        slack(run),
      );
      const pass = ((row.elements ?? []) as JsonObject[]).find((e) => (e.text as JsonObject | undefined)?.text === "Pass");
      await click(
        run,
        CAROL,
        checklist,
        String(pass?.action_id),
        `Pass (${item.split("\n")[0]?.replaceAll("*", "")})`,
        String(row.block_id),
      );
    }
    await waitFor("every checklist item to pass", () => {
      const now = slack(run)
        .messages(run.room)
        .find((m) => m.ts === checklist.ts);
      return now && !JSON.stringify(now.blocks ?? []).includes("not tested yet") ? now : undefined;
    });
    run.print(
      `  the checklist now reads: ${firstLine(
        blocksAsText(
          slack(run)
            .messages(run.room)
            .find((m) => m.ts === checklist.ts)
            ?.blocks?.slice(1) ?? [],
          slack(run),
        ),
      )}`,
    );
    await settled(run);
  },
};

const uatFeedback: DemoStep = {
  name: "UAT feedback, logged in Linear",
  missing: needsVerb("uat"),
  async run(run) {
    const before = run.sandbox.linear?.issues().length ?? 0;
    const command = await type(run, ERIN, run.room, "uat feedback");
    const view = await openedView(run, command.triggerId);
    describeForm(run, view);
    await submit(
      run,
      view,
      ERIN,
      fillForm(run, view, {
        workflow: "Payment posting",
        severity: "medium",
        happened: "A 10.05 EUR basket now charges a 0.29 EUR fee: correct. The receipt still shows the old fee line.",
        steps: "Pay 10.05 EUR with an EU test card on staging; open the receipt.",
        expected: "The receipt shows the fee that was charged.",
      }),
    );
    if (run.sandbox.linear) {
      const issue = await waitFor("the feedback's Linear issue", () => run.sandbox.linear?.issues()[before]);
      run.print(`  Linear: ${issue.identifier} ${issue.title} (${run.sandbox.linear.labelNames(issue.id).join(", ")})`);
    }
    await settled(run);
  },
};

const uatClose: DemoStep = {
  name: "UAT closed",
  missing: needsVerb("uat"),
  async run(run) {
    const count = slack(run).messages(run.room).length;
    await type(run, BOB, run.room, "uat close --feedback done");
    await nextMessage(run, run.room, count, "UAT to close");
    await settled(run);
  },
};

const alert: DemoStep = {
  name: "an alert after the production deploy",
  async run(run) {
    const count = slack(run).messages(run.room).length;
    const startsAt = new Date();
    const alerting = { service: "payments-api", name: "CardFeeErrorRate", value: 0.021, startsAt };
    run.print("> Alertmanager sends a firing alert: CardFeeErrorRate on payments-api (2.1 % errors)");
    if (!(await alertWebhook(run.sandbox, { ...alerting, status: "firing" }))) {
      run.print("  (this build has no alert webhook yet: skipped)");
      return;
    }
    await nextMessage(run, run.room, count, "the alert in the war room", /CardFeeErrorRate/);
    const later = slack(run).messages(run.room).length;
    run.print("> Alertmanager sends the same alert resolved");
    await alertWebhook(run.sandbox, { ...alerting, status: "resolved" });
    await nextMessage(run, run.room, later, "the alert's resolution in the war room", /recovered|resolved/i);
    await settled(run);
  },
};

const stagingDeploy: DemoStep = {
  name: "staging deploy (webhook)",
  missing: (run) => (run.repo ? undefined : "no GitHub emulator"),
  async run(run) {
    await deploy(run, "staging");
    await said(run, run.room, /to \*staging\*/);
  },
};

const productionDeploy: DemoStep = {
  name: "production deploy (webhook)",
  missing: (run) => (run.repo ? undefined : "no GitHub emulator"),
  async run(run) {
    await deploy(run, "production");
    await said(run, run.room, /to \*production\*/);
  },
};

const stability: DemoStep = {
  name: "stability window",
  missing: (run) => (run.repo ? undefined : "no GitHub emulator"),
  async run(run) {
    run.print(`  (the sandbox's policy sets a ${DEMO_STABILITY} stability window so the demo need not wait a day)`);
    await said(run, run.room, /stability window of HF-\d+ has passed/, 60_000);
  },
};

const complete: DemoStep = {
  name: "complete",
  missing: (run) => (run.repo ? undefined : "no GitHub emulator"),
  async run(run) {
    await type(run, BOB, run.room, "complete");
    await said(run, run.room, /HF-\d+ complete\*/, 30_000);
    await waitFor("the war room to be archived", () => slack(run).channel(run.room)?.isArchived || undefined);
    run.print(`  #${slack(run).channel(run.room)?.name} is archived`);
    await settled(run);
  },
};

/** A verb of /hotfix help; a step that needs one this build lacks is skipped (never imitated). */
function needsVerb(verb: string, also?: (run: DemoRun) => string | undefined) {
  return (run: DemoRun) => (run.verbs.has(verb) ? also?.(run) : `this build has no /hotfix ${verb} yet`);
}

const postmortemInSlack: DemoStep = {
  name: "post-mortem in the war room",
  missing: needsVerb("postmortem"),
  async run(run) {
    const before = new Set(
      slack(run)
        .files()
        .map((f) => f.id),
    );
    await type(run, BOB, run.room, "postmortem");
    const file = await waitFor("the post-mortem file in the war room", () =>
      slack(run)
        .files()
        .find((f) => !before.has(f.id) && f.completed && f.channels.includes(run.room)),
    );
    run.print(`  #${slack(run).channel(run.room)?.name}: the bot uploads ${file.filename} (${file.content?.length ?? 0} bytes)`);
  },
};

const postmortemExport: DemoStep = {
  name: "post-mortem export",
  missing: needsVerb("postmortem"),
  async run(run) {
    const url = `${run.sandbox.app.url}/incidents/HF-${run.incidentNumber}/postmortem.md`;
    run.print(
      `> bob downloads the post-mortem: GET /incidents/HF-${run.incidentNumber}/postmortem.md (Authorization: Bearer $EXPORT_TOKEN)`,
    );
    const res = await fetch(url, { headers: { authorization: `Bearer ${run.sandbox.exportToken}` } });
    const body = await res.text();
    if (res.status !== 200) throw new DemoError(`the post-mortem export answered ${res.status}: ${body.trim()}`);
    mkdirSync(run.outDir, { recursive: true });
    run.postmortemPath = path.join(run.outDir, `postmortem-HF-${run.incidentNumber}.md`);
    writeFileSync(run.postmortemPath, body);
    const headings = body.split("\n").filter((l) => /^#{1,2} /.test(l));
    for (const heading of headings.slice(0, 12)) run.print(`  | ${heading}`);
    run.print(`  (${body.split("\n").length} lines, written to ${run.postmortemPath})`);
  },
};

const status: DemoStep = {
  name: "status",
  async run(run) {
    const result = await type(run, BOB, run.room, "status");
    const body = result.body as { text?: string; blocks?: JsonObject[] } | undefined;
    const text = body?.blocks ? blocksAsText(body.blocks, slack(run)) : slackText(String(body?.text ?? ""), slack(run));
    for (const line of text.split("\n").filter((l) => l.trim())) run.print(`  | ${line}`);
  },
};

/** The story, in order. Steps of lanes not in this build yet say so and are skipped, never imitated. */
export const DEMO_STEPS: DemoStep[] = [
  fileTicket,
  declare,
  warRoom,
  status,
  branch,
  fixPushed,
  releaseBlocked,
  waiver,
  release,
  stagingDeploy,
  uatSchedule,
  uatChecklist,
  uatFeedback,
  uatClose,
  productionDeploy,
  alert,
  stability,
  postmortemInSlack,
  complete,
  postmortemExport,
];

// ------------------------------------------------------------ transcript

const ANNOUNCE_CHANNELS = ["incidents", "eng-prod", "stakeholders"];

/** What each channel saw, as text. */
export function transcript(run: DemoRun): string {
  const s = slack(run);
  const lines: string[] = [];
  const channels = [...ANNOUNCE_CHANNELS.map((n) => s.channelByName(n)?.id ?? n), run.room].filter(Boolean);
  for (const id of channels) {
    const channel = s.channel(id);
    if (!channel) continue;
    lines.push("", `#${channel.name}${channel.isArchived ? " (archived)" : ""}`);
    const messages = s.messages(id);
    if (messages.length === 0) lines.push("  (nothing)");
    for (const m of messages) {
      const text = m.blocks?.length ? blocksAsText(m.blocks, s) : slackText(m.text, s);
      const pinned = s.pins(id).some((p) => p.ts === m.ts) ? " [pinned]" : "";
      const body = text.split("\n").filter((l) => l.trim());
      lines.push(`  ${name(run, m.user)}${pinned}: ${body[0] ?? ""}`);
      for (const more of body.slice(1)) lines.push(`      ${more}`);
    }
  }
  return lines.join("\n");
}

// ------------------------------------------------------------------ main

export async function runDemo(options: DemoOptions): Promise<number> {
  const { print } = options;
  // The transcript is the demo's output; the bot's own log only when asked for (LOG_LEVEL).
  const logger = createLogger({ level: process.env.LOG_LEVEL ?? "fatal", format: "pretty" });
  const sandbox = await startSandbox({
    logger,
    port: options.port,
    dataDir: options.dataDir,
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    policy: { stability: { window: DEMO_STABILITY } },
  });
  for (const note of sandbox.notes) print(`Note: ${note}`);
  const run: DemoRun = {
    sandbox,
    print,
    verbs: new Set(),
    title: "Card payments failing: fees rounded down",
    ticketUrl: "",
    incidentId: "",
    incidentNumber: 0,
    room: "",
    fixSha: "",
    version: "",
    waiver: "",
    repo: sandbox.github?.repo("acme/payments"),
    postmortemPath: undefined,
    outDir: options.outDir,
  };
  let code = 0;
  try {
    print(`Hotfix Commander demo, on the local sandbox (${sandbox.url})`);
    const help = await sandbox.slack.slashCommand({ userId: ALICE, channelId: ENG_PROD, text: "help" });
    for (const match of JSON.stringify(help.body).matchAll(/\/hotfix ([a-z-]+)/g)) run.verbs.add(match[1] as string);
    for (const step of DEMO_STEPS) {
      const missing = step.missing?.(run);
      print("");
      if (missing) {
        print(`== ${step.name}: skipped, ${missing}`);
        continue;
      }
      print(`== ${step.name}`);
      await step.run(run);
    }
    const text = transcript(run);
    print("");
    print("== What each channel saw");
    print(text);
    mkdirSync(options.outDir, { recursive: true });
    writeFileSync(path.join(options.outDir, "transcript.txt"), `${text.trimStart()}\n`);
    print("");
    print(`Transcript written to ${path.join(options.outDir, "transcript.txt")}`);
    if (run.postmortemPath) print(`Post-mortem written to ${run.postmortemPath}`);
  } catch (error) {
    if (!(error instanceof OutsideWorldError)) throw error;
    print(`\nThe demo stopped: ${error.message}`);
    code = 1;
  } finally {
    if (options.keep && code === 0) {
      print(`\nThe sandbox keeps running: open ${sandbox.url} (Ctrl-C stops it).`);
      for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.removeAllListeners(signal);
      await new Promise<void>((resolve) => {
        process.once("SIGINT", () => resolve());
        process.once("SIGTERM", () => resolve());
      });
    }
    await sandbox.stop();
  }
  return code;
}
