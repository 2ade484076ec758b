// The Slack emulator: a local stand-in for Slack in both directions, for the
// tests and for `hotfix demo`. Point the app's SLACK_API_URL (Bolt's
// clientOptions.slackApiUrl) at `emulator.apiUrl`, and `appUrl` at the app's
// /slack/events; the emulator then answers the Web API and sends signed
// commands, interactions and events the way Slack does.
import type { Server } from "node:http";
import {
  AppClient,
  type BlockActionInput,
  type EventResult,
  type InteractionResult,
  type SlashCommandInput,
  type SlashCommandResult,
  type SubmitViewInput,
  type SubmitViewResult,
} from "./app-client.js";
import { Clock } from "./clock.js";
import { SANDBOX, seedDefaultWorkspace } from "./defaults.js";
import { type Delivery, type DeliveryKind, type DeliveryOptions, SLACK_ACK_TIMEOUT_MS } from "./delivery.js";
import { Faults } from "./faults.js";
import { type AppManifest, findManifest, loadManifest } from "./manifest.js";
import { METHODS } from "./methods/index.js";
import type { EventInput } from "./payloads.js";
import { RateLimiter } from "./rate-limits.js";
import { ScopeSet } from "./scopes.js";
import { type EmulatorLogger, type ServerDeps, serverUrl, silentLogger, startServer } from "./server.js";
import { WorkspaceState } from "./state.js";
import type {
  ApiCall,
  Bookmark,
  EphemeralMessage,
  Pin,
  ResponseUrlPost,
  SlackChannel,
  SlackUser,
  StoredFile,
  StoredMessage,
  StoredView,
} from "./types.js";
import { handleWeb, type WebPanel } from "./web/routes.js";

export type {
  BlockActionInput,
  EventResult,
  InteractionResult,
  SlashCommandInput,
  SlashCommandResult,
  SubmitViewInput,
  SubmitViewResult,
} from "./app-client.js";
export { SANDBOX } from "./defaults.js";
export type { Delivery, DeliveryKind, DeliveryOptions } from "./delivery.js";
export type { FaultSpec } from "./faults.js";
export type { EventInput } from "./payloads.js";
export type { RateRule } from "./rate-limits.js";
export { SLACK_RATE_TIERS, scaledRateTiers } from "./rate-limits.js";
export type { EmulatorLogger } from "./server.js";
export { signRequest, verifySignature } from "./signing.js";
export type { AddChannelInput, AddMessageInput, AddUsergroupInput, AddUserInput } from "./state.js";
export { WorkspaceState } from "./state.js";
export type * from "./types.js";
export { SlackClientValidationError, type SubmitValues } from "./view-state.js";
export type { PanelAction, PanelData, PanelRow, WebPanel } from "./web/routes.js";

export interface SlackEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  signingSecret?: string;
  botToken?: string;
  /** The app's Slack endpoint, e.g. http://127.0.0.1:3000/slack/events. */
  appUrl?: string;
  /** Granted bot scopes; default: oauth_config.scopes.bot of manifest.yml. */
  scopes?: string[];
  manifestPath?: string;
  /**
   * Refuse to send commands, shortcuts and events the manifest does not
   * declare, as Slack would never send them (default true when a manifest is found).
   */
  strictManifest?: boolean;
  /** The deprecated `token` field Slack still puts in payloads. */
  verificationToken?: string;
  /** How long Slack waits for the app to answer (default 3000 ms). */
  ackTimeoutMs?: number;
  /** Start with the sandbox workspace (users, channels, groups); default true. */
  seed?: boolean;
  logger?: EmulatorLogger;
}

/** Everything startSlackEmulator wires together before the emulator exists. */
interface EmulatorRuntime {
  server: Server;
  deps: ServerDeps;
  appClient: AppClient;
  clock: Clock;
  url: string;
  botToken: string;
  signingSecret: string;
  scopes: ScopeSet;
  manifest: AppManifest | undefined;
  seed: boolean;
}

export class SlackEmulator {
  readonly url: string;
  readonly apiUrl: string;
  readonly botToken: string;
  readonly signingSecret: string;
  readonly clock: Clock;
  readonly faults: Faults;
  readonly rateLimits: RateLimiter;
  readonly manifest: AppManifest | undefined;
  /** Well-known ids of the seeded workspace. */
  readonly ids = SANDBOX;
  /** Bugs in the emulator itself; a test can assert this stays empty. */
  readonly internalErrors: Error[];
  /** Side panels of the sandbox page (`url`), by id: read-only JSON another emulator's owner supplies. */
  readonly panels = new Map<string, WebPanel>();
  /** The line under the page's title. */
  banner = "Local Slack emulator: nothing here reaches a real Slack workspace.";
  private scopeSet: ScopeSet;
  private readonly initialScopes: ScopeSet;
  private readonly server: Server;
  private readonly serverDeps: ServerDeps;
  private readonly appClient: AppClient;
  private readonly seed: boolean;

