// Slack calling the app: signed HTTP requests to the app's /slack/events,
// exactly as Slack sends them (form-encoded commands, `payload=` interactions,
// JSON events), with Slack's 3-second patience, and the consequences Slack
// draws from the app's answer (command replies, view_submission
// response_action, closing modals).
import { findElement } from "./blockkit.js";
import type { Clock } from "./clock.js";
import { Deliverer, type Delivery, type DeliveryOptions, deliveryOptions } from "./delivery.js";
import type { AppManifest } from "./manifest.js";
import {
  actionPayload,
  buildEvent,
  channelName,
  type EventInput,
  eventEnvelope,
  messagePayload,
  teamPayload,
  userPayload,
} from "./payloads.js";
import { renderView } from "./render.js";
import { applyResponseMessage } from "./response-url.js";
import type { EmulatorLogger } from "./server.js";
import type { WorkspaceState } from "./state.js";
import type { EphemeralMessage, JsonObject, SlackChannel, StoredMessage } from "./types.js";
import { elementState, type SubmitValues, submissionState } from "./view-state.js";
import { closeStack, closeTop } from "./view-store.js";
import { applySubmissionAnswer, type SubmissionOutcome } from "./view-submission.js";

export interface SlashCommandInput extends DeliveryOptions {
  userId: string;
  channelId: string;
  text?: string;
  command?: string;
}

export interface SlashCommandResult {
  status: number;
  body: unknown;
  triggerId: string;
  responseUrl: string;
  latencyMs: number;
  timedOut: boolean;
  /** "operation_timeout" / "dispatch_failed" as the user would see it, when it failed. */
  error: string | undefined;
  delivery: Delivery;
}

export interface BlockActionInput extends DeliveryOptions {
  userId: string;
  actionId: string;
  /** A message's channel and ts (channel or ephemeral message)… */
  channelId?: string;
  messageTs?: string;
  /** …or a view (modal or Home tab). */
  viewId?: string;
  blockId?: string;
  /** The new value: text, an option value, a user id, a Date… as for submitView. */
  value?: unknown;
  selectedOption?: string | JsonObject;
}

export interface InteractionResult {
  status: number;
  body: unknown;
  latencyMs: number;
  timedOut: boolean;
  triggerId: string | undefined;
  responseUrl: string | undefined;
  delivery: Delivery;
}

export interface SubmitViewInput extends DeliveryOptions {
  viewId: string;
  userId?: string;
  values?: SubmitValues;
  /** Skip the Slack client's own checks (required inputs, lengths, formats). */
  skipClientValidation?: boolean;
}

export interface SubmitViewResult extends InteractionResult, SubmissionOutcome {}

export interface EventResult {
  status: number;
  body: unknown;
  latencyMs: number;
  timedOut: boolean;
  eventId: string;
  event: JsonObject;
  delivery: Delivery;
}

export interface AppClientDeps {
  state: WorkspaceState;
  signingSecret: string;
  verificationToken: string;
  manifest: AppManifest | undefined;
  strictManifest: boolean;
  ackTimeoutMs: number;
  clock: Clock;
  logger: EmulatorLogger;
}

export class AppClient {
  private readonly wire: Deliverer;

  constructor(private readonly deps: AppClientDeps) {
    this.wire = new Deliverer({
      signingSecret: deps.signingSecret,
      ackTimeoutMs: deps.ackTimeoutMs,
      clock: deps.clock,
      logger: deps.logger,
    });
  }

  get appUrl(): string | undefined {
    return this.wire.appUrl;
  }

  set appUrl(url: string | undefined) {
    this.wire.appUrl = url;
  }

  /** Every request sent to the app, oldest first. */
  get deliveries(): Delivery[] {
    return this.wire.deliveries;
  }

  /** Send a recorded delivery again, as Slack's retries do: same body, fresh signature. */
  replay(delivery: Delivery, options: DeliveryOptions = {}): Promise<Delivery> {
    return this.wire.replay(delivery, options);
  }

  /** emulator.reset() swaps in a fresh workspace. */
  setState(state: WorkspaceState): void {
    this.deps.state = state;
  }

  private get state(): WorkspaceState {
    return this.deps.state;
  }

  // --------------------------------------------------------------- checks

  private requireCommand(command: string): void {
    const manifest = this.deps.manifest;
    if (this.deps.strictManifest && manifest && !manifest.commands.includes(command)) {
      throw new Error(`Slack emulator: ${command} is not a slash command in ${manifest.path}`);
    }
  }

  private requireInteractivity(): void {
    const manifest = this.deps.manifest;
    if (this.deps.strictManifest && manifest && !manifest.interactivity) {
      throw new Error(`Slack emulator: interactivity is off in ${manifest.path}`);
    }
  }

