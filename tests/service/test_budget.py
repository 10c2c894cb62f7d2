"""The time budget (quotesvc/service/budget.py), without depending on how fast this machine is: the work
under test never ends by itself (a stub that sleeps 30 s, or real attribution repeated forever) and the
budget is generous, so only the budget's alarm can stop it; what the test checks is what happens then."""
from __future__ import annotations

import logging
import signal
import threading
import time

import pytest

from quotesvc import create_app
from quotesvc.service.budget import time_budget
from quotesvc.service.errors import TimeBudgetExceeded
from tests.helpers import assert_error, assert_error_shape, without_elapsed
from tests.service.stubs import CountingAttributor, SleepyAttributor
from tests.texts import PIER_TEXT

BUDGET_S = 1.0
SHORT = "\u201cYes,\u201d she said."


@pytest.fixture
def alarm_untouched():
    """After the test: no timer left running, and the SIGALRM handler as it was."""
    handler = signal.getsignal(signal.SIGALRM)
    yield
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) == handler


def test_time_budget_interrupts_the_block(alarm_untouched):
    with pytest.raises(TimeBudgetExceeded) as info:
        with time_budget(BUDGET_S):
            time.sleep(30)
    assert info.value.code == 503 and info.value.details == {"time_budget_s": BUDGET_S}


def test_time_budget_holds_when_the_work_drops_its_first_alarm(alarm_untouched):
    """As when the alarm lands in a finalizer or a library's `except Exception`: it comes again."""
    dropped = 0
    with pytest.raises(TimeBudgetExceeded):
        with time_budget(BUDGET_S):
            try:
                time.sleep(30)
            except TimeBudgetExceeded:
                dropped += 1
            time.sleep(30)
    assert dropped == 1


def test_time_budget_is_cancelled_when_the_block_ends(alarm_untouched):
    with time_budget(30):
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 0  # armed inside
    with pytest.raises(KeyError):
        with time_budget(30):
            raise KeyError("the block's own error goes through")


def test_over_the_time_budget_is_503_and_the_next_request_succeeds(attributor, caplog, alarm_untouched):
    sleepy = SleepyAttributor(attributor, slow=1, sleep_s=30)
    client = create_app({"ATTRIBUTOR": sleepy, "TIME_BUDGET_S": BUDGET_S}).test_client()
    with caplog.at_level(logging.WARNING, logger="quotesvc"):
        r = client.post("/v1/quotes", json={"text": PIER_TEXT})
    error = assert_error(r, 503, "timeout")
    assert error["details"] == {"time_budget_s": BUDGET_S}
    assert "1 s time budget" in error["message"]
    assert sleepy.calls == []  # the sleeping call never got as far as the real attributor
    assert [rec.getMessage() for rec in caplog.records if "time budget" in rec.getMessage()] == \
        ["POST /v1/quotes ran out of its 1 s time budget"]
    # The same worker serves the next request (a short one, far inside the budget).
    assert client.post("/v1/quotes", json={"text": SHORT}).status_code == 200
    assert sleepy.calls == [1]


def test_a_batch_over_the_time_budget_answers_each_document_undone_with_a_timeout(attributor, caplog,
                                                                                  alarm_untouched):
    sleepy = SleepyAttributor(attributor, slow=1, sleep_s=30)
    client = create_app({"ATTRIBUTOR": sleepy, "TIME_BUDGET_S": BUDGET_S}).test_client()
    with caplog.at_level(logging.WARNING, logger="quotesvc"):
        r = client.post("/v1/quotes/batch", json={"documents": [{"text": PIER_TEXT}, {"text": 5}]})
    assert r.status_code == 200
    undone, invalid = r.get_json()["results"]
    assert assert_error_shape(undone, 503, "timeout")["details"] == {"time_budget_s": BUDGET_S}
    assert_error_shape(invalid, 422, "validation_error")
    assert any("ran out of its 1 s time budget after 0 of 1 documents" in rec.getMessage() for rec in caplog.records)
    later = client.post("/v1/quotes/batch", json={"documents": [{"text": SHORT}]})
    assert later.status_code == 200 and "quotes" in later.get_json()["results"][0]


class EndlessAttributor(CountingAttributor):
    """Real attribution of the same article, again and again: spaCy and the sieves at work when the alarm
    comes, wherever they are. (After 10 minutes it gives up, so that a budget that never fires fails the
    test instead of hanging the suite.)"""

    def attribute(self, article):
        give_up = time.monotonic() + 600
        while time.monotonic() < give_up:
            super().attribute(article)
        raise AssertionError("the time budget never interrupted the work")


def test_the_budget_interrupts_real_attribution_and_the_pipeline_still_answers(attributor, alarm_untouched):
    before = create_app({"ATTRIBUTOR": attributor}).test_client().post("/v1/quotes", json={"text": PIER_TEXT})
    endless = EndlessAttributor(attributor)
    client = create_app({"ATTRIBUTOR": endless, "TIME_BUDGET_S": BUDGET_S}).test_client()
    assert_error(client.post("/v1/quotes", json={"text": PIER_TEXT * 20}), 503, "timeout")
    assert endless.calls  # it was attributing when stopped
    after = create_app({"ATTRIBUTOR": attributor}).test_client().post("/v1/quotes", json={"text": PIER_TEXT})
    assert after.status_code == 200 and without_elapsed(after.get_json()) == without_elapsed(before.get_json())


def test_time_budget_is_not_armed_outside_the_main_thread(attributor, caplog, alarm_untouched):
    """No SIGALRM is possible there: a request ten times over its budget runs to the end, and is logged."""
    sleepy = SleepyAttributor(attributor, slow=1, sleep_s=0.5)
    client = create_app({"ATTRIBUTOR": sleepy, "TIME_BUDGET_S": 0.05}).test_client()
    statuses = []
    with caplog.at_level(logging.WARNING, logger="quotesvc"):
        worker = threading.Thread(target=lambda: statuses.append(
            client.post("/v1/quotes", json={"id": "slow-1", "text": SHORT}).status_code))
        worker.start()
        worker.join()
    assert statuses == [200]
    assert any("'slow-1'" in rec.getMessage() and "over the 0.05 s budget" in rec.getMessage()
               for rec in caplog.records)
