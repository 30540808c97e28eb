"""Permission maps in SSM: format, loading, failure handling, and cache-correct policies."""

from __future__ import annotations

import json
import time
from typing import Any, ClassVar

import pytest
from authorizer_iam import evaluate
from authorizer_routing import VERBS, owner, permitted, sample_paths
from authorizer_support import (
    PERMISSIONS_PREFIX,
    AuthorizerHarness,
    ManualClock,
    PermissionMaps,
    assert_response_shape,
    default_claims,
    effect_of,
    method_arn,
)

ROUTES: list[dict[str, Any]] = [
    {"method": "GET", "path": "/items", "scopes": []},
    {"method": "GET", "path": "/items/{id}", "scopes": ["items:read"]},
    {"method": "PUT", "path": "/items/{id}", "scopes": ["items:write"]},
    {"method": "GET", "path": "/items/{id}/secret", "scopes": ["admin"]},
    {"method": "*", "path": "/admin/{proxy+}", "scopes": ["admin"]},
    {"method": "POST", "path": "/orders", "scopes": ["orders:write"]},
]


@pytest.fixture
def scoped(make: Any, api_keys: Any, permission_maps: PermissionMaps) -> AuthorizerHarness:
    api_keys.create("client-a", value="value-of-client-a-key-0001")
    permission_maps.publish(ROUTES)
    return make(PERMISSIONS_PARAMETER_PREFIX=PERMISSIONS_PREFIX)


def token_with(harness: AuthorizerHarness, scopes: str) -> str:
    return harness.tokens.rsa(default_claims(scope=scopes))


def test_policy_for_one_route_is_right_for_every_other_route(scoped: AuthorizerHarness) -> None:
    """API Gateway reuses the answer for the token's other calls: check all of them."""
    for scopes in ("items:read", "items:read items:write", "admin", "orders:write items:read"):
        held = set(scopes.split())
        token = token_with(scoped, scopes)
        for first_call in ("GET/items/42", "PUT/items/7", "POST/orders", "GET/admin/x/y"):
            verb, path = first_call.split("/", 1)
            response = scoped.call(token, method_arn(verb, path))
            assert_response_shape(response)
            for sample in sample_paths(ROUTES):
                for sample_verb in VERBS:
                    route = owner(ROUTES, sample_verb, sample)
                    if route is None:
                        continue
                    decision = evaluate(response, method_arn(sample_verb, sample))
                    if permitted(route, held) and not sample.endswith("/"):
                        assert decision, (scopes, first_call, sample_verb, sample)
                    elif not permitted(route, held):
                        assert not decision, (scopes, first_call, sample_verb, sample)


def test_allow_lists_routes_and_denies_the_wildcard_overlap(scoped: AuthorizerHarness) -> None:
    response = scoped.call(token_with(scoped, "items:read"), method_arn("GET", "items/1"))
    prefix = method_arn("GET", "")[: -len("GET/")]
    assert response["policyDocument"]["Statement"] == [
        {
            "Action": "execute-api:Invoke",
            "Effect": "Allow",
            "Resource": [prefix + "GET/items", prefix + "GET/items/*"],
        },
        {
            "Action": "execute-api:Invoke",
            "Effect": "Deny",
            "Resource": [prefix + "GET/items/*/secret", prefix + "GET/items/*/secret/"],
        },
    ]
    assert response["usageIdentifierKey"] == "value-of-client-a-key-0001"


def test_token_without_any_needed_scope_still_gets_the_open_routes(
    scoped: AuthorizerHarness,
) -> None:
    response = scoped.call(token_with(scoped, "unrelated"), method_arn("GET", "items"))
    assert effect_of(response) == {"Allow"}
    assert evaluate(response, method_arn("GET", "items"))
    assert not evaluate(response, method_arn("GET", "items/1"))