  private requireShortcut(callbackId: string, type: "message" | "global"): void {
    this.requireInteractivity();
    const manifest = this.deps.manifest;
    if (this.deps.strictManifest && manifest && !manifest.shortcuts.some((s) => s.callbackId === callbackId && s.type === type)) {
      throw new Error(`Slack emulator: no ${type} shortcut "${callbackId}" in ${manifest.path}`);
    }
  }

  private channel(ref: string): SlackChannel {
    return this.state.requireChannel(ref);
  }

  // ----------------------------------------------------------- the calls

  async slashCommand(input: SlashCommandInput, options?: DeliveryOptions): Promise<SlashCommandResult> {
    const command = input.command ?? "/hotfix";
    this.requireCommand(command);
    const user = this.state.requireUser(input.userId);
    const channel = this.channel(input.channelId);
    const trigger = this.state.issueTrigger(user.id);
    const responseUrl = this.state.createResponseUrl({
      channel: channel.id,
      userId: user.id,
      messageTs: undefined,
      isEphemeral: false,
      source: "slash_command",
    });
    const fields: Record<string, string> = {
      token: this.deps.verificationToken,
      team_id: this.state.team.id,
      team_domain: this.state.team.domain,
      channel_id: channel.id,
      channel_name: channelName(this.state, channel),
      user_id: user.id,
      user_name: user.name,
      command,
      text: input.text ?? "",
      api_app_id: this.state.bot.appId,
      is_enterprise_install: "false",
      response_url: responseUrl.url,
      trigger_id: trigger.id,
    };
    const rawBody = new URLSearchParams(fields).toString();
    const delivery = await this.wire.deliver(
      "slash_command",
      "application/x-www-form-urlencoded",
      rawBody,
      fields,
      deliveryOptions(input, options),
    );
    let error: string | undefined;
    if (delivery.timedOut) error = "operation_timeout";
    else if (delivery.status !== 200) error = "dispatch_failed";
    else this.applyCommandAnswer(delivery, channel, user.id, responseUrl);
    return {
      status: delivery.status,
      body: delivery.responseBody,
      triggerId: trigger.id,
      responseUrl: responseUrl.url,
      latencyMs: delivery.latencyMs,
      timedOut: delivery.timedOut,
      error,
      delivery,
    };
  }

  /** A command's HTTP answer with a body is shown like a response_url message. */
  private applyCommandAnswer(
    delivery: Delivery,
    channel: SlackChannel,
    userId: string,
    target: Parameters<typeof applyResponseMessage>[1],
  ): void {
    const body = delivery.responseBody;
    if (body === "" || body === undefined) return;
    const message = typeof body === "string" ? { text: body } : (body as JsonObject);
    const outcome = applyResponseMessage(this.state, { ...target, channel: channel.id, userId }, message, "command_response");
    if (outcome.status !== 200) {
      this.deps.logger.warn({ outcome }, "slack emulator: Slack would reject the command's answer");
    }
  }

  private findMessageContainer(
    userId: string,
    channelRef: string,
    ts: string,
  ): { channel: SlackChannel; message: StoredMessage | undefined; ephemeral: EphemeralMessage | undefined } {
    const channel = this.channel(channelRef);
    const message = this.state.findMessage(channel.id, ts);
    const ephemeral = message
      ? undefined
      : this.state.ephemeralLog.find((m) => m.channel === channel.id && m.ts === ts && m.user === userId && !m.deleted);
    if (!message && !ephemeral) {
      throw new Error(`Slack emulator: no message ${ts} in ${channelRef} visible to ${userId}`);
    }
    return { channel, message, ephemeral };
  }

