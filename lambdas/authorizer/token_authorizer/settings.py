"""Configuration, read once from the environment and validated.

Every error names the variable and the rule it breaks. ``load_settings`` raises ``SettingsError``;
the handler module calls it at import, so a misconfigured function fails its init loudly instead
of answering requests with a configuration it cannot honour.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

#: The asymmetric JWS algorithms the authorizer verifies, each with the JWK it needs: the key
#: type and the accepted curves (None: any). The one list of algorithms ``JWT_ALGORITHMS`` may
#: name; ``jwks.key_fits_algorithm`` matches keys with it.
ALGORITHM_KEYS: dict[str, tuple[str, frozenset[str] | None]] = {
    **dict.fromkeys(("RS256", "RS384", "RS512", "PS256", "PS384", "PS512"), ("RSA", None)),
    "ES256": ("EC", frozenset({"P-256"})),
    "ES384": ("EC", frozenset({"P-384"})),
    "ES512": ("EC", frozenset({"P-521"})),
    "EdDSA": ("OKP", frozenset({"Ed25519", "Ed448"})),
}
_SYMMETRIC_OR_NONE = re.compile(r"(?i)^(hs\d+|none)$")
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
_CLAIM_NAME = re.compile(r"^[A-Za-z0-9_:.\-/]{1,128}$")
_SSM_PREFIX = re.compile(r"^/[A-Za-z0-9_.\-/]{1,1000}$")
_API_KEY_PREFIX = re.compile(r"^[A-Za-z0-9_.:@+=\-/]{1,256}$")
_METRICS_NAMESPACE = re.compile(r"^[A-Za-z0-9_.\-/#: ]{1,255}$")
#: An HTTP header name (RFC 9110 token) and a query-string parameter name the token may come in.
_HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~\-]{1,128}$")
_QUERY_PARAMETER = re.compile(r"^[A-Za-z0-9_.\-]{1,128}$")


class SettingsError(ValueError):
    """The environment does not describe a usable authorizer."""


@dataclass(frozen=True)
class Settings:
    """Everything the authorizer needs from its environment (durations in seconds)."""

    issuer: str
    audiences: tuple[str, ...]
    jwks_uri: str
    api_key_name_prefix: str
    algorithms: tuple[str, ...] = ("RS256", "ES256")
    client_id_claim: str = "client_id"
    scopes_claim: str = "scope"
    leeway_seconds: float = 30.0
    jwks_timeout_seconds: float = 2.0
    jwks_cache_seconds: float = 300.0
    jwks_min_refresh_seconds: float = 10.0
    jwks_max_stale_seconds: float = 3600.0
    api_key_cache_seconds: float = 300.0
    api_key_negative_cache_seconds: float = 30.0
    permissions_parameter_prefix: str | None = None
    permissions_cache_seconds: float = 300.0
    permissions_absent_cache_seconds: float = 30.0
    metrics_namespace: str = "GatewayStack/Authorizer"
    service_name: str = "gateway-authorizer"
    token_header: str | None = None
    token_query_parameter: str | None = None
    basic_parameter_prefix: str | None = None
    basic_record_cache_seconds: float = 60.0
    basic_verified_cache_seconds: float = 300.0
    basic_max_failures: int = 5
    basic_failure_window_seconds: float = 60.0


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build ``Settings`` from ``environ`` (default ``os.environ``); raise ``SettingsError``."""
    env = os.environ if environ is None else environ
    defaults = _DEFAULTS
    return Settings(
        issuer=_required(env, "JWT_ISSUER"),
        audiences=_audiences(env),
        jwks_uri=_jwks_uri(env),
        api_key_name_prefix=_matching(env, "API_KEY_NAME_PREFIX", None, _API_KEY_PREFIX),
        algorithms=_algorithms(env, defaults.algorithms),
        client_id_claim=_matching(env, "CLIENT_ID_CLAIM", defaults.client_id_claim, _CLAIM_NAME),
        scopes_claim=_matching(env, "SCOPES_CLAIM", defaults.scopes_claim, _CLAIM_NAME),
        leeway_seconds=_seconds(env, "JWT_LEEWAY_SECONDS", defaults.leeway_seconds, 0, 300),
        jwks_timeout_seconds=_seconds(
            env, "JWKS_TIMEOUT_SECONDS", defaults.jwks_timeout_seconds, 0.05, 10, positive=True
        ),
        jwks_cache_seconds=_seconds(
            env, "JWKS_CACHE_SECONDS", defaults.jwks_cache_seconds, 0, 86400, positive=True
        ),
        jwks_min_refresh_seconds=_seconds(  # at least 1 s: the bound on refetches
            env, "JWKS_MIN_REFRESH_SECONDS", defaults.jwks_min_refresh_seconds, 1, 3600
        ),
        jwks_max_stale_seconds=_seconds(
            env, "JWKS_MAX_STALE_SECONDS", defaults.jwks_max_stale_seconds, 0, 86400
        ),
        api_key_cache_seconds=_seconds(
            env, "API_KEY_CACHE_SECONDS", defaults.api_key_cache_seconds, 0, 86400
        ),
        api_key_negative_cache_seconds=_seconds(
            env, "API_KEY_NEGATIVE_CACHE_SECONDS", defaults.api_key_negative_cache_seconds, 0, 3600
        ),
        permissions_parameter_prefix=_permissions_prefix(env),
        permissions_cache_seconds=_seconds(
            env, "PERMISSIONS_CACHE_SECONDS", defaults.permissions_cache_seconds, 0, 86400
        ),
        permissions_absent_cache_seconds=_seconds(
            env,
            "PERMISSIONS_ABSENT_CACHE_SECONDS",
            defaults.permissions_absent_cache_seconds,
            0,
            3600,
        ),
        metrics_namespace=_matching(
            env, "POWERTOOLS_METRICS_NAMESPACE", defaults.metrics_namespace, _METRICS_NAMESPACE
        ),
        service_name=_optional(env, "POWERTOOLS_SERVICE_NAME") or defaults.service_name,
        token_header=_token_header(env),
        token_query_parameter=_optional_matching(env, "TOKEN_QUERY_PARAMETER", _QUERY_PARAMETER),
        basic_parameter_prefix=_parameter_prefix(
            env, "BASIC_CREDENTIALS_PARAMETER_PREFIX", "/gateway-stack/acme/prod/credentials"
        ),
        basic_record_cache_seconds=_seconds(
            env, "BASIC_CREDENTIALS_CACHE_SECONDS", defaults.basic_record_cache_seconds, 0, 3600
        ),
        basic_verified_cache_seconds=_seconds(
            env, "BASIC_VERIFIED_CACHE_SECONDS", defaults.basic_verified_cache_seconds, 0, 3600
        ),
        basic_max_failures=_whole(env, "BASIC_MAX_FAILURES", defaults.basic_max_failures, 1, 1000),
        basic_failure_window_seconds=_seconds(
            env, "BASIC_FAILURE_WINDOW_SECONDS", defaults.basic_failure_window_seconds, 1, 3600
        ),
    )


