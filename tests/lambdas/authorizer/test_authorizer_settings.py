"""Configuration: defaults, validation with clear errors, and failing the import when invalid."""

from __future__ import annotations

from typing import Any

import pytest
from authorizer_support import AUDIENCE, ISSUER, KEY_PREFIX, fresh_handler

REQUIRED = {
    "JWT_ISSUER": ISSUER,
    "JWT_AUDIENCE": AUDIENCE,
    "JWKS_URI": "https://idp.example.test/.well-known/jwks.json",
    "API_KEY_NAME_PREFIX": KEY_PREFIX,
}


@pytest.fixture
def settings_module(make: Any) -> Any:
    make()
    import token_authorizer.settings as module

    return module


def test_defaults(settings_module: Any) -> None:
    settings = settings_module.load_settings(REQUIRED)
    assert settings.algorithms == ("RS256", "ES256")
    assert settings.audiences == (AUDIENCE,)
    assert settings.client_id_claim == "client_id"
    assert settings.scopes_claim == "scope"
    assert settings.leeway_seconds == 30
    assert settings.jwks_timeout_seconds == 2
    assert settings.jwks_cache_seconds == 300
    assert settings.jwks_min_refresh_seconds == 10  # a rotated-in key verifies within ~10 s
    assert settings.api_key_cache_seconds == 300
    assert settings.api_key_negative_cache_seconds == 30
    assert settings.permissions_parameter_prefix is None
    assert settings.metrics_namespace == "GatewayStack/Authorizer"
    assert settings.service_name == "gateway-authorizer"


def test_values_are_parsed_and_trimmed(settings_module: Any) -> None:
    settings = settings_module.load_settings(
        {
            **REQUIRED,
            "JWT_AUDIENCE": " a , b,,a ",
            "JWT_ALGORITHMS": "ES256, RS256 ,PS256",
            "PERMISSIONS_PARAMETER_PREFIX": "/gateway-stack/acme/prod/permissions/",
            "JWKS_TIMEOUT_SECONDS": "1.5",
        }
    )
    assert settings.audiences == ("a", "b")
    assert settings.algorithms == ("ES256", "RS256", "PS256")
    assert settings.permissions_parameter_prefix == "/gateway-stack/acme/prod/permissions"
    assert settings.jwks_timeout_seconds == 1.5


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"JWT_ALGORITHMS": "HS256"}, "JWT_ALGORITHMS: 'HS256' is refused"),
        ({"JWT_ALGORITHMS": "RS256,hs512"}, "'hs512' is refused"),
        ({"JWT_ALGORITHMS": "none"}, "'none' is refused"),
        ({"JWT_ALGORITHMS": "RS256,None"}, "'None' is refused"),
        ({"JWT_ALGORITHMS": "RS1024"}, "unknown algorithm 'RS1024'"),
        ({"JWT_ALGORITHMS": ",,"}, "at least one algorithm"),
        ({"JWT_ISSUER": ""}, "JWT_ISSUER is required"),
        ({"JWT_ISSUER": None}, "JWT_ISSUER is required"),
        ({"JWT_AUDIENCE": " , "}, "JWT_AUDIENCE must list"),
        ({"JWKS_URI": None}, "JWKS_URI is required"),
        ({"JWKS_URI": "http://idp.example.test/jwks"}, "must use https"),
        ({"JWKS_URI": "file:///etc/jwks.json"}, "must use https"),
        ({"JWKS_URI": "https://user:pw@idp.example.test/jwks"}, "without credentials"),
        ({"JWKS_URI": "https://idp.example.test:99999/jwks"}, "not a valid URL"),
        ({"API_KEY_NAME_PREFIX": None}, "API_KEY_NAME_PREFIX is required"),
        ({"API_KEY_NAME_PREFIX": "a b"}, "API_KEY_NAME_PREFIX='a b'"),
        ({"JWKS_TIMEOUT_SECONDS": "0"}, "JWKS_TIMEOUT_SECONDS='0' must be"),
        ({"JWKS_TIMEOUT_SECONDS": "30"}, "<= 10"),
        ({"JWKS_TIMEOUT_SECONDS": "soon"}, "is not a number"),
        ({"JWT_LEEWAY_SECONDS": "-1"}, "JWT_LEEWAY_SECONDS"),
        ({"JWT_LEEWAY_SECONDS": "nan"}, "JWT_LEEWAY_SECONDS"),
        ({"JWKS_CACHE_SECONDS": "0"}, "JWKS_CACHE_SECONDS"),
        ({"JWKS_MIN_REFRESH_SECONDS": "0"}, "JWKS_MIN_REFRESH_SECONDS"),  # unbounded refetches
        ({"API_KEY_NEGATIVE_CACHE_SECONDS": "inf"}, "API_KEY_NEGATIVE_CACHE_SECONDS"),
        ({"PERMISSIONS_PARAMETER_PREFIX": "no-slash"}, "PERMISSIONS_PARAMETER_PREFIX"),
        ({"PERMISSIONS_PARAMETER_PREFIX": "/a//b"}, "PERMISSIONS_PARAMETER_PREFIX"),
        ({"CLIENT_ID_CLAIM": "client id"}, "CLIENT_ID_CLAIM"),
        ({"TOKEN_HEADER": "X Token"}, "TOKEN_HEADER='X Token'"),
        ({"TOKEN_HEADER": "X-Token:"}, "TOKEN_HEADER"),
        ({"TOKEN_QUERY_PARAMETER": "a&b"}, "TOKEN_QUERY_PARAMETER='a&b'"),
        ({"BASIC_CREDENTIALS_PARAMETER_PREFIX": "credentials"}, "BASIC_CREDENTIALS_PARAMETER"),
        ({"BASIC_MAX_FAILURES": "0"}, "BASIC_MAX_FAILURES='0' must be a whole number"),
        ({"BASIC_MAX_FAILURES": "2.5"}, "BASIC_MAX_FAILURES"),
        ({"BASIC_FAILURE_WINDOW_SECONDS": "0"}, "BASIC_FAILURE_WINDOW_SECONDS"),
        ({"BASIC_VERIFIED_CACHE_SECONDS": "-1"}, "BASIC_VERIFIED_CACHE_SECONDS"),
    ],
)
def test_invalid_configuration_is_refused_with_a_clear_error(
    settings_module: Any, overrides: dict[str, str | None], message: str
) -> None:
    environ = {**REQUIRED, **overrides}
    environ = {k: v for k, v in environ.items() if v is not None}
    with pytest.raises(settings_module.SettingsError) as caught:
        settings_module.load_settings(environ)
    assert message in str(caught.value)


