"""The client's API key value, read from API Gateway and cached per container.

The key is the API key named exactly ``{prefix}{client_id}``. ``get_api_keys(nameQuery=...)`` is a
prefix match (``acme-c1`` also returns ``acme-c10``), so every page is read and only the exact name
counts. A disabled key counts as no key. When several enabled keys share the name (an operator
rotating a key), the most recently created one is used and a warning is logged.

Cache: a key for ``ttl`` seconds; "no key" for ``negative_ttl`` seconds (so a key an operator just
created works within that time); a failed lookup for ``FAILURE_CACHE_SECONDS``, during which the
last answer is served instead if its TTL ended at most ``MAX_STALE_SECONDS`` ago (up to an hour
past its TTL).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from token_authorizer.aws_clients import AwsClients, error_code
from token_authorizer.errors import LookupFailed
from token_authorizer.ttl_cache import TtlCache, cached_lookup

PAGE_SIZE = 500
MAX_PAGES = 20  # 10,000 keys: API Gateway's per-account quota


class _Answer(NamedTuple):
    value: str | None  # None: no usable key
    failed: str | None = None  # a reason when the lookup failed


class ApiKeyStore:
    def __init__(
        self,
        prefix: str,
        *,
        ttl: float,
        negative_ttl: float,
        clients: AwsClients,
        cache: TtlCache[_Answer] | None = None,
        warn: Callable[[str], None] | None = None,
    ) -> None:
        self._warn = warn
        self._prefix = prefix
        self._ttl = ttl
        self._negative_ttl = negative_ttl
        self._clients = clients
        self._cache: TtlCache[_Answer] = cache if cache is not None else TtlCache(10_000)
        self._last_good: TtlCache[_Answer] = TtlCache(10_000, clock=self._cache.clock)
        self.lookup_count = 0

    def key_name(self, client_id: str) -> str:
        return self._prefix + client_id

    def get(self, client_id: str) -> str | None:
        """The key value, ``None`` when the client has no usable key; raise ``LookupFailed``."""
        answer = cached_lookup(
            self._cache,
            self._last_good,
            client_id,
            lambda: self._lookup(client_id),
            lambda found: self._ttl if found.value is not None else self._negative_ttl,
        )
        if answer.failed is not None:
            raise LookupFailed(answer.failed)
        return answer.value

    def _lookup(self, client_id: str) -> _Answer:
        self.lookup_count += 1
        name = self.key_name(client_id)
        try:
            matches = self._exact_matches(name)
        except Exception as error:  # any AWS or SDK failure is a failed lookup
            return _Answer(None, failed=f"api_key_lookup_failed:{error_code(error)}")
        enabled = [
            item
            for item in matches
            if item.get("enabled") is True and isinstance(item.get("value"), str) and item["value"]
        ]
        if not enabled:
            return _Answer(None)
        if len(enabled) > 1:
            if self._warn is not None:
                self._warn(f"several enabled API keys are named {name}; using the newest")
            enabled.sort(key=lambda item: str(item.get("createdDate", "")), reverse=True)
        return _Answer(enabled[0]["value"])

    def _exact_matches(self, name: str) -> list[dict[str, Any]]:
        client = self._clients.get("apigateway")
        request: dict[str, Any] = {"nameQuery": name, "includeValues": True, "limit": PAGE_SIZE}
        matches: list[dict[str, Any]] = []
        for _ in range(MAX_PAGES):
            page = client.get_api_keys(**request)
            matches.extend(
                item
                for item in page.get("items", [])
                if isinstance(item, dict) and item.get("name") == name
            )
            position = page.get("position")
            if not position:
                return matches
            request["position"] = position
        raise RuntimeError("too many pages of API keys")
