"""Stand-ins for the Attributor in the service tests: one that fails as a bug would, one that counts
calls, one that sleeps far past any time budget under test."""
from __future__ import annotations

import dataclasses
import time


class ExplodingAttributor:
    """Fails as a bug would, with internals in the message that no answer may show."""

    def attribute(self, article):
        raise RuntimeError("secret internal state /srv/quotesvc/model.bin")

    def attribute_stream(self, articles):
        raise RuntimeError("secret internal state /srv/quotesvc/model.bin")


class CountingAttributor:
    """The real attributor, recording how many articles each call was given (attribute: 1)."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.calls: list[int] = []

    def attribute(self, article):
        self.calls.append(1)
        return self.inner.attribute(article)

    def attribute_stream(self, articles):
        self.calls.append(len(articles))
        return self.inner.attribute_stream(articles)


class SleepyAttributor(CountingAttributor):
    """The real attributor, but its first `slow` calls first sleep `sleep_s` (far past the budget under
    test, so only the budget's alarm can end them early). A call that slept is recorded only once it
    wakes, and a single article's `elapsed_ms` includes the sleep."""

    def __init__(self, inner, slow: int = 1, sleep_s: float = 30.0) -> None:
        super().__init__(inner)
        self.slow, self.sleep_s = slow, sleep_s

    def _sleep_if_slow(self) -> float:
        if not self.slow:
            return 0.0
        self.slow -= 1
        started = time.monotonic()
        time.sleep(self.sleep_s)
        return (time.monotonic() - started) * 1000

    def attribute(self, article):
        slept_ms = self._sleep_if_slow()
        attribution = super().attribute(article)
        return dataclasses.replace(attribution, elapsed_ms=attribution.elapsed_ms + slept_ms)

    def attribute_stream(self, articles):
        self._sleep_if_slow()
        return super().attribute_stream(articles)