  /** Use startSlackEmulator(). */
  constructor(runtime: EmulatorRuntime) {
    this.server = runtime.server;
    this.serverDeps = runtime.deps;
    this.appClient = runtime.appClient;
    this.clock = runtime.clock;
    this.faults = runtime.deps.faults;
    this.rateLimits = runtime.deps.rateLimits;
    this.internalErrors = runtime.deps.internalErrors;
    this.url = runtime.url;
    this.apiUrl = `${runtime.url}/api/`;
    this.botToken = runtime.botToken;
    this.signingSecret = runtime.signingSecret;
    this.scopeSet = runtime.scopes;
    this.initialScopes = runtime.scopes;
    this.manifest = runtime.manifest;
    this.seed = runtime.seed;
    // Scopes can change at run time (setScopes); the server asks on each call.
    this.serverDeps.scopes = () => this.scopeSet;
    this.serverDeps.web = (req, res, url) =>
      handleWeb({ state: () => this.state, appClient: this.appClient, panels: this.panels, banner: () => this.banner }, req, res, url);
  }

  /** The workspace: seed helpers (addUser, addChannel, addUsergroup, addMessage) and raw maps. */
  get state(): WorkspaceState {
    return this.serverDeps.state;
  }

  get team() {
    return this.state.team;
  }

  get bot() {
    return this.state.bot;
  }

  get appUrl(): string | undefined {
    return this.appClient.appUrl;
  }

  setAppUrl(url: string): void {
    this.appClient.appUrl = url;
  }

  get scopes(): string[] {
    return this.scopeSet.list();
  }

  /** Change the granted scopes, e.g. to see the app handle missing_scope. */
  setScopes(scopes: string[]): void {
    this.scopeSet = new ScopeSet(scopes);
  }

  // ------------------------------------------------------------- queries

  /** Messages in a channel (id, "#name", "name", or a user id for the bot's DM), oldest first. */
  messages(channel: string, options?: { includeSystem?: boolean }): StoredMessage[] {
    return this.state.messages(channel, options);
  }

  thread(channel: string, threadTs: string): StoredMessage[] {
    return this.state.thread(channel, threadTs);
  }

  /** Ephemeral messages, by channel and/or recipient; `ephemerals("#incidents")` works too. */
  ephemerals(filter?: string | { channel?: string; user?: string; includeDeleted?: boolean }): EphemeralMessage[] {
    return this.state.ephemerals(filter);
  }

  channel(idOrName: string): SlackChannel | undefined {
    return this.state.channel(idOrName);
  }

  channelByName(name: string): SlackChannel | undefined {
    return this.state.channelByName(name);
  }

  user(idOrName: string): SlackUser | undefined {
    return this.state.user(idOrName);
  }

  pins(channel: string): (Pin & { message: StoredMessage | undefined })[] {
    return this.state.pins(channel);
  }

  bookmarks(channel: string): Bookmark[] {
    return this.state.bookmarks(channel);
  }

  views(filter?: { userId?: string; callbackId?: string; type?: "modal" | "home"; open?: boolean }): StoredView[] {
    return this.state.views(filter);
  }

  view(viewId: string): StoredView | undefined {
    return this.state.view(viewId);
  }

  homeView(userId: string): StoredView | undefined {
    return this.state.homeView(userId);
  }

  files(): StoredFile[] {
    return [...this.state.files.values()];
  }

  /** Web API calls received, oldest first; optionally one method's. */
  calls(method?: string): ApiCall[] {
    const log = this.serverDeps.calls;
    return method ? log.filter((c) => c.method === method) : [...log];
  }

  /** The id of the view the app opened with this trigger_id, once it has (apps open views after their ack). */
  viewOpenedBy(triggerId: string): string | undefined {
    const call = this.serverDeps.calls.find(
      (c) => c.method === "views.open" && c.params.trigger_id === triggerId && c.response.ok === true,
    );
    const view = call?.response.view as { id?: unknown } | undefined;
    return typeof view?.id === "string" ? view.id : undefined;
  }

  /** What the app posted to response_urls. */
  responseUrlPosts(): ResponseUrlPost[] {
    return [...this.serverDeps.responsePosts];
  }

  /** Requests sent to the app, with status and latency. */
  deliveries(kind?: DeliveryKind): Delivery[] {
    const all = this.appClient.deliveries;
    return kind ? all.filter((d) => d.kind === kind) : [...all];
  }

