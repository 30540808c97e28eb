"""Basic credentials: real scrypt hashes in moto's SSM, rotation, caching, rate limiting."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from authorizer_support import (
    CREDENTIALS_PREFIX,
    FAST_SCRYPT,
    ApiKeys,
    AuthorizerHarness,
    BasicCredentials,
    ManualClock,
    assert_response_shape,
    assert_unauthorized,
    basic,
    effect_of,
    method_arn,
)

Make = Callable[..., AuthorizerHarness]
SECRET = "s3cret-of-partner-globex-0123456789"
NEW_SECRET = "n3w-secret-of-partner-globex-987654"


@pytest.fixture
def credentials(aws: None) -> BasicCredentials:
    return BasicCredentials()


@pytest.fixture
def harness(make: Make, api_keys: ApiKeys, credentials: BasicCredentials) -> AuthorizerHarness:
    api_keys.create("partner-globex", value="value-of-globex-key-000001")
    credentials.store("partner-globex", SECRET)
    harness = make(BASIC_CREDENTIALS_PARAMETER_PREFIX=CREDENTIALS_PREFIX)
    harness.use_clock(ManualClock())
    return harness


def authorize(harness: AuthorizerHarness, authorization: str) -> object:
    return harness.request(headers={"Authorization": authorization})


def test_basic_credentials_allow_with_the_clients_key(harness: AuthorizerHarness) -> None:
    response = authorize(harness, basic("partner-globex", SECRET))
    assert_response_shape(response)
    assert effect_of(response) == {"Allow"}
    assert response["principalId"] == "partner-globex"
    assert response["usageIdentifierKey"] == "value-of-globex-key-000001"
    assert response["context"] == {
        "clientId": "partner-globex",
        "sub": "partner-globex",
        "scopes": "",
        "authMode": "basic",
    }


def test_token_events_carry_basic_credentials_too(harness: AuthorizerHarness) -> None:
    event = {
        "type": "TOKEN",
        "authorizationToken": basic("partner-globex", SECRET),
        "methodArn": method_arn(),
    }
    assert effect_of(harness.raw(event)) == {"Allow"}


@pytest.mark.parametrize("scheme", ["Basic", "basic", "BASIC"])
def test_scheme_is_case_insensitive(harness: AuthorizerHarness, scheme: str) -> None:
    assert effect_of(authorize(harness, basic("partner-globex", SECRET, scheme))) == {"Allow"}


def test_wrong_secret_unknown_client_and_disabled_basic_are_401(
    harness: AuthorizerHarness, make: Make
) -> None:
    assert_unauthorized(lambda: authorize(harness, basic("partner-globex", SECRET + "x")))
    assert_unauthorized(lambda: authorize(harness, basic("partner-initech", SECRET)))
    without_basic = make()  # BASIC_CREDENTIALS_PARAMETER_PREFIX unset: Basic is not a mode
    assert_unauthorized(lambda: authorize(without_basic, basic("partner-globex", SECRET)))


def test_client_without_api_key_is_denied(
    harness: AuthorizerHarness, credentials: BasicCredentials
) -> None:
    credentials.store("partner-hooli", SECRET)
    response = authorize(harness, basic("partner-hooli", SECRET))
    assert effect_of(response) == {"Deny"}
    assert response["context"]["reason"] == "no_api_key"


def test_secret_may_hold_colons_and_unicode(
    harness: AuthorizerHarness, credentials: BasicCredentials, api_keys: ApiKeys
) -> None:
    api_keys.create("partner-umlaut")
    secret = "a:b::c-Grüße-🔑-" + "x" * 10
    credentials.store("partner-umlaut", secret)
    assert effect_of(authorize(harness, basic("partner-umlaut", secret))) == {"Allow"}
    assert_unauthorized(lambda: authorize(harness, basic("partner-umlaut", "a")))
    nfd = secret.replace("ü", "u\u0308")  # compared as bytes: no normalization
    assert_unauthorized(lambda: authorize(harness, basic("partner-umlaut", nfd)))


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


MALFORMED = [
    ("not base64", "Basic !!!!"),
    (
        "base64url alphabet",
        "Basic " + _b64(b"partner-globex:\xfb\xff\xbf").replace("+", "-").replace("/", "_"),
    ),
    ("missing padding", basic("partner-globex", SECRET).rstrip("=")),
    ("no colon", "Basic " + _b64(b"partner-globex" + SECRET.encode())),
    ("empty user", "Basic " + _b64(b":" + SECRET.encode())),
    ("empty secret", "Basic " + _b64(b"partner-globex:")),
    ("not UTF-8", "Basic " + _b64(b"partner-globex:\xff\xfe" + SECRET.encode())),
    ("unicode user", basic("partnér-globex", SECRET)),
    ("user with space", basic("partner globex", SECRET)),
    ("user with slash", basic("../partner-globex", SECRET)),
    ("user too long", basic("p" * 65, SECRET)),
    ("10 KB credentials", basic("partner-globex", "x" * 10_240)),
    ("scheme alone", "Basic"),
    ("scheme and space", "Basic "),
    ("two values", basic("partner-globex", SECRET) + " " + _b64(b"a:b")),
    ("tab separator", basic("partner-globex", SECRET).replace(" ", "\t", 1)),
]


@pytest.mark.parametrize("value", [v for _, v in MALFORMED], ids=[n for n, _ in MALFORMED])
def test_malformed_basic_is_401(harness: AuthorizerHarness, value: str) -> None:
    assert basic("partner-globex", SECRET).endswith("=")  # so "missing padding" misses some
    assert_unauthorized(lambda: authorize(harness, value))
    assert harness.module.BASIC.hash_count == 0  # refused before any hashing


def test_rotation_keeps_both_secrets_valid_until_the_previous_is_revoked(
    harness: AuthorizerHarness, credentials: BasicCredentials
) -> None:
    clock = harness.module.BASIC.clock
    assert effect_of(authorize(harness, basic("partner-globex", SECRET))) == {"Allow"}
    credentials.store("partner-globex", NEW_SECRET, SECRET)  # rotate
    clock.advance(61)  # the record cache (60 s) refreshes
    for secret in (NEW_SECRET, SECRET):
        assert effect_of(authorize(harness, basic("partner-globex", secret))) == {"Allow"}
    credentials.store("partner-globex", NEW_SECRET)  # revoke --previous
    clock.advance(61)
    assert effect_of(authorize(harness, basic("partner-globex", NEW_SECRET))) == {"Allow"}
    # The old secret's cached verification is tied to the old record: it no longer counts.
    assert_unauthorized(lambda: authorize(harness, basic("partner-globex", SECRET)))
    credentials.delete("partner-globex")  # revoke
    clock.advance(61)
    assert_unauthorized(lambda: authorize(harness, basic("partner-globex", NEW_SECRET)))


def test_verification_is_cached_by_a_keyed_hash_never_the_secret(
    harness: AuthorizerHarness,
) -> None:
    verifier = harness.module.BASIC
    for _ in range(3):
        assert effect_of(authorize(harness, basic("partner-globex", SECRET))) == {"Allow"}
    assert verifier.hash_count == 1  # one scrypt, then the cache
    (key,) = verifier._verified
    assert len(key) == 32
    remembered = repr(verifier._verified)
    assert SECRET not in remembered
    assert SECRET.encode().hex() not in remembered
    verifier.clock.advance(301)  # BASIC_VERIFIED_CACHE_SECONDS
    authorize(harness, basic("partner-globex", SECRET))
    assert verifier.hash_count == 2


def test_failed_attempts_are_rate_limited_per_client(
    harness: AuthorizerHarness, credentials: BasicCredentials, api_keys: ApiKeys
) -> None:
    verifier = harness.module.BASIC
    api_keys.create("partner-other")
    credentials.store("partner-other", SECRET)
    for attempt in range(5):  # BASIC_MAX_FAILURES
        assert_unauthorized(
            lambda attempt=attempt: authorize(harness, basic("partner-globex", f"guess-{attempt}"))
        )
    hashed = verifier.hash_count
    # Blocked: even the right secret is refused, without hashing, until the window moves on.
    assert_unauthorized(lambda: authorize(harness, basic("partner-globex", SECRET)))
    assert verifier.hash_count == hashed
    # Another client is not affected.
    assert effect_of(authorize(harness, basic("partner-other", SECRET))) == {"Allow"}
    verifier.clock.advance(61)  # BASIC_FAILURE_WINDOW_SECONDS
    assert effect_of(authorize(harness, basic("partner-globex", SECRET))) == {"Allow"}


def test_invented_client_ids_cannot_flush_a_real_clients_failures() -> None:
    from token_authorizer.basic import BasicVerifier, FailureLimiter, Unauthenticated
    from token_authorizer.basic_records import parse_record

    from gateway_stack.tools.credentials import hash_secret, render_record

    record = parse_record(render_record([hash_secret(SECRET.encode(), **FAST_SCRYPT)]))

    class Store:  # the one client with credentials; every other id has none
        def get(self, client_id: str) -> object:
            return record if client_id == "partner-globex" else None

    clock = ManualClock()
    limiter = FailureLimiter(5, 60, clock=clock, max_clients=3)
    verifier = BasicVerifier(Store(), limiter, verified_ttl=60, clock=clock)  # type: ignore[arg-type]
    for attempt in range(5):
        with pytest.raises(Unauthenticated):
            verifier.verify(basic("partner-globex", f"guess-{attempt}"))
    for invented in range(50):
        with pytest.raises(Unauthenticated, match="unknown_basic_client"):
            verifier.verify(basic(f"nobody-{invented}", "guess"))
    assert limiter.blocked("partner-globex")


def test_a_cached_credential_is_not_locked_out(harness: AuthorizerHarness) -> None:
    assert effect_of(authorize(harness, basic("partner-globex", SECRET))) == {"Allow"}
    for attempt in range(10):  # someone guessing the client's secret
        assert_unauthorized(
            lambda attempt=attempt: authorize(harness, basic("partner-globex", f"guess-{attempt}"))
        )
    assert effect_of(authorize(harness, basic("partner-globex", SECRET))) == {"Allow"}


@pytest.mark.parametrize(
    "value",
    [
        "not json",
        '{"version": 2, "hashes": []}',
        '{"version": 1, "hashes": []}',
        '{"version": 1, "hashes": [{"alg": "md5", "hash": "AAAA"}]}',
        '{"version": 1, "hashes": [{"alg": "scrypt", "n": 1073741824, "r": 8, "p": 1,'
        ' "salt": "AAAAAAAAAAAAAAAAAAAAAA==", "hash": "' + "A" * 43 + '="}]}',
        '{"version": 1, "hashes": [{"alg": "scrypt", "n": 1000, "r": 8, "p": 1,'
        ' "salt": "AAAAAAAAAAAAAAAAAAAAAA==", "hash": "' + "A" * 43 + '="}]}',
        # within the memory bound (128 MiB) but 8 times the work bound: p = 16 runs in sequence
        '{"version": 1, "hashes": [{"alg": "scrypt", "n": 1048576, "r": 1, "p": 16,'
        ' "salt": "AAAAAAAAAAAAAAAAAAAAAA==", "hash": "' + "A" * 43 + '="}]}',
        '{"version": 1, "hashes": [{"alg": "scrypt", "n": 1024, "r": 1, "p": 1,'
        ' "salt": "AAAA", "hash": "' + "A" * 43 + '="}]}',  # a 3-byte salt
        '{"version": 1, "hashes": [{"alg": "scrypt", "n": 1024, "r": 1, "p": 1,'
        ' "salt": "AAAAAAAAAAAAAAAAAAAAAA==", "hash": "not base64!"}]}',
    ],
)
def test_invalid_records_are_401(
    harness: AuthorizerHarness, credentials: BasicCredentials, value: str
) -> None:
    credentials.put_raw("partner-globex", value)
    harness.module.BASIC.clock.advance(61)
    assert_unauthorized(lambda: authorize(harness, basic("partner-globex", SECRET)))
    assert harness.module.BASIC.hash_count == 0


def test_the_commands_default_cost_verifies(
    harness: AuthorizerHarness, credentials: BasicCredentials
) -> None:
    from gateway_stack.tools.credentials import SCRYPT_N, SCRYPT_P, SCRYPT_R

    credentials.store("partner-globex", SECRET, cost={"n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P})
    harness.module.BASIC.clock.advance(61)
    assert effect_of(authorize(harness, basic("partner-globex", SECRET))) == {"Allow"}
    assert_unauthorized(lambda: authorize(harness, basic("partner-globex", NEW_SECRET)))


def test_a_near_miss_takes_as_long_as_a_wild_guess(
    make: Make, api_keys: ApiKeys, credentials: BasicCredentials
) -> None:
    """Timing: a wrong secret that shares all but its last character with the right one is no
    faster or slower to refuse than one sharing nothing (scrypt, then a constant-time compare)."""
    import time

    api_keys.create("partner-timing")
    credentials.store("partner-timing", SECRET, cost={"n": 2**12, "r": 8, "p": 1})
    harness = make(BASIC_CREDENTIALS_PARAMETER_PREFIX=CREDENTIALS_PREFIX, BASIC_MAX_FAILURES="1000")
    near, wild = SECRET[:-1] + "#", "#" * len(SECRET)

    def seconds(secret: str) -> float:
        started = time.perf_counter()
        assert_unauthorized(lambda: authorize(harness, basic("partner-timing", secret)))
        return time.perf_counter() - started

    near_times, wild_times = [], []
    for _ in range(15):  # in turns, so that a busy machine slows both alike
        near_times.append(seconds(near))
        wild_times.append(seconds(wild))
    ratio = sorted(near_times)[7] / sorted(wild_times)[7]
    assert 0.5 < ratio < 2.0, (near_times, wild_times)
    assert harness.module.BASIC.hash_count == 30  # every attempt hashed: no shortcut
