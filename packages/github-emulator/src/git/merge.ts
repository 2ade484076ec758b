// Three-way merge of two snapshots against their merge base, line by line
// (diff3), so the emulator reports a conflict exactly where git would: both
// sides changed the same (or touching) lines differently. Changes to
// different parts of one file merge cleanly, as on GitHub.
import { diffLines, isBinary, splitLines } from "./diff.js";
import type { ObjectStore, Sha } from "./objects.js";

export type MergeResult = { ok: true; files: Map<string, Sha> } | { ok: false; conflicts: string[] };

export function mergeSnapshots(
  store: ObjectStore,
  base: ReadonlyMap<string, Sha>,
  ours: ReadonlyMap<string, Sha>,
  theirs: ReadonlyMap<string, Sha>,
): MergeResult {
  const files = new Map<string, Sha>();
  const conflicts: string[] = [];
  const paths = [...new Set([...base.keys(), ...ours.keys(), ...theirs.keys()])].sort();
  for (const path of paths) {
    const b = base.get(path);
    const o = ours.get(path);
    const t = theirs.get(path);
    let result: Sha | undefined | "conflict";
    if (o === t) result = o;
    else if (b === o) result = t;
    else if (b === t) result = o;
    else if (o === undefined || t === undefined)
      result = "conflict"; // modify/delete
    else result = mergeBlobs(store, b, o, t);
    if (result === "conflict") conflicts.push(path);
    else if (result !== undefined) files.set(path, result);
  }
  return conflicts.length > 0 ? { ok: false, conflicts } : { ok: true, files };
}

function mergeBlobs(store: ObjectStore, base: Sha | undefined, ours: Sha, theirs: Sha): Sha | "conflict" {
  const read = (sha: Sha | undefined) => (sha ? (store.blob(sha)?.content ?? Buffer.alloc(0)) : Buffer.alloc(0));
  const [b, o, t] = [read(base), read(ours), read(theirs)];
  if (isBinary(b) || isBinary(o) || isBinary(t)) return "conflict";
  const merged = mergeLines(splitLines(b.toString("utf8")), splitLines(o.toString("utf8")), splitLines(t.toString("utf8")));
  return merged === "conflict" ? "conflict" : store.writeBlob(Buffer.from(merged.join(""), "utf8"));
}

/**
 * diff3: walk the base, alternating between stable runs (a base line kept by
 * both sides) and unstable chunks between them. A chunk changed on one side
 * only takes that side; changed identically on both takes either; otherwise
 * it is a conflict.
 */
export function mergeLines(base: string[], ours: string[], theirs: string[]): string[] | "conflict" {
  const matchOurs = matchMap(base, ours);
  const matchTheirs = matchMap(base, theirs);
  const out: string[] = [];
  let o = 0; // next base line
  let a = 0; // next line of ours
  let t = 0; // next line of theirs
  for (;;) {
    let run = 0;
    while (o + run < base.length && matchOurs[o + run] === a + run && matchTheirs[o + run] === t + run) run++;
    if (run > 0) {
      out.push(...base.slice(o, o + run));
      o += run;
      a += run;
      t += run;
      continue;
    }
    if (o >= base.length && a >= ours.length && t >= theirs.length) return out;
    let next = o;
    while (next < base.length && (matchOurs[next] === -1 || matchTheirs[next] === -1)) next++;
    const [nextA, nextT] = next < base.length ? [matchOurs[next] as number, matchTheirs[next] as number] : [ours.length, theirs.length];
    const baseChunk = base.slice(o, next);
    const oursChunk = ours.slice(a, nextA);
    const theirsChunk = theirs.slice(t, nextT);
    if (same(oursChunk, baseChunk)) out.push(...theirsChunk);
    else if (same(theirsChunk, baseChunk) || same(oursChunk, theirsChunk)) out.push(...oursChunk);
    else return "conflict";
    o = next;
    a = nextA;
    t = nextT;
  }
}

/** For each base line, the index of the line it survives as on the other side, or -1. */
function matchMap(base: string[], other: string[]): number[] {
  const map = new Array<number>(base.length).fill(-1);
  for (const edit of diffLines(base, other)) if (edit.op === "=") map[edit.a] = edit.b;
  return map;
}

function same(x: string[], y: string[]): boolean {
  return x.length === y.length && x.every((line, i) => line === y[i]);
}
