#!/usr/bin/env python3
"""Check that every quote of HTML articles is placed in the HTML as sent (html offsets and selectors).

    python scripts/check_places.py ARTICLE.html [...]

Each file is attributed as HTML in process and checked with tests/helpers.py's assert_html_places (offsets
hold the quote's text; the RangeSelector resolves in html5lib's HTML5 tree to the TextQuoteSelector's exact
text). Needs the test extras (html5lib). Exits 1 if any file fails.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quotesvc.core.attributor import Attributor  # noqa: E402
from quotesvc.core.model import Article  # noqa: E402
from quotesvc.core.nlp import load_pipeline  # noqa: E402
from quotesvc.core.rules import load_rules  # noqa: E402
from quotesvc.service.schemas import QuoteResponseSchema  # noqa: E402
from tests.helpers import assert_html_places  # noqa: E402


def main() -> int:
    attributor = Attributor(load_pipeline(), load_rules())
    failed = 0
    for name in sys.argv[1:]:
        markup = Path(name).read_text(encoding="utf-8")
        answer = QuoteResponseSchema().dump(attributor.attribute(Article(markup, "html")))
        try:
            assert_html_places(answer, markup)
            print(f"{name}: {len(answer['quotes'])} quotes, every html range and selector holds")
        except AssertionError as exc:
            failed += 1
            print(f"{name}: FAILED {exc}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
