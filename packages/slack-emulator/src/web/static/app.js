// The sandbox page: the emulated Slack workspace as a person uses it. Polls
// /web/api/page (and /web/api/panels), renders channels, messages with their
// Block Kit, modals and the App Home, and sends what the person does back
// through /web/api/* — where the emulator signs it and delivers it to the app
// exactly as Slack would. Every piece of text is user or app text: it goes
// through esc() before it becomes markup, without exception.

const POLL_MS = 800;
const PANEL_POLL_MS = 2000;

const ui = {
  user: "",
  channel: "",
  page: null,
  pageText: "",
  panelsText: "",
  modalKey: "",
  homeRequested: "",
  shownChannel: "",
};

const $ = (id) => document.getElementById(id);

/** The one escaping function: &, <, >, " and ' become entities. */
function esc(value) {
  return String(value ?? "")
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/**
 * Emoji as glyphs nearly every font has (the sandbox may run where no emoji
 * font is installed, e.g. a headless CI browser): [glyph, colour class].
 */
const GLYPHS = {
  warning: ["⚠", "amber"],
  no_entry: ["⊘", "red"],
  x: ["✖", "red"],
  white_check_mark: ["✔", "green"],
  heavy_check_mark: ["✔", "green"],
  rewind: ["⟲", ""],
  rotating_light: ["◉", "red"],
  siren: ["◉", "red"],
  rocket: ["➤", "blue"],
  hourglass_flowing_sand: ["◷", ""],
  hourglass: ["◷", ""],
  stopwatch: ["◷", ""],
  clock1: ["◷", ""],
  calendar: ["◷", ""],
  checkered_flag: ["⚑", ""],
  twisted_rightwards_arrows: ["⇄", ""],
  ship: ["⬆", "blue"],
  red_circle: ["●", "red"],
  large_orange_circle: ["●", "orange"],
  large_yellow_circle: ["●", "yellow"],
  large_green_circle: ["●", "green"],
  large_blue_circle: ["●", "blue"],
  white_circle: ["○", ""],
  mega: ["✦", "amber"],
  lock: ["☑", ""],
  deciduous_tree: ["⎇", "green"],
  bookmark: ["⚐", ""],
  arrows_counterclockwise: ["↻", ""],
  pushpin: ["⚲", "red"],
  fire: ["▲", "red"],
  memo: ["✎", ""],
  link: ["➜", ""],
  bell: ["✉", ""],
  tada: ["✦", "amber"],
  eyes: ["◉", ""],
  thumbsup: ["✓", "green"],
  "+1": ["✓", "green"],
  information_source: ["✦", "blue"],
  clipboard: ["☐", ""],
  bug: ["✖", ""],
  label: ["◆", ""],
  package: ["■", ""],
  house: ["⌂", ""],
};

/** Emoji characters the bot writes as they are (the card header's severity colour). */
const LITERAL = {
  "🔴": "red_circle",
  "🟠": "large_orange_circle",
  "🟡": "large_yellow_circle",
  "🟢": "large_green_circle",
  "🔵": "large_blue_circle",
  "⚪": "white_circle",
};

function glyph(name) {
  const known = GLYPHS[name];
  return known ? `<span class="e ${known[1]}" title=":${esc(name)}:">${known[0]}</span>` : undefined;
}

/** :name: -> the emoji, on text that is already escaped (names are [a-z0-9_+-]). */
function emoji(escaped) {
  return escaped
    .replace(/:([a-z0-9_+-]+):/g, (whole, name) => glyph(name) ?? whole)
    .replace(/🔴|🟠|🟡|🟢|🔵|⚪/gu, (char) => glyph(LITERAL[char]) ?? char);
}

function safeUrl(url) {
  return /^(https?:|mailto:)/i.test(url) ? url : "";
}

/** A Slack link, mention or special command: <https://x|label>, <@U1>, <#C1|name>, <!here>. */
function token(inner) {
  const bar = inner.indexOf("|");
  const target = bar >= 0 ? inner.slice(0, bar) : inner;
  const label = bar >= 0 ? inner.slice(bar + 1) : "";
  const names = ui.page?.names ?? {};
  if (target.startsWith("@")) return `<span class="mention">@${esc(label || names[target.slice(1)] || target.slice(1))}</span>`;
  if (target.startsWith("#")) {
    const id = target.slice(1);
    const known = (ui.page?.channels ?? []).find((c) => c.id === id);
    return `<a href="#" class="mention" data-goto="${esc(id)}">#${esc(label || known?.name || id)}</a>`;
  }
  if (target.startsWith("!date")) return `<time>${esc(slackDate(target, label))}</time>`;
  if (target.startsWith("!")) {
    const special = target.slice(1).split("^")[0];
    const group = special === "subteam" ? ui.page?.groups?.[target.split("^")[1] ?? ""] : undefined;
    return `<span class="mention">${esc(label || `@${group ?? special}`)}</span>`;
  }
  const href = safeUrl(decodeEntities(target));
  if (!href) return esc(decodeEntities(label || target));
  const archive = archiveTarget(href);
  const extra = archive ? ` data-goto="${esc(archive)}"` : ' target="_blank" rel="noopener noreferrer"';
  return `<a href="${esc(href)}"${extra}>${esc(decodeEntities(label || target))}</a>`;
}

/** <!date^1700000000^{date_short} {time}|fallback> in the reader's own time zone, as Slack shows it. */
function slackDate(target, fallback) {
  const seconds = Number(target.split("^")[1]);
  if (!Number.isFinite(seconds)) return decodeEntities(fallback || target);
  return new Date(seconds * 1000).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
}

/** A permalink into this workspace (…/archives/C123/p…) opens that channel here. */
function archiveTarget(href) {
  try {
    const url = new URL(href);
    const match = /\/archives\/([A-Z0-9]+)/.exec(url.pathname);
    return url.origin === location.origin && match ? match[1] : "";
  } catch {
    return "";
  }
}

/** Slack sends &amp; &lt; &gt; in text; turn them back before our own escaping. */
function decodeEntities(text) {
  return text.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");
}

/** Plain stretches of mrkdwn: escaped first, then *bold*, _italic_, ~strike~ and `code` wrap escaped text. */
function inline(raw) {
  let html = emoji(esc(decodeEntities(raw)));
  html = html.replace(/`([^`\n]+)`/g, "<code>$1</code>");
  html = html.replace(/(^|[\s(])\*([^*\n]+)\*(?=[\s).,:;!?]|$)/g, "$1<strong>$2</strong>");
  html = html.replace(/(^|[\s(])_([^_\n]+)_(?=[\s).,:;!?]|$)/g, "$1<em>$2</em>");
  html = html.replace(/(^|[\s(])~([^~\n]+)~(?=[\s).,:;!?]|$)/g, "$1<del>$2</del>");
  return html;
}

function mrkdwnLine(text) {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(/<([^<>\n]+)>/g)) {
    out += inline(text.slice(last, match.index));
    out += token(match[1]);
    last = (match.index ?? 0) + match[0].length;
  }
  return out + inline(text.slice(last));
}

/** Slack's mrkdwn to HTML: ```code blocks```, > quotes, lines; everything escaped. */
function mrkdwn(text) {
  const parts = String(text ?? "").split("```");
  return parts
    .map((part, i) => {
      if (i % 2 === 1) return `<pre>${esc(decodeEntities(part.replace(/^\n/, "")))}</pre>`;
      return part
        .split("\n")
        .map((line) =>
          line.startsWith("&gt; ") || line.startsWith("> ") ? `<q>${mrkdwnLine(line.replace(/^(&gt;|>) /, ""))}</q>` : mrkdwnLine(line),
        )
        .join("<br>");
    })
    .join("");
}

