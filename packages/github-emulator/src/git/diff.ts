// Line diffs between file versions: the additions/deletions counts and the
// unified `patch` GitHub puts in commit and compare responses, and the line
// matching the three-way merge builds on.
import type { ObjectStore, Sha } from "./objects.js";

export type Edit = { op: "=" | "-" | "+"; a: number; b: number };

/** Splits text into lines that keep their "\n", so a missing final newline is visible. */
export function splitLines(text: string): string[] {
  return text === "" ? [] : text.split(/(?<=\n)/);
}

export function isBinary(content: Buffer): boolean {
  return content.includes(0);
}

/**
 * A shortest edit script from `a` to `b` (longest common subsequence).
 * Common prefix and suffix are peeled off first, so the quadratic part only
 * sees the changed middle, which for real edits is small.
 */
export function diffLines(a: string[], b: string[]): Edit[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const edits: Edit[] = [];
  for (let i = 0; i < start; i++) edits.push({ op: "=", a: i, b: i });
  edits.push(...lcsEdits(a, b, start, endA, start, endB));
  for (let i = 0; i < a.length - endA; i++) edits.push({ op: "=", a: endA + i, b: endB + i });
  return edits;
}

function lcsEdits(a: string[], b: string[], a0: number, a1: number, b0: number, b1: number): Edit[] {
  const n = a1 - a0;
  const m = b1 - b0;
  const edits: Edit[] = [];
  if (n * m > 16_000_000) {
    // Too big to align cheaply: report a whole replacement (still a correct diff).
    for (let i = a0; i < a1; i++) edits.push({ op: "-", a: i, b: b0 });
    for (let j = b0; j < b1; j++) edits.push({ op: "+", a: a1, b: j });
    return edits;
  }
  // lengths[i][j] = LCS length of a[a0+i..a1) and b[b0+j..b1)
  const width = m + 1;
  const lengths = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i * width + j] =
        a[a0 + i] === b[b0 + j]
          ? (lengths[(i + 1) * width + j + 1] ?? 0) + 1
          : Math.max(lengths[(i + 1) * width + j] ?? 0, lengths[i * width + j + 1] ?? 0);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[a0 + i] === b[b0 + j]) {
      edits.push({ op: "=", a: a0 + i, b: b0 + j });
      i++;
      j++;
    } else if (j < m && (i === n || (lengths[i * width + j + 1] ?? 0) >= (lengths[(i + 1) * width + j] ?? 0))) {
      edits.push({ op: "+", a: a0 + i, b: b0 + j });
      j++;
    } else {
      edits.push({ op: "-", a: a0 + i, b: b0 + j });
      i++;
    }
  }
  // Deletions before insertions inside a change block, as git prints them.
  return reorderChangeBlocks(edits);
}

function reorderChangeBlocks(edits: Edit[]): Edit[] {
  const out: Edit[] = [];
  let block: Edit[] = [];
  const flush = () => {
    out.push(...block.filter((e) => e.op === "-"), ...block.filter((e) => e.op === "+"));
    block = [];
  };
  for (const edit of edits) {
    if (edit.op === "=") {
      flush();
      out.push(edit);
    } else {
      block.push(edit);
    }
  }
  flush();
  return out;
}

/** A unified diff body (hunks only, no file header) with 3 lines of context, like GitHub's `patch`. */
export function unifiedPatch(a: string[], b: string[], edits: Edit[], context = 3): string {
  const changed = edits.map((e, index) => (e.op === "=" ? -1 : index)).filter((index) => index >= 0);
  if (changed.length === 0) return "";
  const hunks: Array<[number, number]> = [];
  for (const index of changed) {
    const from = Math.max(0, index - context);
    const to = Math.min(edits.length - 1, index + context);
    const last = hunks[hunks.length - 1];
    if (last && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else hunks.push([from, to]);
  }
  const lines: string[] = [];
  for (const [from, to] of hunks) {
    const slice = edits.slice(from, to + 1);
    const first = slice[0] as Edit;
    const aCount = slice.filter((e) => e.op !== "+").length;
    const bCount = slice.filter((e) => e.op !== "-").length;
    const aStart = aCount === 0 ? first.a : first.a + 1;
    const bStart = bCount === 0 ? first.b : first.b + 1;
    lines.push(`@@ -${aStart},${aCount} +${bStart},${bCount} @@`);
    for (const edit of slice) {
      const text = edit.op === "+" ? (b[edit.b] ?? "") : (a[edit.a] ?? "");
      const prefix = edit.op === "=" ? " " : edit.op;
      lines.push(`${prefix}${text.replace(/\n$/, "")}`);
      if (!text.endsWith("\n")) lines.push("\\ No newline at end of file");
    }
  }
  return lines.join("\n");
}

export interface FileChange {
  filename: string;
  status: "added" | "removed" | "modified";
  /** Blob after the change; for a removal, the blob that was removed. */
  sha: Sha;
  additions: number;
  deletions: number;
  changes: number;
  patch?: string;
}

/** What changed between two snapshots, file by file, sorted by path. */
export function diffSnapshots(store: ObjectStore, before: ReadonlyMap<string, Sha>, after: ReadonlyMap<string, Sha>): FileChange[] {
  const paths = [...new Set([...before.keys(), ...after.keys()])].sort();
  const changes: FileChange[] = [];
  for (const filename of paths) {
    const oldSha = before.get(filename);
    const newSha = after.get(filename);
    if (oldSha === newSha) continue;
    const oldContent = oldSha ? (store.blob(oldSha)?.content ?? Buffer.alloc(0)) : Buffer.alloc(0);
    const newContent = newSha ? (store.blob(newSha)?.content ?? Buffer.alloc(0)) : Buffer.alloc(0);
    const status = !oldSha ? "added" : !newSha ? "removed" : "modified";
    const sha = (newSha ?? oldSha) as Sha;
    if (isBinary(oldContent) || isBinary(newContent)) {
      changes.push({ filename, status, sha, additions: 0, deletions: 0, changes: 0 });
      continue;
    }
    const a = splitLines(oldContent.toString("utf8"));
    const b = splitLines(newContent.toString("utf8"));
    const edits = diffLines(a, b);
    const additions = edits.filter((e) => e.op === "+").length;
    const deletions = edits.filter((e) => e.op === "-").length;
    changes.push({ filename, status, sha, additions, deletions, changes: additions + deletions, patch: unifiedPatch(a, b, edits) });
  }
  return changes;
}
