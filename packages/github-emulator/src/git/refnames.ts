// Names of refs: what git (and so GitHub) accepts, and the order GitHub
// lists tags in.
import semver from "semver";

/**
 * `git check-ref-format` for a full ref name (`refs/heads/hotfix/x`). GitHub
 * refuses what git refuses, so the emulator must too.
 */
export function isValidRefName(name: string): boolean {
  if (name === "@" || name.startsWith("/") || name.endsWith("/") || name.endsWith(".")) return false;
  if (name.includes("//") || name.includes("..") || name.includes("@{")) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: git forbids control characters in ref names
  if (/[\x00-\x20\x7f~^:?*[\\]/.test(name)) return false;
  return name.split("/").every((part) => part !== "" && !part.startsWith(".") && !part.endsWith(".lock"));
}

/** Natural comparison: digit runs compare as numbers, so v1.10 sorts after v1.9. */
function naturalCompare(a: string, b: string): number {
  const chunks = (s: string) => s.match(/\d+|\D+/g) ?? [];
  const [x, y] = [chunks(a), chunks(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const [p, q] = [x[i] as string, y[i] as string];
    if (p === q) continue;
    const numeric = /^\d/.test(p) && /^\d/.test(q);
    return numeric ? Number(p) - Number(q) || p.length - q.length : p < q ? -1 : 1;
  }
  return x.length - y.length;
}

/**
 * Tag names newest version first: semantic versions by precedence (so
 * v1.3.0 comes before v1.3.0-rc.1), then the other names in natural order,
 * descending.
 */
export function compareTagNamesDesc(a: string, b: string): number {
  const [va, vb] = [semver.valid(semver.clean(a, { loose: true })), semver.valid(semver.clean(b, { loose: true }))];
  if (va && vb) return semver.rcompare(va, vb) || naturalCompare(b, a);
  if (va) return -1;
  if (vb) return 1;
  return naturalCompare(b, a);
}
