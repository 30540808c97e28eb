"""The client's API key: exact-name lookup, pagination, caching, failures, lazy boto3."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

import pytest
from authorizer_support import (
    CODE_ROOT,
    KEY_PREFIX,
    AuthorizerHarness,
    ManualClock,
    base_environment,
    default_claims,
    effect_of,
)


class AccessDenied(Exception):
    def __init__(self, code: str = "AccessDeniedException") -> None:
        super().__init__(code)
        self.response = {"Error": {"Code": code, "Message": "no"}}


class FakeApiGateway:
    """Pages of ``get_api_keys`` answers, or a failure; records the requests."""

    def __init__(self, items: list[dict[str, Any]], page_size: int = 2) -> None:
        self.items = items
        self.page_size = page_size
        self.requests: list[dict[str, Any]] = []
        self.error: Exception | None = None

    def get_api_keys(self, **request: Any) -> dict[str, Any]:
        self.requests.append(request)
        if self.error is not None:
            raise self.error
        matching = [i for i in self.items if i["name"].startswith(request["nameQuery"])]
        start = int(request.get("position", 0))
        page = {"items": matching[start : start + self.page_size]}
        if start + self.page_size < len(matching):
            page["position"] = str(start + self.page_size)
        return page


class FakeClients:
    def __init__(self, apigateway: FakeApiGateway) -> None:
        self.apigateway = apigateway

    def get(self, service: str) -> Any:
        assert service == "apigateway"
        return self.apigateway


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def key(name: str, value: str, enabled: bool = True, created: int = 1) -> dict[str, Any]:
    return {
        "name": KEY_PREFIX + name,
        "value": value,
        "enabled": enabled,
        "createdDate": datetime(2026, 1, created, tzinfo=UTC),
    }


@pytest.fixture
def store_factory(make: Any) -> Any:
    make()
    from token_authorizer.api_keys import ApiKeyStore
    from token_authorizer.ttl_cache import TtlCache

    def build(gateway: FakeApiGateway, clock: Clock, **options: float) -> Any:
        settings = {"ttl": 300.0, "negative_ttl": 30.0, **options}
        return ApiKeyStore(
            KEY_PREFIX,
            clients=FakeClients(gateway),  # type: ignore[arg-type]
            cache=TtlCache(clock=clock),
            **settings,
        )

    return build


def test_exact_name_across_pages(store_factory: Any) -> None:
    items = [key(f"client-1{i}", f"value-1{i}") for i in range(7)] + [key("client-1", "the-one")]
    gateway = FakeApiGateway(items, page_size=3)
    store = store_factory(gateway, Clock())
    assert store.get("client-1") == "the-one"
    assert len(gateway.requests) == 3  # every page was read: nameQuery is only a prefix match
    assert gateway.requests[0] == {
        "nameQuery": KEY_PREFIX + "client-1",
        "includeValues": True,
        "limit": 500,
    }


def test_disabled_keys_do_not_count_and_the_newest_enabled_wins(store_factory: Any) -> None:
    items = [
        key("c", "old", created=1),
        key("c", "newest", created=3),
        key("c", "disabled", enabled=False, created=9),
    ]
    warnings: list[str] = []
    store = store_factory(FakeApiGateway(items), Clock())
    store._warn = warnings.append
    assert store.get("c") == "newest"
    assert warnings
    assert "several enabled API keys" in warnings[0]
    assert store_factory(FakeApiGateway([key("d", "x", enabled=False)]), Clock()).get("d") is None


def test_positive_and_negative_caching(store_factory: Any) -> None:
    gateway, clock = FakeApiGateway([key("a", "value-a")]), Clock()
    store = store_factory(gateway, clock, ttl=300.0, negative_ttl=30.0)
    for _ in range(10):
        assert store.get("a") == "value-a"
        assert store.get("new") is None
    assert len(gateway.requests) == 2
    gateway.items.append(key("new", "value-new"))  # the operator creates the key
    clock.now += 29
    assert store.get("new") is None
    clock.now += 1
    assert store.get("new") == "value-new"  # at most the negative TTL later
    assert store.get("a") == "value-a"
    clock.now += 270
    store.get("a")
    assert len(gateway.requests) == 4  # "a" reloaded after 300 s


def test_failure_is_denied_briefly_and_stale_keys_are_served(store_factory: Any) -> None:
    from token_authorizer.errors import LookupFailed

    gateway, clock = FakeApiGateway([key("a", "value-a")]), Clock()
    store = store_factory(gateway, clock)
    gateway.error = AccessDenied("TooManyRequestsException")
    with pytest.raises(LookupFailed) as caught:
        store.get("b")
    assert caught.value.reason == "api_key_lookup_failed:TooManyRequestsException"
    with pytest.raises(LookupFailed):
        store.get("b")
    assert len(gateway.requests) == 1  # the failure is cached for a few seconds
    gateway.error = None
    assert store.get("a") == "value-a"
    gateway.error = RuntimeError("network")
    clock.now += 301
    assert store.get("a") == "value-a"  # stale, but the last good answer
    clock.now += 5
    gateway.error = None
    assert store.get("b") is None


def test_stale_keys_are_served_up_to_an_hour_past_their_ttl(store_factory: Any) -> None:
    from token_authorizer.errors import LookupFailed

    gateway, clock = FakeApiGateway([key("a", "value-a"), key("b", "value-b")]), Clock()
    store = store_factory(gateway, clock, ttl=300.0)
    assert (store.get("a"), store.get("b")) == ("value-a", "value-b")  # both fetched at 0 s
    gateway.error = AccessDenied("TooManyRequestsException")
    clock.now = 300 + 3600 - 0.5
    assert store.get("a") == "value-a"  # an hour past the TTL, not yet beyond
    clock.now = 300 + 3600
    with pytest.raises(LookupFailed) as caught:
        store.get("b")
    assert caught.value.reason == "api_key_lookup_failed:TooManyRequestsException"


def test_a_stale_no_key_answer_ends_an_hour_past_the_negative_ttl(store_factory: Any) -> None:
    from token_authorizer.errors import LookupFailed

    gateway, clock = FakeApiGateway([]), Clock()
    store = store_factory(gateway, clock, negative_ttl=30.0)
    assert (store.get("a"), store.get("b")) == (None, None)
    gateway.error = RuntimeError("network")
    clock.now = 30 + 3600 - 0.5
    assert store.get("a") is None  # still the last answer: no key (a Deny, not a failure)
    clock.now = 30 + 3600
    with pytest.raises(LookupFailed):
        store.get("b")


def test_pages_are_read_up_to_max_pages(store_factory: Any) -> None:
    from token_authorizer.api_keys import MAX_PAGES
    from token_authorizer.errors import LookupFailed

    others = [key(f"client-1{i}", f"value-{i}") for i in range(MAX_PAGES - 1)]
    gateway = FakeApiGateway([*others, key("client-1", "the-one")], page_size=1)
    assert store_factory(gateway, Clock()).get("client-1") == "the-one"  # on page MAX_PAGES
    assert len(gateway.requests) == MAX_PAGES
    gateway = FakeApiGateway([*others, key("client-1x", "x"), key("client-1", "the-one")], 1)
    with pytest.raises(LookupFailed) as caught:
        store_factory(gateway, Clock()).get("client-1")  # a page more: the lookup fails
    assert caught.value.reason == "api_key_lookup_failed:RuntimeError"
    assert len(gateway.requests) == MAX_PAGES


def test_aws_errors_become_deny(authorizer: AuthorizerHarness, monkeypatch: Any) -> None:
    class Broken:
        def get_api_keys(self, **_: Any) -> Any:
            raise AccessDenied()

    monkeypatch.setattr(authorizer.module.AWS_CLIENTS, "get", lambda service: Broken())
    response = authorizer.call(authorizer.tokens.rsa())
    assert effect_of(response) == {"Deny"}
    assert response["context"]["reason"] == "api_key_lookup_failed"


def test_region_missing_becomes_deny(authorizer: AuthorizerHarness, monkeypatch: Any) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(
        sys.modules["token_authorizer.aws_clients"],
        "new_session",
        __import__("boto3").session.Session,
    )
    response = authorizer.call(authorizer.tokens.rsa())
    assert effect_of(response) == {"Deny"}


def test_onboarding_a_key_works_after_the_negative_ttl(make: Any, api_keys: Any) -> None:
    harness = make(API_KEY_NEGATIVE_CACHE_SECONDS="1")
    clock = harness.use_clock(ManualClock())
    token = harness.tokens.rsa(default_claims(client_id="client-new"))
    assert effect_of(harness.call(token)) == {"Deny"}
    value = api_keys.create("client-new")
    assert effect_of(harness.call(token)) == {"Deny"}  # still the cached "no key"
    clock.advance(1.05)
    response = harness.call(token)
    assert effect_of(response) == {"Allow"}
    assert response["usageIdentifierKey"] == value


def test_one_lookup_per_client_per_ttl(authorizer: AuthorizerHarness) -> None:
    for _ in range(20):
        authorizer.call(authorizer.tokens.rsa())
    assert authorizer.module.API_KEYS.lookup_count == 1


def test_boto3_client_has_short_timeouts(authorizer: AuthorizerHarness) -> None:
    authorizer.call(authorizer.tokens.rsa())
    client = authorizer.module.AWS_CLIENTS.get("apigateway")
    assert client is authorizer.module.AWS_CLIENTS.get("apigateway")  # one per container
    assert client.meta.config.connect_timeout <= 1
    assert client.meta.config.read_timeout <= 2
    assert client.meta.config.retries["total_max_attempts"] <= 2


def test_one_boto3_session_for_every_client_created_on_first_use(
    authorizer: AuthorizerHarness, monkeypatch: Any
) -> None:
    aws_clients = sys.modules["token_authorizer.aws_clients"]
    shared = aws_clients.new_session
    sessions: list[Any] = []

    def new_session() -> Any:
        sessions.append(shared())
        return sessions[-1]

    monkeypatch.setattr(aws_clients, "new_session", new_session)
    aws_clients.AwsClients()
    assert sessions == []  # neither the import nor a holder creates one
    clients = authorizer.module.AWS_CLIENTS
    apigateway, ssm = clients.get("apigateway"), clients.get("ssm")
    assert clients.get("apigateway") is apigateway
    assert apigateway.meta.service_model.service_name == "apigateway"
    assert ssm.meta.service_model.service_name == "ssm"
    assert len(sessions) == 1


def test_boto3_is_not_imported_for_a_rejected_token(jwks_server: Any) -> None:
    """In a fresh interpreter: the import loads neither boto3, botocore nor the X-Ray SDK, and a
    401 never loads boto3 (the tracer, built on the first call, brings botocore)."""
    script = (
        "import sys, handler\n"
        "at_import = sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('boto3', 'botocore', 'aws_xray_sdk') and m not in ('botocore', 'botocore.compat'))\n"
        "assert not at_import, at_import\n"
        "try:\n"
        "    handler.handler({'type': 'TOKEN', 'authorizationToken': 'Bearer a.b.c',"
        " 'methodArn': 'arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/x'}, None)\n"
        "except Exception as error:\n"
        "    assert error.args == ('Unauthorized',)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('boto3', 'botocore', 'aws_xray_sdk'))))\n"
    )
    env = {**os.environ, **base_environment(jwks_server.url)}
    result = subprocess.run(
        [sys.executable, "-c", "import json\n" + script],
        cwd=CODE_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert "boto3" not in loaded
