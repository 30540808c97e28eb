"""Every row of shared/reference/bad-tokens.md, and more: each must be a 401, never an Allow."""

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


def reject(authorizer: AuthorizerHarness, token: str) -> None:
    assert_unauthorized(lambda: authorizer.call(token))


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
    reject(authorizer, token)
    reject(authorizer, token.rsplit(".", 1)[0] + ".")


def test_alg_header_missing_or_not_a_string(authorizer: AuthorizerHarness) -> None:
    real = authorizer.tokens.rsa()
    signature = base64.urlsafe_b64decode(real.rsplit(".", 1)[1] + "==")
    for header in ({"kid": "rsa-1"}, {"alg": ["RS256"], "kid": "rsa-1"}, {"alg": None}):
        reject(authorizer, authorizer.tokens.raw(header, default_claims(), signature))


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
    assert_unauthorized(lambda: harness.call(token))
    rs_on_oct = harness.tokens.rsa(kid="hmac-1")
    assert_unauthorized(lambda: harness.call(rs_on_oct))


@pytest.mark.parametrize(
    ("header_alg", "kid", "configured"),
    [
        ("RS384", "rsa-1", None),  # not in the default allow-list
        ("RS384", "rsa-1", "RS256,RS384,ES256"),  # allowed, but the JWK says RS256
        ("PS256", "rsa-1", "RS256,PS256,ES256"),  # allowed, but the JWK says RS256
        ("ES256", "rsa-1", None),  # an RSA key for an EC algorithm
        ("RS256", "ec-1", None),  # an EC key for an RSA algorithm
    ],
)
def test_header_algorithm_other_than_the_keys(  # noqa: PLR0917 - fixtures and parameters
    make: Any,
    api_keys: Any,
    tokens: TokenFactory,
    header_alg: str,
    kid: str,
    configured: str | None,
) -> None:
    api_keys.create("client-a")
    harness = make(JWT_ALGORITHMS=configured)
    signer = tokens.keys.ec if header_alg.startswith("ES") else tokens.keys.rsa
    token = tokens.signed_with(signer, header_alg, default_claims(), kid=kid)
    assert_unauthorized(lambda: harness.call(token))


def test_ec_token_signed_on_another_curve(authorizer: AuthorizerHarness) -> None:
    p384 = ec.generate_private_key(ec.SECP384R1())
    reject(authorizer, authorizer.tokens.signed_with(p384, "ES384", default_claims(), kid="ec-1"))


# ------------------------------------------------------------------ signature attacks
def test_payload_changed_after_signing(authorizer: AuthorizerHarness) -> None:
    header, _, signature = authorizer.tokens.rsa().split(".")
    forged = b64url(json.dumps(default_claims(sub="admin", client_id="client-a")).encode())
    reject(authorizer, f"{header}.{forged}.{signature}")


def test_signature_stripped(authorizer: AuthorizerHarness) -> None:
    header, payload, _ = authorizer.tokens.rsa().split(".")
    for token in (f"{header}.{payload}.", f"{header}.{payload}", f"{header}.{payload}.."):
        reject(authorizer, token)


def test_signature_of_another_token(authorizer: AuthorizerHarness) -> None:
    mine = authorizer.tokens.rsa(default_claims(sub="attacker"))
    victim = authorizer.tokens.rsa(default_claims(sub="admin"))
    header, payload, _ = victim.split(".")
    reject(authorizer, f"{header}.{payload}.{mine.rsplit('.', 1)[1]}")


def test_known_kid_signed_by_another_key(authorizer: AuthorizerHarness) -> None:
    other = authorizer.tokens.keys.rsa_other
    reject(authorizer, authorizer.tokens.signed_with(other, "RS256", default_claims(), kid="rsa-1"))


