// The emulator's git core: object hashes identical to git's, ancestry and
// merge bases, and the line-level three-way merge behind merges and pull
// requests.
import { describe, expect, it } from "vitest";
import { diffLines, splitLines, unifiedPatch } from "../src/git/diff.js";
import { commitsBetween, isAncestor, mergeBases } from "../src/git/graph.js";
import { mergeLines } from "../src/git/merge.js";
import { ObjectStore } from "../src/git/objects.js";
import { compareTagNamesDesc, isValidRefName } from "../src/git/refnames.js";

const who = (date: string) => ({ name: "A U Thor", email: "author@example.com", date });

describe("object hashes", () => {
  it("match git's for blobs, trees, commits and annotated tags", () => {
    const store = new ObjectStore();
    // `echo hello | git hash-object --stdin`, and git's well-known empty tree.
    expect(store.writeBlob(Buffer.from("hello\n"))).toBe("ce013625030ba8dba906f756967f9e9ca394464a");
    expect(store.writeTree(new Map())).toBe("4b825dc642cb6eb9a060e54bf8d69288fbee4904");
    // GIT_AUTHOR_DATE=GIT_COMMITTER_DATE="@1112911993 +0000" git commit-tree <empty tree> -m "Initial"
    // with A U Thor <author@example.com> (git's own test identity).
    const sha = store.writeCommit({
      files: new Map(),
      parents: [],
      author: who("2005-04-07T22:13:13Z"),
      committer: who("2005-04-07T22:13:13Z"),
      message: "Initial\n",
    });
    expect(sha).toBe("7f676b11291f1fb078826a5f6c4c8d4a3925c3c7");
    // printf 'object <sha>\ntype commit\ntag v1\ntagger ...\n\nRelease v1\n' | git hash-object -t tag --stdin
    const tag = store.writeTag({
      tag: "v1",
      object: sha,
      objectType: "commit",
      tagger: who("2005-04-07T22:13:13Z"),
      message: "Release v1\n",
    });
    expect(tag).toBe("c603cc0591d466223b4a27d9f98c597fdde7205b");
  });

  it("orders tree entries like git (a directory sorts as if followed by '/')", () => {
    const store = new ObjectStore();
    const blob = store.writeBlob(Buffer.from("x"));
    const root = store.writeTree(
      new Map([
        ["a.txt", blob],
        ["a/b.txt", blob],
        ["a-b", blob],
      ]),
    );
    expect(root).toBe("f9988874d837acf235b39f4459347bbf14fe3578"); // the same tree through git mktree
    const tree = store.get(root);
    expect(tree?.type === "tree" && tree.entries.map((e) => e.name)).toEqual(["a-b", "a.txt", "a"]);
  });
});

describe("graph", () => {
  function history() {
    const store = new ObjectStore();
    let clock = 0;
    const commit = (parents: string[], message: string) => {
      const date = new Date(Date.UTC(2025, 0, 1, 0, clock++)).toISOString();
      return store.writeCommit({ files: new Map(), parents, author: who(date), committer: who(date), message });
    };
    const root = commit([], "root");
    const a1 = commit([root], "a1");
    const b1 = commit([root], "b1");
    const a2 = commit([a1], "a2");
    const merge = commit([a2, b1], "merge");
    return { store, root, a1, b1, a2, merge };
  }

  it("answers ancestry, merge bases and the commits between", () => {
    const { store, root, b1, a2, merge } = history();
    expect(isAncestor(store, root, merge)).toBe(true);
    expect(isAncestor(store, b1, a2)).toBe(false);
    expect(isAncestor(store, a2, a2)).toBe(true);
    expect(mergeBases(store, a2, b1)).toEqual([root]);
    expect(mergeBases(store, merge, b1)).toEqual([b1]);
    expect(commitsBetween(store, b1, merge).map((c) => c.message)).toEqual(["a1", "a2", "merge"]);
  });
});

describe("three-way merge (diff3)", () => {
  const lines = (...xs: string[]) => xs.map((x) => `${x}\n`);
  const base = lines("one", "two", "three", "four", "five", "six", "seven");

  it("merges changes to different parts of a file", () => {
    const ours = lines("ONE", "two", "three", "four", "five", "six", "seven");
    const theirs = lines("one", "two", "three", "four", "five", "six", "SEVEN", "eight");
    expect(mergeLines(base, ours, theirs)).toEqual(lines("ONE", "two", "three", "four", "five", "six", "SEVEN", "eight"));
  });

  it("takes identical changes once and reports overlapping ones as a conflict", () => {
    const same = lines("one", "TWO", "three", "four", "five", "six", "seven");
    expect(mergeLines(base, same, same)).toEqual(same);
    expect(mergeLines(base, same, lines("one", "2", "three", "four", "five", "six", "seven"))).toBe("conflict");
    // Both sides appending at the end is a conflict in git too.
    expect(mergeLines(base, [...base, "a\n"], [...base, "b\n"])).toBe("conflict");
  });
});

describe("diffs", () => {
  it("produces git-style hunks", () => {
    const a = splitLines("a\nb\nc\nd\ne\nf\ng\nh\n");
    const b = splitLines("a\nb\nc\nD\ne\nf\ng\nh\n");
    expect(unifiedPatch(a, b, diffLines(a, b))).toBe("@@ -1,7 +1,7 @@\n a\n b\n c\n-d\n+D\n e\n f\n g");
    expect(unifiedPatch([], splitLines("new"), diffLines([], splitLines("new")))).toBe(
      "@@ -0,0 +1,1 @@\n+new\n\\ No newline at end of file",
    );
  });
});

describe("ref names and tag order", () => {
  it("follows git check-ref-format", () => {
    expect(isValidRefName("refs/heads/hotfix/v1.2.4")).toBe(true);
    expect(isValidRefName("refs/heads/release/hotfix-ENG-42")).toBe(true);
    for (const bad of [
      "refs/heads/a..b",
      "refs/heads/a b",
      "refs/heads/x.lock",
      "refs/heads/.x",
      "refs/heads/x/",
      "refs/heads/a:b",
      "refs/heads/a@{1}",
    ]) {
      expect(isValidRefName(bad), bad).toBe(false);
    }
  });

  it("lists versions newest first, final before its release candidates, other names after", () => {
    expect(["v1.2.0", "milestone/q1", "v1.10.0", "v1.3.0-rc.1", "v1.3.0"].sort(compareTagNamesDesc)).toEqual([
      "v1.10.0",
      "v1.3.0",
      "v1.3.0-rc.1",
      "v1.2.0",
      "milestone/q1",
    ]);
  });
});
