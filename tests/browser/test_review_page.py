"""The review page in a real browser: Playwright driving Debian's chromium against the live app.

Playwright's own browser download cannot reach its host here, so the system chromium is used
(QUOTESVC_CHROMIUM, default /usr/bin/chromium; `.ci/run` installs it with apt-get). Articles are written
for the tests. A screenshot of the page is saved as tests/browser/output/review-page.png (the README's).
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

CHROMIUM = os.environ.get("QUOTESVC_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
OUTPUT = Path(__file__).resolve().parent / "output"

ARTICLE_HTML = """<!doctype html>
<html><head><title>Harbour board backs new pier</title><style>p { margin: 0 }</style></head>
<body><div id="story">
<h1>Harbour board backs new pier</h1>
<p>The harbour board voted on Tuesday to build a new pier, after a debate that ran past midnight.</p>
<p>&ldquo;We have waited <em>ten years</em> for this pier, and the <a href="https://example.org/boats">boats
are ready</a>,&rdquo; said Ines Okafor, the harbour master.</p>
<p>Tomas Berg, who chairs the board, said the cost would be shared with the ferry company.</p>
<p>&ldquo;The old pier will stay open for the fishing fleet until the new one is finished.</p>
<p>&ldquo;Nobody will lose a mooring <span class="note">during the works</span>.</p>
<p>&ldquo;And the fares will not rise this year,&rdquo; Berg told reporters.</p>
<p>Okafor said the first boats could tie up in the spring.</p>
</div></body></html>"""

ARTICLE_TEXT = (
    "The ferry company has asked for a longer lease.\n\n"
    "\u201cWe cannot run the winter boats at a loss for another year,\u201d said Maria Lind, its director.\n\n"
    "Tomas Berg said the board would answer in May.\n")

XSS_QUOTE = "<img src=x onerror=alert(1)>"
XSS_HTML = ("<p>&ldquo;Type &lt;img src=x onerror=alert(1)&gt; into the form and see what happens,&rdquo; "
            "said Ines Okafor, the harbour master.</p>")
XSS_TEXT = f"\u201cType {XSS_QUOTE} into the form and see what happens,\u201d said Ines Okafor.\n"


def squash(text: str) -> str:
    return "".join(text.split())


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no chromium at {CHROMIUM}: apt-get install -y chromium, or set QUOTESVC_CHROMIUM")
    with sync_playwright() as p:
        # A fresh profile each run: as root chromium needs --no-sandbox, and an old profile may hold state.
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, headless=True, args=ARGS,
            viewport={"width": 1280, "height": 1000})
        yield ctx
        ctx.close()


@pytest.fixture
def page(context, live_url):
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.goto(live_url + "/")
    page.problems = problems
    yield page
    page.close()


def submit(page: Page, article: str, fmt: str = "auto") -> dict:
    page.fill("textarea[name=article]", article)
    page.select_option("select[name=format]", fmt)
    with page.expect_response(lambda r: r.url.endswith("/v1/quotes")) as answered:
        page.click("button[type=submit]")
    answer = answered.value.json()
    page.wait_for_selector("#results:not([hidden])")
    page.wait_for_function("document.querySelector('#status').textContent.includes('quote')")
    return answer


def marks_by_quote(page: Page) -> dict[str, str]:
    return page.evaluate("""() => {
        const out = {};
        for (const m of document.querySelectorAll('#article-view mark[data-quote-id]'))
            out[m.dataset.quoteId] = (out[m.dataset.quoteId] || '') + m.textContent;
        return out;
    }""")


def test_html_article_is_highlighted_through_its_selectors(page):
    answer = submit(page, ARTICLE_HTML)
    assert len(answer["quotes"]) >= 3
    marks = marks_by_quote(page)
    # Every quote has its highlight, whose text is the quote's (a quote over inline tags or paragraphs is
    # highlighted in pieces, one per text node).
    assert set(marks) == {q["id"] for q in answer["quotes"]}
    for q in answer["quotes"]:
        assert squash(marks[q["id"]]) == squash(q["text"]), q["id"]
    assert any(len(page.query_selector_all(f"mark[data-quote-id={q['id']}]")) > 1 for q in answer["quotes"])
    OUTPUT.mkdir(exist_ok=True)
    page.hover(f"mark[data-quote-id={answer['quotes'][0]['id']}]")
    page.screenshot(path=str(OUTPUT / "review-page.png"), full_page=True)
    assert page.problems == []


def test_range_selectors_resolve_in_the_dom_of_the_html_as_sent(page):
    """Independently of the page: each RangeSelector, resolved in a DOMParser document of the HTML as sent,
    holds the quote's text."""
    answer = submit(page, ARTICLE_HTML)
    resolved = page.evaluate("""([html, ranges]) => {
        const doc = new DOMParser().parseFromString(html, 'text/html');
        const point = (xpath, offset, isEnd) => {
            const el = doc.evaluate(xpath, doc, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue;
            const walker = doc.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            let left = offset, node;
            while ((node = walker.nextNode())) {
                const n = Array.from(node.data).length;
                if (isEnd ? left <= n : left < n) return [node, Array.from(node.data).slice(0, left).join('').length];
                left -= n;
            }
            return null;
        };
        return ranges.map((r) => {
            const s = point(r.startContainer, r.startOffset, false), e = point(r.endContainer, r.endOffset, true);
            const range = doc.createRange();
            range.setStart(s[0], s[1]);
            range.setEnd(e[0], e[1]);
            return range.toString();
        });
    }""", [ARTICLE_HTML, [q["selectors"]["range"] for q in answer["quotes"]]])
    for q, text in zip(answer["quotes"], resolved):
        assert text == q["selectors"]["quote"]["exact"]
        assert squash(text) == squash(q["text"])


