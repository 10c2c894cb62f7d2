"""CORS: QUOTESVC_CORS_ORIGINS lets an editor plug-in on another origin call the API from its page."""
from __future__ import annotations

import pytest

from quotesvc import create_app
from quotesvc.service.app import StartupError
from quotesvc.service.settings import ConfigError, load_settings
from tests.helpers import assert_error

CMS = "https://cms.example.org"
BODY = {"text": "\u201cThe pier opens in May,\u201d said Ines Okafor."}


def preflight(client, origin: str = CMS):
    return client.options("/v1/quotes", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, x-request-id"})


@pytest.fixture
def cors_client(attributor):
    return create_app({"ATTRIBUTOR": attributor, "CORS_ORIGINS": f"{CMS}, https://editor.example.org:8443"}).test_client()


def test_no_cors_headers_by_default(client):
    r = client.post("/v1/quotes", json=BODY, headers={"Origin": CMS})
    assert r.status_code == 200
    assert "Access-Control-Allow-Origin" not in r.headers
    assert "Access-Control-Allow-Origin" not in preflight(client).headers


def test_preflight_is_answered_for_a_listed_origin(cors_client):
    r = preflight(cors_client)
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == CMS
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    assert {h.strip().lower() for h in r.headers["Access-Control-Allow-Headers"].split(",")} >= {
        "content-type", "x-request-id"}
    assert r.headers["Access-Control-Max-Age"] == "600"


def test_answers_and_errors_carry_the_origin(cors_client):
    r = cors_client.post("/v1/quotes", json=BODY, headers={"Origin": CMS})
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == CMS
    assert "X-Request-ID" in r.headers["Access-Control-Expose-Headers"]
    bad = cors_client.post("/v1/quotes", json={"text": 1}, headers={"Origin": CMS})
    assert_error(bad, 422, "validation_error")
    assert bad.headers["Access-Control-Allow-Origin"] == CMS
    other = cors_client.post("/v1/quotes", json=BODY, headers={"Origin": "https://evil.example.com"})
    assert other.status_code == 200 and "Access-Control-Allow-Origin" not in other.headers
    assert "Access-Control-Allow-Origin" not in preflight(cors_client, "https://evil.example.com").headers


def test_any_origin(attributor):
    client = create_app({"ATTRIBUTOR": attributor, "CORS_ORIGINS": "*"}).test_client()
    r = client.post("/v1/quotes", json=BODY, headers={"Origin": "https://anywhere.example"})
    # flask-cors names the calling origin rather than "*", and says the answer varies with it.
    assert r.headers["Access-Control-Allow-Origin"] == "https://anywhere.example"
    assert "Origin" in r.headers["Vary"]


@pytest.mark.parametrize("raw, origins", [
    ("", ()), (" https://a.example ,http://b.example:8080/ ", ("https://a.example", "http://b.example:8080")),
    ("*", ("*",)),
])
def test_origins_setting(raw, origins):
    assert load_settings({"QUOTESVC_CORS_ORIGINS": raw}).CORS_ORIGINS == origins


@pytest.mark.parametrize("raw", ["cms.example.org", "ftp://a.example", "https://a.example/path", "*,https://a.b",
                                 "https://a.example;https://b.example"])
def test_bad_origins_stop_the_service(raw, attributor):
    with pytest.raises(ConfigError, match="QUOTESVC_CORS_ORIGINS"):
        load_settings({"QUOTESVC_CORS_ORIGINS": raw})
    with pytest.raises(StartupError):
        create_app({"ATTRIBUTOR": attributor, "CORS_ORIGINS": raw})
