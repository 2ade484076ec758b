// The bot as a real process (`hotfix start`), for what only a process can
// show: SIGTERM, SIGKILL mid-work, exit codes.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

export interface BotProcess {
  child: ChildProcess;
  url: Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output(): string;
}

export function startBotProcess(env: Record<string, string>, args: string[] = ["start"]): BotProcess {
  // `--import tsx` keeps it one process, so signals reach the bot itself (tsx's CLI would wrap it in a second one).
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "src/cli.ts"), ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", LOG_FORMAT: "json", LOG_LEVEL: "info", PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let resolveUrl: (url: string) => void = () => undefined;
  let rejectUrl: (error: Error) => void = () => undefined;
  const url = new Promise<string>((resolve, reject) => {
    resolveUrl = resolve;
    rejectUrl = reject;
  });
  // Tests that expect an early exit never await the url: its rejection is not an error then.
  url.catch(() => undefined);
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    const match = /"url":"(http:\/\/[^"]+)"[^\n]*Hotfix Commander is up|Hotfix Commander is up[^\n]*"url":"(http:\/\/[^"]+)"/.exec(out);
    if (match) resolveUrl((match[1] ?? match[2]) as string);
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("exit", (code, signal) => {
      rejectUrl(new Error(`bot exited (${code ?? signal}) before it was up:\n${out}`));
      resolve({ code, signal });
    });
  });
  return { child, url, exited, output: () => out };
}
