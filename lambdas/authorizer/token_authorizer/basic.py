"""Basic credentials (RFC 7617): ``Basic base64(client:secret)``, verified against scrypt hashes.

- Parsing refuses, before any hashing: a value over ``MAX_BASIC_CHARS``, base64 that is not
  canonical (``validate=True``, padding required), bytes that are not UTF-8, no ``:``, a user that
  is not a client id (``[A-Za-z0-9][A-Za-z0-9._-]{0,63}``, so never empty), an empty secret. The
  secret is everything after the first ``:`` (it may hold ``:``), compared as UTF-8 bytes.
- A verification that succeeded is cached per container under an HMAC-SHA256 of the whole
  credential with a random per-container key (never the secret, never a plain hash of it), tied
  to the record's fingerprint: a ``rotate`` or ``revoke`` invalidates it once the record cache
  refreshes. A cached credential costs no scrypt and is not subject to the rate limit.
- Failed attempts are counted per client (``FailureLimiter``): after ``max_failures`` within
  ``window`` seconds, further uncached attempts for that client are refused without hashing
  until the oldest failure leaves the window.
- Hash comparison is ``hmac.compare_digest``; a client without a record answers at once (client
  ids are not secret: they are in tokens and the gateway file; hashing a dummy would only let
  random user names burn the function's CPU).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from token_authorizer.basic_records import CredentialRecord, CredentialStore
from token_authorizer.errors import LookupFailed, Unauthenticated
from token_authorizer.tokens import VerifiedToken

#: ``Basic `` and the base64 of a client id (64), ``:`` and a secret of up to 512 bytes.
MAX_BASIC_CHARS = 1024
MAX_SECRET_BYTES = 512
CLIENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_BASIC = re.compile(r"[Bb][Aa][Ss][Ii][Cc] +([A-Za-z0-9+/]+={0,2}) *")


def parse_basic(authorization: str) -> tuple[str, bytes]:
    """``(client_id, secret)`` of a ``Basic`` value; ``Unauthenticated`` otherwise."""
    if len(authorization) > MAX_BASIC_CHARS:
        raise Unauthenticated("credentials_too_long")
    match = _BASIC.fullmatch(authorization)
    if match is None:
        raise Unauthenticated("malformed_basic")
    try:
        decoded = base64.b64decode(match.group(1), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):  # UnicodeDecodeError is a ValueError
        raise Unauthenticated("malformed_basic") from None
    user, colon, secret = decoded.partition(":")
    if not colon or not secret:
        raise Unauthenticated("malformed_basic")
    if not CLIENT_ID.fullmatch(user):
        raise Unauthenticated("bad_basic_user")
    raw = secret.encode("utf-8")
    if len(raw) > MAX_SECRET_BYTES:
        raise Unauthenticated("credentials_too_long")
    return user, raw


class FailureLimiter:
    """Failed attempts per client in a sliding window; single-threaded, bounded in clients.

    Args:
        max_failures: failures within ``window`` after which a client is refused.
        window: the window, in seconds.
        clock: the monotonic clock. Default: ``time.monotonic``.
        max_clients: clients tracked at once (the oldest forgotten first). Default: 10,000.
    """

    def __init__(
        self,
        max_failures: int,
        window: float,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = 10_000,
    ) -> None:
        self._max = max_failures
        self._window = window
        self.clock = clock
        self._max_clients = max_clients
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, client_id: str) -> deque[float] | None:
        times = self._failures.get(client_id)
        if times is None:
            return None
        cutoff = self.clock() - self._window
        while times and times[0] <= cutoff:
            times.popleft()
        if not times:
            del self._failures[client_id]
            return None
        return times

    def blocked(self, client_id: str) -> bool:
        """True while ``client_id`` has ``max_failures`` failures within the window."""
        times = self._recent(client_id)
        return times is not None and len(times) >= self._max

    def failed(self, client_id: str) -> None:
        """Count one failed attempt."""
        times = self._recent(client_id) or deque(maxlen=self._max)
        times.append(self.clock())
        self._failures[client_id] = times
        self._failures.move_to_end(client_id)
        while len(self._failures) > self._max_clients:
            self._failures.popitem(last=False)

    def succeeded(self, client_id: str) -> None:
        """Forget the client's failures."""
        self._failures.pop(client_id, None)


class BasicVerifier:
    """Verifies ``Basic`` values against the clients' stored hashes.

    Args:
        store: the clients' credential records.
        limiter: the failed-attempt counter.
        verified_ttl: how long a verified credential is remembered (seconds; 0: never).
        clock: the monotonic clock. Default: ``time.monotonic``.
    """

    def __init__(
        self,
        store: CredentialStore,
        limiter: FailureLimiter,
        *,
        verified_ttl: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._limiter = limiter
        self._verified_ttl = verified_ttl
        self.clock = clock
        self._cache_key = secrets.token_bytes(32)  # never leaves the container
        self._verified: OrderedDict[bytes, tuple[str, str, float]] = OrderedDict()
        self.hash_count = 0

    def verify(self, authorization: str) -> VerifiedToken:
        """The client as a ``VerifiedToken`` (mode ``basic``); ``Unauthenticated`` otherwise."""
        client_id, secret = parse_basic(authorization)
        digest = hmac.new(self._cache_key, authorization.encode(), hashlib.sha256).digest()
        record = self._record(client_id)
        cached = self._verified.get(digest)
        if cached is not None:
            cached_client, fingerprint, expires_at = cached
            if (
                cached_client == client_id
                and record is not None
                and fingerprint == record.fingerprint
                and self.clock() < expires_at
            ):
                return _verified(client_id)
            del self._verified[digest]
        if record is None:
            # Not counted: the limiter tracks the clients that have credentials, so that
            # invented ids cannot push a real client's failures out of it.
            raise Unauthenticated("unknown_basic_client")
        if self._limiter.blocked(client_id):
            raise Unauthenticated("basic_rate_limited")
        for stored in record.hashes:
            self.hash_count += 1
            if stored.matches(secret):
                self._limiter.succeeded(client_id)
                self._remember(digest, client_id, record.fingerprint)
                return _verified(client_id)
        self._limiter.failed(client_id)
        raise Unauthenticated("bad_basic_secret")

    def _record(self, client_id: str) -> CredentialRecord | None:
        try:
            return self._store.get(client_id)
        except LookupFailed as error:
            raise Unauthenticated(error.reason) from None

    def _remember(self, digest: bytes, client_id: str, fingerprint: str) -> None:
        if self._verified_ttl <= 0:
            return
        self._verified[digest] = (client_id, fingerprint, self.clock() + self._verified_ttl)
        self._verified.move_to_end(digest)
        while len(self._verified) > 10_000:
            self._verified.popitem(last=False)


def _verified(client_id: str) -> VerifiedToken:
    return VerifiedToken(
        subject=client_id,
        client_id=client_id,
        client_problem=None,
        scopes=(),
        key_id=None,
        algorithm="scrypt",
        mode="basic",
    )
