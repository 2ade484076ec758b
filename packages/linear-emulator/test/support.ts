// Starts an emulator on Linear's real schema and a real @linear/sdk client
// pointed at it. The schema path is computed from the repository root, never
// searched for.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { LinearClient } from "@linear/sdk";
import { type LinearEmulator, type LinearEmulatorOptions, startLinearEmulator } from "../src/index.js";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const SCHEMA_PATH = resolve(repoRoot, "../shared/specs/linear/schema.graphql");

export async function startEmulator(
  options: Partial<LinearEmulatorOptions> = {},
): Promise<{ emulator: LinearEmulator; client: LinearClient }> {
  const emulator = await startLinearEmulator({ schemaPath: SCHEMA_PATH, ...options });
  const client = new LinearClient({ apiKey: emulator.apiKey, apiUrl: emulator.url });
  return { emulator, client };
}

/** POSTs a raw GraphQL request, as a client that is not the SDK would. */
export async function postGraphql(
  emulator: LinearEmulator,
  body: unknown,
  headers: Record<string, string> = { authorization: emulator.apiKey },
): Promise<{
  status: number;
  headers: Headers;
  json: { data?: unknown; errors?: Array<{ message: string; extensions: Record<string, unknown> }> };
}> {
  const response = await fetch(emulator.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, json: (await response.json()) as never };
}
