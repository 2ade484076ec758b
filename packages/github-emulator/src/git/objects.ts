// Git's object model, kept in memory: blobs, trees, commits and annotated
// tags, addressed by the SHA-1 git itself would compute for the same content.
// Real hashes mean SHAs look and behave like GitHub's (40 hex, stable for the
// same content, different when anything changes), not like counters.
import { createHash } from "node:crypto";

export type Sha = string;
export type ObjectType = "blob" | "tree" | "commit" | "tag";

export interface Signature {
  name: string;
  email: string;
  /** ISO 8601 in UTC, second precision, as GitHub shows it: 2025-01-06T09:00:00Z */
  date: string;
}

export interface BlobObject {
  type: "blob";
  sha: Sha;
  content: Buffer;
}

export interface TreeEntry {
  name: string;
  mode: "100644" | "40000";
  type: "blob" | "tree";
  sha: Sha;
}

export interface TreeObject {
  type: "tree";
  sha: Sha;
  entries: TreeEntry[];
}

export interface CommitObject {
  type: "commit";
  sha: Sha;
  tree: Sha;
  parents: Sha[];
  author: Signature;
  committer: Signature;
  message: string;
  /** The whole snapshot flattened to path -> blob sha, for diffs and merges. */
  files: ReadonlyMap<string, Sha>;
}

export interface TagObject {
  type: "tag";
  sha: Sha;
  tag: string;
  object: Sha;
  objectType: ObjectType;
  tagger: Signature;
  message: string;
}

export type GitObject = BlobObject | TreeObject | CommitObject | TagObject;

export const SHA_PATTERN = /^[0-9a-f]{40}$/;

function hashObject(type: ObjectType, body: Buffer): Sha {
  return createHash("sha1").update(`${type} ${body.length}\0`).update(body).digest("hex");
}

/** `Name <email> 1736154000 +0000`, the form git stores in commits and tags. */
function signatureLine(who: Signature): string {
  const seconds = Math.floor(Date.parse(who.date) / 1000);
  return `${who.name} <${who.email}> ${seconds} +0000`;
}

export class ObjectStore {
  private readonly objects = new Map<Sha, GitObject>();

  get(sha: Sha): GitObject | undefined {
    return this.objects.get(sha);
  }

  has(sha: Sha): boolean {
    return this.objects.has(sha);
  }

  commit(sha: Sha): CommitObject | undefined {
    const object = this.objects.get(sha);
    return object?.type === "commit" ? object : undefined;
  }

  blob(sha: Sha): BlobObject | undefined {
    const object = this.objects.get(sha);
    return object?.type === "blob" ? object : undefined;
  }

  tagObject(sha: Sha): TagObject | undefined {
    const object = this.objects.get(sha);
    return object?.type === "tag" ? object : undefined;
  }

  writeBlob(content: Buffer): Sha {
    const sha = hashObject("blob", content);
    if (!this.objects.has(sha)) this.objects.set(sha, { type: "blob", sha, content });
    return sha;
  }

  /** Builds the nested trees for a flat path -> blob map and returns the root tree's sha. */
  writeTree(files: ReadonlyMap<string, Sha>): Sha {
    const root: DirNode = new Map();
    for (const [filePath, blob] of files) {
      const parts = filePath.split("/");
      let dir = root;
      for (const part of parts.slice(0, -1)) {
        let child = dir.get(part);
        if (!(child instanceof Map)) {
          child = new Map();
          dir.set(part, child);
        }
        dir = child;
      }
      dir.set(parts[parts.length - 1] ?? filePath, blob);
    }
    return this.writeDir(root);
  }

  private writeDir(dir: DirNode): Sha {
    const entries: TreeEntry[] = [...dir].map(([name, child]) =>
      child instanceof Map
        ? { name, mode: "40000", type: "tree", sha: this.writeDir(child) }
        : { name, mode: "100644", type: "blob", sha: child },
    );
    // git orders tree entries by name, comparing a directory as if it ended in "/".
    const key = (entry: TreeEntry) => (entry.type === "tree" ? `${entry.name}/` : entry.name);
    entries.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    const body = Buffer.concat(entries.map((e) => Buffer.concat([Buffer.from(`${e.mode} ${e.name}\0`), Buffer.from(e.sha, "hex")])));
    const sha = hashObject("tree", body);
    if (!this.objects.has(sha)) this.objects.set(sha, { type: "tree", sha, entries });
    return sha;
  }

  writeCommit(input: { files: ReadonlyMap<string, Sha>; parents: Sha[]; author: Signature; committer: Signature; message: string }): Sha {
    const tree = this.writeTree(input.files);
    const lines = [`tree ${tree}`, ...input.parents.map((p) => `parent ${p}`)];
    lines.push(`author ${signatureLine(input.author)}`, `committer ${signatureLine(input.committer)}`, "", input.message);
    const sha = hashObject("commit", Buffer.from(lines.join("\n")));
    if (!this.objects.has(sha)) {
      this.objects.set(sha, {
        type: "commit",
        sha,
        tree,
        parents: [...input.parents],
        author: input.author,
        committer: input.committer,
        message: input.message,
        files: new Map(input.files),
      });
    }
    return sha;
  }

  writeTag(input: { tag: string; object: Sha; objectType: ObjectType; tagger: Signature; message: string }): Sha {
    const text = [
      `object ${input.object}`,
      `type ${input.objectType}`,
      `tag ${input.tag}`,
      `tagger ${signatureLine(input.tagger)}`,
      "",
      input.message,
    ];
    const sha = hashObject("tag", Buffer.from(text.join("\n")));
    if (!this.objects.has(sha)) this.objects.set(sha, { type: "tag", sha, ...input });
    return sha;
  }

  /** Follows annotated tags down to the commit they name (like `sha^{commit}`). */
  peelToCommit(sha: Sha): CommitObject | undefined {
    let object = this.objects.get(sha);
    for (let hops = 0; object?.type === "tag" && hops < 10; hops++) object = this.objects.get(object.object);
    return object?.type === "commit" ? object : undefined;
  }

  /** A unique commit whose sha starts with `prefix` (at least 4 hex digits), like git's short SHAs. */
  commitByPrefix(prefix: string): CommitObject | undefined {
    if (!/^[0-9a-f]{4,40}$/.test(prefix)) return undefined;
    let found: CommitObject | undefined;
    for (const object of this.objects.values()) {
      if (object.type !== "commit" || !object.sha.startsWith(prefix)) continue;
      if (found) return undefined; // ambiguous
      found = object;
    }
    return found;
  }
}

type DirNode = Map<string, DirNode | Sha>;