def test_bit_flips_in_the_signature(authorizer: AuthorizerHarness) -> None:
    token = authorizer.tokens.rsa()
    head, signature = token.rsplit(".", 1)
    raw = bytearray(base64.urlsafe_b64decode(signature + "=="))
    for index in (0, len(raw) // 2, len(raw) - 1):
        flipped = bytearray(raw)
        flipped[index] ^= 0x01
        reject(authorizer, f"{head}.{b64url(bytes(flipped))}")


# ------------------------------------------------------------------ claims
NOW = int(time.time())


@pytest.mark.parametrize(
    ("claims", "why"),
    [
        ({"exp": NOW - 120}, "expired beyond the 30 s leeway"),
        ({"exp": NOW - 31}, "expired just beyond the leeway"),
        ({"nbf": NOW + 300}, "not valid yet"),
        ({"iat": NOW + 300}, "issued in the future"),
        ({"exp": DROP}, "exp missing"),
        ({"iss": DROP}, "iss missing"),
        ({"aud": DROP}, "aud missing"),
        ({"sub": DROP}, "sub missing"),
        ({"iss": "https://evil.example/"}, "wrong iss"),
        ({"iss": ISSUER.rstrip("/")}, "iss that is a prefix of the right one"),
        ({"iss": ISSUER + "evil"}, "iss that starts with the right one"),
        ({"iss": ISSUER.upper()}, "iss differing in case"),
        ({"aud": "api://other"}, "wrong aud"),
        ({"aud": AUDIENCE + "-evil"}, "aud that starts with a right one"),
        ({"aud": []}, "empty aud list"),
        ({"aud": ["api://other", "api://more"]}, "aud list without ours"),
        ({"aud": {"value": AUDIENCE}}, "aud as an object"),
        ({"exp": "9999999999"}, "exp as a string"),
        ({"exp": [NOW + 600]}, "exp as a list"),
        ({"exp": 1e400}, "exp infinite"),
        ({"nbf": "0"}, "nbf as a string"),
        ({"sub": ""}, "empty sub"),
        ({"sub": 123}, "numeric sub"),
        ({"sub": "user\r\nX-Admin: true"}, "sub with a header injection"),
        ({"sub": "x" * 600}, "sub too long"),
    ],
)
def test_bad_claims(authorizer: AuthorizerHarness, claims: dict[str, Any], why: str) -> None:
    reject(authorizer, authorizer.tokens.rsa(default_claims(**claims)))


@pytest.mark.parametrize(
    "claims",
    [
        {"iss": [ISSUER]},
        {"iss": {"iss": ISSUER}},
        {"aud": [[AUDIENCE]]},
        {"exp": None},
        {"client_id": "client-a", "sub": None},
    ],
    ids=repr,
)
def test_claims_pyjwt_would_not_even_encode(authorizer: AuthorizerHarness, claims: Any) -> None:
    header = {"alg": "RS256", "kid": "rsa-1", "typ": "JWT"}
    reject(authorizer, authorizer.tokens.signed_raw(header, default_claims(**claims)))


def test_expiry_within_the_leeway_is_accepted(authorizer: AuthorizerHarness) -> None:
    token = authorizer.tokens.rsa(default_claims(exp=int(time.time()) - 10))
    assert effect_of(authorizer.call(token)) == {"Allow"}


def test_leeway_is_configurable(make: Any, api_keys: Any, tokens: TokenFactory) -> None:
    api_keys.create("client-a")
    harness = make(JWT_LEEWAY_SECONDS="0")
    token = tokens.rsa(default_claims(exp=int(time.time()) - 2))
    assert_unauthorized(lambda: harness.call(token))


# ------------------------------------------------------------------ headers
@pytest.mark.parametrize("name", ["jku", "x5u"])
def test_key_url_headers(authorizer: AuthorizerHarness, name: str) -> None:
    """Even signed by the real key: the token may not point at keys."""
    reject(authorizer, authorizer.tokens.rsa(**{name: "https://attacker.example/jwks.json"}))
    other = authorizer.tokens.keys.rsa_other
    token = authorizer.tokens.signed_with(
        other, "RS256", default_claims(), kid="attacker", **{name: "https://attacker.example/"}
    )
    reject(authorizer, token)


def test_embedded_jwk_header(authorizer: AuthorizerHarness) -> None:
    other = authorizer.tokens.keys.rsa_other
    embedded = RSAAlgorithm.to_jwk(other.public_key(), as_dict=True)
    for kid in ("rsa-1", "attacker"):
        token = authorizer.tokens.signed_with(
            other, "RS256", default_claims(), kid=kid, jwk=embedded
        )
        reject(authorizer, token)
    reject(authorizer, authorizer.tokens.rsa(jwk=rsa_jwk(authorizer.tokens.keys.rsa, "rsa-1")))


def test_x5c_header(authorizer: AuthorizerHarness) -> None:
    reject(authorizer, authorizer.tokens.rsa(x5c=["MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"]))


@pytest.mark.parametrize("crit", [["exp"], ["x-custom"], ["b64"], [], "b64", [1]], ids=repr)
def test_crit_header(authorizer: AuthorizerHarness, crit: Any) -> None:
    reject(authorizer, authorizer.tokens.rsa(crit=crit, **{"x-custom": 1}))


def test_b64_false_header(authorizer: AuthorizerHarness) -> None:
    reject(authorizer, authorizer.tokens.rsa(b64=False))


@pytest.mark.parametrize("typ", ["dpop+jwt", "logout+jwt", "JWE", 7])
def test_foreign_token_types(authorizer: AuthorizerHarness, typ: Any) -> None:
    reject(authorizer, authorizer.tokens.rsa(typ=typ))


@pytest.mark.parametrize("typ", ["JWT", "jwt", "at+jwt", "application/at+jwt"])
def test_access_token_types_are_accepted(authorizer: AuthorizerHarness, typ: str) -> None:
    assert effect_of(authorizer.call(authorizer.tokens.rsa(typ=typ))) == {"Allow"}


@pytest.mark.parametrize(
    "kid",
    [
        "../../../../../../dev/null",
        "/etc/passwd",
        "file:///etc/passwd",
        "' OR '1'='1' --",
        "rsa-1' UNION SELECT 'x",
        "rsa-1\x00",
        "rsa-1 ",
        "RSA-1",
        "${jndi:ldap://attacker/a}",
        "x" * 300,
        "",
        7,
        ["rsa-1"],
        {"kid": "rsa-1"},
    ],
    ids=repr,
)
def test_kid_injection_and_odd_kids(authorizer: AuthorizerHarness, kid: Any) -> None:
    header = {"alg": "RS256", "kid": kid, "typ": "JWT"}
    other = authorizer.tokens.keys.rsa_other
    reject(authorizer, authorizer.tokens.signed_raw(header, default_claims(), other))
    reject(authorizer, authorizer.tokens.signed_raw(header, default_claims()))  # the real key


def test_unknown_kid_even_after_a_refresh(authorizer: AuthorizerHarness, jwks_server: Any) -> None:
    reject(authorizer, authorizer.tokens.rsa(kid="rsa-unknown"))
    assert jwks_server.fetches == 1  # the cold-start fetch found nothing: no second fetch yet


# ------------------------------------------------------------------ malformed values
def _long_token(tokens: TokenFactory) -> str:
    return tokens.rsa(default_claims(padding="A" * 1_000_000))


JSON_STRING = b'"RS256"'
NOT_UTF8 = b"\xff\xfe"
MALFORMED: list[tuple[str, Callable[[TokenFactory], Any]]] = [
    ("empty", lambda t: ""),
    ("Bearer alone", lambda t: "Bearer"),
    ("Bearer and a space", lambda t: "Bearer "),
    ("Bearer and spaces", lambda t: "Bearer    "),
    ("no scheme", lambda t: t.rsa()),
    ("Basic scheme", lambda t: "Basic " + t.rsa()),
    ("Token scheme", lambda t: "Token " + t.rsa()),
    ("scheme glued", lambda t: "Bearer" + t.rsa()),
    ("tab separator", lambda t: "Bearer\t" + t.rsa()),
    ("newline inside", lambda t: "Bearer " + t.rsa().replace(".", ".\n", 1)),
    ("two tokens", lambda t: f"Bearer {t.rsa()} {t.rsa()}"),
    ("one segment", lambda t: "Bearer abc"),
    ("two segments", lambda t: "Bearer " + t.rsa().rsplit(".", 1)[0]),
    ("four segments", lambda t: f"Bearer {t.rsa()}.AAAA"),
    ("five segments (JWE)", lambda t: "Bearer " + ".".join(["eyJhbGciOiJSU0EifQ"] + ["AAAA"] * 4)),
    ("non-base64", lambda t: "Bearer a!b.c$d.e%f"),
    ("base64 with junk", lambda t: "Bearer " + t.rsa().replace(".", "!.", 1)),
    ("non-JSON header", lambda t: f"Bearer {b64url(b'not json')}.{b64url(b'{}')}.AAAA"),
    ("JSON array header", lambda t: f"Bearer {b64url(b'[1,2]')}.{b64url(b'{}')}.AAAA"),
    ("JSON string header", lambda t: f"Bearer {b64url(JSON_STRING)}.{b64url(b'{}')}.AAAA"),
    ("deeply nested header", lambda t: f"Bearer {b64url(b'[' * 100000)}.{b64url(b'{}')}.AAAA"),
    ("non-JSON payload", lambda t: "Bearer " + _swap_payload(t, b"not json")),
    ("payload array", lambda t: "Bearer " + _swap_payload(t, b"[1]")),
    ("invalid UTF-8 header", lambda t: f"Bearer {b64url(NOT_UTF8)}.{b64url(b'{}')}.AAAA"),
    ("non-ASCII token", lambda t: "Bearer " + t.rsa() + "é"),
    ("1 MB token", lambda t: "Bearer " + _long_token(t)),
    ("1 MB of junk", lambda t: "Bearer " + "A" * 1_000_000),
    ("not a string", lambda t: ["Bearer", t.rsa()]),
    ("bytes", lambda t: ("Bearer " + t.rsa()).encode()),
    ("number", lambda t: 12345),
]


def _swap_payload(tokens: TokenFactory, payload: bytes) -> str:
    header, _, signature = tokens.rsa().split(".")
    return f"{header}.{b64url(payload)}.{signature}"


@pytest.mark.parametrize(("name", "build"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_authorization_values(
    authorizer: AuthorizerHarness, name: str, build: Callable[[TokenFactory], Any]
) -> None:
    event = load_event("token_event.json")
    event["authorizationToken"] = build(authorizer.tokens)
    started = time.perf_counter()
    assert_unauthorized(lambda: authorizer.raw(event))
    assert time.perf_counter() - started < 2.0


def test_padded_segments_from_some_issuers_are_accepted(authorizer: AuthorizerHarness) -> None:
    header = {"alg": "RS256", "kid": "rsa-1", "typ": "JWT"}
    padded = authorizer.tokens.signed_raw(header, default_claims(sub="user-1234"), pad=True)
    assert "=" in padded
    assert effect_of(authorizer.call(padded)) == {"Allow"}


def test_no_kid_uses_the_only_fitting_key(authorizer: AuthorizerHarness) -> None:
    """No kid: accepted only when exactly one JWKS key fits the algorithm (here rsa-1)."""
    reject(
        authorizer, authorizer.tokens.signed_raw({"alg": "RS256", "kid": None}, default_claims())
    )
    header = {"alg": "RS256"}
    assert effect_of(authorizer.call(authorizer.tokens.signed_raw(header, default_claims()))) == {
        "Allow"
    }
    other = authorizer.tokens.keys.rsa_other
    reject(authorizer, authorizer.tokens.signed_raw(header, default_claims(), other))


def test_wrong_issuer_even_when_signed_by_the_right_key_never_allows(
    authorizer: AuthorizerHarness,
) -> None:
    for claims in (default_claims(iss="https://idp.example.test/tenant-2/"), {"sub": "x"}):
        reject(authorizer, authorizer.tokens.rsa(claims))


def test_decode_is_not_fooled_by_pyjwt_defaults(authorizer: AuthorizerHarness) -> None:
    """A token valid for jwt.decode without options is refused for what it lacks."""
    bare = {"sub": "user", "client_id": "client-a"}
    token = authorizer.tokens.rsa(bare)
    assert jwt.decode(token, authorizer.tokens.keys.rsa.public_key(), algorithms=["RS256"])
    reject(authorizer, token)


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
    assert_unauthorized(lambda: harness.call(token))
