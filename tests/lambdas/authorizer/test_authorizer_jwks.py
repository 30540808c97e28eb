"""The JWKS cache: fetch bounds, cooldown, rotation, outages; against a fake clock and loopback."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
from authorizer_support import (
    AuthorizerHarness,
    JwksServer,
    ManualClock,
    TokenFactory,
    assert_unauthorized,
    default_claims,
    effect_of,
    rsa_jwk,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeIdp:
    """A fetcher that serves ``document`` or fails, counting calls."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.fail = False
        self.calls = 0

    def __call__(self, uri: str, timeout: float) -> dict[str, Any]:
        from token_authorizer.jwks_fetch import JwksFetchError

        self.calls += 1
        if self.fail:
            raise JwksFetchError("down")
        return self.document


@pytest.fixture
def jwks_module(make: Any) -> Any:
    make()  # a fresh import of the package
    import token_authorizer.jwks as module

    return module


def new_cache(module: Any, idp: FakeIdp, clock: Clock, **overrides: float) -> Any:
    options = {"timeout": 1.0, "lifespan": 300.0, "cooldown": 60.0, "max_stale": 3600.0}
    options.update(overrides)
    return module.JwksCache("https://idp.test/jwks", fetcher=idp, clock=clock, **options)


def test_one_fetch_per_lifespan(jwks_module: Any, jwks_document: dict[str, Any]) -> None:
    idp, clock = FakeIdp(jwks_document), Clock()
    cache = new_cache(jwks_module, idp, clock)
    for _ in range(50):
        cache.signing_key("rsa-1", "RS256")
        clock.now += 1
    assert idp.calls == 1
    clock.now += 300
    cache.signing_key("rsa-1", "RS256")
    assert idp.calls == 2


def test_random_kids_cause_at_most_one_fetch_per_cooldown(
    jwks_module: Any, jwks_document: dict[str, Any]
) -> None:
    idp, clock = FakeIdp(jwks_document), Clock()
    cache = new_cache(jwks_module, idp, clock)
    cache.signing_key("rsa-1", "RS256")
    for second in range(600):  # ten minutes of random kids, ten per second
        for _ in range(10):
            with pytest.raises(jwks_module.KeyUnavailable):
                cache.signing_key(uuid.uuid4().hex, "RS256")
        clock.now += 1
        if second < 59:
            assert idp.calls == 1
    assert idp.calls <= 1 + 600 // 60 + 1


def test_rotated_key_is_picked_up_after_the_cooldown(
    jwks_module: Any, jwks_document: dict[str, Any], tokens: TokenFactory
) -> None:
    idp, clock = FakeIdp(jwks_document), Clock()
    cache = new_cache(jwks_module, idp, clock)
    cache.signing_key("rsa-1", "RS256")
    idp.document = {"keys": [*jwks_document["keys"], rsa_jwk(tokens.keys.rsa_rotated, "rsa-2")]}
    clock.now += 10
    with pytest.raises(jwks_module.KeyUnavailable):
        cache.signing_key("rsa-2", "RS256")
    assert idp.calls == 1  # within the cooldown: no fetch
    clock.now += 50
    assert cache.signing_key("rsa-2", "RS256").key_id == "rsa-2"
    assert idp.calls == 2


def test_rotated_out_key_stops_verifying_after_a_refresh(
    jwks_module: Any, jwks_document: dict[str, Any], tokens: TokenFactory
) -> None:
    idp, clock = FakeIdp(jwks_document), Clock()
    cache = new_cache(jwks_module, idp, clock)
    cache.signing_key("rsa-1", "RS256")
    idp.document = {"keys": [rsa_jwk(tokens.keys.rsa_rotated, "rsa-2")]}
    clock.now += 300
    with pytest.raises(jwks_module.KeyUnavailable):
        cache.signing_key("rsa-1", "RS256")


