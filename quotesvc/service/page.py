"""The review page at GET /: paste or drop an article, see its quotes highlighted and who said them.

Everything the page needs is served from here (static/review.*), so it works offline, under a
Content-Security-Policy that allows only this origin's scripts and styles and no inline code. The page
calls the API (POST /v1/quotes) like any client; for HTML input it also asks POST /page/sanitize for the
article's HTML made safe by nh3, renders that, and places each quote through its W3C selectors.
"""
from __future__ import annotations

import nh3
from flask import Blueprint, Response, current_app, jsonify, send_from_directory
from marshmallow import Schema, fields, validate

from .body import load_or_422, read_json
from .settings import Settings

bp = Blueprint("page", __name__, static_folder="static", static_url_path="/page")

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

# What the page renders of an article's HTML: text structure and links, nothing that runs, loads or styles.
# Elements that never showed text are dropped with their content, so the text the browser shows, and the
# offsets of the selectors into it, stay those of the HTML as sent.
ALLOWED_TAGS = frozenset(
    "a abbr address article aside b bdi bdo blockquote br caption center cite code col colgroup dd del details "
    "dfn div dl dt em figcaption figure footer h1 h2 h3 h4 h5 h6 header hgroup hr i ins kbd li main mark nav "
    "ol p pre q rp rt ruby s samp section small span strike strong sub summary sup table tbody td tfoot th "
    "thead time tr tt u ul var wbr font".split())
DROPPED_WITH_CONTENT = frozenset("script style title template noscript iframe object textarea select button "
                                 "svg math head".split())


class SanitizeSchema(Schema):
    html = fields.String(required=True)

    def __init__(self, max_chars: int) -> None:
        super().__init__()
        self.fields["html"].validators = [validate.Length(max=max_chars)]


def sanitize(markup: str) -> str:
    return nh3.clean(markup, tags=set(ALLOWED_TAGS), clean_content_tags=set(DROPPED_WITH_CONTENT),
                     attributes={"a": {"href", "title"}, "abbr": {"title"}, "td": {"colspan", "rowspan"},
                                 "th": {"colspan", "rowspan"}},
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow",
                     strip_comments=True)


@bp.get("/")
def review_page() -> Response:
    response = send_from_directory(bp.static_folder, "review.html", mimetype="text/html", max_age=0)
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.post("/page/sanitize")
def post_sanitize():
    settings: Settings = current_app.extensions["quotesvc.settings"]
    payload = load_or_422(SanitizeSchema(settings.MAX_CHARS), read_json())
    return jsonify({"html": sanitize(payload["html"])})
