"""The evaluate command and its scoring, on small annotated articles written for these tests."""
from __future__ import annotations

import json

import pytest

from quotesvc import cli
from quotesvc.evaluation import GoldArticle, GoldQuote, Score, evaluate, match, read_gold, score_article
from quotesvc.core.model import Article

TEXT = '"The bridge will reopen in May," Mayor Tessa Ruiz said on Tuesday.\nCritics said the repairs were rushed.'


def _gold(text: str, pieces: list[tuple[str, str, str]]) -> dict:
    quotes = []
    for content, speaker, kind in pieces:
        s = text.index(content)
        m = text.index(speaker)
        quotes.append({"start": s, "end": s + len(content), "kind": kind, "speaker": speaker,
                       "speaker_mentions": [[m, m + len(speaker)]], "cue": "said"})
    return {"id": "t1", "text": text, "quotes": quotes}


@pytest.fixture
def gold_file(tmp_path):
    path = tmp_path / "gold.jsonl"
    row = _gold(TEXT, [("The bridge will reopen in May,", "Mayor Tessa Ruiz", "direct"),
                       ("the repairs were rushed", "Critics", "indirect")])
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    return path


def test_evaluate_scores_a_correct_answer_as_perfect(attributor, gold_file):
    summary = evaluate(attributor, read_gold(gold_file)).summary()
    assert summary["gold"] == 2
    assert summary["quotes"]["r"] == 1.0
    assert summary["end_to_end"]["f"] == 1.0
    assert summary["direct_right_speaker"] == 1.0


def test_wrong_speaker_and_missed_quotes_are_counted_by_cause(attributor):
    text = TEXT
    row = _gold(text, [("The bridge will reopen in May,", "Critics", "direct")])
    row["quotes"].append({"start": 0, "end": 4, "kind": "indirect", "speaker": None, "speaker_mentions": [],
                          "cue": "noted"})
    gold = GoldArticle("t", text, tuple(GoldQuote(q["start"], q["end"], q["kind"], q["speaker"],
                                                  tuple(tuple(m) for m in q["speaker_mentions"]), q["cue"])
                                        for q in row["quotes"]))
    score = Score()
    score_article(score, gold, attributor.attribute(Article(text, "text")), n_examples=5)
    assert score.wrong_speaker["cue-in-sentence"] == 1
    assert score.examples and score.examples[0]["gold"] == "Critics"
    assert score.spurious  # the indirect "Critics said ..." matches no gold quote here


def test_matching_is_one_to_one_and_lenient(attributor):
    text = "Officials said the plan was sound and the vote would pass."
    answer = attributor.attribute(Article(text, "text"))
    golds = [GoldQuote(15, 58, "indirect", "Officials", ((0, 9),), "said"),
             GoldQuote(15, 33, "indirect", "Officials", ((0, 9),), "said")]
    assert len(match(text, golds, answer.quotes)) == 1


def test_cli_evaluate_prints_scores(monkeypatch, capsys, attributor, gold_file):
    monkeypatch.setattr(cli, "get_attributor", lambda settings: attributor)
    assert cli.main(["evaluate", str(gold_file), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["scores"]["end_to_end"]["f"] == 1.0


@pytest.mark.parametrize("content", ["not json\n", '{"id": "x"}\n', '{"text": "a", "quotes": [{"start": "x"}]}\n'])
def test_cli_evaluate_rejects_malformed_gold_with_file_and_line(monkeypatch, capsys, attributor, tmp_path, content):
    monkeypatch.setattr(cli, "get_attributor", lambda settings: attributor)
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    assert cli.main(["evaluate", str(path)]) == 2
    assert f"{path}:1:" in capsys.readouterr().err
