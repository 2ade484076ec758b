// Slack's external upload flow as the post-mortem uses it (issue 11):
// files.getUploadURLExternal, the bytes to the upload URL, then
// files.completeUploadExternal sharing the file in a channel — driven by the
// real @slack/web-api client; the file's message is what conversations.history
// shows (the bot finds its own upload there before uploading again).
import { ErrorCode, WebClient } from "@slack/web-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedSpecs } from "../../../test/support/shared-specs.js";
import { type SlackEmulator, startSlackEmulator } from "../src/index.js";

let slack: SlackEmulator;
let client: WebClient;

beforeAll(async () => {
  slack = await startSlackEmulator({ manifestPath: sharedSpecs.manifest });
  client = new WebClient(slack.botToken, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } });
});
afterAll(async () => {
  await slack.close();
});

async function errorOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    const e = error as { code?: string; data?: { error: string } };
    if (e.code === ErrorCode.PlatformError && e.data) return e.data.error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

describe("files: the external upload flow", () => {
  it("uploads, shares in the channel with a comment, and shows the file in the channel's history", async () => {
    const channel = slack.state.addChannel({ name: "hotfix-upload", members: [slack.state.bot.userId] }).id;
    const text = "# Post-mortem\n\nAll good.\n";
    const target = await client.files.getUploadURLExternal({ filename: "hf-1-postmortem-abc.md", length: Buffer.byteLength(text) });
    expect(target.upload_url).toMatch(/^http/);
    const sent = await fetch(target.upload_url ?? "", { method: "POST", body: text });
    expect(sent.status).toBe(200);
    const done = await client.files.completeUploadExternal({
      files: [{ id: target.file_id ?? "", title: "HF-1 post-mortem" }],
      channel_id: channel,
      initial_comment: "the post-mortem",
    });
    expect(done.files?.[0]?.title).toBe("HF-1 post-mortem");
    const stored = slack.files().find((f) => f.id === target.file_id);
    expect(stored?.content?.toString("utf8")).toBe(text);
    expect(stored?.channels).toEqual([channel]);
    const history = await client.conversations.history({ channel });
    const message = history.messages?.find((m) => m.files?.some((f) => f.name === "hf-1-postmortem-abc.md"));
    expect(message?.user).toBe(slack.state.bot.userId);
    expect(message?.text).toBe("the post-mortem");
  });

  it("refuses to complete a file whose bytes never arrived, and a private channel the bot cannot see", async () => {
    const channel = slack.state.addChannel({ name: "hotfix-private-upload", isPrivate: true, members: ["U0ALICE"] }).id;
    const target = await client.files.getUploadURLExternal({ filename: "x.md", length: 3 });
    expect(await errorOf(client.files.completeUploadExternal({ files: [{ id: target.file_id ?? "" }], channel_id: channel }))).toBe(
      "file_not_found",
    );
    await fetch(target.upload_url ?? "", { method: "POST", body: "abc" });
    // A private channel without the bot does not exist for the bot, as in Slack.
    expect(await errorOf(client.files.completeUploadExternal({ files: [{ id: target.file_id ?? "" }], channel_id: channel }))).toBe(
      "channel_not_found",
    );
    expect(slack.files().find((f) => f.id === target.file_id)?.completed).toBe(false);
  });
});
