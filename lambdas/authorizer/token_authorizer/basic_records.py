"""Basic credentials' records: salted scrypt hashes in SSM SecureString parameters, cached.

One parameter per client, ``{prefix}/{client}`` (``prefix`` is
``/gateway-stack/<gateway>/<environment>/credentials``), written by
``python -m gateway_stack credentials``; its value is JSON::

    {"version": 1, "hashes": [{"alg": "scrypt", "n": 16384, "r": 8, "p": 1,
                               "salt": "<base64, 16 bytes>", "hash": "<base64, 32 bytes>"}, ...]}

One hash, or two during a rotation (the current one first). Each hash carries its own cost
parameters, so the command may raise them later without breaking stored hashes; the authorizer
accepts only parameters within ``SCRYPT_BOUNDS``, ``MAX_SCRYPT_MEMORY`` and ``MAX_SCRYPT_WORK`` (a
record that would make it allocate more than 128 MiB, or spin for long, is refused as invalid).

Cache: a record for ``ttl`` seconds, "no record" for ``ttl`` seconds as well (a ``set`` or
``revoke`` reaches every container within it); a failed read for ``FAILURE_CACHE_SECONDS``, during
which the last good record is served if its TTL ended at most ``MAX_STALE_SECONDS`` ago.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any, NamedTuple

from token_authorizer.aws_clients import AwsClients, error_code
from token_authorizer.errors import LookupFailed
from token_authorizer.ttl_cache import TtlCache, cached_lookup

RECORD_VERSION = 1
MAX_HASHES = 2  # the current secret, and the previous one during a rotation
#: (min, max) of each scrypt parameter a stored hash may use; ``n`` is also a power of two.
SCRYPT_BOUNDS = {"n": (2**10, 2**20), "r": (1, 16), "p": (1, 16)}
MAX_SCRYPT_MEMORY = 128 * 1024 * 1024  # 128 * n * r bytes: the function has 512 MB
#: n * r * p at most 16 times the command's default (2**14 * 8 * 1): a few seconds at 512 MB.
MAX_SCRYPT_WORK = 2**21
SALT_BYTES = (16, 64)
HASH_BYTES = (32, 64)


class ScryptHash(NamedTuple):
    """One stored hash: ``scrypt(secret, salt, n, r, p)`` has ``digest``."""

    n: int
    r: int
    p: int
    salt: bytes
    digest: bytes

    def matches(self, secret: bytes) -> bool:
        """True when ``secret`` hashes to ``digest`` (constant-time comparison)."""
        computed = hashlib.scrypt(
            secret,
            salt=self.salt,
            n=self.n,
            r=self.r,
            p=self.p,
            maxmem=MAX_SCRYPT_MEMORY + 1024 * 1024,
            dklen=len(self.digest),
        )
        return hmac.compare_digest(computed, self.digest)


class CredentialRecord(NamedTuple):
    """A client's valid hashes (current first) and a fingerprint of the stored value."""

    hashes: tuple[ScryptHash, ...]
    fingerprint: str


def parse_record(value: str) -> CredentialRecord:
    """The record in ``value``; ``ValueError`` naming the first problem."""
    try:
        document = json.loads(value)
    except (ValueError, RecursionError):
        raise ValueError("not JSON") from None
    if not isinstance(document, dict) or document.get("version") != RECORD_VERSION:
        raise ValueError(f"not a version {RECORD_VERSION} credentials record")
    entries = document.get("hashes")
    if not isinstance(entries, list) or not 1 <= len(entries) <= MAX_HASHES:
        raise ValueError(f"'hashes' must list 1 to {MAX_HASHES} hashes")
    hashes = tuple(_parse_hash(entry) for entry in entries)
    fingerprint = hashlib.sha256(value.encode()).hexdigest()[:16]
    return CredentialRecord(hashes, fingerprint)


def _parse_hash(entry: Any) -> ScryptHash:
    if not isinstance(entry, dict) or entry.get("alg") != "scrypt":
        raise ValueError("each hash must be an object with alg 'scrypt'")
    numbers = {}
    for name, (low, high) in SCRYPT_BOUNDS.items():
        value = entry.get(name)
        if type(value) is not int or not low <= value <= high:
            raise ValueError(f"scrypt {name} must be a whole number from {low} to {high}")
        numbers[name] = value
    if numbers["n"] & (numbers["n"] - 1):
        raise ValueError("scrypt n must be a power of two")
    if 128 * numbers["n"] * numbers["r"] > MAX_SCRYPT_MEMORY:
        raise ValueError("scrypt n * r needs more than 128 MiB")
    if numbers["n"] * numbers["r"] * numbers["p"] > MAX_SCRYPT_WORK:
        raise ValueError(f"scrypt n * r * p is over {MAX_SCRYPT_WORK}")
    salt = _bytes(entry.get("salt"), "salt", SALT_BYTES)
    digest = _bytes(entry.get("hash"), "hash", HASH_BYTES)
    return ScryptHash(numbers["n"], numbers["r"], numbers["p"], salt, digest)


def _bytes(value: object, name: str, sizes: tuple[int, int]) -> bytes:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be base64 text")
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(f"{name} must be base64 text") from None
    if not sizes[0] <= len(raw) <= sizes[1]:
        raise ValueError(f"{name} must be {sizes[0]} to {sizes[1]} bytes")
    return raw


class _Answer(NamedTuple):
    record: CredentialRecord | None  # None: the client has no Basic credentials
    failed: str | None = None


class CredentialStore:
    """Clients' records from SSM, cached per container (see the module docstring).

    Args:
        prefix: the parameter path the clients' names are appended to (no trailing ``/``).
        ttl: how long a record, or its absence, is cached (seconds).
        clients: the container's boto3 clients.
        cache: the cache to use. Default: a new one of 10,000 entries on the monotonic clock.
    """

    def __init__(
        self,
        prefix: str,
        *,
        ttl: float,
        clients: AwsClients,
        cache: TtlCache[_Answer] | None = None,
    ) -> None:
        self._prefix = prefix
        self._ttl = ttl
        self._clients = clients
        self._cache: TtlCache[_Answer] = cache if cache is not None else TtlCache(10_000)
        self._last_good: TtlCache[_Answer] = TtlCache(10_000, clock=self._cache.clock)
        self.lookup_count = 0

    def parameter_name(self, client_id: str) -> str:
        """The SSM parameter holding ``client_id``'s record."""
        return f"{self._prefix}/{client_id}"

    def get(self, client_id: str) -> CredentialRecord | None:
        """The client's record, None when it has none; ``LookupFailed`` when unreadable."""
        answer = cached_lookup(
            self._cache,
            self._last_good,
            client_id,
            lambda: self._lookup(client_id),
            lambda _: self._ttl,
        )
        if answer.failed is not None:
            raise LookupFailed(answer.failed)
        return answer.record

    def _lookup(self, client_id: str) -> _Answer:
        self.lookup_count += 1
        try:
            response = self._clients.get("ssm").get_parameter(
                Name=self.parameter_name(client_id), WithDecryption=True
            )
        except Exception as error:  # any AWS or SDK failure is a failed lookup
            code = error_code(error)
            if code == "ParameterNotFound":
                return _Answer(None)
            return _Answer(None, failed=f"credentials_read_failed:{code}")
        value = response.get("Parameter", {}).get("Value")
        if not isinstance(value, str):
            return _Answer(None, failed="credentials_invalid")
        try:
            return _Answer(parse_record(value))
        except ValueError:
            return _Answer(None, failed="credentials_invalid")
