"""Fixtures for the token authorizer tests (helpers live in ``authorizer_support``).

The authorizer reads its configuration at import, so ``make``/``authorizer`` import a fresh copy
of ``handler`` and its package after setting the environment, inside moto's ``mock_aws``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from authorizer_support import (
    ApiKeys,
    AuthorizerHarness,
    JwksServer,
    Keys,
    PermissionMaps,
    TokenFactory,
    base_environment,
    ec_jwk,
    make_authorizer,
    new_keys,
    rsa_jwk,
)


@pytest.fixture(scope="session")
def keys() -> Keys:
    return new_keys()


@pytest.fixture(scope="session")
def tokens(keys: Keys) -> TokenFactory:
    return TokenFactory(keys)


@pytest.fixture(scope="session")
def jwks_server_session() -> Iterator[JwksServer]:
    server = JwksServer()
    yield server
    server.close()


@pytest.fixture
def jwks_document(keys: Keys) -> dict[str, Any]:
    return {"keys": [rsa_jwk(keys.rsa, "rsa-1"), ec_jwk(keys.ec, "ec-1")]}


@pytest.fixture
def jwks_server(
    jwks_server_session: JwksServer, jwks_document: dict[str, Any]
) -> Iterator[JwksServer]:
    jwks_server_session.reset(jwks_document)
    yield jwks_server_session
    jwks_server_session.state.release.set()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    from moto import mock_aws

    for name, value in base_environment("http://127.0.0.1:9/unused").items():
        if name.startswith("AWS_"):
            monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        yield


@pytest.fixture
def api_keys(aws: None) -> ApiKeys:
    return ApiKeys()


@pytest.fixture
def permission_maps(aws: None) -> PermissionMaps:
    return PermissionMaps()


@pytest.fixture
def make(
    monkeypatch: pytest.MonkeyPatch, aws: None, jwks_server: JwksServer, tokens: TokenFactory
) -> Callable[..., AuthorizerHarness]:
    """``make(**env)``: a fresh authorizer with extra or overridden environment variables."""

    def build(**env: str | None) -> AuthorizerHarness:
        return make_authorizer(monkeypatch, jwks_server.url, tokens, **env)

    return build


@pytest.fixture
def authorizer(make: Callable[..., AuthorizerHarness], api_keys: ApiKeys) -> AuthorizerHarness:
    """The default authorizer (no permission maps) with an enabled key for ``client-a``."""
    api_keys.create("client-a", value="value-of-client-a-key-0001")
    return make()