  async blockAction(input: BlockActionInput, options?: DeliveryOptions): Promise<InteractionResult> {
    this.requireInteractivity();
    const user = this.state.requireUser(input.userId);
    const given = input.selectedOption ?? input.value;
    const actionTs = this.state.nextTs();
    const payload: JsonObject = {
      type: "block_actions",
      user: userPayload(this.state, user),
      api_app_id: this.state.bot.appId,
      token: this.deps.verificationToken,
    };
    let responseUrl: string | undefined;
    let triggerId: string;
    if (input.viewId) {
      const view = this.state.viewStore.get(input.viewId);
      if (view?.status !== "open") throw new Error(`Slack emulator: view ${input.viewId} is not open`);
      const found = findElement(view.blocks, input.actionId, input.blockId);
      if (!found) throw new Error(`Slack emulator: no action ${input.actionId} in view ${view.callbackId || view.id}`);
      if (given !== undefined && found.element.type !== "button" && found.element.type !== "overflow") {
        // The state Slack sends already holds the value just picked.
        const blockId = String(found.block.block_id);
        view.stateValues[blockId] = {
          ...(view.stateValues[blockId] ?? {}),
          [input.actionId]: elementState(found.element, given),
        };
      }
      triggerId = this.state.issueTrigger(user.id, view.id).id;
      payload.container = { type: "view", view_id: view.id };
      payload.trigger_id = triggerId;
      payload.team = teamPayload(this.state);
      payload.enterprise = null;
      payload.is_enterprise_install = false;
      payload.view = renderView(view, this.state);
      payload.actions = [actionPayload(found.block, found.element, given, actionTs)];
    } else {
      if (!input.channelId || !input.messageTs) {
        throw new Error("Slack emulator: blockAction needs viewId, or channelId and messageTs");
      }
      const { channel, message, ephemeral } = this.findMessageContainer(user.id, input.channelId, input.messageTs);
      const blocks = message?.blocks ?? ephemeral?.blocks ?? [];
      const found = findElement(blocks, input.actionId, input.blockId);
      if (!found) throw new Error(`Slack emulator: no action ${input.actionId} in message ${input.messageTs}`);
      triggerId = this.state.issueTrigger(user.id).id;
      responseUrl = this.state.createResponseUrl({
        channel: channel.id,
        userId: user.id,
        messageTs: input.messageTs,
        isEphemeral: ephemeral !== undefined,
        source: "block_actions",
      }).url;
      payload.container = {
        type: "message",
        message_ts: input.messageTs,
        channel_id: channel.id,
        is_ephemeral: ephemeral !== undefined,
      };
      payload.trigger_id = triggerId;
      payload.team = teamPayload(this.state);
      payload.enterprise = null;
      payload.is_enterprise_install = false;
      payload.channel = { id: channel.id, name: channelName(this.state, channel) };
      // Slack does not send the content of ephemeral messages back.
      if (message) payload.message = messagePayload(this.state, message);
      payload.state = { values: {} };
      payload.response_url = responseUrl;
      payload.actions = [actionPayload(found.block, found.element, given, actionTs)];
    }
    const delivery = await this.wire.sendPayload("block_actions", payload, deliveryOptions(input, options));
    return this.interactionResult(delivery, triggerId, responseUrl);
  }

  private interactionResult(delivery: Delivery, triggerId?: string, responseUrl?: string): InteractionResult {
    return {
      status: delivery.status,
      body: delivery.responseBody,
      latencyMs: delivery.latencyMs,
      timedOut: delivery.timedOut,
      triggerId,
      responseUrl,
      delivery,
    };
  }