def test_token_holding_nothing_usable_is_denied(
    make: Any, api_keys: Any, permission_maps: PermissionMaps
) -> None:
    api_keys.create("client-a")
    permission_maps.publish([{"method": "GET", "path": "/items", "scopes": ["items:read"]}])
    harness = make(PERMISSIONS_PARAMETER_PREFIX=PERMISSIONS_PREFIX)
    response = harness.call(token_with(harness, "other"), method_arn("GET", "items"))
    assert effect_of(response) == {"Deny"}
    assert response["context"]["reason"] == "insufficient_scope"


def test_routes_all_too_long_for_an_arn_are_a_deny_with_its_reason(
    make: Any, api_keys: Any, permission_maps: PermissionMaps
) -> None:
    """Every permitted route's ARN is over 512 characters: nothing can be allowed."""
    long_segment = "s" * 250
    api_keys.create("client-a")
    permission_maps.publish(
        [
            {"method": "GET", "path": f"/{long_segment}/{long_segment}/{{id}}", "scopes": []},
            {"method": "GET", "path": "/ok/{id}", "scopes": ["ok"]},
        ]
    )
    harness = make(PERMISSIONS_PARAMETER_PREFIX=PERMISSIONS_PREFIX)
    arn = method_arn("GET", f"{long_segment}/{long_segment}/1")
    response = harness.call(token_with(harness, ""), arn)
    assert_response_shape(response)
    assert response["policyDocument"]["Statement"] == [
        {
            "Action": "execute-api:Invoke",
            "Effect": "Deny",
            "Resource": [method_arn("GET", "")[: -len("GET/")] + "*/*"],
        }
    ]
    assert response["context"] == {
        "reason": "resource_too_long",
        "sub": "user-123",
        "clientId": "client-a",
    }
    event = {"type": "TOKEN", "authorizationToken": f"Bearer {token_with(harness, '')}"}
    decision = harness.module.AUTHORIZER.decide({**event, "methodArn": arn})
    assert (decision.outcome, decision.reason) == ("deny", "resource_too_long")
    assert decision.details["resourceTooLong"] is True


def test_route_missing_from_the_map_is_forbidden(scoped: AuthorizerHarness) -> None:
    token = token_with(scoped, "items:read items:write admin orders:write")
    response = scoped.call(token, method_arn("GET", "reports"))
    assert effect_of(response) >= {"Allow"}  # an Allow for the token's routes...
    assert not evaluate(response, method_arn("GET", "reports"))  # ...that does not cover this one


def test_absent_parameter_means_no_scopes_required(make: Any, api_keys: Any, aws: Any) -> None:
    api_keys.create("client-a")
    harness = make(PERMISSIONS_PARAMETER_PREFIX=PERMISSIONS_PREFIX)
    response = harness.call(token_with(harness, ""), method_arn("DELETE", "anything/at/all"))
    assert response["policyDocument"]["Statement"][0]["Resource"] == [
        method_arn("GET", "")[: -len("GET/")] + "*/*"
    ]


def test_maps_are_ignored_without_the_prefix_setting(
    make: Any, api_keys: Any, permission_maps: PermissionMaps
) -> None:
    api_keys.create("client-a")
    permission_maps.publish([{"method": "GET", "path": "/items", "scopes": ["never"]}])
    harness = make()
    response = harness.call(token_with(harness, ""), method_arn("GET", "items"))
    assert effect_of(response) == {"Allow"}
    assert harness.module.PERMISSIONS is None


