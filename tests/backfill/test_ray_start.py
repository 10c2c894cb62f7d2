"""Starting a local Ray on a busy machine: Ray's node has a fixed 30 s to register, and a miss is retried a
bounded number of times; any other failure is raised at once. ray.init is replaced, no Ray is started."""
from __future__ import annotations

import pytest

ray = pytest.importorskip("ray", reason="the backfill extra is not installed")

from quotesvc.backfill import runner  # noqa: E402

TIMED_OUT = Exception("The current node timed out during startup. This could happen because some of the "
                      "raylet failed to startup or the GCS has become overloaded.")


@pytest.fixture
def calls(monkeypatch):
    made = {"init": [], "shutdown": 0}

    def shutdown():
        made["shutdown"] += 1

    monkeypatch.setattr(ray, "shutdown", shutdown)
    return made


def init_failing(calls, failures):
    def init(**kwargs):
        calls["init"].append(kwargs)
        if failures:
            raise failures.pop(0)
    return init


@pytest.mark.parametrize("misses", [0, 1, runner.LOCAL_START_ATTEMPTS - 1])
def test_a_missed_start_up_window_is_retried(monkeypatch, calls, misses):
    monkeypatch.setattr(ray, "init", init_failing(calls, [TIMED_OUT] * misses))
    runner.start_local_ray(num_cpus=2)
    assert len(calls["init"]) == misses + 1 and calls["shutdown"] == misses
    assert all(c["address"] == "local" and c["num_cpus"] == 2 for c in calls["init"])


def test_retries_are_bounded(monkeypatch, calls):
    monkeypatch.setattr(ray, "init", init_failing(calls, [TIMED_OUT] * 10))
    with pytest.raises(Exception, match="timed out during startup"):
        runner.start_local_ray(num_cpus=2)
    assert len(calls["init"]) == runner.LOCAL_START_ATTEMPTS


@pytest.mark.parametrize("error", [ValueError("num_cpus must be positive"), Exception("some other failure")])
def test_other_failures_are_not_retried(monkeypatch, calls, error):
    monkeypatch.setattr(ray, "init", init_failing(calls, [error]))
    with pytest.raises(type(error), match=str(error)):
        runner.start_local_ray(num_cpus=2)
    assert len(calls["init"]) == 1 and calls["shutdown"] == 0
