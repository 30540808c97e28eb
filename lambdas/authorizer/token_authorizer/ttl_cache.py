"""A small per-container cache whose entries expire, with stale reads for failure fallback."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Generic, NamedTuple, Protocol, TypeVar

V = TypeVar("V")

#: A failed lookup (API key, permission map) is cached this long before the next attempt.
FAILURE_CACHE_SECONDS = 5.0
#: While lookups fail, the last good answer is served for up to this long past its TTL.
MAX_STALE_SECONDS = 3600.0


class Entry(NamedTuple):
    """A cached value; ``expires_at`` is a clock reading."""

    value: Any
    expires_at: float


class TtlCache(Generic[V]):
    """Least-recently-stored eviction once ``max_entries`` is reached; single-threaded use."""

    def __init__(
        self, max_entries: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._max_entries = max_entries
        self.clock = clock

    def fresh(self, key: str) -> Entry | None:
        """The entry for ``key`` if it has not expired."""
        entry = self._entries.get(key)
        if entry is None or self.clock() >= entry.expires_at:
            return None
        return entry

    def put(self, key: str, value: V, ttl: float) -> Entry:
        now = self.clock()
        entry = Entry(value=value, expires_at=now + ttl)
        self._entries.pop(key, None)
        self._entries[key] = entry
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)
        return entry

    def discard(self, key: str) -> None:
        self._entries.pop(key, None)


class Answer(Protocol):
    """A lookup's answer: ``failed`` is why the lookup failed, None when it did not."""

    @property
    def failed(self) -> str | None: ...


A = TypeVar("A", bound=Answer)


def cached_lookup(
    cache: TtlCache[A],
    last_good: TtlCache[A],
    key: str,
    lookup: Callable[[], A],
    ttl_of: Callable[[A], float],
) -> A:
    """``key``'s answer: from ``cache`` while fresh, else from ``lookup()``.

    A good answer is cached for ``ttl_of(answer)`` and kept in ``last_good`` for
    ``MAX_STALE_SECONDS`` longer; a failed one is cached for ``FAILURE_CACHE_SECONDS``, and while
    the last good answer is still in ``last_good`` it is served in its place (a failing AWS API
    does not turn a known client away at once).
    """
    entry = cache.fresh(key)
    if entry is None:
        answer = lookup()
        if answer.failed is None:
            ttl = ttl_of(answer)
            last_good.put(key, answer, ttl + MAX_STALE_SECONDS)
        else:
            stale = last_good.fresh(key)
            if stale is not None:
                answer = stale.value
            ttl = FAILURE_CACHE_SECONDS
        entry = cache.put(key, answer, ttl)
    return entry.value
