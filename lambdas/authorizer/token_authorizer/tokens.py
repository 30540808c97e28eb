"""Bearer token verification: header screening first, then PyJWT with the JWKS key."""

from __future__ import annotations

import base64
import json
import math
import re
import unicodedata
from typing import Any, NamedTuple

import jwt
from jwt.exceptions import (
    ExpiredSignatureError,
    ImmatureSignatureError,
    InvalidAudienceError,
    InvalidIssuerError,
    InvalidSignatureError,
    MissingRequiredClaimError,
    PyJWTError,
)

from token_authorizer.errors import Unauthenticated
from token_authorizer.jwks import JwksCache
from token_authorizer.settings import Settings

#: Longer headers are refused before any decoding (real access tokens are a few KB at most).
MAX_AUTHORIZATION_CHARS = 8192
MAX_SUBJECT_CHARS = 512
MAX_SCOPES = 256

_SEGMENT = r"[A-Za-z0-9_\-]+={0,2}"  # base64url, with the padding some issuers keep
_BEARER = re.compile(rf"[Bb][Ee][Aa][Rr][Ee][Rr] +({_SEGMENT}\.{_SEGMENT}\.{_SEGMENT}) *")
#: Headers that would let the token choose its own key, or that we cannot honour.
_REFUSED_HEADERS = ("jku", "x5u", "jwk", "x5c", "crit", "b64")
_ACCEPTED_TYP = frozenset({"jwt", "at+jwt", "application/jwt", "application/at+jwt"})
#: Unicode categories refused in ``sub``: controls (C0, C1), format characters (bidi overrides,
#: zero-width), line and paragraph separators. ``sub`` reaches headers, policies and logs.
_UNPRINTABLE = frozenset({"Cc", "Cf", "Zl", "Zp"})
#: Larger than any real NumericDate (year 33658): bounds huge integers before float conversion.
_MAX_NUMERIC_DATE = 10**12
_CLIENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._~:@+=\-]{0,127}")
#: One scope: printable ASCII without spaces (a token's scopes and a permission map's alike).
SCOPE = re.compile(r"[\x21-\x7e]{1,256}")
_DECODE_FAILURES: tuple[tuple[type[PyJWTError], str], ...] = (
    (ExpiredSignatureError, "token_expired"),
    (ImmatureSignatureError, "token_not_yet_valid"),
    (InvalidAudienceError, "bad_audience"),
    (InvalidIssuerError, "bad_issuer"),
    (MissingRequiredClaimError, "missing_claim"),
    (InvalidSignatureError, "bad_signature"),
)


class VerifiedToken(NamedTuple):
    """What the rest of the authorizer may rely on once the signature and claims checked out."""

    subject: str
    client_id: str | None
    client_problem: str | None  # "no_client_claim" / "invalid_client_claim" when client_id is None
    scopes: tuple[str, ...]
    key_id: str | None
    algorithm: str
    mode: str = "jwt"  # how the caller authenticated: "jwt" or "basic"