/** A text object (plain_text or mrkdwn). */
function textObj(t) {
  if (!t) return "";
  if (typeof t === "string") return esc(t);
  return t.type === "mrkdwn" ? mrkdwn(t.text) : emoji(esc(t.text));
}

function plainOf(t) {
  return typeof t === "string" ? t : (t?.text ?? "");
}

// ------------------------------------------------------------ Block Kit

function optionsOf(element) {
  const list = [...(element.options ?? [])];
  for (const group of element.option_groups ?? []) list.push(...(group.options ?? []));
  return list;
}

function attrs(element, block, kind) {
  return `data-kind="${esc(kind)}" data-action-id="${esc(element.action_id ?? "")}" data-block-id="${esc(block.block_id ?? "")}"`;
}

function selectOptions(list, selected, placeholder) {
  const chosen = new Set(selected);
  const head = placeholder === null ? "" : `<option value="">${esc(placeholder || "Select…")}</option>`;
  return (
    head + list.map((o) => `<option value="${esc(o.value)}"${chosen.has(o.value) ? " selected" : ""}>${esc(o.label)}</option>`).join("")
  );
}

function userOptions() {
  return (ui.page?.users ?? []).map((u) => ({ value: u.id, label: `${u.realName} (@${u.name})` }));
}

function channelOptions() {
  return (ui.page?.channels ?? []).map((c) => ({ value: c.id, label: `#${c.name}` }));
}