def test_cached_keys_keep_verifying_while_the_idp_is_down(
    jwks_module: Any, jwks_document: dict[str, Any]
) -> None:
    idp, clock = FakeIdp(jwks_document), Clock()
    cache = new_cache(jwks_module, idp, clock, max_stale=3600)
    cache.signing_key("rsa-1", "RS256")
    idp.fail = True
    clock.now += 301  # expired: a refresh is attempted and fails
    assert cache.signing_key("rsa-1", "RS256").key_id == "rsa-1"
    assert idp.calls == 2
    for _ in range(100):  # failed attempts back off (5 s), they do not repeat per request
        cache.signing_key("rsa-1", "RS256")
        clock.now += 0.01
    assert idp.calls == 2
    clock.now += 5
    cache.signing_key("rsa-1", "RS256")
    assert idp.calls == 3
    clock.now += 3600  # beyond lifespan + max_stale: the keys are too old to trust
    with pytest.raises(jwks_module.KeyUnavailable) as caught:
        cache.signing_key("rsa-1", "RS256")
    assert caught.value.reason == "jwks_unavailable"
    idp.fail = False
    clock.now += 5
    assert cache.signing_key("rsa-1", "RS256").key_id == "rsa-1"


@pytest.mark.parametrize(
    "document",
    [
        {},
        {"keys": []},
        {"keys": "nope"},
        {"keys": [{"kty": "oct", "k": "c2VjcmV0", "kid": "rsa-1"}]},
        {"keys": [{"kty": "RSA", "kid": "rsa-1", "use": "enc", "n": "AQAB", "e": "AQAB"}]},
    ],
)
def test_unusable_documents_do_not_replace_cached_keys(
    jwks_module: Any, jwks_document: dict[str, Any], document: dict[str, Any]
) -> None:
    idp, clock = FakeIdp(jwks_document), Clock()
    cache = new_cache(jwks_module, idp, clock)
    cache.signing_key("rsa-1", "RS256")
    idp.document = document
    clock.now += 301
    assert cache.signing_key("rsa-1", "RS256").key_id == "rsa-1"
    assert idp.calls == 2


def test_failed_cold_start_backs_off(jwks_module: Any, jwks_document: dict[str, Any]) -> None:
    idp, clock = FakeIdp(jwks_document), Clock()
    idp.fail = True
    cache = new_cache(jwks_module, idp, clock)
    for _ in range(20):
        with pytest.raises(jwks_module.KeyUnavailable):
            cache.signing_key("rsa-1", "RS256")
    assert idp.calls == 1
    idp.fail = False
    clock.now += 5
    assert cache.signing_key("rsa-1", "RS256").key_id == "rsa-1"


def test_key_must_fit_the_algorithm(jwks_module: Any, jwks_document: dict[str, Any]) -> None:
    cache = new_cache(jwks_module, FakeIdp(jwks_document), Clock())
    for kid, alg in [("rsa-1", "ES256"), ("ec-1", "RS256"), ("rsa-1", "RS384"), ("ec-1", "ES384")]:
        with pytest.raises(jwks_module.KeyUnavailable) as caught:
            cache.signing_key(kid, alg)
        assert caught.value.reason == "key_alg_mismatch"


def test_key_fits_algorithm_rules(jwks_module: Any) -> None:
    fits = jwks_module.key_fits_algorithm
    assert fits({"kty": "RSA"}, "PS256")
    assert fits({"kty": "RSA", "alg": "RS384"}, "RS384")
    assert not fits({"kty": "RSA", "alg": "RS256"}, "PS256")
    assert fits({"kty": "EC", "crv": "P-256"}, "ES256")
    assert not fits({"kty": "EC", "crv": "P-384"}, "ES256")
    assert fits({"kty": "OKP", "crv": "Ed25519"}, "EdDSA")
    assert not fits({"kty": "oct"}, "HS256")
    assert not fits({"kty": "RSA", "key_ops": ["encrypt"]}, "RS256")
    assert fits({"kty": "RSA", "key_ops": ["verify"]}, "RS256")


# ------------------------------------------------------------------ over loopback HTTP
def test_jwks_down_at_cold_start_is_401_then_recovers(
    make: Any, api_keys: Any, jwks_server: JwksServer
) -> None:
    api_keys.create("client-a")
    harness = make(JWKS_MIN_REFRESH_SECONDS="1")  # the failure backoff: min(cooldown, 5 s)
    clock = harness.use_clock(ManualClock())
    jwks_server.set_mode("error")
    token = harness.tokens.rsa()
    assert_unauthorized(lambda: harness.call(token))
    assert_unauthorized(lambda: harness.call(token))
    assert jwks_server.fetches == 1  # the second request did not retry within the backoff
    jwks_server.set_mode("ok")
    clock.advance(1.05)
    assert effect_of(harness.call(token)) == {"Allow"}


