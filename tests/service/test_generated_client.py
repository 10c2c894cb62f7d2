"""A client generated from docs/openapi.json by openapi-python-client is typed, and works against the service.

The generator runs in a virtualenv of its own (its typer is newer than spaCy 3.6 allows), where the
generated package is also installed; a script there makes a typed round trip to the live service.
"""
from __future__ import annotations

import json
import subprocess
import venv
from pathlib import Path

import pytest

GENERATOR = "openapi-python-client==0.29.1"
DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"

ROUND_TRIP = r'''
import json, sys
from quotesvc_client import Client
from quotesvc_client.api.default import post_v1_quotes
from quotesvc_client.models import (HtmlRequest, MetaLayout, Options, OptionsLayout, QuoteKind, QuoteResponse,
                                    SpeakerRef, TextRequest)

client = Client(base_url=sys.argv[1], raise_on_unexpected_status=True)
text = "\u201cThe ferry will run all winter,\u201d said Ines Okafor, the harbour master."
answer = post_v1_quotes.sync(client=client, body=TextRequest(text=text, id="typed-1",
                                                             options=Options(layout=OptionsLayout.LINES)))
assert isinstance(answer, QuoteResponse), type(answer)
quote = answer.quotes[0]
assert isinstance(quote.speaker, SpeakerRef) and isinstance(quote.kind, QuoteKind)
assert answer.meta.layout is MetaLayout.LINES and quote.html is None and quote.selectors is None
html = "<p>\u201cThe pier opens in <em>May</em>,\u201d said Ines Okafor.</p>"
placed = post_v1_quotes.sync(client=client, body=HtmlRequest(html=html)).quotes[0]
print(json.dumps({
    "id": answer.id, "text": quote.text, "name": quote.speaker.name, "kind": quote.kind.value,
    "start": quote.start, "end": quote.end, "html": [placed.html.start, placed.html.end],
    "range": [placed.selectors.range_.start_container, placed.selectors.range_.start_offset],
    "exact": placed.selectors.quote.exact,
}))
'''


@pytest.fixture(scope="module")
def generated_python(tmp_path_factory) -> Path:
    """The python of a virtualenv holding the generator and the client it generated from docs/openapi.json."""
    work = tmp_path_factory.mktemp("generated-client")
    venv.create(work / "venv", with_pip=True)
    python = work / "venv" / "bin" / "python"
    run([str(python), "-m", "pip", "install", "-q", GENERATOR])
    run([str(work / "venv" / "bin" / "openapi-python-client"), "generate", "--path", str(DOCUMENT),
         "--output-path", str(work / "client"), "--meta", "setup"])
    run([str(python), "-m", "pip", "install", "-q", str(work / "client")])
    return python


def run(argv: list[str]) -> str:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{argv}: {done.stdout}\n{done.stderr}"
    return done.stdout


def test_generated_client_makes_a_typed_round_trip(generated_python, live_url):
    out = json.loads(run([str(generated_python), "-c", ROUND_TRIP, live_url]).strip().splitlines()[-1])
    assert out["id"] == "typed-1"
    assert (out["text"], out["name"], out["kind"]) == ("The ferry will run all winter,", "Ines Okafor", "direct")
    assert (out["start"], out["end"]) == (1, 31)
    html = "<p>\u201cThe pier opens in <em>May</em>,\u201d said Ines Okafor.</p>"
    assert html[out["html"][0]:out["html"][1]] == "The pier opens in <em>May</em>,"
    assert out["range"] == ["/html[1]/body[1]/p[1]", 1] and out["exact"] == "The pier opens in May,"


def test_generated_models_are_typed(generated_python):
    """What a new user met before: an untyped body and a speaker with no fields."""
    package = Path(run([str(generated_python), "-c",
                        "import quotesvc_client, os; print(os.path.dirname(quotesvc_client.__file__))"]).strip())
    endpoint = (package / "api" / "default" / "post_v1_quotes.py").read_text()
    assert "body: HtmlRequest | TextRequest" in endpoint and "body: Any" not in endpoint
    quote = (package / "models" / "quote.py").read_text()
    assert "speaker: None | SpeakerRef" in quote and "selectors: None | Selectors" in quote