/** One interactive element (in an input block its value is read on submit, see readInputs). */
function element(el, block) {
  const a = attrs(el, block, el.type);
  const placeholder = plainOf(el.placeholder);
  switch (el.type) {
    case "button": {
      const style = el.style === "primary" ? " primary" : el.style === "danger" ? " danger" : "";
      return `<button type="button" class="btn${style}" ${a} data-value="${esc(el.value ?? "")}">${textObj(el.text)}</button>`;
    }
    case "static_select":
    case "external_select": {
      const list = optionsOf(el).map((o) => ({ value: o.value, label: plainOf(o.text) }));
      return `<select ${a}>${selectOptions(list, el.initial_option ? [el.initial_option.value] : [], placeholder)}</select>`;
    }
    case "multi_static_select":
    case "multi_external_select": {
      const list = optionsOf(el).map((o) => ({ value: o.value, label: plainOf(o.text) }));
      return `<select multiple ${a}>${selectOptions(
        list,
        (el.initial_options ?? []).map((o) => o.value),
        null,
      )}</select>`;
    }
    case "users_select":
      return `<select ${a}>${selectOptions(userOptions(), el.initial_user ? [el.initial_user] : [], placeholder)}</select>`;
    case "multi_users_select":
      return `<select multiple ${a}>${selectOptions(userOptions(), el.initial_users ?? [], null)}</select>`;
    case "conversations_select":
    case "channels_select":
      return `<select ${a}>${selectOptions(channelOptions(), [el.initial_conversation ?? el.initial_channel].filter(Boolean), placeholder)}</select>`;
    case "multi_conversations_select":
    case "multi_channels_select":
      return `<select multiple ${a}>${selectOptions(channelOptions(), el.initial_conversations ?? el.initial_channels ?? [], null)}</select>`;
    case "overflow": {
      const list = optionsOf(el).map((o) => ({ value: o.value, label: plainOf(o.text) }));
      return `<select class="overflow" ${a}>${selectOptions(list, [], "⋯")}</select>`;
    }
    case "datepicker":
      return `<input type="date" ${a} value="${esc(el.initial_date ?? "")}">`;
    case "timepicker":
      return `<input type="time" ${a} value="${esc(el.initial_time ?? "")}">`;
    case "datetimepicker": {
      const initial = el.initial_date_time ? new Date(el.initial_date_time * 1000) : null;
      const local = initial ? new Date(initial.getTime() - initial.getTimezoneOffset() * 60000).toISOString().slice(0, 16) : "";
      return `<input type="datetime-local" ${a} value="${esc(local)}">`;
    }
    case "checkboxes":
    case "radio_buttons": {
      const type = el.type === "checkboxes" ? "checkbox" : "radio";
      const initial = new Set((el.initial_options ?? (el.initial_option ? [el.initial_option] : [])).map((o) => o.value));
      const name = `${block.block_id}/${el.action_id}/${Math.random().toString(36).slice(2)}`;
      return `<fieldset class="choices" ${a}>${optionsOf(el)
        .map(
          (o) =>
            `<label><input type="${type}" name="${esc(name)}" value="${esc(o.value)}"${initial.has(o.value) ? " checked" : ""}> ${textObj(o.text)}${
              o.description ? `<small>${textObj(o.description)}</small>` : ""
            }</label>`,
        )
        .join("")}</fieldset>`;
    }
    case "plain_text_input":
    case "rich_text_input":
      if (el.multiline || el.type === "rich_text_input") {
        return `<textarea rows="4" ${a} placeholder="${esc(placeholder)}">${esc(el.type === "rich_text_input" ? "" : (el.initial_value ?? ""))}</textarea>`;
      }
      return `<input type="text" ${a} placeholder="${esc(placeholder)}" value="${esc(el.initial_value ?? "")}">`;
    case "number_input":
      return `<input type="number" step="${el.is_decimal_allowed ? "any" : "1"}" ${a} value="${esc(el.initial_value ?? "")}">`;
    case "url_text_input":
      return `<input type="url" ${a} placeholder="${esc(placeholder)}" value="${esc(el.initial_value ?? "")}">`;
    case "email_text_input":
      return `<input type="email" ${a} placeholder="${esc(placeholder)}" value="${esc(el.initial_value ?? "")}">`;
    case "image":
      return imageLink(el.image_url, el.alt_text);
    default:
      return `<span class="unsupported">[${esc(el.type)}]</span>`;
  }
}

