// The review page: sends the article to POST /v1/quotes and shows the answer. Quote and speaker text is
// only ever inserted as text (textContent, text nodes); the article's own HTML only as the server's
// sanitised copy. Offsets in the answer count code points; JavaScript strings count UTF-16 units.
"use strict";

const $ = (selector) => document.querySelector(selector);
const PALETTE = 8;

function setStatus(message, error = false) {
  const status = $("#status");
  status.textContent = message;
  status.classList.toggle("error", error);
}

function looksLikeHtml(text) {
  return /<(?:!doctype\s+html|\/?(?:p|div|br|html|body|article|section|h[1-6]|ul|ol|li|blockquote|table|span|a|em|strong)\b[^<>]*)>/i.test(text);
}

async function postJson(url, body) {
  const response = await fetch(url, {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)});
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    throw new Error(data && data.error ? `${data.error.code}: ${data.error.message}` : `HTTP ${response.status}`);
  }
  return data;
}

// UTF-16 index of code point `cp` in `text`.
function unitsOf(text, cp) {
  let units = 0;
  for (let i = 0; i < cp && units < text.length; i++) {
    const c = text.charCodeAt(units);
    units += c >= 0xd800 && c < 0xdc00 && units + 1 < text.length ? 2 : 1;
  }
  return units;
}

function codePoints(text) {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!(c >= 0xdc00 && c < 0xe000 && i > 0)) n++;
  }
  return n;
}

// A point of a RangeSelector (an XPath from /html[1]/body[1] and a code-point offset into the element's
// text) in `root`, which holds what the body held. Starts fall at the beginning of the next text node,
// ends at the end of the previous one.
function resolvePoint(root, container, offset, isEnd) {
  const rest = container.replace(/^\/html\[1\]\/body\[1\]/, "");
  const element = rest ? document.evaluate("." + rest, root, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null)
    .singleNodeValue : root;
  if (!element) return null;
  const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  let left = offset;
  let node;
  while ((node = walker.nextNode())) {
    const length = codePoints(node.data);
    if (isEnd ? left <= length : left < length) return {node, offset: unitsOf(node.data, left)};
    left -= length;
  }
  return null;
}

function resolveRange(root, range) {
  const start = resolvePoint(root, range.startContainer, range.startOffset, false);
  const end = resolvePoint(root, range.endContainer, range.endOffset, true);
  if (!start || !end) return null;
  const r = document.createRange();
  r.setStart(start.node, start.offset);
  r.setEnd(end.node, end.offset);
  return r;
}

function makeMark(quote, speakerClass) {
  const mark = document.createElement("mark");
  mark.dataset.quoteId = quote.id;
  mark.dataset.confidence = String(quote.confidence);
  if (quote.speaker && quote.speaker.entity) mark.dataset.speakerId = quote.speaker.entity;
  mark.className = `kind-${quote.kind} ${speakerClass}`;
  return mark;
}

// Wrap the text of `range` in marks, one per text node it touches (white space between blocks left out).
function highlight(range, quote, speakerClass) {
  const root = range.commonAncestorContainer;
  const nodes = [];
  if (root.nodeType === Node.TEXT_NODE) {
    nodes.push(root);
  } else {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) if (range.intersectsNode(node)) nodes.push(node);
  }
  const marks = [];
  for (const node of nodes) {
    const from = node === range.startContainer ? range.startOffset : 0;
    const to = node === range.endContainer ? range.endOffset : node.data.length;
    if (to <= from || !node.data.slice(from, to).trim()) continue;
    let piece = node;
    if (to < piece.data.length) piece.splitText(to);
    if (from > 0) piece = piece.splitText(from);
    const mark = makeMark(quote, speakerClass);
    piece.parentNode.insertBefore(mark, piece);
    mark.appendChild(piece);
    marks.push(mark);
  }
  if (marks.length) marks[0].tabIndex = 0;
  return marks;
}

function speakerClasses(answer) {
  const classes = new Map();
  answer.speakers.forEach((s, i) => classes.set(s.id, `spk-${i % PALETTE}`));
  return (quote) => (quote.speaker && classes.get(quote.speaker.entity)) || "spk-none";
}

function renderText(view, answer, classOf) {
  const text = answer.text;
  const pre = document.createElement("div");
  pre.className = "plain";
  let done = 0;  // in UTF-16 units
  // Code point -> UTF-16 offsets, in one pass over the quotes (they come in text order).
  let cp = 0;
  let units = 0;
  const toUnits = (target) => {
    while (cp < target && units < text.length) {
      const c = text.charCodeAt(units);
      units += c >= 0xd800 && c < 0xdc00 && units + 1 < text.length ? 2 : 1;
      cp++;
    }
    return units;
  };
  for (const quote of answer.quotes) {
    const start = toUnits(quote.start);
    if (start < done) continue;  // overlapping quotes: the first one keeps the text
    const end = toUnits(quote.end);
    pre.append(document.createTextNode(text.slice(done, start)));
    const mark = makeMark(quote, classOf(quote));
    mark.textContent = text.slice(start, end);
    mark.tabIndex = 0;
    pre.append(mark);
    done = end;
  }
  pre.append(document.createTextNode(text.slice(done)));
  view.append(pre);
}

function renderHtml(view, answer, safeHtml, classOf) {
  view.innerHTML = safeHtml;  // the server's nh3-sanitised copy of the article
  for (const quote of answer.quotes) {
    const range = quote.selectors && resolveRange(view, quote.selectors.range);
    if (range) highlight(range, quote, classOf(quote));
  }
}