def test_speakers_panel_lists_and_filters(page):
    answer = submit(page, ARTICLE_HTML)
    entries = page.query_selector_all("#speakers [data-speaker-id]")
    assert [e.get_attribute("data-speaker-id") for e in entries] == [s["id"] for s in answer["speakers"]]
    names = [e.query_selector("strong").inner_text() for e in entries]
    assert "Ines Okafor" in names and any("Berg" in n for n in names)
    okafor = next(s for s in answer["speakers"] if s["name"] == "Ines Okafor")
    page.click(f"#speakers [data-speaker-id={okafor['id']}] button")
    shown = page.eval_on_selector_all("mark[data-quote-id]:not(.muted)", "ms => ms.map(m => m.dataset.quoteId)")
    assert set(shown) == set(okafor["quotes"])
    page.click(f"#speakers [data-speaker-id={okafor['id']}] button")  # again: everyone
    assert page.query_selector_all("mark.muted") == []
    assert page.problems == []


def test_hover_shows_speaker_cue_rule_and_confidence(page):
    answer = submit(page, ARTICLE_TEXT, "text")
    q = answer["quotes"][0]
    page.focus(f"mark[data-quote-id={q['id']}]")
    detail = {k: page.inner_text(f"#detail dd[data-field={k}]") for k in ("speaker", "cue", "rule", "confidence",
                                                                           "kind")}
    assert detail == {"speaker": q["speaker"]["name"], "cue": q["cue"]["text"], "rule": q["rule"],
                      "confidence": f"{q['confidence']:.2f}", "kind": q["kind"]}


def test_text_article_has_one_mark_per_quote(page):
    answer = submit(page, ARTICLE_TEXT)
    marks = page.eval_on_selector_all("mark[data-quote-id]", "ms => ms.map(m => [m.dataset.quoteId, m.textContent])")
    assert marks == [[q["id"], q["text"]] for q in answer["quotes"]]
    page.click("#json-answer summary")  # the JSON answer, one click away
    assert json.loads(page.inner_text("#json"))["quotes"] == answer["quotes"]


def test_minimum_confidence_mutes_weaker_quotes(page):
    answer = submit(page, ARTICLE_HTML)
    page.fill("#min-confidence", "0.8")
    page.dispatch_event("#min-confidence", "input")
    muted = set(page.eval_on_selector_all("mark.muted", "ms => ms.map(m => m.dataset.quoteId)"))
    assert muted == {q["id"] for q in answer["quotes"] if q["confidence"] < 0.8}


@pytest.mark.parametrize("article, fmt", [(XSS_HTML, "html"), (XSS_TEXT, "text")])
def test_markup_inside_a_quote_is_shown_as_text_and_runs_nothing(page, article, fmt):
    answer = submit(page, article, fmt)
    [q] = [q for q in answer["quotes"] if XSS_QUOTE in q["text"]]
    assert XSS_QUOTE in marks_by_quote(page)[q["id"]]
    assert page.query_selector("#article-view img") is None
    page.wait_for_timeout(300)  # an onerror handler, had an image been made, would have fired by now
    assert page.problems == []


def test_page_sends_a_content_security_policy(page, live_url):
    response = page.goto(live_url + "/")
    csp = response.headers["content-security-policy"]
    assert re.search(r"script-src 'self'(;|$)", csp) and "unsafe-inline" not in csp
    # Everything the page loads comes from the app itself.
    hosts = page.evaluate("() => performance.getEntriesByType('resource').map(e => new URL(e.name).host)")
    assert set(hosts) <= {live_url.split("//", 1)[1]}
