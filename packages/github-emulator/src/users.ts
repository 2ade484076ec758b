// The people and bots the emulated GitHub knows: who the token belongs to,
// who authored seeded commits. Ids are derived from the login so they stay
// the same from run to run.
import { createHash } from "node:crypto";

export interface Actor {
  login: string;
  id: number;
  type: "User" | "Bot" | "Organization";
  name: string;
  email: string;
}

export function stableId(seed: string, max = 2 ** 31 - 1): number {
  const hash = createHash("sha1").update(seed).digest();
  return (hash.readUInt32BE(0) % (max - 1000)) + 1000;
}

export function makeActor(login: string, options: Partial<Omit<Actor, "login">> = {}): Actor {
  const id = options.id ?? stableId(`user:${login}`, 200_000_000);
  return {
    login,
    id,
    type: options.type ?? (login.endsWith("[bot]") ? "Bot" : "User"),
    name: options.name ?? login,
    email: options.email ?? `${id}+${login}@users.noreply.github.com`,
  };
}

/** Who GitHub names as committer of commits it makes itself (merges, contents API, squash). */
export const WEB_FLOW: Actor = { login: "web-flow", id: 19864447, type: "User", name: "GitHub", email: "noreply@github.com" };

/** The people registry: resolves a commit's email to a GitHub account, as GitHub does for `author`/`committer`. */
export class People {
  private readonly byLogin = new Map<string, Actor>();

  constructor(initial: Actor[] = []) {
    for (const actor of [WEB_FLOW, ...initial]) this.add(actor);
  }

  add(actor: Actor): Actor {
    this.byLogin.set(actor.login.toLowerCase(), actor);
    return actor;
  }

  get(login: string): Actor | undefined {
    return this.byLogin.get(login.toLowerCase());
  }

  byEmail(email: string): Actor | undefined {
    const wanted = email.toLowerCase();
    for (const actor of this.byLogin.values()) if (actor.email.toLowerCase() === wanted) return actor;
    return undefined;
  }
}
