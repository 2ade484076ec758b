// The real @linear/sdk client against the emulator over HTTP: every request
// it sends is validated against Linear's schema (a refused one fails the
// call), and afterEach asserts the emulator saw no schema violation at all.
import type { LinearClient } from "@linear/sdk";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { LinearEmulator } from "../src/index.js";
import { startEmulator } from "./support.js";

let emulator: LinearEmulator;
let client: LinearClient;

beforeAll(async () => {
  ({ emulator, client } = await startEmulator());
});
afterAll(async () => {
  await emulator.stop();
});
afterEach(() => {
  expect(emulator.schemaViolations()).toEqual([]);
});

describe("@linear/sdk against the Linear emulator", () => {
  it("reads the viewer, the seeded team ENG, its workflow states and the HOTFIX project", async () => {
    const viewer = await client.viewer;
    expect(viewer.name).toBe("Hotfix Commander");
    expect(viewer.isMe).toBe(true);

    const teams = await client.teams();
    expect(teams.nodes.map((team) => team.key)).toEqual(["ENG"]);
    const eng = teams.nodes[0];
    if (!eng) throw new Error("no team");

    const team = await client.team(eng.id);
    expect(team).toMatchObject({ id: eng.id, key: "ENG", name: "Engineering" });
    const byKey = await client.teams({ filter: { key: { eq: "ENG" } } });
    expect(byKey.nodes.map((t) => t.id)).toEqual([eng.id]);

    const states = await team.states();
    expect(states.nodes.map((state) => state.name)).toEqual(expect.arrayContaining(["Backlog", "Todo", "In Progress", "Done", "Canceled"]));

    const projects = await client.projects({ filter: { name: { eq: "HOTFIX" } } });
    expect(projects.nodes.map((project) => project.name)).toEqual(["HOTFIX"]);
    const projectTeams = await projects.nodes[0]?.teams();
    expect(projectTeams?.nodes.map((t) => t.key)).toEqual(["ENG"]);
    expect((await client.projects({ filter: { name: { eq: "NOPE" } } })).nodes).toEqual([]);
  });

  it("lists labels, creates one, and refuses a duplicate name with Linear's invalid-input error", async () => {
    const labels = await client.issueLabels();
    expect(labels.nodes.map((label) => label.name).sort()).toEqual(["blocker", "high", "hotfix", "medium", "uat"]);
    const filtered = await client.issueLabels({ filter: { name: { in: ["uat", "blocker"] } } });
    expect(filtered.nodes.map((label) => label.name).sort()).toEqual(["blocker", "uat"]);

    const created = await client.createIssueLabel({ name: "regression", color: "#ff0000" });
    expect(created.success).toBe(true);
    const label = await created.issueLabel;
    expect(label?.name).toBe("regression");

    const duplicate = await client.createIssueLabel({ name: "Regression" }).catch((error: unknown) => error);
    expect(duplicate).toMatchObject({ type: "InvalidInput" });
  });

  it("creates an issue in ENG / HOTFIX with priority and labels, then reads it back by id and by identifier", async () => {
    const seeded = emulator.seeded;
    if (!seeded) throw new Error("not seeded");
    const todo = (await (await client.team(seeded.team.id)).states()).nodes.find((state) => state.name === "Todo");
    const payload = await client.createIssue({
      teamId: seeded.team.id,
      projectId: seeded.project.id,
      title: "Payment posting: double charge on retry",
      description: "Steps...\n\n<!-- hotfix-feedback:fb-1 -->",
      priority: 1,
      labelIds: [seeded.labels.hotfix.id, seeded.labels.uat.id, seeded.labels.blocker.id],
      stateId: todo?.id,
    });
    expect(payload.success).toBe(true);
    const created = await payload.issue;
    if (!created) throw new Error("no issue");
    expect(created.identifier).toMatch(/^ENG-\d+$/);
    expect(created.url).toBe(`https://linear.app/acme/issue/${created.identifier}/payment-posting-double-charge-on-retry`);
    expect(created.priority).toBe(1);
    expect(created.priorityLabel).toBe("Urgent");

    const byIdentifier = await client.issue(created.identifier);
    expect(byIdentifier.id).toBe(created.id);
    expect((await byIdentifier.team)?.key).toBe("ENG");
    expect((await byIdentifier.project)?.name).toBe("HOTFIX");
    expect((await byIdentifier.state)?.name).toBe("Todo");
    expect((await byIdentifier.labels()).nodes.map((label) => label.name).sort()).toEqual(["blocker", "hotfix", "uat"]);

    expect(emulator.issue(created.identifier)).toMatchObject({ title: "Payment posting: double charge on retry", priority: 1 });
    expect(emulator.labelNames(created.identifier).sort()).toEqual(["blocker", "hotfix", "uat"]);
  });

  it("finds an issue by a description marker and by a client-chosen id (look before repeating)", async () => {
    const seeded = emulator.seeded;
    if (!seeded) throw new Error("not seeded");
    const id = "5b0e0c55-6d4e-4c3a-9a57-2b1f3e0c9a11";
    await client.createIssue({
      id,
      teamId: seeded.team.id,
      title: "Reconciliation off by one",
      description: "x\n<!-- hotfix-feedback:fb-2 -->",
    });

    const byMarker = await client.issues({ filter: { description: { contains: "hotfix-feedback:fb-2" } } });
    expect(byMarker.nodes.map((issue) => issue.id)).toEqual([id]);
    const byTeamAndMarker = await client.issues({
      filter: {
        team: { key: { eq: "ENG" } },
        description: { contains: "hotfix-feedback:fb-2" },
        labels: { some: { name: { eq: "nope" } } },
      },
    });
    expect(byTeamAndMarker.nodes).toEqual([]);
    expect((await client.issues({ filter: { id: { eq: id } } })).nodes).toHaveLength(1);
    expect((await client.issue(id)).title).toBe("Reconciliation off by one");

    // The same id again is refused, never a second issue.
    const again = await client
      .createIssue({ id, teamId: seeded.team.id, title: "Reconciliation off by one" })
      .catch((error: unknown) => error);
    expect(again).toMatchObject({ type: "InvalidInput" });
    expect(emulator.issues().filter((issue) => issue.id === id)).toHaveLength(1);
  });

  it("comments on an issue and links a Slack thread to it (once, however often it is linked)", async () => {
    const seeded = emulator.seeded;
    if (!seeded) throw new Error("not seeded");
    const issue = await (await client.createIssue({ teamId: seeded.team.id, title: "Alerts routing" })).issue;
    if (!issue) throw new Error("no issue");
    const comment = await client.createComment({ issueId: issue.id, body: "Reported in Slack by @dana" });
    expect(comment.success).toBe(true);
    expect((await comment.comment)?.body).toBe("Reported in Slack by @dana");

    const thread = "https://acme.slack.com/archives/C0WARROOM/p1700000000000100";
    const first = await client.attachmentLinkURL(issue.id, thread, { title: "War-room thread" });
    const second = await client.attachmentLinkURL(issue.id, thread, { title: "War-room thread" });
    expect((await first.attachment)?.id).toBe((await second.attachment)?.id);
    const attachments = await issue.attachments();
    expect(attachments.nodes.map((attachment) => attachment.url)).toEqual([thread]);
    const found = await client.issues({ filter: { attachments: { url: { eq: thread } } } });
    expect(found.nodes.map((candidate) => candidate.id)).toEqual([issue.id]);
    expect((await issue.comments()).nodes.map((c) => c.body)).toEqual(["Reported in Slack by @dana"]);
  });

  it("updates an issue's state and attaches a Slack thread with metadata", async () => {
    const seeded = emulator.seeded;
    if (!seeded) throw new Error("not seeded");
    const issue = await (await client.createIssue({ teamId: seeded.team.id, title: "Follow-up: root cause analysis" })).issue;
    if (!issue) throw new Error("no issue");
    const done = (await (await client.team(seeded.team.id)).states({ filter: { type: { eq: "completed" } } })).nodes[0];
    const updated = await client.updateIssue(issue.id, { stateId: done?.id, priority: 2 });
    expect(updated.success).toBe(true);
    const after = await client.issue(issue.id);
    expect(after.priority).toBe(2);
    expect(after.completedAt).toBeInstanceOf(Date);
    expect(
      (await client.issues({ filter: { state: { type: { eq: "completed" } }, title: { startsWith: "Follow-up" } } })).nodes.map(
        (i) => i.id,
      ),
    ).toEqual([issue.id]);

    const attached = await client.createAttachment({
      issueId: issue.id,
      title: "UAT feedback thread",
      url: "https://acme.slack.com/archives/C0UAT/p1700000000000200",
      metadata: { incident: "HF-12" },
    });
    expect((await attached.attachment)?.metadata).toEqual({ incident: "HF-12" });
    const forUrl = await client.attachmentsForURL("https://acme.slack.com/archives/C0UAT/p1700000000000200");
    expect(forUrl.nodes.map((attachment) => attachment.title)).toEqual(["UAT feedback thread"]);
  });

  it("answers an unknown issue with Linear's entity-not-found error", async () => {
    const error = await client.issue("ENG-9999").catch((caught: unknown) => caught);
    expect(error).toMatchObject({ type: "InvalidInput", message: expect.stringContaining("Could not find referenced Issue") });
  });

  it("fails loudly on a filter the emulator does not model instead of ignoring it", async () => {
    const error = await client.issues({ filter: { cycle: { number: { eq: 1 } } } }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ message: expect.stringContaining("filtering on filter.cycle is not emulated") });
  });

  it("pages through issues with first/after", async () => {
    const seeded = emulator.seeded;
    if (!seeded) throw new Error("not seeded");
    for (const title of ["page-a", "page-b", "page-c"]) await client.createIssue({ teamId: seeded.team.id, title, description: "paging" });
    const filter = { description: { eq: "paging" } };
    const first = await client.issues({ filter, first: 2 });
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = await client.issues({ filter, first: 2, after: first.pageInfo.endCursor });
    expect(rest.pageInfo.hasNextPage).toBe(false);
    expect([...first.nodes, ...rest.nodes].map((issue) => issue.title).sort()).toEqual(["page-a", "page-b", "page-c"]);
    const all = await first.fetchNext();
    expect(all.nodes).toHaveLength(3);
  });

  it("executed every request it received (the SDK's operations all passed validation)", () => {
    const calls = emulator.calls();
    expect(calls.length).toBeGreaterThan(20);
    expect(calls.filter((call) => !call.executed)).toEqual([]);
    // The SDK's own documents, each parsed, validated and executed by the emulator.
    expect([...new Set(calls.map((call) => call.operationName))]).toEqual(
      expect.arrayContaining([
        "viewer",
        "teams",
        "team",
        "team_states",
        "projects",
        "project",
        "issueLabels",
        "createIssueLabel",
        "createIssue",
        "issue",
        "issues",
        "workflowState",
        "issue_labels",
        "createComment",
        "attachmentLinkURL",
        "issue_attachments",
      ]),
    );
  });
});
