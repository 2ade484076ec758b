// Annotated tag objects (git/tags) and the repository's tag list.
import { notFound, unprocessable } from "../errors.js";
import { type ObjectType, SHA_PATTERN } from "../git/objects.js";
import { compareTagNamesDesc } from "../git/refnames.js";
import { isoSeconds } from "../render/links.js";
import { tagListItemJson, tagObjectJson } from "../render/refs.js";
import { paginate } from "./paginate.js";
import { type Handler, str } from "./types.js";

/**
 * Creates the tag object only: like GitHub, the tag is not visible until the
 * client also creates `refs/tags/<name>` pointing at the returned sha.
 */
export const createTag: Handler = (ctx) => {
  const object = str(ctx.body.object);
  const type = str(ctx.body.type) as ObjectType;
  const target = SHA_PATTERN.test(object) ? ctx.repo.objects.get(object) : undefined;
  if (!target || target.type !== type) throw unprocessable("Object does not exist");
  const given = ctx.body.tagger as { name: string; email: string; date?: string } | undefined;
  const tagger = given
    ? { name: given.name, email: given.email, date: isoSeconds(given.date ?? ctx.now) }
    : { name: ctx.actor.name, email: ctx.actor.email, date: isoSeconds(ctx.now) };
  const sha = ctx.repo.objects.writeTag({ tag: str(ctx.body.tag), object, objectType: type, tagger, message: str(ctx.body.message) });
  const tag = ctx.repo.objects.tagObject(sha);
  if (!tag) throw new Error("tag object vanished");
  return {
    status: 201,
    body: tagObjectJson(ctx.repo, tag),
    headers: { location: ctx.repo.ctx.links.repoApi(ctx.repo.fullName, `/git/tags/${sha}`) },
  };
};

export const getTag: Handler = (ctx) => {
  const tag = ctx.repo.objects.tagObject(str(ctx.params.tag_sha));
  if (!tag) throw notFound();
  return { status: 200, body: tagObjectJson(ctx.repo, tag) };
};

/** Tags newest version first, each with the commit it points at (annotated tags peeled). */
export const listTags: Handler = (ctx) => {
  const tags = ctx.repo
    .tagNames()
    .sort(compareTagNamesDesc)
    .flatMap((name) => {
      const commit = ctx.repo.objects.peelToCommit(ctx.repo.refs.get(`refs/tags/${name}`) ?? "");
      return commit ? [tagListItemJson(ctx.repo, name, commit.sha)] : [];
    });
  const page = paginate(ctx, tags);
  return { status: 200, body: page.items, headers: page.headers };
};