function imageLink(url, alt) {
  const href = safeUrl(String(url ?? ""));
  const label = `▣ ${alt || "image"}`;
  return href ? `<a class="image" href="${esc(href)}" target="_blank" rel="noopener noreferrer">${esc(label)}</a>` : esc(label);
}

function richText(block) {
  const walk = (node) => {
    if (!node) return "";
    if (node.type === "text") {
      let html = esc(node.text);
      if (node.style?.code) html = `<code>${html}</code>`;
      if (node.style?.bold) html = `<strong>${html}</strong>`;
      if (node.style?.italic) html = `<em>${html}</em>`;
      return html.replaceAll("\n", "<br>");
    }
    if (node.type === "link") {
      const href = safeUrl(node.url ?? "");
      return href ? `<a href="${esc(href)}" target="_blank" rel="noopener noreferrer">${esc(node.text || node.url)}</a>` : esc(node.text);
    }
    if (node.type === "user") return `<span class="mention">@${esc(ui.page?.names?.[node.user_id] ?? node.user_id)}</span>`;
    if (node.type === "channel") return `<span class="mention">#${esc(node.channel_id)}</span>`;
    if (node.type === "emoji") return glyph(node.name) ?? esc(`:${node.name}:`);
    if (node.type === "rich_text_preformatted") return `<pre>${(node.elements ?? []).map(walk).join("")}</pre>`;
    if (node.type === "rich_text_quote") return `<q>${(node.elements ?? []).map(walk).join("")}</q>`;
    if (node.type === "rich_text_list") return `<ul>${(node.elements ?? []).map((e) => `<li>${walk(e)}</li>`).join("")}</ul>`;
    return (node.elements ?? []).map(walk).join("");
  };
  return `<div class="block rich">${(block.elements ?? []).map(walk).join("")}</div>`;
}

function block(b, errors) {
  switch (b.type) {
    case "header":
      return `<h3 class="block header">${textObj(b.text)}</h3>`;
    case "divider":
      return `<hr class="block">`;
    case "section": {
      const text = b.text ? `<div class="text">${textObj(b.text)}</div>` : "";
      const fields = b.fields?.length ? `<div class="fields">${b.fields.map((f) => `<div>${textObj(f)}</div>`).join("")}</div>` : "";
      const accessory = b.accessory ? `<div class="accessory">${element(b.accessory, b)}</div>` : "";
      return `<div class="block section"><div class="body">${text}${fields}</div>${accessory}</div>`;
    }
    case "context":
      return `<div class="block context">${(b.elements ?? [])
        .map((e) => (e.type === "image" ? imageLink(e.image_url, e.alt_text) : `<span>${textObj(e)}</span>`))
        .join("")}</div>`;
    case "actions":
      return `<div class="block actions">${(b.elements ?? []).map((e) => element(e, b)).join("")}</div>`;
    case "image":
      return `<div class="block image">${imageLink(b.image_url, plainOf(b.title) || b.alt_text)}</div>`;
    case "input": {
      const error = errors?.[b.block_id];
      return `<div class="block input${error ? " has-error" : ""}" data-input-block="${esc(b.block_id)}">
        <label class="label">${textObj(b.label)}${b.optional ? ' <span class="optional">(optional)</span>' : ""}</label>
        ${element(b.element, b)}
        ${b.hint ? `<div class="hint">${textObj(b.hint)}</div>` : ""}
        ${error ? `<div class="error" role="alert">${esc(error)}</div>` : ""}
      </div>`;
    }
    case "rich_text":
      return richText(b);
    case "video":
      return `<div class="block image">${imageLink(b.title_url || b.video_url, plainOf(b.title))}</div>`;
    case "file":
      return `<div class="block context">▣ file ${esc(b.external_id ?? "")}</div>`;
    default:
      return `<div class="block unsupported">[${esc(b.type)} block]</div>`;
  }
}

