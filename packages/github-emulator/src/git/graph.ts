// Questions about the commit graph that GitHub answers from real history:
// ancestry (fast-forward checks, "nothing to merge"), merge bases, and the
// commits one side has that the other lacks (compare's ahead/behind).
import type { CommitObject, ObjectStore, Sha } from "./objects.js";

/** Every commit reachable from `from` (itself included). */
export function ancestors(store: ObjectStore, from: Sha | Sha[]): Set<Sha> {
  const seen = new Set<Sha>();
  const stack = Array.isArray(from) ? [...from] : [from];
  while (stack.length > 0) {
    const sha = stack.pop() as Sha;
    if (seen.has(sha)) continue;
    const commit = store.commit(sha);
    if (!commit) continue;
    seen.add(sha);
    stack.push(...commit.parents);
  }
  return seen;
}

/** True when `ancestor` is `descendant` or reachable from it (`git merge-base --is-ancestor`). */
export function isAncestor(store: ObjectStore, ancestor: Sha, descendant: Sha): boolean {
  return ancestors(store, descendant).has(ancestor);
}

/**
 * The best common ancestors of two commits: common ancestors that are not
 * themselves ancestors of another common ancestor. Usually one; criss-cross
 * histories can have several.
 */
export function mergeBases(store: ObjectStore, a: Sha, b: Sha): Sha[] {
  const fromA = ancestors(store, a);
  const common = [...ancestors(store, b)].filter((sha) => fromA.has(sha));
  const parentsOfCommon = common.flatMap((sha) => store.commit(sha)?.parents ?? []);
  const dominated = ancestors(store, parentsOfCommon);
  return common.filter((sha) => !dominated.has(sha));
}

/**
 * One merge base to merge or diff against. With several (criss-cross) git
 * would merge them recursively; picking the newest is close enough for the
 * histories a hotfix produces, and documented as a limit.
 */
export function mergeBase(store: ObjectStore, a: Sha, b: Sha): Sha | undefined {
  const bases = mergeBases(store, a, b).map((sha) => store.commit(sha) as CommitObject);
  bases.sort((x, y) => Date.parse(y.committer.date) - Date.parse(x.committer.date) || (x.sha < y.sha ? -1 : 1));
  return bases[0]?.sha;
}

/**
 * Commits reachable from `head` but not from `base` (`git log base..head`),
 * oldest first with parents always before children: the order GitHub's
 * compare API lists them in.
 */
export function commitsBetween(store: ObjectStore, base: Sha, head: Sha): CommitObject[] {
  const excluded = ancestors(store, base);
  const wanted = [...ancestors(store, head)].filter((sha) => !excluded.has(sha)).map((sha) => store.commit(sha) as CommitObject);
  const pending = new Set(wanted.map((c) => c.sha));
  const ordered: CommitObject[] = [];
  while (pending.size > 0) {
    const ready = wanted.filter((c) => pending.has(c.sha) && c.parents.every((p) => !pending.has(p)));
    ready.sort((x, y) => Date.parse(x.committer.date) - Date.parse(y.committer.date) || (x.sha < y.sha ? -1 : 1));
    const next = ready[0];
    if (!next) break; // unreachable for a DAG; guards against a corrupt store
    ordered.push(next);
    pending.delete(next.sha);
  }
  return ordered;
}
