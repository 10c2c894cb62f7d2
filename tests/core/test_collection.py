"""The cycle collector is off inside collection.paused() and comes back as it was: after the last of several
threads leaves, after an error, and never on when the application had turned it off. Then the Attributor: its
post-parse stages run with it off, and it is on again after them."""
from __future__ import annotations

import gc
import threading

import pytest

from quotesvc.core import collection


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if was else gc.disable)()


@pytest.mark.parametrize("enabled_before", [True, False])
def test_paused_restores_the_collector(collector_on, enabled_before: bool) -> None:
    (gc.enable if enabled_before else gc.disable)()
    with collection.paused():
        assert not gc.isenabled()
        with collection.paused():  # nested: still off
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled() == enabled_before


def test_paused_restores_after_an_error(collector_on) -> None:
    with pytest.raises(KeyError):
        with collection.paused():
            raise KeyError("x")
    assert gc.isenabled()


def test_the_collector_comes_back_when_the_last_thread_leaves(collector_on) -> None:
    inside, leave = threading.Event(), threading.Event()

    def other() -> None:
        with collection.paused():
            inside.set()
            leave.wait(30)

    thread = threading.Thread(target=other)
    thread.start()
    inside.wait(30)
    with collection.paused():
        assert not gc.isenabled()
    assert not gc.isenabled()  # the other thread is still inside
    leave.set()
    thread.join(30)
    assert gc.isenabled()


def test_the_post_parse_stages_run_without_the_collector(collector_on, attributor, monkeypatch) -> None:
    from quotesvc.core.model import Article
    seen = []
    real = attributor._post_parse

    def spy(*args):
        seen.append(gc.isenabled())
        return real(*args)

    monkeypatch.setattr(attributor, "_post_parse", spy)
    answer = attributor.attribute(Article("“The bridge will hold,” the engineer said.", "text"))
    assert seen == [False] and gc.isenabled()
    assert [q.text for q in answer.quotes] == ["The bridge will hold,"]
