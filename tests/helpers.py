"""Checks shared by the test modules: the offsets invariant and the one error shape."""
from __future__ import annotations

from typing import Any

from quotesvc.core.model import Attribution


def _as_json(answer: dict | Attribution) -> dict[str, Any]:
    """An Attribution in the answer's JSON shape (only the fields the invariant reads)."""
    if isinstance(answer, dict):
        return answer

    def span(obj) -> dict[str, Any]:
        return {"text": obj.text, "start": obj.span.start, "end": obj.span.end}

    quotes = []
    for q in answer.quotes:
        speaker = None
        if q.speaker is not None:
            speaker = {"mention": span(q.speaker.mention), "entity": q.speaker.entity}
        quotes.append({**span(q), "id": q.id, "confidence": q.confidence, "speaker": speaker,
                       "cue": None if q.cue is None else span(q.cue)})
    return {"quotes": quotes, "speakers": [{"id": s.id, "quotes": s.quotes} for s in answer.speakers]}


def assert_offsets(answer: dict | Attribution, text: str) -> None:
    """Every offset of an answer (JSON or Attribution) points at its text in `text`; quotes in text order,
    ids unique, confidences in [0, 1], and every speaker entity listed exactly with the quotes naming it."""
    body = _as_json(answer)
    quotes = body["quotes"]
    assert [(q["start"], q["end"]) for q in quotes] == sorted((q["start"], q["end"]) for q in quotes)
    assert len({q["id"] for q in quotes}) == len(quotes)
    for q in quotes:
        assert 0 <= q["start"] <= q["end"] <= len(text)
        assert text[q["start"]:q["end"]] == q["text"]
        assert 0.0 <= q["confidence"] <= 1.0
        if q["speaker"] is not None:
            m = q["speaker"]["mention"]
            assert 0 <= m["start"] <= m["end"] <= len(text)
            assert text[m["start"]:m["end"]] == m["text"]
        if q["cue"] is not None:
            assert text[q["cue"]["start"]:q["cue"]["end"]] == q["cue"]["text"]
    speaker_ids = [s["id"] for s in body["speakers"]]
    assert len(speaker_ids) == len(set(speaker_ids))
    for s in body["speakers"]:
        assert s["quotes"] == [q["id"] for q in quotes if q["speaker"] and q["speaker"]["entity"] == s["id"]]
    assert {q["speaker"]["entity"] for q in quotes if q["speaker"]} == set(speaker_ids)


def assert_error(response, status: int, code: str) -> dict:
    """The one JSON error shape, with this status and code; returns the error object."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert list(body) == ["error"]
    error = body["error"]
    assert set(error) == {"status", "code", "message", "details"}
    assert error["status"] == status and error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], dict)
    assert "Traceback" not in response.get_data(as_text=True)
    return error
