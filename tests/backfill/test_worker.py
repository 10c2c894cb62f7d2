"""A shard through the Attributor, without Ray: the rows equal the service's answers, and one failing
article costs only its own row."""
from __future__ import annotations

import json

import pytest

from quotesvc.backfill.inputs import Shard, expand, plan_shards
from quotesvc.backfill.manifest import Output, rules_digest
from quotesvc.backfill.planning import find_duplicates, scan_ids
from quotesvc.backfill.records import ErrorCode
from quotesvc.backfill.tables import SCHEMAS
from quotesvc.backfill.worker import ShardTask, ShardWorker, WorkerConfig, attribute_each, attribute_shard
from quotesvc.core.attributor import Attributor
from quotesvc.core.model import Article
from quotesvc.core.rules import default_rules_dir
from tests.backfill.conftest import DEFAULTS, assert_matches_corpus, read_tables


@pytest.mark.parametrize("batch_size", [1, 5])
def test_shards_without_ray_match_the_service(tmp_path, corpus, corpus_inputs, limited_attributor, service,
                                              batch_size):
    _, expected = corpus
    shards = [s for f in expand(corpus_inputs) for s in plan_shards(f, 2048, 3)]
    assert len(shards) >= 8
    scans = [scan_ids(s) for s in shards]
    assert sum(n for _, n in scans) == len(expected)
    duplicates = find_duplicates(shards, [t for t, _ in scans])
    output = Output(str(tmp_path))
    for shard in shards:
        rows, counts = attribute_shard(limited_attributor, ShardTask(shard, duplicates.get(shard.name, {})),
                                       DEFAULTS.MAX_CHARS, batch_size)
        tables = rows.tables()
        assert {name: t.schema for name, t in tables.items()} == SCHEMAS
        assert counts.articles == tables["articles"].num_rows
        assert counts.quotes == tables["quotes"].num_rows and counts.speakers == tables["speakers"].num_rows
        assert counts.ok + sum(counts.errors.values()) == counts.articles
        for name, table in tables.items():
            output.write_table(name, shard.name, table)
    assert_matches_corpus(read_tables(tmp_path), expected, service)


def test_metadata_is_carried(tmp_path, corpus, corpus_inputs, limited_attributor):
    [shard, *_] = [s for f in expand(corpus_inputs[:1]) for s in plan_shards(f, 1 << 20, 3)]
    rows, _ = attribute_shard(limited_attributor, ShardTask(shard), DEFAULTS.MAX_CHARS, 8)
    first = rows.rows["articles"][0]
    assert first["id"] == "t00"
    assert json.loads(first["metadata"]) == {"section": "city", "published": "2021-03-01",
                                             "tags": {"desk": "local", "n": 0}}


class Flaky:
    """An Attributor whose attribute() fails with a bug on one article."""

    def __init__(self, real: Attributor, bad_id: str) -> None:
        self.real, self.bad_id = real, bad_id

    def attribute_stream(self, articles, batch_size=16):
        for article in articles:
            if article.id == self.bad_id:
                raise KeyError("boom")
        return self.real.attribute_stream(articles, batch_size)

    def attribute(self, article):
        if article.id == self.bad_id:
            raise KeyError("boom")
        return self.real.attribute(article)


def test_a_failing_article_costs_only_its_own_row(limited_attributor):
    texts = ["\u201cWe open at nine,\u201d said Mara Voss.", ". " * 60_001, "<p>\u201cNo,\u201d she said.</p>",
             "Tomas Lindqvist said the road was closed."]
    articles = [Article(t, "html" if t.startswith("<") else "text", f"a{i}") for i, t in enumerate(texts)]
    results = attribute_each(limited_attributor, articles, batch_size=4)
    assert results[1].code == ErrorCode.TOO_MANY_TOKENS and "60001" in results[1].message
    for i in (0, 2, 3):
        alone = limited_attributor.attribute(articles[i])
        assert (results[i].quotes, results[i].speakers, results[i].text) == (alone.quotes, alone.speakers, alone.text)

    results = attribute_each(Flaky(limited_attributor, "a3"), [articles[0], articles[3]], batch_size=4)
    assert results[1].code == ErrorCode.INTERNAL_ERROR and "KeyError" in results[1].message
    assert results[0].quotes == limited_attributor.attribute(articles[0]).quotes


def test_the_worker_reloads_its_pipeline_without_changing_results(tmp_path, corpus, corpus_inputs, service):
    """ShardWorker as an actor runs it, here in process: after `reload_after` articles it loads the pipeline
    again between shards (spaCy's caches only grow), and the tables are still the service's answers."""
    _, expected = corpus
    shards = [s for f in expand(corpus_inputs) for s in plan_shards(f, 2048, 3)]
    scans = [scan_ids(s) for s in shards]
    duplicates = find_duplicates(shards, [t for t, _ in scans])
    config = WorkerConfig(output=str(tmp_path), spacy_model=DEFAULTS.SPACY_MODEL, rules_dir=None,
                          rules_digest=rules_digest(default_rules_dir()), max_chars=DEFAULTS.MAX_CHARS,
                          max_tokens=DEFAULTS.MAX_TOKENS, batch_size=16, reload_after=25)
    worker = ShardWorker(config)
    for shard in shards:
        [result] = worker({"task": [ShardTask(shard, duplicates.get(shard.name, {})).to_json()]})["result"]
        assert "failed" not in json.loads(result)
    assert worker.loads >= 2
    assert_matches_corpus(read_tables(tmp_path), expected, service)
    markers = Output(str(tmp_path)).completed()
    assert set(markers) == {s.name for s in shards}
    assert sum(m["articles"] for m in markers.values()) == len(expected)


def test_a_shard_that_cannot_be_read_is_reported_not_raised(tmp_path):
    config = WorkerConfig(output=str(tmp_path / "out"), spacy_model=DEFAULTS.SPACY_MODEL, rules_dir=None,
                          rules_digest=rules_digest(default_rules_dir()), max_chars=DEFAULTS.MAX_CHARS,
                          max_tokens=DEFAULTS.MAX_TOKENS, batch_size=16)
    gone = Shard("gone-00000000-00000", str(tmp_path / "gone.jsonl"), "jsonl", 0, 10)
    [result] = ShardWorker(config)({"task": [ShardTask(gone).to_json()]})["result"]
    assert json.loads(result)["failed"].startswith("FileNotFoundError")
    assert Output(str(tmp_path / "out")).completed() == {}