  async submitView(input: SubmitViewInput, options?: DeliveryOptions): Promise<SubmitViewResult> {
    this.requireInteractivity();
    const view = this.state.viewStore.get(input.viewId);
    if (view?.status !== "open" || view.type !== "modal") {
      throw new Error(`Slack emulator: modal ${input.viewId} is not open`);
    }
    const stack = this.state.stackOf(view);
    if (stack.at(-1) !== view.id) throw new Error(`Slack emulator: modal ${view.id} is not on top of its stack`);
    const user = this.state.requireUser(input.userId ?? view.userId);
    const values = submissionState(view, input.values ?? {}, { validate: !input.skipClientValidation });
    view.stateValues = values;
    const triggerId = this.state.issueTrigger(user.id, view.id).id;
    const payload: JsonObject = {
      type: "view_submission",
      team: teamPayload(this.state),
      user: userPayload(this.state, user),
      view: renderView(view, this.state),
      api_app_id: this.state.bot.appId,
      token: this.deps.verificationToken,
      trigger_id: triggerId,
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    const delivery = await this.wire.sendPayload("view_submission", payload, deliveryOptions(input, options));
    return { ...this.interactionResult(delivery, triggerId), ...applySubmissionAnswer(this.state, view, delivery) };
  }

  /** The user closes a modal (X or Cancel). `all` closes the whole stack. */
  async closeView(
    input: { viewId: string; userId?: string; all?: boolean } & DeliveryOptions,
    options?: DeliveryOptions,
  ): Promise<InteractionResult | undefined> {
    const view = this.state.viewStore.get(input.viewId);
    if (view?.status !== "open") throw new Error(`Slack emulator: modal ${input.viewId} is not open`);
    const user = this.state.requireUser(input.userId ?? view.userId);
    const notify = view.definition.notify_on_close === true;
    const payload: JsonObject = {
      type: "view_closed",
      team: teamPayload(this.state),
      user: userPayload(this.state, user),
      view: renderView(view, this.state),
      api_app_id: this.state.bot.appId,
      token: this.deps.verificationToken,
      is_cleared: input.all === true,
      is_enterprise_install: false,
      enterprise: null,
    };
    if (input.all || view.definition.clear_on_close === true) closeStack(this.state, view.rootViewId);
    else closeTop(this.state, view);
    // Slack tells the app only when the view asked for it.
    if (!notify) return undefined;
    return this.interactionResult(await this.wire.sendPayload("view_closed", payload, deliveryOptions(input, options)));
  }

  async messageShortcut(
    input: { userId: string; channelId: string; messageTs: string; callbackId: string } & DeliveryOptions,
    options?: DeliveryOptions,
  ): Promise<InteractionResult> {
    this.requireShortcut(input.callbackId, "message");
    const user = this.state.requireUser(input.userId);
    const { channel, message } = this.findMessageContainer(user.id, input.channelId, input.messageTs);
    if (!message) throw new Error("Slack emulator: message shortcuts work on channel messages only");
    const triggerId = this.state.issueTrigger(user.id).id;
    const responseUrl = this.state.createResponseUrl({
      channel: channel.id,
      userId: user.id,
      messageTs: undefined,
      isEphemeral: false,
      source: "message_action",
    }).url;
    const payload: JsonObject = {
      type: "message_action",
      token: this.deps.verificationToken,
      action_ts: this.state.nextTs(),
      team: teamPayload(this.state),
      user: { id: user.id, name: user.name, username: user.name, team_id: this.state.team.id },
      channel: { id: channel.id, name: channelName(this.state, channel) },
      is_enterprise_install: false,
      enterprise: null,
      callback_id: input.callbackId,
      trigger_id: triggerId,
      response_url: responseUrl,
      message_ts: message.ts,
      message: messagePayload(this.state, message),
    };
    const delivery = await this.wire.sendPayload("message_action", payload, deliveryOptions(input, options));
    return this.interactionResult(delivery, triggerId, responseUrl);
  }

  async globalShortcut(
    input: { userId: string; callbackId: string } & DeliveryOptions,
    options?: DeliveryOptions,
  ): Promise<InteractionResult> {
    this.requireShortcut(input.callbackId, "global");
    const user = this.state.requireUser(input.userId);
    const triggerId = this.state.issueTrigger(user.id).id;
    const payload: JsonObject = {
      type: "shortcut",
      token: this.deps.verificationToken,
      action_ts: this.state.nextTs(),
      team: teamPayload(this.state),
      user: { id: user.id, username: user.name, team_id: this.state.team.id },
      is_enterprise_install: false,
      enterprise: null,
      callback_id: input.callbackId,
      trigger_id: triggerId,
    };
    const delivery = await this.wire.sendPayload("shortcut", payload, deliveryOptions(input, options));
    return this.interactionResult(delivery, triggerId);
  }

  /**
   * An Events API delivery. Known event types are completed (item, item_user,
   * pinned_info…) and applied to the workspace first, as the user's action
   * would be; pass `applyToState: false` to only send.
   */
  async event(
    input: EventInput & DeliveryOptions & { applyToState?: boolean },
    options: DeliveryOptions & { applyToState?: boolean } = {},
  ): Promise<EventResult> {
    const manifest = this.deps.manifest;
    if (this.deps.strictManifest && manifest && !manifest.botEvents.includes(input.type)) {
      throw new Error(`Slack emulator: the app does not subscribe to ${input.type} in ${manifest.path}`);
    }
    const { retryNum, retryReason, timestamp, badSignature, timeoutMs, applyToState, ...fields } = input;
    const deliveryOpts = deliveryOptions({ retryNum, retryReason, timestamp, badSignature, timeoutMs }, options);
    const apply = (options.applyToState ?? applyToState) !== false;
    const event = buildEvent(this.state, fields as EventInput, apply);
    const envelope = eventEnvelope(this.state, this.deps.verificationToken, event);
    const delivery = await this.wire.deliver("event_callback", "application/json", JSON.stringify(envelope), envelope, deliveryOpts);
    return {
      status: delivery.status,
      body: delivery.responseBody,
      latencyMs: delivery.latencyMs,
      timedOut: delivery.timedOut,
      eventId: String(envelope.event_id),
      event,
      delivery,
    };
  }

  /** The handshake Slack does when the Request URL is saved. */
  async urlVerification(options?: DeliveryOptions): Promise<Delivery> {
    const body = {
      token: this.deps.verificationToken,
      challenge: `challenge-${this.state.nextTs()}`,
      type: "url_verification",
    };
    return this.wire.deliver("url_verification", "application/json", JSON.stringify(body), body, options);
  }
}