  /** A fresh trigger_id for a user, as an interaction would issue. */
  issueTriggerId(userId: string): string {
    return this.state.issueTrigger(this.state.requireUser(userId).id).id;
  }

  // ------------------------------------------------ Slack calling the app

  slashCommand(input: SlashCommandInput, options?: DeliveryOptions): Promise<SlashCommandResult> {
    return this.appClient.slashCommand(input, options);
  }

  blockAction(input: BlockActionInput, options?: DeliveryOptions): Promise<InteractionResult> {
    return this.appClient.blockAction(input, options);
  }

  submitView(input: SubmitViewInput, options?: DeliveryOptions): Promise<SubmitViewResult> {
    return this.appClient.submitView(input, options);
  }

  closeView(
    input: { viewId: string; userId?: string; all?: boolean } & DeliveryOptions,
    options?: DeliveryOptions,
  ): Promise<InteractionResult | undefined> {
    return this.appClient.closeView(input, options);
  }

  messageShortcut(
    input: { userId: string; channelId: string; messageTs: string; callbackId: string } & DeliveryOptions,
    options?: DeliveryOptions,
  ): Promise<InteractionResult> {
    return this.appClient.messageShortcut(input, options);
  }

  globalShortcut(input: { userId: string; callbackId: string } & DeliveryOptions, options?: DeliveryOptions): Promise<InteractionResult> {
    return this.appClient.globalShortcut(input, options);
  }

  event(
    input: EventInput & DeliveryOptions & { applyToState?: boolean },
    options?: DeliveryOptions & { applyToState?: boolean },
  ): Promise<EventResult> {
    return this.appClient.event(input, options);
  }

  /** Redeliver a recorded request (Slack's retries): same body, X-Slack-Retry-Num + 1. */
  replay(delivery: Delivery, options?: DeliveryOptions): Promise<Delivery> {
    return this.appClient.replay(delivery, options);
  }

  urlVerification(options?: DeliveryOptions): Promise<Delivery> {
    return this.appClient.urlVerification(options);
  }

  // ----------------------------------------------------------- lifecycle

  /** Back to the seeded workspace with empty logs, no faults, no limits, the first scopes, real time. */
  reset(): void {
    this.scopeSet = this.initialScopes;
    const state = new WorkspaceState(this.clock, SANDBOX.team, SANDBOX.bot);
    state.baseUrl = this.url;
    state.features = { ...this.state.features };
    if (this.seed) seedDefaultWorkspace(state);
    this.serverDeps.state = state;
    this.appClient.setState(state);
    this.serverDeps.calls.length = 0;
    this.serverDeps.responsePosts.length = 0;
    this.appClient.deliveries.length = 0;
    this.internalErrors.length = 0;
    this.faults.clear();
    this.rateLimits.disable();
    this.clock.reset();
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }
}

export async function startSlackEmulator(options: SlackEmulatorOptions = {}): Promise<SlackEmulator> {
  const host = options.host ?? "127.0.0.1";
  const manifestPath = findManifest(options.manifestPath);
  const manifest = manifestPath ? loadManifest(manifestPath) : undefined;
  const scopeList = options.scopes ?? manifest?.botScopes;
  if (!scopeList) {
    throw new Error("Slack emulator: no manifest.yml found; pass `scopes` or `manifestPath`");
  }
  const botToken = options.botToken ?? "xoxb-test-token";
  const signingSecret = options.signingSecret ?? "test-signing-secret";
  const clock = new Clock();
  const state = new WorkspaceState(clock, SANDBOX.team, SANDBOX.bot);
  state.features = { homeTab: manifest?.homeTab ?? true };
  const seed = options.seed ?? true;
  if (seed) seedDefaultWorkspace(state);
  const logger = options.logger ?? silentLogger;

  const scopes = new ScopeSet(scopeList);
  const deps: ServerDeps = {
    state,
    methods: METHODS,
    scopes: () => scopes,
    botToken: () => botToken,
    faults: new Faults(),
    rateLimits: new RateLimiter(),
    calls: [],
    responsePosts: [],
    internalErrors: [],
    logger,
  };
  const appClient = new AppClient({
    state,
    signingSecret,
    verificationToken: options.verificationToken ?? "verification-token",
    manifest,
    strictManifest: options.strictManifest ?? true,
    ackTimeoutMs: options.ackTimeoutMs ?? SLACK_ACK_TIMEOUT_MS,
    clock,
    logger,
  });
  appClient.appUrl = options.appUrl;
  const server = await startServer(deps, options.port ?? 0, host);
  const url = serverUrl(server, host);
  state.baseUrl = url;
  return new SlackEmulator({
    server,
    deps,
    appClient,
    clock,
    url,
    botToken,
    signingSecret,
    scopes,
    manifest,
    seed,
  });
}