_DEFAULTS = Settings(issuer="", audiences=(), jwks_uri="", api_key_name_prefix="")


def _optional(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def _required(env: Mapping[str, str], name: str) -> str:
    value = _optional(env, name)
    if value is None:
        raise SettingsError(f"{name} is required and must not be empty")
    return value


def _matching(
    env: Mapping[str, str], name: str, default: str | None, pattern: re.Pattern[str]
) -> str:
    value = _optional(env, name)
    if value is None:
        if default is None:
            raise SettingsError(f"{name} is required and must not be empty")
        return default
    if not pattern.fullmatch(value):
        raise SettingsError(f"{name}={value!r} does not match {pattern.pattern}")
    return value


def _audiences(env: Mapping[str, str]) -> tuple[str, ...]:
    raw = _required(env, "JWT_AUDIENCE")
    audiences = tuple(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    if not audiences:
        raise SettingsError("JWT_AUDIENCE must list at least one audience (comma-separated)")
    return audiences


def _jwks_uri(env: Mapping[str, str]) -> str:
    uri = _required(env, "JWKS_URI")
    try:
        parts = urlsplit(uri)
        host = parts.hostname
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError as error:
        raise SettingsError(f"JWKS_URI={uri!r} is not a valid URL: {error}") from None
    if parts.scheme not in ("https", "http"):
        raise SettingsError(f"JWKS_URI={uri!r} must use https")
    if not host or parts.username or parts.password or parts.fragment:
        raise SettingsError(f"JWKS_URI={uri!r} must name a host, without credentials or fragment")
    if parts.scheme == "https":
        return uri
    if host in _LOOPBACK_HOSTS:
        return uri  # plain HTTP only to a loopback address (tests, local development)
    raise SettingsError(f"JWKS_URI={uri!r} must use https (http is accepted only for loopback)")


def _algorithms(env: Mapping[str, str], default: tuple[str, ...]) -> tuple[str, ...]:
    raw = _optional(env, "JWT_ALGORITHMS")
    if raw is None:
        return default
    names = tuple(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    if not names:
        raise SettingsError("JWT_ALGORITHMS must list at least one algorithm")
    allowed = ", ".join(sorted(ALGORITHM_KEYS))
    for name in names:
        if _SYMMETRIC_OR_NONE.match(name):
            raise SettingsError(
                f"JWT_ALGORITHMS: {name!r} is refused; only asymmetric algorithms verify tokens "
                f"against a public JWKS (allowed: {allowed})"
            )
        if name not in ALGORITHM_KEYS:
            raise SettingsError(f"JWT_ALGORITHMS: unknown algorithm {name!r} (allowed: {allowed})")
    return names


def _permissions_prefix(env: Mapping[str, str]) -> str | None:
    return _parameter_prefix(
        env, "PERMISSIONS_PARAMETER_PREFIX", "/gateway-stack/acme/prod/permissions"
    )


def _parameter_prefix(env: Mapping[str, str], name: str, example: str) -> str | None:
    value = _optional(env, name)
    if value is None:
        return None
    value = value.rstrip("/")
    if not _SSM_PREFIX.fullmatch(value) or "//" in value:
        raise SettingsError(f"{name}={value!r} must be an SSM parameter path such as {example}")
    return value


def _optional_matching(env: Mapping[str, str], name: str, pattern: re.Pattern[str]) -> str | None:
    value = _optional(env, name)
    if value is not None and not pattern.fullmatch(value):
        raise SettingsError(f"{name}={value!r} does not match {pattern.pattern}")
    return value


def _token_header(env: Mapping[str, str]) -> str | None:
    """A header besides ``Authorization`` that may carry the bearer token (REQUEST events)."""
    value = _optional_matching(env, "TOKEN_HEADER", _HEADER_NAME)
    if value is not None and value.lower() == "authorization":
        return None  # Authorization is always read
    return value


def _seconds(
    env: Mapping[str, str],
    name: str,
    default: float,
    minimum: float,
    maximum: float,
    *,
    positive: bool = False,
) -> float:
    raw = _optional(env, name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a number of seconds") from None
    if not math.isfinite(value) or value < minimum or value > maximum or (positive and value <= 0):
        low = f"> {minimum:g}" if positive and minimum == 0 else f">= {minimum:g}"
        raise SettingsError(f"{name}={raw!r} must be {low} and <= {maximum:g} seconds")
    return value


def _whole(env: Mapping[str, str], name: str, default: int, minimum: int, maximum: int) -> int:
    raw = _optional(env, name)
    if raw is None:
        return default
    if not raw.isdigit() or not minimum <= int(raw) <= maximum:
        raise SettingsError(f"{name}={raw!r} must be a whole number from {minimum} to {maximum}")
    return int(raw)
