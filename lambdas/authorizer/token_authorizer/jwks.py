"""The issuer's signing keys, cached per container.

Why not ``jwt.PyJWKClient``: in PyJWT 2.15 a failed fetch does not start its cooldown (while the
IdP is down every unknown ``kid`` triggers another fetch, each waiting for the timeout), an expired
cache whose refresh fails leaves no keys (cached keys stop verifying during an IdP outage), and
its timeout is per socket operation, not a deadline. This cache gives these guarantees:

- one fetch per ``lifespan`` while tokens carry known kids;
- an unknown ``kid`` forces a refetch at most once per ``cooldown`` after the last attempt
  (so a flood of random kids costs at most one fetch per cooldown, and a key rotated in at the
  IdP is picked up on the first token that uses it after the cooldown);
- after a failed attempt, no new attempt for ``min(cooldown, 5 s)``;
- a failed or unusable refresh (HTTP error, timeout, HTML, no usable keys) keeps the previous
  keys, which go on verifying for ``max_stale`` seconds past their lifespan;
- every fetch finishes within ``timeout`` (see ``jwks_fetch``);
- only RSA, EC and OKP keys with ``use`` ``sig`` (or no ``use``) are kept; symmetric ``oct`` keys
  are never used, and a key verifies only algorithms its type (and curve, and ``alg``) allows.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import Any

from jwt import PyJWK
from jwt.exceptions import PyJWTError

from token_authorizer.errors import KeyUnavailable
from token_authorizer.jwks_fetch import fetch_jwks_document
from token_authorizer.settings import ALGORITHM_KEYS

FAILED_FETCH_BACKOFF_SECONDS = 5.0
MAX_KID_CHARS = 256

_USABLE_KTY = frozenset(kty for kty, _ in ALGORITHM_KEYS.values())

Fetcher = Callable[[str, float], dict[str, Any]]


def key_fits_algorithm(jwk: dict[str, Any], alg: str) -> bool:
    """True when ``jwk`` may verify a signature made with ``alg``."""
    expected = ALGORITHM_KEYS.get(alg)
    if expected is None:
        return False
    kty, curves = expected
    if jwk.get("kty") != kty or jwk.get("alg", alg) != alg:
        return False
    if curves is not None and jwk.get("crv") not in curves:
        return False
    key_ops = jwk.get("key_ops")
    return key_ops is None or (isinstance(key_ops, list) and "verify" in key_ops)


class JwksCache:
    """Signing keys from one JWKS URI; not thread-safe (one request at a time per container)."""

    def __init__(
        self,
        uri: str,
        *,
        timeout: float,
        lifespan: float,
        cooldown: float,
        max_stale: float,
        fetcher: Fetcher = fetch_jwks_document,
        clock: Callable[[], float] = time.monotonic,
        on_fetch: Callable[[bool], None] | None = None,
    ) -> None:
        self.uri = uri
        self._timeout = timeout
        self._lifespan = lifespan
        self._cooldown = cooldown
        self._backoff = min(cooldown, FAILED_FETCH_BACKOFF_SECONDS)
        self._max_stale = max_stale
        self._fetcher = fetcher
        self._clock = clock
        self._on_fetch = on_fetch
        self.fetch_count = 0
        self.failed_fetch_count = 0
        self.clear()

    def clear(self) -> None:
        """Forget every key and fetch time (tests, or a configuration change)."""
        self._by_kid: dict[str, list[dict[str, Any]]] = {}
        self._all: list[dict[str, Any]] = []
        self._prepared: dict[tuple[str | None, str], PyJWK] = {}
        self._fetched_at: float | None = None
        self._attempt_at: float | None = None
        self._attempt_ok = False

    def signing_key(self, kid: str | None, alg: str) -> PyJWK:
        """The key for ``kid`` that may verify ``alg``; raise ``KeyUnavailable`` otherwise."""
        if kid is not None and (not isinstance(kid, str) or not kid or len(kid) > MAX_KID_CHARS):
            raise KeyUnavailable("bad_kid")
        now = self._clock()
        refreshed = False
        if self._expired(now) and (
            self._attempt_at is None or self._attempt_ok or now - self._attempt_at >= self._backoff
        ):
            self._refresh(now)
            refreshed = True
        if not self._usable(now):
            raise KeyUnavailable("jwks_unavailable")
        jwk = self._find(kid, alg)
        if jwk is None and kid is not None and kid not in self._by_kid and not refreshed:
            interval = self._cooldown if self._attempt_ok else self._backoff
            if self._attempt_at is None or now - self._attempt_at >= interval:
                self._refresh(now)
                jwk = self._find(kid, alg)
        if jwk is None:
            raise KeyUnavailable("unknown_kid" if kid not in self._by_kid else "key_alg_mismatch")
        return self._prepare(kid, alg, jwk)

    def _expired(self, now: float) -> bool:
        return self._fetched_at is None or now - self._fetched_at >= self._lifespan

    def _usable(self, now: float) -> bool:
        if self._fetched_at is None:
            return False
        return now - self._fetched_at < self._lifespan + self._max_stale

    def _find(self, kid: str | None, alg: str) -> dict[str, Any] | None:
        if kid is None:
            fitting = [jwk for jwk in self._all if key_fits_algorithm(jwk, alg)]
            return fitting[0] if len(fitting) == 1 else None
        for jwk in self._by_kid.get(kid, ()):
            if key_fits_algorithm(jwk, alg):
                return jwk
        return None

    def _prepare(self, kid: str | None, alg: str, jwk: dict[str, Any]) -> PyJWK:
        prepared = self._prepared.get((kid, alg))
        if prepared is None:
            try:
                prepared = PyJWK(jwk, algorithm=alg)
            except (PyJWTError, ValueError, TypeError):
                raise KeyUnavailable("unusable_jwk") from None
            self._prepared[(kid, alg)] = prepared
        return prepared

    def _refresh(self, now: float) -> None:
        self._attempt_at = now
        self.fetch_count += 1
        try:
            document = self._fetcher(self.uri, self._timeout)
            keys = _usable_keys(document)
        except Exception:  # JwksFetchError, ValueError, or anything unexpected: a failed attempt
            self._attempt_ok = False
            self.failed_fetch_count += 1
            self._notify(False)
            return  # keep whatever keys we had
        by_kid: dict[str, list[dict[str, Any]]] = {}
        for jwk in keys:
            if isinstance(jwk.get("kid"), str):
                by_kid.setdefault(jwk["kid"], []).append(jwk)
        self._by_kid, self._all, self._prepared = by_kid, keys, {}
        self._fetched_at = self._clock()
        self._attempt_ok = True
        self._notify(True)

    def _notify(self, ok: bool) -> None:
        if self._on_fetch is not None:
            with contextlib.suppress(Exception):  # telemetry must never break verification
                self._on_fetch(ok)


def _usable_keys(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The verification keys of a JWKS document; ``ValueError`` when there are none."""
    keys = document.get("keys")
    if not isinstance(keys, list):
        raise ValueError("JWKS document has no 'keys' list")
    usable = [
        jwk
        for jwk in keys
        if isinstance(jwk, dict)
        and jwk.get("kty") in _USABLE_KTY
        and jwk.get("use", "sig") == "sig"
        and (jwk.get("kid") is None or isinstance(jwk.get("kid"), str))
        and _loads(jwk)
    ]
    if not usable:
        raise ValueError("JWKS document has no usable signing keys")
    return usable


def _loads(jwk: dict[str, Any]) -> bool:
    """True when the key material parses (a refresh of broken keys must not replace good ones)."""
    try:
        PyJWK(jwk)
    except (PyJWTError, ValueError, TypeError):
        return False
    return True
