"""Fixtures of the backfill tests: the invented corpus, the service to compare with, a local Ray."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from quotesvc.core.attributor import Attributor
from quotesvc.service.settings import Settings
from tests.backfill.corpus import write_corpus

DEFAULTS = Settings()


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> tuple[Path, list]:
    folder = tmp_path_factory.mktemp("corpus")
    return folder, write_corpus(folder)


@pytest.fixture(scope="session")
def corpus_inputs(corpus) -> list[str]:
    """In this order: the first of a duplicate id is in news.jsonl, its repeat in more/."""
    folder, _ = corpus
    return [str(folder / "news.jsonl"), str(folder / "more"), str(folder / "archive.parquet")]


@pytest.fixture(scope="session")
def limited_attributor(nlp, rules) -> Attributor:
    """The service's Attributor with the service's default token limit, as the backfill workers load it."""
    return Attributor(nlp, rules, max_tokens=DEFAULTS.MAX_TOKENS)


@pytest.fixture(scope="session")
def service(limited_attributor):
    from quotesvc import create_app

    return create_app({"ATTRIBUTOR": limited_attributor, "TESTING": True}).test_client()


@pytest.fixture(scope="package")
def local_ray():
    """A local Ray on 2 CPUs for the tests of this folder; stopped after them."""
    import ray

    from quotesvc.backfill.runner import start_local_ray

    start_local_ray(num_cpus=2)
    yield ray
    ray.shutdown()


def service_rows(answer: dict[str, Any], article_id: str) -> tuple[list[dict], list[dict]]:
    """The quote and speaker rows a /v1/quotes JSON answer stands for, flattened here independently of
    quotesvc.backfill.tables."""
    quotes = []
    for q in answer["quotes"]:
        sp, cue = q["speaker"] or {}, q["cue"] or {}
        mention = sp.get("mention") or {}
        quotes.append({
            "article_id": article_id, "quote_id": q["id"], "text": q["text"], "start": q["start"], "end": q["end"],
            "kind": q["kind"], "speaker_name": sp.get("name"), "speaker_mention": mention.get("text"),
            "speaker_mention_start": mention.get("start"), "speaker_mention_end": mention.get("end"),
            "speaker_entity": sp.get("entity"), "speaker_kind": sp.get("kind"), "cue": cue.get("text"),
            "cue_lemma": cue.get("lemma"), "cue_start": cue.get("start"), "cue_end": cue.get("end"),
            "confidence": q["confidence"], "rule": q["rule"],
            "html_start": (q.get("html") or {}).get("start"), "html_end": (q.get("html") or {}).get("end")})
    speakers = [{"article_id": article_id, "speaker_id": s["id"], "name": s["name"], "kind": s["kind"],
                 "titles": s["titles"], "aliases": s["aliases"], "quote_ids": s["quotes"], "role": s["role"],
                 "affiliation": s["affiliation"]} for s in answer["speakers"]]
    return quotes, speakers


def read_tables(output: Path) -> dict[str, dict[str, list[dict]]]:
    """table -> shard file name -> its rows."""
    return {table: {f.name: pq.read_table(f).to_pylist() for f in sorted((output / table).glob("*.parquet"))}
            for table in ("articles", "quotes", "speakers")}


def rows_by_article(tables: dict[str, dict[str, list[dict]]], table: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for rows in tables[table].values():
        for row in rows:
            out.setdefault(row["article_id"], []).append(row)
    return out


# The service's answer for a backfill error, by error code (the codes are finer than the HTTP ones).
SERVICE_ERRORS = {"invalid_content": "validation_error", "too_long": "validation_error",
                  "too_many_tokens": "unreadable_input", "unreadable_input": "unreadable_input"}


def assert_matches_corpus(tables: dict[str, dict[str, list[dict]]], expected: list, service) -> None:
    """Every input record has exactly one articles row, with the expected id, status and error code; every
    attributed article has the quotes and speakers the HTTP service answers for it, and an error where the
    service answers one."""
    articles = [row for rows in tables["articles"].values() for row in rows]
    keys = [(row["source"], row["source_offset"]) for row in articles]
    assert len(keys) == len(set(keys)), "an article has two rows"
    assert set(keys) == {(e.source, e.offset) for e in expected}
    by_key = dict(zip(keys, articles))
    quotes = rows_by_article(tables, "quotes")
    speakers = rows_by_article(tables, "speakers")
    ok_ids = set()
    for e in expected:
        row = by_key[(e.source, e.offset)]
        assert (row["id"], row["status"], row["error_code"]) == (e.id, e.status, e.code), row
        if e.status == "ok":
            ok_ids.add(e.id)
        if e.payload is None:
            continue
        response = service.post("/v1/quotes", json=e.payload)
        if e.status == "error":
            assert response.status_code == 422 and response.get_json()["error"]["code"] == SERVICE_ERRORS[e.code]
            assert row["error_message"]
            continue
        assert response.status_code == 200, response.get_json()
        answer = response.get_json()
        want_quotes, want_speakers = service_rows(answer, e.id)
        assert quotes.get(e.id, []) == want_quotes, e.id
        assert speakers.get(e.id, []) == want_speakers, e.id
        assert row["quote_count"] == len(want_quotes) and row["speaker_count"] == len(want_speakers)
        # HTML: the extracted text the offsets index into, as the service returns it; text input: none.
        assert row["text"] == (answer["text"] if "html" in e.payload else None)
    assert set(quotes) <= ok_ids and set(speakers) <= ok_ids
    assert sum(len(v) for v in quotes.values()) > 20, "the corpus should give quotes to compare"