function describe(quote, answer) {
  const detail = $("#detail");
  detail.replaceChildren();
  const speaker = quote.speaker && answer.speakers.find((s) => s.id === quote.speaker.entity);
  const rows = [
    ["Speaker", quote.speaker ? (quote.speaker.name || quote.speaker.mention.text) : "unattributed"],
    ["Mention", quote.speaker ? quote.speaker.mention.text : "–"],
    ["Role", speaker && speaker.role ? speaker.role : "–"],
    ["Kind", quote.kind],
    ["Cue", quote.cue ? quote.cue.text : "–"],
    ["Rule", quote.rule],
    ["Confidence", quote.confidence.toFixed(2)],
  ];
  const dl = document.createElement("dl");
  for (const [term, value] of rows) {
    const dt = document.createElement("dt");
    dt.textContent = term;
    const dd = document.createElement("dd");
    dd.textContent = value;
    dd.dataset.field = term.toLowerCase();
    dl.append(dt, dd);
  }
  detail.append(dl);
}

function renderSpeakers(answer, classOf, state) {
  const list = $("#speakers");
  list.replaceChildren();
  for (const speaker of answer.speakers) {
    const li = document.createElement("li");
    li.dataset.speakerId = speaker.id;
    const button = document.createElement("button");
    button.type = "button";
    button.setAttribute("aria-pressed", "false");
    button.className = classOf({speaker: {entity: speaker.id}});
    const name = document.createElement("strong");
    name.textContent = speaker.name || (speaker.aliases[0] || speaker.id);
    const meta = document.createElement("span");
    meta.className = "meta";
    const facts = [speaker.role, speaker.affiliation].filter(Boolean);
    facts.push(`${speaker.quotes.length} quote${speaker.quotes.length === 1 ? "" : "s"}`);
    meta.textContent = facts.join(" · ");
    button.append(name, meta);
    button.addEventListener("click", () => {
      state.speaker = state.speaker === speaker.id ? null : speaker.id;
      for (const b of list.querySelectorAll("button")) {
        b.setAttribute("aria-pressed", String(b.parentElement.dataset.speakerId === state.speaker));
      }
      applyFilters(state);
    });
    li.append(button);
    list.append(li);
  }
}

function applyFilters(state) {
  for (const mark of document.querySelectorAll("#article-view mark[data-quote-id]")) {
    const shown = Number(mark.dataset.confidence) >= state.minConfidence &&
      (state.speaker === null || mark.dataset.speakerId === state.speaker);
    mark.classList.toggle("muted", !shown);
  }
}

let shown = null;  // the answer on the page: {answer, state, byId}

function onMark(event) {
  const mark = event.target.closest && event.target.closest("mark[data-quote-id]");
  if (shown && mark && shown.byId.has(mark.dataset.quoteId)) describe(shown.byId.get(mark.dataset.quoteId), shown.answer);
}

function onMinConfidence(event) {
  const value = Number(event.target.value);
  $("#min-confidence-value").textContent = value.toFixed(2);
  if (shown) {
    shown.state.minConfidence = value;
    applyFilters(shown.state);
  }
}

function show(answer, safeHtml) {
  const view = $("#article-view");
  view.replaceChildren();
  const classOf = speakerClasses(answer);
  const state = {speaker: null, minConfidence: Number($("#min-confidence").value)};
  if (safeHtml === null) renderText(view, answer, classOf); else renderHtml(view, answer, safeHtml, classOf);
  renderSpeakers(answer, classOf, state);
  shown = {answer, state, byId: new Map(answer.quotes.map((q) => [q.id, q]))};
  applyFilters(state);
  $("#json").textContent = JSON.stringify(answer, null, 2);
  $("#results").hidden = false;
}

async function submit(event) {
  event.preventDefault();
  const content = $("textarea[name=article]").value;
  if (!content.trim()) {
    setStatus("Paste an article first.", true);
    return;
  }
  const chosen = $("select[name=format]").value;
  const format = chosen === "auto" ? (looksLikeHtml(content) ? "html" : "text") : chosen;
  setStatus("Reading the article…");
  try {
    const answer = await postJson("/v1/quotes", {[format]: content, options: {include_text: true}});
    const safeHtml = format === "html" ? (await postJson("/page/sanitize", {html: content})).html : null;
    show(answer, safeHtml);
    const n = answer.quotes.length;
    setStatus(`${n} quote${n === 1 ? "" : "s"}, ${answer.speakers.length} speaker${answer.speakers.length === 1 ? "" : "s"} ` +
      `(read as ${format}, paragraphs from ${answer.meta.layout === "html" ? "its HTML" : answer.meta.layout}, ` +
      `${Math.round(answer.meta.elapsed_ms)} ms)`);
  } catch (error) {
    setStatus(error.message, true);
  }
}

function acceptDrops(textarea) {
  textarea.addEventListener("dragover", (event) => {
    event.preventDefault();
    textarea.classList.add("dragging");
  });
  textarea.addEventListener("dragleave", () => textarea.classList.remove("dragging"));
  textarea.addEventListener("drop", async (event) => {
    event.preventDefault();
    textarea.classList.remove("dragging");
    const file = event.dataTransfer.files[0];
    if (file) textarea.value = await file.text();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  $("#review").addEventListener("submit", submit);
  $("#article-view").addEventListener("mouseover", onMark);
  $("#article-view").addEventListener("focusin", onMark);
  $("#min-confidence").addEventListener("input", onMinConfidence);
  acceptDrops($("textarea[name=article]"));
});

window.quotesvcReview = {resolveRange};