@pytest.mark.parametrize("mode", ["hang", "slow"])
def test_jwks_hanging_at_cold_start_is_401_within_the_timeout(
    make: Any, api_keys: Any, jwks_server: JwksServer, mode: str
) -> None:
    api_keys.create("client-a")
    harness = make(JWKS_TIMEOUT_SECONDS="0.5")
    jwks_server.set_mode(mode)
    token = harness.tokens.rsa()
    started = time.perf_counter()
    assert_unauthorized(lambda: harness.call(token))
    elapsed = time.perf_counter() - started
    assert 0.4 < elapsed < 1.5, elapsed
    started = time.perf_counter()
    assert_unauthorized(lambda: harness.call(token))  # within the backoff: no second wait
    assert time.perf_counter() - started < 0.2


def test_default_timeout_bounds_a_hanging_idp(
    make: Any, api_keys: Any, jwks_server: JwksServer
) -> None:
    """With the shipped default (2 s) a hanging IdP holds a request for about 2 s, not 30."""
    api_keys.create("client-a")
    harness = make(JWKS_TIMEOUT_SECONDS=None)
    jwks_server.set_mode("hang")
    started = time.perf_counter()
    assert_unauthorized(lambda: harness.call(harness.tokens.rsa()))
    assert 1.8 < time.perf_counter() - started < 3.0


@pytest.mark.parametrize("mode", ["html", "empty"])
def test_jwks_answering_garbage_is_401(
    make: Any, api_keys: Any, jwks_server: JwksServer, mode: str
) -> None:
    api_keys.create("client-a")
    harness = make()
    jwks_server.set_mode(mode)
    assert_unauthorized(lambda: harness.call(harness.tokens.rsa()))


def test_jwks_down_after_keys_were_cached(
    make: Any, api_keys: Any, jwks_server: JwksServer
) -> None:
    api_keys.create("client-a")
    harness = make(JWKS_CACHE_SECONDS="0.2", JWKS_MIN_REFRESH_SECONDS="1")
    assert effect_of(harness.call(harness.tokens.rsa())) == {"Allow"}
    for mode in ("error", "hang", "html"):
        jwks_server.set_mode(mode)
        time.sleep(0.25)  # the cached set has expired; its refresh fails
        assert effect_of(harness.call(harness.tokens.rsa())) == {"Allow"}
        assert effect_of(harness.call(harness.tokens.ec())) == {"Allow"}


def test_a_stream_of_random_kids_costs_at_most_a_few_fetches(
    authorizer: AuthorizerHarness, jwks_server: JwksServer
) -> None:
    other = authorizer.tokens.keys.rsa_other
    assert effect_of(authorizer.call(authorizer.tokens.rsa())) == {"Allow"}
    for _ in range(300):
        token = authorizer.tokens.signed_with(
            other, "RS256", default_claims(), kid=uuid.uuid4().hex
        )
        assert_unauthorized(lambda: authorizer.call(token))  # noqa: B023
    assert jwks_server.fetches == 1
    assert effect_of(authorizer.call(authorizer.tokens.rsa())) == {"Allow"}


def test_rotation_at_the_idp_over_http(
    make: Any, api_keys: Any, jwks_server: JwksServer, tokens: TokenFactory
) -> None:
    api_keys.create("client-a")
    harness = make(JWKS_MIN_REFRESH_SECONDS="1")
    clock = harness.use_clock(ManualClock())  # the fetches themselves are real HTTP
    assert effect_of(harness.call(tokens.rsa())) == {"Allow"}
    rotated = rsa_jwk(tokens.keys.rsa_rotated, "rsa-2")
    jwks_server.state.document = {"keys": [rotated, *jwks_server.state.document["keys"]]}
    new_token = tokens.signed_with(tokens.keys.rsa_rotated, "RS256", default_claims(), kid="rsa-2")
    assert_unauthorized(lambda: harness.call(new_token))  # within the cooldown
    assert jwks_server.fetches == 1
    clock.advance(1.05)
    assert effect_of(harness.call(new_token)) == {"Allow"}
    assert jwks_server.fetches == 2
    assert effect_of(harness.call(tokens.rsa())) == {"Allow"}  # the old key still listed