@pytest.mark.parametrize(
    "value",
    [
        "not json",
        "[]",
        json.dumps({"routes": []}),
        json.dumps({"version": 2, "routes": []}),
        json.dumps({"version": "1", "routes": []}),
        json.dumps({"version": True, "routes": []}),
        json.dumps({"version": 1, "routes": {}}),
        json.dumps({"version": 1, "routes": [{"method": "GET", "path": "items", "scopes": []}]}),
        json.dumps({"version": 1, "routes": [{"method": "FETCH", "path": "/a", "scopes": []}]}),
        json.dumps({"version": 1, "routes": [{"method": "GET", "path": "/a/*", "scopes": []}]}),
        json.dumps({"version": 1, "routes": [{"method": "GET", "path": "/a?b", "scopes": []}]}),
        json.dumps({"version": 1, "routes": [{"method": "GET", "path": "/{p+}/a", "scopes": []}]}),
        json.dumps({"version": 1, "routes": [{"method": "GET", "path": "/a//b", "scopes": []}]}),
        json.dumps({"version": 1, "routes": [{"method": "GET", "path": "/a/", "scopes": []}]}),
        json.dumps({"version": 1, "routes": [{"method": "GET", "path": "/a", "scopes": "x"}]}),
        json.dumps({"version": 1, "routes": [{"method": "GET", "path": "/a", "scopes": [1]}]}),
        json.dumps({"version": 1, "routes": [{"method": "GET", "path": "/a"}]}),
        json.dumps({"version": 1, "routes": [{"method": "GET", "path": "/a", "scopes": ["a b"]}]}),
        json.dumps(
            {
                "version": 1,
                "routes": [
                    {"method": "GET", "path": "/a/{x}", "scopes": []},
                    {"method": "GET", "path": "/a/{y}", "scopes": ["s"]},
                ],
            }
        ),
    ],
)
def test_unreadable_map_fails_closed(
    make: Any, api_keys: Any, permission_maps: PermissionMaps, value: str
) -> None:
    api_keys.create("client-a")
    permission_maps.publish(value)
    harness = make(PERMISSIONS_PARAMETER_PREFIX=PERMISSIONS_PREFIX)
    response = harness.call(token_with(harness, "s x"), method_arn("GET", "a"))
    assert_response_shape(response)
    assert effect_of(response) == {"Deny"}
    assert response["context"]["reason"] == "permissions_invalid"


def test_ssm_errors_fail_closed(scoped: AuthorizerHarness, monkeypatch: Any) -> None:
    class Throttled(Exception):
        response: ClassVar[dict[str, Any]] = {"Error": {"Code": "ThrottlingException"}}

    class BrokenSsm:
        def get_parameter(self, **_: Any) -> Any:
            raise Throttled()

    monkeypatch.setattr(scoped.module.AWS_CLIENTS, "get", lambda service: BrokenSsm())
    response = scoped.call(token_with(scoped, "items:read"), method_arn("GET", "items/1"))
    assert effect_of(response) == {"Deny"}
    assert response["context"]["reason"] == "permissions_read_failed"


def test_maps_are_cached_and_reloaded_after_the_ttl(
    make: Any, api_keys: Any, permission_maps: PermissionMaps
) -> None:
    api_keys.create("client-a")
    permission_maps.publish([{"method": "GET", "path": "/a", "scopes": []}])
    harness = make(PERMISSIONS_PARAMETER_PREFIX=PERMISSIONS_PREFIX, PERMISSIONS_CACHE_SECONDS="1")
    clock = harness.use_clock(ManualClock())
    token = token_with(harness, "")
    for _ in range(10):
        assert evaluate(harness.call(token, method_arn("GET", "a")), method_arn("GET", "a"))
    assert harness.module.PERMISSIONS.load_count == 1
    permission_maps.publish([{"method": "GET", "path": "/a", "scopes": ["now-required"]}])
    clock.advance(1.05)
    assert effect_of(harness.call(token, method_arn("GET", "a"))) == {"Deny"}
    assert harness.module.PERMISSIONS.load_count == 2