function blocks(list, errors) {
  return (list ?? []).map((b) => block(b, errors)).join("");
}

function attachment(a) {
  const color = /^#?[0-9a-fA-F]{6}$/.test(a.color ?? "") ? a.color.replace(/^#?/, "#") : "";
  const bar = color ? ` data-color="${esc(color)}"` : "";
  const body = a.blocks
    ? blocks(a.blocks)
    : `${a.title ? `<strong>${esc(a.title)}</strong><br>` : ""}${mrkdwn(a.text ?? a.fallback ?? "")}`;
  return `<div class="attachment"${bar}>${body}</div>`;
}

// ------------------------------------------------------------- the page

function when(ts) {
  const d = new Date(Number.parseFloat(ts) * 1000);
  return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

function messageHtml(m) {
  const badges = `${m.pinned ? '<span class="pin">⚲ Pinned</span>' : ""}${m.edited ? '<span class="edited">(edited)</span>' : ""}`;
  const content = m.blocks?.length ? blocks(m.blocks) : `<div class="text">${mrkdwn(m.text)}</div>`;
  const attachments = (m.attachments ?? []).map(attachment).join("");
  const reactions = m.reactions?.length
    ? `<div class="reactions">${m.reactions.map((r) => `<span>${glyph(r.name) ?? esc(`:${r.name}:`)} ${esc(r.count)}</span>`).join("")}</div>`
    : "";
  const reply = m.threadTs && m.threadTs !== m.ts ? " reply" : "";
  const thread = m.replyCount ? `<div class="thread">${esc(m.replyCount)} ${m.replyCount === 1 ? "reply" : "replies"}</div>` : "";
  return `<article class="msg${m.bot ? " bot" : ""}${reply}${m.pinned ? " pinned" : ""}" id="m-${esc(m.ts.replace(".", "-"))}" data-ts="${esc(m.ts)}">
    <div class="meta"><strong>${esc(m.author.name)}</strong>${m.bot ? ' <span class="app">APP</span>' : ""} <time>${esc(when(m.ts))}</time> ${badges}</div>
    ${content}${attachments}${reactions}${thread}
  </article>`;
}

function ephemeralHtml(e) {
  const content = e.blocks?.length ? blocks(e.blocks) : `<div class="text">${mrkdwn(e.text)}</div>`;
  return `<article class="msg bot ephemeral" data-ts="${esc(e.ts)}" data-ephemeral="1">
    <div class="meta"><strong>Hotfix Commander</strong> <span class="app">APP</span> <time>${esc(when(e.ts))}</time> <span class="only">Only visible to you</span></div>
    ${content}
  </article>`;
}

function renderSidebar(page) {
  $("team").textContent = page.team;
  $("banner").textContent = page.banner;
  const select = $("user");
  const wanted = page.users.map((u) => `${u.id}:${u.realName}`).join("|");
  if (select.dataset.users !== wanted) {
    select.innerHTML = page.users
      .map((u) => `<option value="${esc(u.id)}">${esc(u.realName)}${u.title ? ` — ${esc(u.title)}` : ""}</option>`)
      .join("");
    select.dataset.users = wanted;
  }
  select.value = ui.user;
  $("channels").innerHTML = page.channels
    .map(
      (c) =>
        `<li><button type="button" class="chan${c.id === ui.channel ? " active" : ""}${c.archived ? " archived" : ""}" data-channel="${esc(c.id)}">${
          c.private ? "◆ " : "#"
        }${esc(c.name)}${c.archived ? ' <span class="tag">archived</span>' : ""}${c.member ? "" : ' <span class="tag">not a member</span>'}</button></li>`,
    )
    .join("");
  $("home-link").classList.toggle("active", ui.channel === "home");
  // On a phone the channel list scrolls sideways: keep the open channel in sight when it changes.
  if (ui.shownChannel !== ui.channel) {
    ui.shownChannel = ui.channel;
    document.querySelector("#channels .chan.active")?.scrollIntoView({ block: "nearest", inline: "nearest" });
  }
}

function renderChannel(page) {
  const composer = $("composer");
  if (ui.channel === "home") {
    $("channel-head").innerHTML =
      `<h2>App Home</h2><p class="topic">Hotfix Commander's Home tab, as ${esc(page.me?.realName ?? "")} sees it.</p>`;
    $("pins").innerHTML = "";
    $("messages").innerHTML = page.home
      ? `<div class="home" data-view-id="${esc(page.home.id)}">${blocks(page.home.blocks)}</div>`
      : '<p class="empty">Opening the Home tab…</p>';
    composer.hidden = true;
    return;
  }
  composer.hidden = false;
  const c = page.channel;
  if (!c) {
    $("channel-head").innerHTML = '<p class="empty">Pick a channel.</p>';
    $("messages").innerHTML = "";
    $("pins").innerHTML = "";
    return;
  }
  const bookmarks = c.bookmarks.length
    ? `<div class="bookmarks">${c.bookmarks
        .map((b) => {
          const href = safeUrl(b.link);
          return href
            ? `<a href="${esc(href)}" target="_blank" rel="noopener noreferrer">⚐ ${esc(b.title)}</a>`
            : `<span>⚐ ${esc(b.title)}</span>`;
        })
        .join("")}</div>`
    : "";
  $("channel-head").innerHTML = `<h2>#${esc(c.name)}${c.archived ? ' <span class="tag">archived</span>' : ""}</h2>
    ${c.topic ? `<p class="topic">${mrkdwn(c.topic)}</p>` : ""}
    <p class="members">${esc(c.members.length)} members: ${c.members.map((m) => esc(m.name)).join(", ")}</p>${bookmarks}`;
  const pinned = c.messages.filter((m) => m.pinned);
  $("pins").innerHTML = pinned.length
    ? `<div class="pinbar">⚲ Pinned: ${pinned.map((m) => `<a href="#" data-scroll="${esc(m.ts)}">${emoji(esc(firstLine(m)))}</a>`).join(" · ")}</div>`
    : "";
  const list = $("messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  const items = [
    ...c.messages.map((m) => ({ ts: m.ts, html: messageHtml(m) })),
    ...c.ephemerals.map((e) => ({ ts: e.ts, html: ephemeralHtml(e) })),
  ];
  items.sort((x, y) => Number.parseFloat(x.ts) - Number.parseFloat(y.ts));
  list.innerHTML = items.length
    ? items.map((i) => i.html).join("")
    : '<p class="empty">No messages yet. Type a command below, e.g. <code>/hotfix help</code>.</p>';
  if (atBottom) list.scrollTop = list.scrollHeight;
}

function firstLine(m) {
  const header = (m.blocks ?? []).find((b) => b.type === "header" || b.type === "section");
  const text = header ? plainOf(header.text) : m.text;
  return String(text ?? "")
    .split("\n")[0]
    .slice(0, 80);
}

function renderModal(page, errors) {
  const root = $("modal-root");
  const modal = page.modal;
  const key = modal ? `${modal.id}:${modal.hash}` : "";
  if (key === ui.modalKey && !errors) return;
  ui.modalKey = key;
  if (!modal) {
    root.innerHTML = "";
    return;
  }
  root.innerHTML = `<div class="overlay"><form class="modal" data-view-id="${esc(modal.id)}" novalidate role="dialog" aria-label="${esc(plainOf(modal.title))}">
    <header><h2>${textObj(modal.title)}</h2><button type="button" class="x" data-close="1" aria-label="Close">×</button></header>
    <div class="modal-body">${blocks(modal.blocks, errors)}</div>
    <footer>
      <button type="button" class="btn" data-close="1">${esc(plainOf(modal.close) || "Cancel")}</button>
      ${modal.submit ? `<button type="submit" class="btn primary">${esc(plainOf(modal.submit))}</button>` : ""}
    </footer>
  </form></div>`;
}

function panelActions(p) {
  const actions = p.data?.actions ?? [];
  return actions.length
    ? `<div class="panel-actions">${actions
        .map(
          (a) =>
            `<button type="button" class="btn" data-panel-id="${esc(p.id)}" data-panel-action="${esc(a.id)}"${a.hint ? ` title="${esc(a.hint)}"` : ""}>${esc(a.label)}</button>`,
        )
        .join("")}</div>`
    : "";
}

function renderPanels(list) {
  $("panels").innerHTML = list
    .map(
      (p) =>
        `<section class="panel" data-panel="${esc(p.id)}"><h2>${esc(p.title)}</h2>${panelActions(p)}${
          p.error
            ? `<p class="error">${esc(p.error)}</p>`
            : p.data.sections
                .map(
                  (s) =>
                    `<h3>${esc(s.title)}</h3>${
                      s.rows.length
                        ? `<ul>${s.rows
                            .map((r) => {
                              const href = safeUrl(r.link ?? "");
                              const label = href
                                ? `<a href="${esc(href)}" target="_blank" rel="noopener noreferrer">${esc(r.text)}</a>`
                                : esc(r.text);
                              return `<li>${label}${r.badge ? ` <span class="tag">${esc(r.badge)}</span>` : ""}${r.detail ? `<small>${esc(r.detail)}</small>` : ""}</li>`;
                            })
                            .join("")}</ul>`
                        : '<p class="empty">none</p>'
                    }`,
                )
                .join("")
        }</section>`,
    )
    .join("");
}

// ------------------------------------------------------------ talking

async function api(path, body) {
  const res = await fetch(`/web/api/${path}`, {
    method: body ? "POST" : "GET",
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return res.json();
}

function say(text, isError) {
  const status = $("status");
  status.textContent = text;
  status.classList.toggle("error", Boolean(isError));
}

function saveLocation() {
  history.replaceState(null, "", `#user=${encodeURIComponent(ui.user)}&channel=${encodeURIComponent(ui.channel)}`);
}

async function refresh() {
  const query = new URLSearchParams({ user: ui.user });
  if (ui.channel && ui.channel !== "home") query.set("channel", ui.channel);
  const res = await fetch(`/web/api/page?${query}`);
  const text = await res.text();
  if (text === ui.pageText) return;
  ui.pageText = text;
  const page = JSON.parse(text);
  if (page.ok === false) {
    say(page.error, true);
    return;
  }
  ui.page = page;
  if (!ui.user && page.me) ui.user = page.me.id;
  if (!ui.channel) ui.channel = page.channels[0]?.id ?? "";
  if (ui.channel === "home" && !page.home && ui.homeRequested !== ui.user) openHome();
  document.body.dataset.ready = "1";
  renderSidebar(page);
  renderChannel(page);
  renderModal(page);
}

async function refreshPanels() {
  const res = await fetch("/web/api/panels");
  const text = await res.text();
  if (text === ui.panelsText) return;
  ui.panelsText = text;
  renderPanels(JSON.parse(text));
}

async function act(path, body, done) {
  try {
    const result = await api(path, { user: ui.user, ...body });
    if (result.ok === false && result.responseAction !== "errors") say(result.error ?? "The app refused.", true);
    else if (done) say(done, false);
    return result;
  } catch (error) {
    say(`Could not reach the sandbox: ${error.message}`, true);
    return { ok: false };
  } finally {
    ui.pageText = "";
    await refresh().catch(() => undefined);
  }
}

function openHome() {
  ui.homeRequested = ui.user;
  act("home", {});
}

/** What an element holds now, in the plain form the emulator takes. */
function currentValue(node) {
  const kind = node.dataset.kind;
  if (kind === "checkboxes") return [...node.querySelectorAll("input:checked")].map((i) => i.value);
  if (kind === "radio_buttons") return node.querySelector("input:checked")?.value ?? null;
  if (node.multiple) return [...node.selectedOptions].map((o) => o.value);
  if (kind === "datetimepicker") return node.value ? new Date(node.value).toISOString() : null;
  return node.value === "" ? null : node.value;
}

function readInputs(form) {
  const values = {};
  for (const holder of form.querySelectorAll("[data-input-block]")) {
    const node = holder.querySelector("[data-kind]");
    if (!node) continue;
    const blockId = node.dataset.blockId;
    values[blockId] = { ...(values[blockId] ?? {}), [node.dataset.actionId]: currentValue(node) };
  }
  return values;
}

function actionTarget(node) {
  const view = node.closest("[data-view-id]");
  if (view) return { viewId: view.dataset.viewId };
  const message = node.closest("[data-ts]");
  return { channel: ui.channel, ts: message?.dataset.ts ?? "" };
}

async function interact(node, value) {
  if (node.closest("[data-input-block]")) return; // read on submit, as Slack does
  const label = node.textContent?.trim() || node.dataset.actionId;
  await act(
    "action",
    { ...actionTarget(node), actionId: node.dataset.actionId, blockId: node.dataset.blockId, ...(value === undefined ? {} : { value }) },
    `Clicked “${label}”.`,
  );
}

document.addEventListener("click", async (event) => {
  const target = event.target;
  if (!(target instanceof Element)) return;
  const goto = target.closest("[data-goto]");
  if (goto) {
    event.preventDefault();
    select(goto.dataset.goto);
    return;
  }
  const scroll = target.closest("[data-scroll]");
  if (scroll) {
    event.preventDefault();
    document.getElementById(`m-${scroll.dataset.scroll.replace(".", "-")}`)?.scrollIntoView({ block: "center" });
    return;
  }
  const channel = target.closest("[data-channel]");
  if (channel) {
    select(channel.dataset.channel);
    return;
  }
  const close = target.closest("[data-close]");
  if (close) {
    const form = close.closest("form[data-view-id]");
    await act("close", { viewId: form.dataset.viewId }, "Closed.");
    return;
  }
  const panelButton = target.closest("[data-panel-action]");
  if (panelButton && !panelButton.disabled) {
    panelButton.disabled = true;
    const result = await act("panel", { panel: panelButton.dataset.panelId, action: panelButton.dataset.panelAction });
    if (result.ok) say(result.message, false);
    ui.panelsText = "";
    await refreshPanels().catch(() => undefined);
    return;
  }
  const button = target.closest('button[data-kind="button"]');
  if (button && !button.disabled) {
    button.disabled = true;
    await interact(button, undefined);
  }
});

document.addEventListener("change", async (event) => {
  const target = event.target;
  if (!(target instanceof Element)) return;
  if (target.id === "user") {
    ui.user = target.value;
    ui.modalKey = "";
    ui.homeRequested = "";
    saveLocation();
    ui.pageText = "";
    await refresh();
    if (ui.channel === "home") openHome();
    return;
  }
  const node = target.closest("[data-kind]");
  if (!node || node.dataset.kind === "button") return;
  const value = currentValue(node);
  if (node.dataset.kind === "overflow") await interact(node, value);
  else await interact(node, value);
});

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  event.preventDefault();
  if (form.id === "composer") {
    const input = $("command");
    const text = input.value.trim();
    if (!text || !ui.channel || ui.channel === "home") return;
    input.value = "";
    const channelName = ui.page?.channel?.name ?? ui.channel;
    await act(
      "command",
      { channel: ui.channel, text: text.startsWith("/") ? text : `/hotfix ${text}` },
      `Sent “${text}” in #${channelName}.`,
    );
    return;
  }
  if (form.dataset.viewId) {
    const submit = form.querySelector('button[type="submit"]');
    if (submit) submit.disabled = true;
    const result = await api("submit", { user: ui.user, viewId: form.dataset.viewId, values: readInputs(form) }).catch((error) => ({
      ok: false,
      error: error.message,
    }));
    if (result.responseAction === "errors" && result.errors) {
      // Slack keeps the form open and shows each error under its field; the user's input stays.
      for (const holder of form.querySelectorAll("[data-input-block]")) {
        holder.classList.remove("has-error");
        holder.querySelector(".error")?.remove();
        const message = result.errors[holder.dataset.inputBlock];
        if (message) {
          holder.classList.add("has-error");
          holder.insertAdjacentHTML("beforeend", `<div class="error" role="alert">${esc(message)}</div>`);
        }
      }
      if (submit) submit.disabled = false;
      say("The form has errors.", true);
    } else if (result.ok === false) {
      if (submit) submit.disabled = false;
      say(result.error ?? "Submitting failed.", true);
    } else {
      say("Submitted.", false);
    }
    ui.pageText = "";
    await refresh();
  }
});

function select(channel) {
  ui.channel = channel;
  saveLocation();
  ui.pageText = "";
  if (channel === "home") openHome();
  refresh();
}

$("home-link").addEventListener("click", () => select("home"));

function start() {
  const params = new URLSearchParams(location.hash.slice(1));
  ui.user = params.get("user") ?? "";
  ui.channel = params.get("channel") ?? "";
  const loop = async () => {
    try {
      await refresh();
    } catch (error) {
      say(`Lost the sandbox: ${error.message}`, true);
    }
    setTimeout(loop, POLL_MS);
  };
  const panelLoop = async () => {
    await refreshPanels().catch(() => undefined);
    setTimeout(panelLoop, PANEL_POLL_MS);
  };
  loop();
  panelLoop();
}

start();