def test_request_sources_and_basic_settings(settings_module: Any) -> None:
    defaults = settings_module.load_settings(REQUIRED)
    assert (defaults.token_header, defaults.token_query_parameter) == (None, None)
    assert defaults.basic_parameter_prefix is None  # Basic is off unless configured
    assert (defaults.basic_max_failures, defaults.basic_failure_window_seconds) == (5, 60)
    settings = settings_module.load_settings(
        {
            **REQUIRED,
            "TOKEN_HEADER": "X-Access-Token",
            "TOKEN_QUERY_PARAMETER": "access_token",
            "BASIC_CREDENTIALS_PARAMETER_PREFIX": "/gateway-stack/acme/prod/credentials/",
            "BASIC_MAX_FAILURES": "3",
        }
    )
    assert settings.token_header == "X-Access-Token"
    assert settings.token_query_parameter == "access_token"
    assert settings.basic_parameter_prefix == "/gateway-stack/acme/prod/credentials"
    assert settings.basic_max_failures == 3
    # Authorization is always read: naming it again adds nothing.
    assert (
        settings_module.load_settings({**REQUIRED, "TOKEN_HEADER": "authorization"}).token_header
        is None
    )


def test_http_is_allowed_for_loopback_only(settings_module: Any) -> None:
    for uri in ("http://127.0.0.1:8080/jwks", "http://localhost/jwks", "http://[::1]:9/jwks"):
        assert settings_module.load_settings({**REQUIRED, "JWKS_URI": uri}).jwks_uri == uri


def test_the_handler_refuses_to_load_with_hs256(make: Any, monkeypatch: Any) -> None:
    make()
    monkeypatch.setenv("JWT_ALGORITHMS", "RS256,HS256")
    with pytest.raises(ValueError, match="HS256"):
        fresh_handler()


def test_the_handler_refuses_to_load_without_an_issuer(make: Any, monkeypatch: Any) -> None:
    make()
    monkeypatch.delenv("JWT_ISSUER")
    with pytest.raises(ValueError, match="JWT_ISSUER"):
        fresh_handler()