def test_stale_map_is_used_when_a_refresh_fails(
    make: Any, api_keys: Any, permission_maps: PermissionMaps, monkeypatch: Any
) -> None:
    api_keys.create("client-a")
    permission_maps.publish([{"method": "GET", "path": "/a", "scopes": []}])
    harness = make(PERMISSIONS_PARAMETER_PREFIX=PERMISSIONS_PREFIX, PERMISSIONS_CACHE_SECONDS="0.2")
    token = token_with(harness, "")
    assert evaluate(harness.call(token, method_arn("GET", "a")), method_arn("GET", "a"))
    real_get = harness.module.AWS_CLIENTS.get

    class Denied(Exception):
        response: ClassVar[dict[str, Any]] = {"Error": {"Code": "AccessDeniedException"}}

    class BrokenSsm:
        def get_parameter(self, **_: Any) -> Any:
            raise Denied()

    monkeypatch.setattr(
        harness.module.AWS_CLIENTS,
        "get",
        lambda service: BrokenSsm() if service == "ssm" else real_get(service),
    )
    time.sleep(0.25)
    response = harness.call(token, method_arn("GET", "a"))
    assert evaluate(response, method_arn("GET", "a"))
    assert not evaluate(response, method_arn("GET", "b"))  # still the map, not "no map"


def test_a_stale_map_is_served_up_to_an_hour_past_its_ttl(make: Any) -> None:
    make()
    from token_authorizer.errors import LookupFailed
    from token_authorizer.permissions import PermissionStore
    from token_authorizer.ttl_cache import TtlCache

    class Denied(Exception):
        response: ClassVar[dict[str, Any]] = {"Error": {"Code": "AccessDeniedException"}}

    class Ssm:
        failing = False

        def get_parameter(self, **request: Any) -> Any:
            if self.failing:
                raise Denied()
            return {"Parameter": {"Value": json.dumps({"version": 1, "routes": ROUTES})}}

    class Clients:
        ssm = Ssm()

        def get(self, service: str) -> Any:
            assert service == "ssm"
            return self.ssm

    now = [0.0]
    store = PermissionStore(
        PERMISSIONS_PREFIX,
        ttl=300.0,
        absent_ttl=30.0,
        clients=Clients(),  # type: ignore[arg-type]
        cache=TtlCache(clock=lambda: now[0]),
    )
    fresh = (store.get("aaaaaaaaaa"), store.get("bbbbbbbbbb"))  # both loaded at 0 s
    assert fresh[0] is not None
    Clients.ssm.failing = True
    now[0] = 300 + 3600 - 0.5
    assert store.get("aaaaaaaaaa") == fresh[0]  # an hour past the TTL, not yet beyond
    now[0] = 300 + 3600
    with pytest.raises(LookupFailed) as caught:
        store.get("bbbbbbbbbb")
    assert caught.value.reason == "permissions_read_failed:AccessDeniedException"


def test_parameter_name_uses_the_api_id(scoped: AuthorizerHarness) -> None:
    assert scoped.module.PERMISSIONS.parameter_name("abcdefghij") == (
        PERMISSIONS_PREFIX + "/abcdefghij"
    )


def test_another_api_without_a_map_is_open(scoped: AuthorizerHarness) -> None:
    other = method_arn("GET", "whatever", api_id="zzzzzzzzzz")
    response = scoped.call(token_with(scoped, ""), other)
    assert evaluate(response, other)
    assert not evaluate(response, method_arn("GET", "items/1"))  # other API's ARN only


def test_imprecise_policy_is_reported_once(
    make: Any, api_keys: Any, permission_maps: PermissionMaps, monkeypatch: Any
) -> None:
    api_keys.create("client-a")
    permission_maps.publish(
        [
            {"method": "GET", "path": "/files/{proxy+}", "scopes": ["files"]},
            {"method": "GET", "path": "/files/{id}/meta", "scopes": ["admin"]},
        ]
    )
    harness = make(PERMISSIONS_PARAMETER_PREFIX=PERMISSIONS_PREFIX)
    warnings: list[str] = []
    monkeypatch.setattr(harness.module.AUTHORIZER, "_warn", warnings.append)
    token = token_with(harness, "files")
    for _ in range(3):
        response = harness.call(token, method_arn("GET", "files/a"))
        assert evaluate(response, method_arn("GET", "files/a/b"))
        assert not evaluate(response, method_arn("GET", "files/a/meta"))  # forbidden: denied
    assert not evaluate(response, method_arn("GET", "files/a/b/meta"))  # the documented loss
    assert len(warnings) == 1
    assert "cannot be expressed exactly" in warnings[0]
