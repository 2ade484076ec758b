import type { BotIdentity, TeamIdentity, WorkspaceState } from "./state.js";

/**
 * The sandbox workspace's well-known ids, for tests and the local demo to
 * refer to. The default policy's usergroups (S0ONCALL, S0APPROVERS,
 * S0CAPTAINS) resolve here.
 */
export const SANDBOX = {
  team: { id: "T0HOTFIX", name: "Hotfix Sandbox", domain: "hotfix-sandbox" } satisfies TeamIdentity,
  bot: { userId: "U0HOTFIX", botId: "B0HOTFIX", appId: "A0HOTFIX", name: "hotfix" } satisfies BotIdentity,
  users: {
    alice: "U0ALICE",
    bob: "U0BOB",
    carol: "U0CAROL",
    dave: "U0DAVE",
    erin: "U0ERIN",
    /** Deactivated. */
    frank: "U0FRANK",
    /** Another app's bot user. */
    deploybot: "U0DEPLOYBOT",
    slackbot: "USLACKBOT",
  },
  channels: {
    general: "C0GENERAL",
    incidents: "C0INCIDENTS",
    engProd: "C0ENGPROD",
    stakeholders: "C0STAKEHOLDERS",
  },
  usergroups: {
    oncall: "S0ONCALL",
    approvers: "S0APPROVERS",
    captains: "S0CAPTAINS",
    stakeholders: "S0STAKEHOLDERS",
  },
} as const;

/** Fixed creation time so seeded objects look the same on every run. */
const SEEDED_AT = 1_700_000_000;

export function seedDefaultWorkspace(state: WorkspaceState): void {
  const { users, channels, usergroups, bot } = SANDBOX;
  state.addUser({
    id: bot.userId,
    name: bot.name,
    realName: "Hotfix Commander",
    isBot: true,
    botId: bot.botId,
    appId: bot.appId,
  });
  state.addUser({
    id: users.alice,
    name: "alice",
    realName: "Alice Adams",
    tz: "Europe/London",
    title: "SRE",
    isAdmin: true,
  });
  state.addUser({
    id: users.bob,
    name: "bob",
    realName: "Bob Brown",
    tz: "America/New_York",
    title: "Engineering Manager",
  });
  state.addUser({
    id: users.carol,
    name: "carol",
    realName: "Carol Chen",
    tz: "Asia/Tokyo",
    title: "QA Lead",
    isOwner: true,
  });
  state.addUser({
    id: users.dave,
    name: "dave",
    realName: "Dave Diaz",
    tz: "America/Los_Angeles",
    title: "Backend Engineer",
  });
  state.addUser({
    id: users.erin,
    name: "erin",
    realName: "Erin Evans",
    tz: "Europe/Berlin",
    title: "Product Manager",
  });
  state.addUser({
    id: users.frank,
    name: "frank",
    realName: "Frank Fischer",
    tz: "Europe/Paris",
    deleted: true,
  });
  state.addUser({
    id: users.deploybot,
    name: "deploybot",
    realName: "Deploy Bot",
    isBot: true,
    botId: "B0DEPLOY",
    appId: "A0DEPLOY",
  });
  // Slack lists Slackbot among users with is_bot false: a classic trap.
  state.addUser({ id: users.slackbot, name: "slackbot", realName: "Slackbot", email: null });

  const humans = [users.alice, users.bob, users.carol, users.dave, users.erin];
  state.addChannel({
    id: channels.general,
    name: "general",
    isGeneral: true,
    members: humans,
    creator: users.alice,
    created: SEEDED_AT,
    purpose: "This is the one channel that will always include everyone.",
  });
  state.addChannel({
    id: channels.incidents,
    name: "incidents",
    members: [users.alice, users.bob, users.carol, users.dave],
    creator: users.alice,
    created: SEEDED_AT,
    purpose: "Incident announcements",
  });
  state.addChannel({
    id: channels.engProd,
    name: "eng-prod",
    members: [users.alice, users.bob, users.dave],
    creator: users.bob,
    created: SEEDED_AT,
    purpose: "Production engineering",
  });
  state.addChannel({
    id: channels.stakeholders,
    name: "stakeholders",
    members: [users.bob, users.carol, users.erin],
    creator: users.erin,
    created: SEEDED_AT,
    purpose: "Release updates for the business",
  });

  state.addUsergroup({
    id: usergroups.oncall,
    handle: "oncall",
    name: "On-call engineers",
    users: [users.alice, users.dave],
  });
  state.addUsergroup({
    id: usergroups.approvers,
    handle: "approvers",
    name: "Hotfix approvers",
    users: [users.bob, users.carol],
  });
  state.addUsergroup({
    id: usergroups.captains,
    handle: "release-captains",
    name: "Release captains",
    users: [users.alice],
  });
  state.addUsergroup({
    id: usergroups.stakeholders,
    handle: "stakeholders",
    name: "UAT stakeholders",
    users: [users.carol, users.erin],
  });
}
