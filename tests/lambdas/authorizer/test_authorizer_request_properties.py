"""Property tests for REQUEST events and Basic credentials: any input ends in a well-formed answer
or exactly Exception("Unauthorized"), and an Allow only for the one right credential."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
from authorizer_support import (
    CREDENTIALS_PREFIX,
    ApiKeys,
    AuthorizerHarness,
    BasicCredentials,
    basic,
    effect_of,
    load_event,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_authorizer_properties import JSON, outcome

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SECRET = "the-right-secret-of-partner-globex-0001"
HEADER_NAMES = st.sampled_from(
    ["Authorization", "authorization", "AUTHORIZATION", "X-Access-Token", "x-access-token", "X"]
)
VALUES = st.one_of(
    JSON,
    st.text(max_size=60),
    st.builds(lambda s: "Basic " + s, st.text(max_size=60)),
    st.builds(lambda b: "Basic " + base64.b64encode(b).decode(), st.binary(max_size=80)),
    st.builds(lambda s: "Bearer " + s, st.text(max_size=60)),
)


@pytest.fixture
def harness(
    make: Callable[..., AuthorizerHarness], api_keys: ApiKeys, aws: None
) -> AuthorizerHarness:
    api_keys.create("partner-globex")
    api_keys.create("client-a")
    BasicCredentials().store("partner-globex", SECRET)
    return make(
        BASIC_CREDENTIALS_PARAMETER_PREFIX=CREDENTIALS_PREFIX,
        TOKEN_HEADER="X-Access-Token",
        TOKEN_QUERY_PARAMETER="access_token",
        BASIC_MAX_FAILURES="1000",  # the properties are about answers, not the rate limit
    )


@SETTINGS
@given(
    headers=st.one_of(JSON, st.dictionaries(HEADER_NAMES, VALUES, max_size=3)),
    multi=st.one_of(JSON, st.dictionaries(HEADER_NAMES, st.lists(VALUES, max_size=3), max_size=2)),
    query=st.one_of(JSON, st.dictionaries(st.just("access_token"), VALUES, max_size=1)),
)
def test_random_request_shapes_never_allow_and_never_fail(
    harness: AuthorizerHarness, headers: Any, multi: Any, query: Any
) -> None:
    event = load_event("request_event_full.json")
    event.update(headers=headers, multiValueHeaders=multi, queryStringParameters=query)
    assert outcome(harness, event) is None  # no real credential in any of them: a 401
    decision = harness.module.AUTHORIZER.decide(event)  # raises nothing: no internal error
    assert decision.outcome == "unauthorized"


@SETTINGS
@given(
    user=st.one_of(st.just("partner-globex"), st.just("Partner-globex"), st.text(max_size=70)),
    secret=st.one_of(
        st.just(SECRET),
        st.just(SECRET[:-1]),
        st.just(SECRET + " "),
        st.just(SECRET.upper()),
        st.text(max_size=120),
    ),
    scheme=st.sampled_from(["Basic", "basic", "BASIC", "Basic "]),
)
def test_basic_allows_only_the_right_client_and_secret(
    harness: AuthorizerHarness, user: str, secret: str, scheme: str
) -> None:
    value = scheme + " " + base64.b64encode(f"{user}:{secret}".encode()).decode()
    event = {**load_event("request_event.json"), "headers": {"Authorization": value}}
    response = outcome(harness, event)
    if user == "partner-globex" and secret == SECRET:
        assert response is not None
        assert effect_of(response) == {"Allow"}
    else:
        assert response is None
        decision = harness.module.AUTHORIZER.decide(event)  # raises nothing: no internal error
        assert decision.outcome == "unauthorized"


def test_the_right_basic_credential_allows(harness: AuthorizerHarness) -> None:
    event = {
        **load_event("request_event.json"),
        "headers": {"Authorization": basic("partner-globex", SECRET)},
    }
    assert effect_of(outcome(harness, event) or {"policyDocument": {"Statement": []}}) == {"Allow"}
