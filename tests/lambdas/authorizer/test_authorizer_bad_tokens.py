"""Every row of shared/reference/bad-tokens.md, and more: each must be a 401, never an Allow.

Each case also names the reason the decision table of docs/authorizer.md gives for it, so that a
token refused for the wrong reason (a check that silently stopped working, with a later one
catching the token by luck) fails here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from authorizer_support import (
    AUDIENCE,
    DROP,
    ISSUER,
    AuthorizerHarness,
    TokenFactory,
    assert_unauthorized,
    b64url,
    default_claims,
    effect_of,
    load_event,
    rsa_jwk,
)
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import RSAAlgorithm


def hs256(header: dict[str, Any], claims: dict[str, Any], secret: bytes) -> str:
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


def reject(authorizer: AuthorizerHarness, token: str, reason: str) -> None:
    """``Authorization: Bearer <token>`` is a 401, decided for ``reason``."""
    event = load_event("token_event.json")
    event["authorizationToken"] = f"Bearer {token}"
    reject_event(authorizer, event, reason)


def reject_event(authorizer: AuthorizerHarness, event: dict[str, Any], reason: str) -> None:
    """The handler answers 401, and the decision behind it has the documented reason."""
    assert_unauthorized(lambda: authorizer.raw(event))
    decision = authorizer.module.AUTHORIZER.decide(event)
    assert (decision.outcome, decision.reason) == ("unauthorized", reason)


def test_the_good_token_is_allowed(authorizer: AuthorizerHarness) -> None:
    """The baseline every other test in this module breaks one way or another."""
    assert effect_of(authorizer.call(authorizer.tokens.rsa())) == {"Allow"}


# ------------------------------------------------------------------ algorithm attacks
@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE", "NoNe", ""])
@pytest.mark.parametrize("signature", [b"", b"x", b"\x00" * 32])
def test_alg_none_in_any_capitalisation(
    authorizer: AuthorizerHarness, alg: str, signature: bytes
) -> None:
    token = authorizer.tokens.raw(
        {"alg": alg, "typ": "JWT", "kid": "rsa-1"}, default_claims(), signature
    )
    # an empty signature segment does not even have the shape of a JWT
    reject(authorizer, token, "alg_not_allowed" if signature else "malformed_authorization")
    reject(authorizer, token.rsplit(".", 1)[0] + ".", "malformed_authorization")


def test_alg_header_missing_or_not_a_string(authorizer: AuthorizerHarness) -> None:
    real = authorizer.tokens.rsa()
    signature = base64.urlsafe_b64decode(real.rsplit(".", 1)[1] + "==")
    for header in ({"kid": "rsa-1"}, {"alg": ["RS256"], "kid": "rsa-1"}, {"alg": None}):
        reject(
            authorizer,
            authorizer.tokens.raw(header, default_claims(), signature),
            "alg_not_allowed",
        )


def test_key_confusion_hs256_with_the_rsa_public_key(
    authorizer: AuthorizerHarness, tokens: TokenFactory
) -> None:
    pem = tokens.keys.rsa_public_pem()
    jwk_json = json.dumps(rsa_jwk(tokens.keys.rsa, "rsa-1")).encode()
    for secret in (pem, pem.strip(), jwk_json, b""):
        for alg in ("HS256", "hs256"):
            reject(
                authorizer,
                hs256({"alg": alg, "kid": "rsa-1", "typ": "JWT"}, default_claims(), secret),
                "alg_not_allowed",
            )


def test_symmetric_key_in_the_jwks_is_never_used(
    make: Any, api_keys: Any, jwks_server: Any
) -> None:
    secret = b"shared-secret-that-leaked-into-the-jwks"
    jwks_server.state.document["keys"].append(
        {"kty": "oct", "kid": "hmac-1", "k": b64url(secret), "alg": "HS256"}
    )
    api_keys.create("client-a")
    harness = make()
    token = hs256({"alg": "HS256", "kid": "hmac-1"}, default_claims(), secret)
    reject(harness, token, "alg_not_allowed")
    rs_on_oct = harness.tokens.rsa(kid="hmac-1")
    reject(harness, rs_on_oct, "unknown_kid")  # the oct key was never loaded


@pytest.mark.parametrize(
    ("header_alg", "kid", "configured", "reason"),
    [
        ("RS384", "rsa-1", None, "alg_not_allowed"),  # not in the default allow-list
        ("RS384", "rsa-1", "RS256,RS384,ES256", "key_alg_mismatch"),  # the JWK says RS256
        ("PS256", "rsa-1", "RS256,PS256,ES256", "key_alg_mismatch"),  # the JWK says RS256
        ("ES256", "rsa-1", None, "key_alg_mismatch"),  # an RSA key for an EC algorithm
        ("RS256", "ec-1", None, "key_alg_mismatch"),  # an EC key for an RSA algorithm
    ],
)
def test_header_algorithm_other_than_the_keys(  # noqa: PLR0917 - fixtures and parameters
    make: Any,
    api_keys: Any,
    tokens: TokenFactory,
    header_alg: str,
    kid: str,
    configured: str | None,
    reason: str,
) -> None:
    api_keys.create("client-a")
    harness = make(JWT_ALGORITHMS=configured)
    signer = tokens.keys.ec if header_alg.startswith("ES") else tokens.keys.rsa
    token = tokens.signed_with(signer, header_alg, default_claims(), kid=kid)
    reject(harness, token, reason)


def test_ec_token_signed_on_another_curve(authorizer: AuthorizerHarness) -> None:
    p384 = ec.generate_private_key(ec.SECP384R1())
    token = authorizer.tokens.signed_with(p384, "ES384", default_claims(), kid="ec-1")
    reject(authorizer, token, "alg_not_allowed")


# ------------------------------------------------------------------ signature attacks
def test_payload_changed_after_signing(authorizer: AuthorizerHarness) -> None:
    header, _, signature = authorizer.tokens.rsa().split(".")
    forged = b64url(json.dumps(default_claims(sub="admin", client_id="client-a")).encode())
    reject(authorizer, f"{header}.{forged}.{signature}", "bad_signature")


def test_signature_stripped(authorizer: AuthorizerHarness) -> None:
    header, payload, _ = authorizer.tokens.rsa().split(".")
    for token in (f"{header}.{payload}.", f"{header}.{payload}", f"{header}.{payload}.."):
        reject(authorizer, token, "malformed_authorization")


def test_signature_of_another_token(authorizer: AuthorizerHarness) -> None:
    mine = authorizer.tokens.rsa(default_claims(sub="attacker"))
    victim = authorizer.tokens.rsa(default_claims(sub="admin"))
    header, payload, _ = victim.split(".")
    reject(authorizer, f"{header}.{payload}.{mine.rsplit('.', 1)[1]}", "bad_signature")


def test_known_kid_signed_by_another_key(authorizer: AuthorizerHarness) -> None:
    other = authorizer.tokens.keys.rsa_other
    token = authorizer.tokens.signed_with(other, "RS256", default_claims(), kid="rsa-1")
    reject(authorizer, token, "bad_signature")


def test_bit_flips_in_the_signature(authorizer: AuthorizerHarness) -> None:
    token = authorizer.tokens.rsa()
    head, signature = token.rsplit(".", 1)
    raw = bytearray(base64.urlsafe_b64decode(signature + "=="))
    for index in (0, len(raw) // 2, len(raw) - 1):
        flipped = bytearray(raw)
        flipped[index] ^= 0x01
        reject(authorizer, f"{head}.{b64url(bytes(flipped))}", "bad_signature")


# ------------------------------------------------------------------ claims
NOW = int(time.time())


@pytest.mark.parametrize(
    ("claims", "why", "reason"),
    [
        ({"exp": NOW - 120}, "expired beyond the 30 s leeway", "token_expired"),
        ({"exp": NOW - 31}, "expired just beyond the leeway", "token_expired"),
        ({"nbf": NOW + 300}, "not valid yet", "token_not_yet_valid"),
        ({"iat": NOW + 300}, "issued in the future", "token_not_yet_valid"),
        ({"exp": DROP}, "exp missing", "missing_claim"),
        ({"iss": DROP}, "iss missing", "missing_claim"),
        ({"aud": DROP}, "aud missing", "missing_claim"),
        ({"sub": DROP}, "sub missing", "missing_claim"),
        ({"iss": "https://evil.example/"}, "wrong iss", "bad_issuer"),
        ({"iss": ISSUER.rstrip("/")}, "iss that is a prefix of the right one", "bad_issuer"),
        ({"iss": ISSUER + "evil"}, "iss that starts with the right one", "bad_issuer"),
        ({"iss": ISSUER.upper()}, "iss differing in case", "bad_issuer"),
        ({"aud": "api://other"}, "wrong aud", "bad_audience"),
        ({"aud": AUDIENCE + "-evil"}, "aud that starts with a right one", "bad_audience"),
        ({"aud": []}, "empty aud list", "missing_claim"),  # PyJWT: an empty aud is none
        ({"aud": ["api://other", "api://more"]}, "aud list without ours", "bad_audience"),
        ({"aud": {"value": AUDIENCE}}, "aud as an object", "bad_audience"),
        ({"exp": "9999999999"}, "exp as a string", "bad_time_claim"),
        ({"exp": [NOW + 600]}, "exp as a list", "invalid_token"),
        ({"exp": 1e400}, "exp infinite", "invalid_token"),
        ({"nbf": "0"}, "nbf as a string", "bad_time_claim"),
        ({"sub": ""}, "empty sub", "bad_subject"),
        ({"sub": 123}, "numeric sub", "invalid_token"),
        ({"sub": "user\r\nX-Admin: true"}, "sub with a header injection", "bad_subject"),
        ({"sub": "x" * 600}, "sub too long", "bad_subject"),
    ],
)
def test_bad_claims(
    authorizer: AuthorizerHarness, claims: dict[str, Any], why: str, reason: str
) -> None:
    drift = int(time.time()) - NOW  # collected at import: a slow run must not age the times
    claims = {
        k: v + drift if k in ("exp", "nbf", "iat") and type(v) is int else v
        for k, v in claims.items()
    }
    reject(authorizer, authorizer.tokens.rsa(default_claims(**claims)), reason)


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"iss": [ISSUER]}, "bad_issuer"),
        ({"iss": {"iss": ISSUER}}, "bad_issuer"),
        ({"aud": [[AUDIENCE]]}, "bad_audience"),
        ({"exp": None}, "missing_claim"),  # a null claim counts as absent
        ({"client_id": "client-a", "sub": None}, "missing_claim"),
    ],
    ids=repr,
)
def test_claims_pyjwt_would_not_even_encode(
    authorizer: AuthorizerHarness, claims: Any, reason: str
) -> None:
    header = {"alg": "RS256", "kid": "rsa-1", "typ": "JWT"}
    reject(authorizer, authorizer.tokens.signed_raw(header, default_claims(**claims)), reason)


def test_expiry_within_the_leeway_is_accepted(authorizer: AuthorizerHarness) -> None:
    token = authorizer.tokens.rsa(default_claims(exp=int(time.time()) - 10))
    assert effect_of(authorizer.call(token)) == {"Allow"}


def test_leeway_is_configurable(make: Any, api_keys: Any, tokens: TokenFactory) -> None:
    api_keys.create("client-a")
    harness = make(JWT_LEEWAY_SECONDS="0")
    token = tokens.rsa(default_claims(exp=int(time.time()) - 2))
    reject(harness, token, "token_expired")


# ------------------------------------------------------------------ headers
@pytest.mark.parametrize("name", ["jku", "x5u"])
def test_key_url_headers(authorizer: AuthorizerHarness, name: str) -> None:
    """Even signed by the real key: the token may not point at keys."""
    token = authorizer.tokens.rsa(**{name: "https://attacker.example/jwks.json"})
    reject(authorizer, token, f"refused_header_{name}")
    other = authorizer.tokens.keys.rsa_other
    token = authorizer.tokens.signed_with(
        other, "RS256", default_claims(), kid="attacker", **{name: "https://attacker.example/"}
    )
    reject(authorizer, token, f"refused_header_{name}")


def test_embedded_jwk_header(authorizer: AuthorizerHarness) -> None:
    other = authorizer.tokens.keys.rsa_other
    embedded = RSAAlgorithm.to_jwk(other.public_key(), as_dict=True)
    for kid in ("rsa-1", "attacker"):
        token = authorizer.tokens.signed_with(
            other, "RS256", default_claims(), kid=kid, jwk=embedded
        )
        reject(authorizer, token, "refused_header_jwk")
    token = authorizer.tokens.rsa(jwk=rsa_jwk(authorizer.tokens.keys.rsa, "rsa-1"))
    reject(authorizer, token, "refused_header_jwk")


def test_x5c_header(authorizer: AuthorizerHarness) -> None:
    token = authorizer.tokens.rsa(x5c=["MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"])
    reject(authorizer, token, "refused_header_x5c")


@pytest.mark.parametrize("crit", [["exp"], ["x-custom"], ["b64"], [], "b64", [1]], ids=repr)
def test_crit_header(authorizer: AuthorizerHarness, crit: Any) -> None:
    reject(authorizer, authorizer.tokens.rsa(crit=crit, **{"x-custom": 1}), "refused_header_crit")


def test_b64_false_header(authorizer: AuthorizerHarness) -> None:
    # PyJWT leaves the unencoded payload out (a detached payload): not even a JWT's shape
    reject(authorizer, authorizer.tokens.rsa(b64=False), "malformed_authorization")
    header = {"alg": "RS256", "kid": "rsa-1", "typ": "JWT", "b64": False}
    reject(authorizer, authorizer.tokens.signed_raw(header, default_claims()), "refused_header_b64")


@pytest.mark.parametrize("typ", ["dpop+jwt", "logout+jwt", "JWE", 7])
def test_foreign_token_types(authorizer: AuthorizerHarness, typ: Any) -> None:
    reject(authorizer, authorizer.tokens.rsa(typ=typ), "bad_typ")


@pytest.mark.parametrize("typ", ["JWT", "jwt", "at+jwt", "application/at+jwt"])
def test_access_token_types_are_accepted(authorizer: AuthorizerHarness, typ: str) -> None:
    assert effect_of(authorizer.call(authorizer.tokens.rsa(typ=typ))) == {"Allow"}


@pytest.mark.parametrize(
    ("kid", "reason"),
    [
        ("../../../../../../dev/null", "unknown_kid"),
        ("/etc/passwd", "unknown_kid"),
        ("file:///etc/passwd", "unknown_kid"),
        ("' OR '1'='1' --", "unknown_kid"),
        ("rsa-1' UNION SELECT 'x", "unknown_kid"),
        ("rsa-1\x00", "unknown_kid"),
        ("rsa-1 ", "unknown_kid"),
        ("RSA-1", "unknown_kid"),
        ("${jndi:ldap://attacker/a}", "unknown_kid"),
        ("x" * 300, "bad_kid"),  # longer than any kid the cache looks up
        ("", "bad_kid"),
        (7, "bad_kid"),
        (["rsa-1"], "bad_kid"),
        ({"kid": "rsa-1"}, "bad_kid"),
    ],
    ids=repr,
)
def test_kid_injection_and_odd_kids(authorizer: AuthorizerHarness, kid: Any, reason: str) -> None:
    header = {"alg": "RS256", "kid": kid, "typ": "JWT"}
    other = authorizer.tokens.keys.rsa_other
    reject(authorizer, authorizer.tokens.signed_raw(header, default_claims(), other), reason)
    reject(authorizer, authorizer.tokens.signed_raw(header, default_claims()), reason)  # real key


def test_unknown_kid_even_after_a_refresh(authorizer: AuthorizerHarness, jwks_server: Any) -> None:
    reject(authorizer, authorizer.tokens.rsa(kid="rsa-unknown"), "unknown_kid")
    assert jwks_server.fetches == 1  # the cold-start fetch found nothing: no second fetch yet


# ------------------------------------------------------------------ malformed values
def _long_token(tokens: TokenFactory) -> str:
    return tokens.rsa(default_claims(padding="A" * 1_000_000))


JSON_STRING = b'"RS256"'
NOT_UTF8 = b"\xff\xfe"
MALFORMED: list[tuple[str, str, Callable[[TokenFactory], Any]]] = [
    ("empty", "missing_token", lambda t: ""),
    ("Bearer alone", "malformed_authorization", lambda t: "Bearer"),
    ("Bearer and a space", "malformed_authorization", lambda t: "Bearer "),
    ("Bearer and spaces", "malformed_authorization", lambda t: "Bearer    "),
    ("no scheme", "malformed_authorization", lambda t: t.rsa()),
    ("Basic scheme", "basic_not_enabled", lambda t: "Basic " + t.rsa()),
    ("Token scheme", "malformed_authorization", lambda t: "Token " + t.rsa()),
    ("scheme glued", "malformed_authorization", lambda t: "Bearer" + t.rsa()),
    ("tab separator", "malformed_authorization", lambda t: "Bearer\t" + t.rsa()),
    (
        "newline inside",
        "malformed_authorization",
        lambda t: "Bearer " + t.rsa().replace(".", ".\n", 1),
    ),
    ("two tokens", "malformed_authorization", lambda t: f"Bearer {t.rsa()} {t.rsa()}"),
    ("one segment", "malformed_authorization", lambda t: "Bearer abc"),
    ("two segments", "malformed_authorization", lambda t: "Bearer " + t.rsa().rsplit(".", 1)[0]),
    ("four segments", "malformed_authorization", lambda t: f"Bearer {t.rsa()}.AAAA"),
    (
        "five segments (JWE)",
        "malformed_authorization",
        lambda t: "Bearer " + ".".join(["eyJhbGciOiJSU0EifQ"] + ["AAAA"] * 4),
    ),
    ("non-base64", "malformed_authorization", lambda t: "Bearer a!b.c$d.e%f"),
    (
        "base64 with junk",
        "malformed_authorization",
        lambda t: "Bearer " + t.rsa().replace(".", "!.", 1),
    ),
    (
        "non-JSON header",
        "malformed_token",
        lambda t: f"Bearer {b64url(b'not json')}.{b64url(b'{}')}.AAAA",
    ),
    (
        "JSON array header",
        "malformed_token",
        lambda t: f"Bearer {b64url(b'[1,2]')}.{b64url(b'{}')}.AAAA",
    ),
    (
        "JSON string header",
        "malformed_token",
        lambda t: f"Bearer {b64url(JSON_STRING)}.{b64url(b'{}')}.AAAA",
    ),
    (
        "deeply nested header",
        "token_too_long",
        lambda t: f"Bearer {b64url(b'[' * 100000)}.{b64url(b'{}')}.AAAA",
    ),
    ("non-JSON payload", "bad_signature", lambda t: "Bearer " + _swap_payload(t, b"not json")),
    ("payload array", "bad_signature", lambda t: "Bearer " + _swap_payload(t, b"[1]")),
    ("signed non-JSON payload", "invalid_token", lambda t: "Bearer " + _signed(t, b"not json")),
    ("signed payload array", "invalid_token", lambda t: "Bearer " + _signed(t, b"[1]")),
    (
        "invalid UTF-8 header",
        "malformed_token",
        lambda t: f"Bearer {b64url(NOT_UTF8)}.{b64url(b'{}')}.AAAA",
    ),
    ("non-ASCII token", "malformed_authorization", lambda t: "Bearer " + t.rsa() + "é"),
    ("1 MB token", "token_too_long", lambda t: "Bearer " + _long_token(t)),
    ("1 MB of junk", "token_too_long", lambda t: "Bearer " + "A" * 1_000_000),
    ("not a string", "missing_token", lambda t: ["Bearer", t.rsa()]),
    ("bytes", "missing_token", lambda t: ("Bearer " + t.rsa()).encode()),
    ("number", "missing_token", lambda t: 12345),
]


def _signed(tokens: TokenFactory, payload: bytes) -> str:
    """A JWS over ``payload`` with the real key: only the claims are wrong."""
    return jwt.PyJWS().encode(payload, tokens.keys.rsa, algorithm="RS256", headers={"kid": "rsa-1"})


def _swap_payload(tokens: TokenFactory, payload: bytes) -> str:
    header, _, signature = tokens.rsa().split(".")
    return f"{header}.{b64url(payload)}.{signature}"


@pytest.mark.parametrize(("name", "reason", "build"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_authorization_values(
    authorizer: AuthorizerHarness, name: str, reason: str, build: Callable[[TokenFactory], Any]
) -> None:
    event = load_event("token_event.json")
    event["authorizationToken"] = build(authorizer.tokens)
    started = time.perf_counter()
    assert_unauthorized(lambda: authorizer.raw(event))
    assert time.perf_counter() - started < 2.0
    reject_event(authorizer, event, reason)


def test_padded_segments_from_some_issuers_are_accepted(authorizer: AuthorizerHarness) -> None:
    header = {"alg": "RS256", "kid": "rsa-1", "typ": "JWT"}
    padded = authorizer.tokens.signed_raw(header, default_claims(sub="user-1234"), pad=True)
    assert "=" in padded
    assert effect_of(authorizer.call(padded)) == {"Allow"}


def test_no_kid_uses_the_only_fitting_key(authorizer: AuthorizerHarness) -> None:
    """No kid: accepted only when exactly one JWKS key fits the algorithm (here rsa-1)."""
    token = authorizer.tokens.signed_raw({"alg": "RS256", "kid": None}, default_claims())
    reject(authorizer, token, "invalid_token")  # PyJWT: a present kid must be a string
    header = {"alg": "RS256"}
    assert effect_of(authorizer.call(authorizer.tokens.signed_raw(header, default_claims()))) == {
        "Allow"
    }
    other = authorizer.tokens.keys.rsa_other
    reject(
        authorizer, authorizer.tokens.signed_raw(header, default_claims(), other), "bad_signature"
    )


def test_wrong_issuer_even_when_signed_by_the_right_key_never_allows(
    authorizer: AuthorizerHarness,
) -> None:
    token = authorizer.tokens.rsa(default_claims(iss="https://idp.example.test/tenant-2/"))
    reject(authorizer, token, "bad_issuer")
    reject(authorizer, authorizer.tokens.rsa({"sub": "x"}), "missing_claim")


def test_decode_is_not_fooled_by_pyjwt_defaults(authorizer: AuthorizerHarness) -> None:
    """A token valid for jwt.decode without options is refused for what it lacks."""
    bare = {"sub": "user", "client_id": "client-a"}
    token = authorizer.tokens.rsa(bare)
    assert jwt.decode(token, authorizer.tokens.keys.rsa.public_key(), algorithms=["RS256"])
    reject(authorizer, token, "missing_claim")


@pytest.mark.filterwarnings(
    "ignore::jwt.warnings.InsecureKeyLengthWarning"
)  # signing the test token
def test_short_rsa_keys_are_refused(make: Any, api_keys: Any, jwks_server: Any) -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    jwks_server.state.document["keys"].append(rsa_jwk(weak, "weak-1"))
    api_keys.create("client-a")
    harness = make()
    token = harness.tokens.signed_with(weak, "RS256", default_claims(), kid="weak-1")
    reject(harness, token, "invalid_token")