def test_fetcher_refuses_oversized_and_non_200(jwks_server: JwksServer, make: Any) -> None:
    make()
    from token_authorizer.jwks_fetch import JwksFetchError, fetch_jwks_document

    assert "keys" in fetch_jwks_document(jwks_server.url, 1.0)
    with pytest.raises(JwksFetchError):
        fetch_jwks_document(jwks_server.url, 1.0, max_bytes=100)
    jwks_server.set_mode("error")
    with pytest.raises(JwksFetchError, match="HTTP 500"):
        fetch_jwks_document(jwks_server.url, 1.0)
    with pytest.raises(JwksFetchError):
        fetch_jwks_document("http://127.0.0.1:9/jwks", 1.0)  # nothing listens on port 9


def test_broken_key_material_does_not_replace_good_keys(
    jwks_module: Any, jwks_document: dict[str, Any]
) -> None:
    idp, clock = FakeIdp(jwks_document), Clock()
    cache = new_cache(jwks_module, idp, clock)
    cache.signing_key("rsa-1", "RS256")
    idp.document = {"keys": [{"kty": "RSA", "kid": "rsa-1", "n": "!!", "e": "AQAB"}]}
    clock.now += 301
    assert cache.signing_key("rsa-1", "RS256").key_id == "rsa-1"
    assert cache.failed_fetch_count == 1


def test_other_asymmetric_algorithms_when_configured(
    make: Any, api_keys: Any, jwks_server: JwksServer, tokens: TokenFactory
) -> None:
    from cryptography.hazmat.primitives.asymmetric import ed25519
    from jwt.algorithms import OKPAlgorithm

    ed_key = ed25519.Ed25519PrivateKey.generate()
    ed_jwk = {**OKPAlgorithm.to_jwk(ed_key.public_key(), as_dict=True), "kid": "ed-1"}
    ps_jwk = rsa_jwk(tokens.keys.rsa_rotated, "ps-1", alg=None)  # no "alg": any RSA algorithm
    jwks_server.state.document["keys"] += [ed_jwk, ps_jwk]
    api_keys.create("client-a")
    harness = make(JWT_ALGORITHMS="RS256,PS256,EdDSA")
    claims = default_claims()
    ed_token = tokens.signed_with(ed_key, "EdDSA", claims, kid="ed-1")
    ps_token = tokens.signed_with(tokens.keys.rsa_rotated, "PS256", claims, kid="ps-1")
    assert effect_of(harness.call(ed_token)) == {"Allow"}
    assert effect_of(harness.call(ps_token)) == {"Allow"}
    es_token = tokens.ec()  # ES256 is no longer in the allow-list
    assert_unauthorized(lambda: harness.call(es_token))


def test_default_cooldown_a_rotated_in_key_verifies_11_s_after_the_last_fetch(
    make: Any, api_keys: Any, jwks_server: JwksServer, tokens: TokenFactory
) -> None:
    """Issue 16: with the default settings (no JWKS_MIN_REFRESH_SECONDS), a key the IdP starts
    signing with verifies on its first use 11 s after the authorizer's last fetch."""
    api_keys.create("client-a")
    harness = make()
    clock = harness.use_clock(ManualClock())
    assert effect_of(harness.call(tokens.rsa())) == {"Allow"}  # the last fetch
    assert jwks_server.fetches == 1
    rotated = rsa_jwk(tokens.keys.rsa_rotated, "rsa-2")
    jwks_server.state.document = {"keys": [rotated, *jwks_server.state.document["keys"]]}
    new_token = tokens.signed_with(tokens.keys.rsa_rotated, "RS256", default_claims(), kid="rsa-2")
    clock.advance(11)
    assert effect_of(harness.call(new_token)) == {"Allow"}
    assert jwks_server.fetches == 2


def test_default_cooldown_a_flood_of_unknown_kids_costs_one_fetch_per_10_s(
    make: Any, api_keys: Any, jwks_server: JwksServer, tokens: TokenFactory
) -> None:
    api_keys.create("client-a")
    harness = make()
    clock = harness.use_clock(ManualClock())
    assert effect_of(harness.call(tokens.rsa())) == {"Allow"}
    for _ in range(60):  # a minute of random kids, five every second
        for _ in range(5):
            token = tokens.signed_with(
                tokens.keys.rsa_other, "RS256", default_claims(), kid=uuid.uuid4().hex
            )
            assert_unauthorized(lambda token=token: harness.call(token))
        clock.advance(1)
    assert jwks_server.fetches <= 1 + 60 // 10
    assert effect_of(harness.call(tokens.rsa())) == {"Allow"}  # the known key never stopped
