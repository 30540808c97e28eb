"""REQUEST events: where the bearer token may be, and every malformed or ambiguous shape a 401."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from authorizer_support import (
    ApiKeys,
    AuthorizerHarness,
    LambdaContextStub,
    assert_response_shape,
    assert_unauthorized,
    default_claims,
    effect_of,
    load_event,
    method_arn,
)

Make = Callable[..., AuthorizerHarness]


def request_event(
    headers: dict[str, list[str]] | None = None, query: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    """The full REQUEST fixture with these headers and query parameters added, in both maps as
    API Gateway fills them (the single-value map holds the last value)."""
    event = load_event("request_event_full.json")
    for single, multi, values in (
        ("headers", "multiValueHeaders", headers or {}),
        ("queryStringParameters", "multiValueQueryStringParameters", query or {}),
    ):
        for name, items in values.items():
            event[single][name] = items[-1]
            event[multi][name] = list(items)
    return event


@pytest.fixture
def harness(make: Make, api_keys: ApiKeys) -> AuthorizerHarness:
    api_keys.create("client-a", value="value-of-client-a-key-0001")
    return make(TOKEN_HEADER="X-Access-Token", TOKEN_QUERY_PARAMETER="access_token")


def call(harness: AuthorizerHarness, event: Any) -> Any:
    return harness.module.handler(event, LambdaContextStub())


@pytest.mark.parametrize(
    "name", ["Authorization", "authorization", "AUTHORIZATION", "aUtHoRiZaTiOn"]
)
def test_authorization_header_in_any_case(harness: AuthorizerHarness, name: str) -> None:
    event = request_event({name: [f"Bearer {harness.tokens.rsa()}"]})
    response = call(harness, event)
    assert_response_shape(response)
    assert effect_of(response) == {"Allow"}


def test_request_answer_equals_the_token_answer(harness: AuthorizerHarness) -> None:
    token = harness.tokens.rsa()
    by_token = harness.call(token)
    by_request = call(harness, request_event({"Authorization": [f"Bearer {token}"]}))
    assert by_request == by_token  # same policy (whole stage), usage key and flat context
    assert by_request["usageIdentifierKey"] == "value-of-client-a-key-0001"
    assert by_request["context"] == {
        "clientId": "client-a",
        "sub": "user-123",
        "scopes": "items:read items:write",
        "authMode": "jwt",
    }


@pytest.mark.parametrize("value", ["{token}", "Bearer {token}", "bearer {token}"])
def test_configured_header(harness: AuthorizerHarness, value: str) -> None:
    token = harness.tokens.ec()
    response = call(harness, request_event({"x-access-token": [value.format(token=token)]}))
    assert effect_of(response) == {"Allow"}


def test_configured_query_parameter(harness: AuthorizerHarness) -> None:
    response = call(harness, request_event(query={"access_token": [harness.tokens.rsa()]}))
    assert effect_of(response) == {"Allow"}


def test_query_parameter_name_is_case_sensitive(harness: AuthorizerHarness) -> None:
    event = request_event(query={"Access_Token": [harness.tokens.rsa()]})
    assert_unauthorized(lambda: call(harness, event))


def test_sources_that_are_not_configured_are_not_read(make: Make, api_keys: ApiKeys) -> None:
    api_keys.create("client-a")
    harness = make()  # Authorization only
    token = harness.tokens.rsa()
    for event in (
        request_event({"X-Access-Token": [token]}),
        request_event(query={"access_token": [token]}),
    ):
        assert_unauthorized(lambda event=event: call(harness, event))


@pytest.mark.parametrize(
    ("headers", "query"),
    [
        ({"Authorization": ["Bearer {t}"]}, {"access_token": ["{t}"]}),  # even the same token
        ({"Authorization": ["Bearer {t}"]}, {"access_token": ["not-a-token"]}),
        ({"X-Access-Token": ["{t}"]}, {"access_token": ["{t}"]}),
        ({"Authorization": ["Bearer {t}"], "X-Access-Token": ["{t}"]}, {}),
    ],
)
def test_credentials_in_two_sources_are_refused(
    harness: AuthorizerHarness, headers: dict[str, list[str]], query: dict[str, list[str]]
) -> None:
    token = harness.tokens.rsa()

    def fill(values: dict[str, list[str]]) -> dict[str, list[str]]:
        return {k: [v.format(t=token) for v in items] for k, items in values.items()}

    event = request_event(fill(headers), fill(query))
    assert_unauthorized(lambda: call(harness, event))


def test_header_sent_twice_is_refused(harness: AuthorizerHarness) -> None:
    good, other = harness.tokens.rsa(), harness.tokens.ec()
    for values in ([f"Bearer {good}", f"Bearer {other}"], [f"Bearer {good}", f"Bearer {good}"]):
        event = request_event({"Authorization": values})
        assert_unauthorized(lambda event=event: call(harness, event))


def test_two_spellings_of_the_header_name_are_refused(harness: AuthorizerHarness) -> None:
    token = harness.tokens.rsa()
    event = request_event({"Authorization": [f"Bearer {token}"]})
    event["headers"]["authorization"] = f"Bearer {token}"
    assert_unauthorized(lambda: call(harness, event))


def test_single_and_multi_value_maps_that_disagree_are_refused(harness: AuthorizerHarness) -> None:
    event = request_event({"Authorization": [f"Bearer {harness.tokens.rsa()}"]})
    event["headers"]["Authorization"] = f"Bearer {harness.tokens.ec()}"
    assert_unauthorized(lambda: call(harness, event))


def test_query_parameter_sent_twice_is_refused(harness: AuthorizerHarness) -> None:
    token = harness.tokens.rsa()
    event = request_event(query={"access_token": [token, token]})
    assert_unauthorized(lambda: call(harness, event))


BROKEN_SHAPES: list[tuple[str, Callable[[dict[str, Any], str], None]]] = [
    ("no headers", lambda e, t: (e.pop("headers"), e.pop("multiValueHeaders"))),
    ("null headers", lambda e, t: e.update(headers=None, multiValueHeaders=None)),
    ("headers a list", lambda e, t: e.update(headers=[["Authorization", f"Bearer {t}"]])),
    ("headers a string", lambda e, t: e.update(headers=f"Authorization: Bearer {t}")),
    ("header value a number", lambda e, t: e["headers"].update(Authorization=42)),
    ("header value a list", lambda e, t: e["headers"].update(Authorization=[f"Bearer {t}"])),
    ("header value null", lambda e, t: e["headers"].update(Authorization=None)),
    ("header value an object", lambda e, t: e["headers"].update(Authorization={"v": t})),
    ("multi value not a list", lambda e, t: e["multiValueHeaders"].update(Authorization=t)),
    ("multi value of numbers", lambda e, t: e["multiValueHeaders"].update(Authorization=[1])),
    ("empty header", lambda e, t: e["headers"].update(Authorization="")),
    ("query not an object", lambda e, t: e.update(queryStringParameters="access_token=x")),
    ("query value a number", lambda e, t: e["queryStringParameters"].update(access_token=7)),
    ("no methodArn", lambda e, t: e.pop("methodArn")),
    ("methodArn a number", lambda e, t: e.update(methodArn=12)),
    ("type missing", lambda e, t: e.pop("type")),
    ("type lower case", lambda e, t: e.update(type="request")),
    ("type a list", lambda e, t: e.update(type=["REQUEST"])),
]


@pytest.mark.parametrize("mutate", [m for _, m in BROKEN_SHAPES], ids=[n for n, _ in BROKEN_SHAPES])
def test_malformed_request_events_are_401(
    harness: AuthorizerHarness, mutate: Callable[[dict[str, Any], str], None]
) -> None:
    token = harness.tokens.rsa()
    event = request_event({"Authorization": [f"Bearer {token}"]})
    event["multiValueHeaders"].pop("Authorization")  # so a broken single value is the only one
    mutate(event, token)
    assert_unauthorized(lambda: call(harness, copy.deepcopy(event)))
    decision = harness.module.AUTHORIZER.decide(event)  # a refusal, never an internal error
    assert decision.outcome == "unauthorized"


def test_request_allow_covers_other_routes_for_the_cache(harness: AuthorizerHarness) -> None:
    event = request_event({"Authorization": [f"Bearer {harness.tokens.rsa()}"]})
    event["methodArn"] = method_arn("DELETE", "orders/7")
    response = call(harness, event)
    assert response["policyDocument"]["Statement"][0]["Resource"] == [
        method_arn("GET", "").rsplit("/GET/", 1)[0] + "/*/*"
    ]


def test_query_token_never_reaches_the_logs(
    make: Make, api_keys: ApiKeys, capsys: pytest.CaptureFixture[str]
) -> None:
    api_keys.create("client-a")
    harness = make(  # a logger of its own (Powertools keeps one per service name)
        POWERTOOLS_SERVICE_NAME=f"authorizer-log-test-{uuid.uuid4().hex[:8]}",
        TOKEN_QUERY_PARAMETER="access_token",
        POWERTOOLS_LOG_LEVEL="DEBUG",
        JWT_AUDIENCE="api://other",  # refused: a refusal is always logged
    )
    token = harness.tokens.rsa()
    assert_unauthorized(lambda: call(harness, request_event(query={"access_token": [token]})))
    captured = capsys.readouterr()
    logged = captured.out + captured.err
    assert "authorizer decision" in logged
    assert '"credentialSource":"query"' in logged.replace(" ", "")
    for part in token.split("."):
        assert part not in logged


def test_a_10_kb_query_token_is_refused_before_decoding(harness: AuthorizerHarness) -> None:
    token = harness.tokens.rsa(default_claims(pad="x" * 10_240))
    assert len(token) > 10_240
    assert_unauthorized(lambda: call(harness, request_event(query={"access_token": [token]})))
    decision = harness.module.AUTHORIZER.decide(request_event(query={"access_token": [token]}))
    assert decision.reason == "malformed_authorization"