class TokenVerifier:
    """Verifies ``Authorization`` header values against the settings and the JWKS cache."""

    def __init__(self, settings: Settings, jwks: JwksCache) -> None:
        self._settings = settings
        self._jwks = jwks
        self._algorithms = frozenset(settings.algorithms)
        self._audiences = list(settings.audiences)
        self._options: dict[str, Any] = {
            "verify_signature": True,
            "verify_exp": True,
            "verify_nbf": True,
            "verify_iat": True,
            "verify_aud": True,
            "verify_iss": True,
            "require": ["exp", "iss", "aud", "sub"],
            "enforce_minimum_key_length": True,
        }

    def verify(self, authorization: object) -> VerifiedToken:
        """Return the verified token or raise ``Unauthenticated`` with a reason code."""
        if not isinstance(authorization, str) or not authorization:
            raise Unauthenticated("missing_token")
        if len(authorization) > MAX_AUTHORIZATION_CHARS:
            raise Unauthenticated("token_too_long")
        match = _BEARER.fullmatch(authorization)
        if match is None:
            raise Unauthenticated("malformed_authorization")
        token = match.group(1)
        header = self._screen_header(token)
        alg: str = header["alg"]
        kid = header.get("kid")
        key = self._jwks.signing_key(kid, alg)
        try:
            claims = jwt.decode(
                token,
                key=key,
                algorithms=[alg],
                audience=self._audiences,
                issuer=self._settings.issuer,
                leeway=self._settings.leeway_seconds,
                options=self._options,  # type: ignore[arg-type]
            )
        except PyJWTError as error:
            raise Unauthenticated(_decode_reason(error)) from None
        except (ValueError, TypeError, OverflowError, RecursionError):
            raise Unauthenticated("invalid_token") from None  # e.g. "exp": 1e400
        for name in ("exp", "nbf", "iat"):
            value = claims.get(name)
            if value is not None and not _numeric_date(value):
                raise Unauthenticated("bad_time_claim")  # NumericDate: a finite JSON number
        subject = claims.get("sub")
        if (
            not isinstance(subject, str)
            or not subject
            or len(subject) > MAX_SUBJECT_CHARS
            or not _printable(subject)
        ):
            raise Unauthenticated("bad_subject")
        client_id, client_problem = self._client_id(claims)
        return VerifiedToken(
            subject=subject,
            client_id=client_id,
            client_problem=client_problem,
            scopes=self._scopes(claims),
            key_id=kid,
            algorithm=alg,
        )

    def _screen_header(self, token: str) -> dict[str, Any]:
        header = _decode_header(token)
        for name in _REFUSED_HEADERS:
            if name in header:
                raise Unauthenticated(f"refused_header_{name}")
        alg = header.get("alg")
        if not isinstance(alg, str) or alg not in self._algorithms:
            raise Unauthenticated("alg_not_allowed")
        typ = header.get("typ")
        if typ is not None and (not isinstance(typ, str) or typ.lower() not in _ACCEPTED_TYP):
            raise Unauthenticated("bad_typ")
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise Unauthenticated("bad_kid")
        return header

    def _client_id(self, claims: dict[str, Any]) -> tuple[str | None, str | None]:
        value = claims.get(self._settings.client_id_claim)
        if value is None:
            return None, "no_client_claim"
        if not isinstance(value, str) or not _CLIENT_ID.fullmatch(value):
            return None, "invalid_client_claim"
        return value, None

    def _scopes(self, claims: dict[str, Any]) -> tuple[str, ...]:
        raw = claims.get(self._settings.scopes_claim)
        if raw is None:
            raw = claims.get("scp")
        if isinstance(raw, str):
            candidates: list[Any] = raw.split()
        elif isinstance(raw, list):
            candidates = raw
        else:
            return ()
        scopes = (s for s in candidates if isinstance(s, str) and SCOPE.fullmatch(s))
        return tuple(dict.fromkeys(scopes))[:MAX_SCOPES]


def _decode_header(token: str) -> dict[str, Any]:
    """The JOSE header, parsed once here to choose the key (PyJWT parses it again to verify).

    The bearer pattern already admits only base64url characters; anything PyJWT would refuse
    (non-canonical base64, a header that is not a JSON object) is refused by it at decode time.
    """
    segment = token.split(".", 1)[0].rstrip("=")
    try:
        header = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (ValueError, TypeError, RecursionError):  # binascii.Error is a ValueError
        raise Unauthenticated("malformed_token") from None
    if not isinstance(header, dict):
        raise Unauthenticated("malformed_token")
    return header


def _decode_reason(error: PyJWTError) -> str:
    for error_type, reason in _DECODE_FAILURES:
        if isinstance(error, error_type):
            return reason
    return "invalid_token"


def _numeric_date(value: object) -> bool:
    """A NumericDate: a finite JSON number (not a bool, not a string) of sane magnitude."""
    if type(value) is int:
        return abs(value) < _MAX_NUMERIC_DATE
    return type(value) is float and math.isfinite(value) and abs(value) < _MAX_NUMERIC_DATE


def _printable(text: str) -> bool:
    """No control, format or separator characters (ASCII fast path)."""
    if text.isascii():
        return text.isprintable()
    return all(unicodedata.category(c) not in _UNPRINTABLE for c in text)
