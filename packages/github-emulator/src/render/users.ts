// "Simple User": how GitHub embeds an account in almost every response.
import type { Actor } from "../users.js";
import { type Links, nodeId } from "./links.js";

export function simpleUser(actor: Actor, links: Links) {
  const login = encodeURIComponent(actor.login); // bots: "hotfix[bot]" -> "hotfix%5Bbot%5D", as GitHub does
  const api = (path = "") => links.api(`/users/${login}${path}`);
  return {
    login: actor.login,
    id: actor.id,
    node_id: nodeId(actor.type === "Bot" ? "Bot" : actor.type, actor.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${actor.id}?v=4`,
    gravatar_id: "",
    url: api(),
    html_url: links.web(`/${actor.type === "Bot" ? `apps/${login.replace(/%5Bbot%5D$/, "")}` : login}`),
    followers_url: api("/followers"),
    following_url: `${api("/following")}{/other_user}`,
    gists_url: `${api("/gists")}{/gist_id}`,
    starred_url: `${api("/starred")}{/owner}{/repo}`,
    subscriptions_url: api("/subscriptions"),
    organizations_url: api("/orgs"),
    repos_url: api("/repos"),
    events_url: `${api("/events")}{/privacy}`,
    received_events_url: api("/received_events"),
    type: actor.type,
    user_view_type: "public",
    site_admin: false,
  };
}
