"""The OpenAPI document (quotesvc/service/openapi.py): what it describes, that it describes only what is
served, and that docs/openapi.json is current."""
from __future__ import annotations

import json

from quotesvc import __version__
from quotesvc.service.settings import Settings
from tests.helpers import ANSWER_KEYS, QUOTE_KEYS, SPEAKER_KEYS


def test_openapi(client):
    r = client.get("/openapi.json")
    assert r.status_code == 200
    spec = r.get_json()
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["version"] == __version__
    post = spec["paths"]["/v1/quotes"]["post"]
    assert set(post["requestBody"]["content"]) == {"application/json", "text/plain", "text/html"}
    assert {"200", "400", "413", "415", "422", "500"} <= set(post["responses"])
    assert {"/healthz", "/readyz", "/openapi.json"} <= set(spec["paths"])
    schemas = spec["components"]["schemas"]
    assert {"QuoteRequest", "QuoteResponse", "Quote", "Speaker", "Options", "Error"} <= set(schemas)
    # Exactly one of text or html: two complete objects, which code generators type (tests/test_client.py).
    assert schemas["QuoteRequest"]["oneOf"] == [{"$ref": "#/components/schemas/TextRequest"},
                                                {"$ref": "#/components/schemas/HtmlRequest"}]
    for name, fmt in (("TextRequest", "text"), ("HtmlRequest", "html")):
        request = schemas[name]
        assert set(request["properties"]) == {"id", fmt, "options"} and request["required"] == [fmt]
        assert request["additionalProperties"] is False
        assert request["properties"][fmt]["maxLength"] == Settings().MAX_CHARS
    # Nullable references as OpenAPI 3.1 writes them, not an untyped object a generator would take.
    assert spec["openapi"] == "3.1.0"
    assert schemas["Quote"]["properties"]["speaker"]["anyOf"] == [{"$ref": "#/components/schemas/SpeakerRef"},
                                                                  {"type": "null"}]
    assert "nullable" not in json.dumps(spec)
    assert set(schemas["QuoteResponse"]["properties"]) == ANSWER_KEYS | {"text"}
    assert set(schemas["Quote"]["properties"]) == QUOTE_KEYS
    assert set(schemas["Speaker"]["properties"]) == SPEAKER_KEYS


def test_docs_openapi_json_is_current(tmp_path):
    """docs/openapi.json is the served document for the default settings: regenerate with `quotesvc openapi`."""
    from quotesvc.cli import OPENAPI_FILE, main, openapi_document

    assert OPENAPI_FILE.read_text(encoding="utf-8") == openapi_document(), \
        "docs/openapi.json is stale: run `quotesvc openapi` and commit it"
    assert main(["openapi", "--check"]) == 0
    stale = tmp_path / "openapi.json"
    stale.write_text("{}", encoding="utf-8")
    assert main(["openapi", "--check", "--output", str(stale)]) == 1
    assert main(["openapi", "--output", str(stale)]) == 0 and main(["openapi", "--check", "--output", str(stale)]) == 0


def test_openapi_describes_the_batch_endpoint(client):
    spec = client.get("/openapi.json").get_json()
    post = spec["paths"]["/v1/quotes/batch"]["post"]
    assert {"200", "422", "503"} <= set(post["responses"])
    documents = spec["components"]["schemas"]["BatchRequest"]["properties"]["documents"]
    assert documents["maxItems"] == Settings().BATCH_MAX
    # A document that breaks QuoteRequest is answered 200 with an error in its place, so items admit anything.
    assert documents["items"]["anyOf"][0] == {"$ref": "#/components/schemas/QuoteRequest"}
    assert documents["items"]["anyOf"][1].keys() == {"description"}
    assert "/metrics" in spec["paths"]


def test_openapi_promises_only_what_is_served(client):
    """What schemathesis found the document claiming wrongly (see scripts/schemathesis.sh)."""
    spec = client.get("/openapi.json").get_json()
    # Both or neither of text and html is a 422.
    assert [v["$ref"].rsplit("/", 1)[1] for v in spec["components"]["schemas"]["QuoteRequest"]["oneOf"]] == [
        "TextRequest", "HtmlRequest"]
    # Any X-Request-ID is accepted (an invalid one is replaced): no pattern on the request header...
    assert spec["components"]["parameters"]["RequestId"]["schema"] == {"type": "string"}
    r = client.post("/v1/quotes", json={"text": "x"}, headers={"X-Request-ID": "not valid!"})
    assert r.status_code == 200 and r.headers["X-Request-ID"] != "not valid!"
    # ... and every answer, errors included, documents the header and a JSON or text body.
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert "404" not in operation["responses"], (method, path)  # the route exists
            for status, response in operation["responses"].items():
                if "$ref" in response:
                    response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
                assert "X-Request-ID" in response["headers"] and response["content"], (method, path, status)
    assert client.get("/openapi.json").mimetype in spec["paths"]["/openapi.json"]["get"]["responses"]["200"]["content"]


def test_openapi_shows_the_configured_limit(small_app):
    spec = small_app.test_client().get("/openapi.json").get_json()
    assert spec["components"]["schemas"]["HtmlRequest"]["properties"]["html"]["maxLength"] == 50
    assert spec["components"]["schemas"]["TextRequest"]["properties"]["text"]["maxLength"] == 50
