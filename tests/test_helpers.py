"""The shared checks can fail: each is shown a case it must refuse."""
from __future__ import annotations

import pytest

from tests.helpers import assert_error_shape, assert_linear, assert_offsets, count_steps


def quadratic(text: str) -> int:
    pairs = 0
    for a in text:
        for b in text:
            pairs += a == b
    return pairs


def linear(text: str) -> int:
    count = 0
    for ch in text:
        count += ch == "x"
    return count


def test_count_steps_is_exact_and_assert_linear_tells_linear_from_quadratic():
    assert count_steps(linear, "x" * 100) == count_steps(linear, "y" * 100)
    assert_linear(linear, lambda n: "x" * n, 50)
    with pytest.raises(AssertionError, match="worse than linear"):
        assert_linear(quadratic, lambda n: "x" * n, 50)


def test_assert_offsets_refuses_a_quote_that_is_not_its_text():
    answer = {"quotes": [{"id": "q1", "text": "pier", "start": 4, "end": 8, "confidence": 0.9, "speaker": None,
                          "cue": None}], "speakers": []}
    assert_offsets(answer, "The pier")
    with pytest.raises(AssertionError):
        assert_offsets(answer, "A pier")


def test_assert_error_shape_refuses_other_shapes():
    error = {"status": 422, "code": "validation_error", "message": "m", "details": {}}
    assert assert_error_shape({"error": error}, 422, "validation_error") == error
    for bad in ({"error": {**error, "extra": 1}}, {"error": error, "more": 1}, {"error": {**error, "message": ""}}):
        with pytest.raises(AssertionError):
            assert_error_shape(bad)
    with pytest.raises(AssertionError):
        assert_error_shape({"error": error}, 400)
