"""The handler contract: Allow shape, Deny cases, 401 cases, logging, metrics."""

from __future__ import annotations

import json
import sys
import uuid
from typing import Any

import pytest
from authorizer_support import (
    ACCOUNT,
    API_ID,
    EVENTS,
    PERMISSIONS_PREFIX,
    REGION,
    STAGE,
    AuthorizerHarness,
    assert_response_shape,
    assert_unauthorized,
    default_claims,
    effect_of,
    load_event,
    method_arn,
)

WHOLE_STAGE = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{API_ID}/{STAGE}/*/*"


def test_allow_has_the_exact_shape(authorizer: AuthorizerHarness) -> None:
    response = authorizer.call(authorizer.tokens.rsa())
    assert_response_shape(response)
    assert response["principalId"] == "user-123"
    assert response["usageIdentifierKey"] == "value-of-client-a-key-0001"
    assert response["policyDocument"]["Statement"] == [
        {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": [WHOLE_STAGE]}
    ]
    assert response["context"] == {
        "clientId": "client-a",
        "sub": "user-123",
        "scopes": "items:read items:write",
        "authMode": "jwt",
    }


def test_ec_tokens_verify_too(authorizer: AuthorizerHarness) -> None:
    response = authorizer.call(authorizer.tokens.ec())
    assert effect_of(response) == {"Allow"}


def test_policy_covers_the_whole_api_and_stage_only(authorizer: AuthorizerHarness) -> None:
    from authorizer_iam import evaluate

    response = authorizer.call(authorizer.tokens.rsa(), method_arn("GET", "items/42"))
    for verb, path in [("GET", "items/42"), ("POST", "orders"), ("DELETE", "a/b/c"), ("GET", "")]:
        assert evaluate(response, method_arn(verb, path)) is True
    other_api = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:zzzzzzzzzz/{STAGE}/GET/items/42"
    other_stage = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{API_ID}/dev/GET/items/42"
    other_account = f"arn:aws:execute-api:{REGION}:999999999999:{API_ID}/{STAGE}/GET/items/42"
    for arn in (other_api, other_stage, other_account):
        assert evaluate(response, arn) is False


def test_bearer_scheme_is_case_insensitive(authorizer: AuthorizerHarness) -> None:
    token = authorizer.tokens.rsa()
    for scheme in ("bearer", "BEARER", "BeArEr"):
        event = load_event("token_event.json")
        event["authorizationToken"] = f"{scheme} {token}"
        assert effect_of(authorizer.raw(event)) == {"Allow"}


def test_audience_list_and_second_audience(authorizer: AuthorizerHarness) -> None:
    for aud in (["api://gateway-internal"], ["someone-else", "api://gateway"]):
        token = authorizer.tokens.rsa(default_claims(aud=aud))
        assert effect_of(authorizer.call(token)) == {"Allow"}


def test_scopes_from_scp_list(authorizer: AuthorizerHarness) -> None:
    claims = default_claims(scope=None, scp=["a:read", "b:write", 7, "bad scope", "a:read"])
    del claims["scope"]
    response = authorizer.call(authorizer.tokens.rsa(claims))
    assert response["context"]["scopes"] == "a:read b:write"


def test_custom_claims_configuration(make: Any, api_keys: Any) -> None:
    api_keys.create("tenant-9", value="tenant-nine-key-value-000")
    harness = make(CLIENT_ID_CLAIM="azp", SCOPES_CLAIM="permissions")
    claims = default_claims(azp="tenant-9", permissions=["x:read"])
    response = harness.call(harness.tokens.rsa(claims))
    assert response["usageIdentifierKey"] == "tenant-nine-key-value-000"
    assert response["context"]["clientId"] == "tenant-9"
    assert response["context"]["scopes"] == "x:read"


# ------------------------------------------------------------------ Deny (403)
def test_token_without_client_claim_is_denied(authorizer: AuthorizerHarness) -> None:
    claims = default_claims()
    del claims["client_id"]
    response = authorizer.call(authorizer.tokens.rsa(claims))
    assert_response_shape(response)
    assert response["policyDocument"]["Statement"] == [
        {"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": [WHOLE_STAGE]}
    ]
    assert "usageIdentifierKey" not in response
    assert response["context"]["reason"] == "no_client_claim"


@pytest.mark.parametrize(
    "value", [42, 4.2, True, ["client-a"], {"id": "client-a"}, "", "client a", "x" * 200, "ä"]
)
def test_non_string_or_odd_client_claim_is_denied(
    authorizer: AuthorizerHarness, value: Any
) -> None:
    response = authorizer.call(authorizer.tokens.rsa(default_claims(client_id=value)))
    assert_response_shape(response)
    assert effect_of(response) == {"Deny"}
    assert response["context"]["reason"] == "invalid_client_claim"


def test_client_without_key_is_denied(authorizer: AuthorizerHarness) -> None:
    response = authorizer.call(authorizer.tokens.rsa(default_claims(client_id="client-nokey")))
    assert effect_of(response) == {"Deny"}
    assert response["context"] == {
        "reason": "no_api_key",
        "sub": "user-123",
        "clientId": "client-nokey",
    }


def test_disabled_key_is_denied(authorizer: AuthorizerHarness, api_keys: Any) -> None:
    api_keys.create("client-off", enabled=False)
    response = authorizer.call(authorizer.tokens.rsa(default_claims(client_id="client-off")))
    assert effect_of(response) == {"Deny"}
    assert response["context"]["reason"] == "no_api_key"


def test_key_of_a_longer_name_is_not_used(authorizer: AuthorizerHarness, api_keys: Any) -> None:
    """nameQuery is a prefix match: client-b must not get client-b2's key."""
    api_keys.create("client-b2", value="value-of-client-b2-000000")
    response = authorizer.call(authorizer.tokens.rsa(default_claims(client_id="client-b")))
    assert effect_of(response) == {"Deny"}


# ------------------------------------------------------------------ 401
@pytest.mark.parametrize("arn", json.loads((EVENTS / "method_arns_malformed.json").read_text()))
def test_malformed_method_arn_is_401(authorizer: AuthorizerHarness, arn: str) -> None:
    token = authorizer.tokens.rsa()
    assert_unauthorized(lambda: authorizer.call(token, arn))


@pytest.mark.parametrize("arn", json.loads((EVENTS / "method_arns_valid.json").read_text()))
def test_valid_method_arns_are_accepted(authorizer: AuthorizerHarness, arn: str) -> None:
    from authorizer_iam import evaluate

    response = authorizer.call(authorizer.tokens.rsa(), arn)
    assert effect_of(response) == {"Allow"}
    assert evaluate(response, arn) is True


@pytest.mark.parametrize(
    "event",
    [
        None,
        [],
        "Bearer x",
        {},
        {"type": "TOKEN"},
        {"type": "TOKEN", "methodArn": method_arn()},
        {"type": "TOKEN", "methodArn": method_arn(), "authorizationToken": None},
        {"type": "TOKEN", "methodArn": method_arn(), "authorizationToken": 12},
        {"type": "TOKEN", "methodArn": None, "authorizationToken": "Bearer a.b.c"},
        {"type": "TOKEN", "methodArn": ["x"], "authorizationToken": "Bearer a.b.c"},
    ],
)
def test_malformed_events_are_401(authorizer: AuthorizerHarness, event: Any) -> None:
    assert_unauthorized(lambda: authorizer.raw(event))


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        ({}, "not_a_token_event"),
        ({"methodArn": method_arn(), "authorizationToken": "Bearer a.b.c"}, "not_a_token_event"),
        ({"type": "TOKEN", "authorizationToken": "Bearer a.b.c"}, "bad_method_arn"),
        ({"type": "TOKEN", "methodArn": "arn:aws:execute-api", "authorizationToken": "x"},
         "bad_method_arn"),
        ({"type": "TOKEN", "methodArn": method_arn()}, "missing_token"),
    ],
)  # fmt: skip
def test_a_missing_event_field_is_refused_for_its_own_reason(
    authorizer: AuthorizerHarness, event: dict[str, Any], reason: str
) -> None:
    """Powertools' event properties raise KeyError for a missing field: a 401, not a bug's."""
    decision = authorizer.module.AUTHORIZER.decide(event)
    assert (decision.outcome, decision.reason) == ("unauthorized", reason)


def test_a_path_holding_colons_keeps_them(authorizer: AuthorizerHarness) -> None:
    """Powertools' parse_api_gateway_arn would cut the path at its first ':'."""
    from authorizer_iam import evaluate

    arn = method_arn("GET", "items/urn:isbn:0451450523")
    parsed = sys.modules["token_authorizer.arn"].parse_method_arn(arn)

    assert parsed.path == "items/urn:isbn:0451450523"
    assert parsed.arn == arn  # Powertools' APIGatewayRouteArn, rebuilt from the parts
    assert (parsed.api_id, parsed.stage, parsed.http_method) == (API_ID, STAGE, "GET")
    response = authorizer.call(authorizer.tokens.rsa(), arn)
    assert evaluate(response, arn) is True


def test_request_type_event_is_answered_like_a_token_event(
    authorizer: AuthorizerHarness,
) -> None:
    token = authorizer.tokens.rsa()
    event = load_event("request_event.json")
    event["headers"]["Authorization"] = f"Bearer {token}"
    assert authorizer.raw(event) == authorizer.call(token)  # test_authorizer_request_events.py


def test_valid_token_with_wrong_event_type_is_401(authorizer: AuthorizerHarness) -> None:
    event = load_event("token_event.json")
    event["authorizationToken"] = f"Bearer {authorizer.tokens.rsa()}"
    event["type"] = "REQUEST"
    assert_unauthorized(lambda: authorizer.raw(event))


def test_context_argument_may_be_anything(authorizer: AuthorizerHarness) -> None:
    event = load_event("token_event.json")
    event["authorizationToken"] = f"Bearer {authorizer.tokens.rsa()}"
    for context in (None, {}, object(), "ctx"):
        assert effect_of(authorizer.module.handler(event, context)) == {"Allow"}


def test_internal_error_becomes_401_counted_as_an_internal_error(
    capsys: pytest.CaptureFixture[str], authorizer: AuthorizerHarness, monkeypatch: Any
) -> None:
    def explode(event: Any) -> Any:
        raise RuntimeError("bug")

    monkeypatch.setattr(authorizer.module.AUTHORIZER, "decide", explode)
    assert_unauthorized(lambda: authorizer.call(authorizer.tokens.rsa()))
    # Lambda counts the raised 401 as an error; the platform's failures alarm subtracts the
    # Unauthorized metric (bad tokens) from it, so a bug must not be counted as one.
    (blob,) = [
        json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line
    ]
    assert blob["InternalError"] == [1.0]
    assert "Unauthorized" not in blob


def test_telemetry_failure_does_not_change_the_answer(
    authorizer: AuthorizerHarness, monkeypatch: Any
) -> None:
    def explode(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("metrics backend down")

    monkeypatch.setattr(authorizer.module.metrics, "add_metric", explode)
    assert effect_of(authorizer.call(authorizer.tokens.rsa())) == {"Allow"}
    assert_unauthorized(lambda: authorizer.call("garbage"))


# ------------------------------------------------------------------ logs and metrics
def logged_harness(make: Any, api_keys: Any, **env: str) -> AuthorizerHarness:
    """A harness whose Powertools logger is new, so it writes to the current (captured) stdout."""
    api_keys.create("client-a", value="value-of-client-a-key-0001")
    return make(POWERTOOLS_SERVICE_NAME=f"authorizer-log-test-{uuid.uuid4().hex[:8]}", **env)


def test_refusals_are_logged_and_allows_only_at_debug(
    capsys: pytest.CaptureFixture[str], make: Any, api_keys: Any
) -> None:
    harness = logged_harness(make, api_keys)
    harness.call(harness.tokens.rsa())
    assert_unauthorized(lambda: harness.call("x.y.z"))
    harness.call(harness.tokens.rsa(default_claims(client_id="nobody")))
    output = capsys.readouterr().out
    decisions = [json.loads(line) for line in output.splitlines() if '"decision"' in line]
    assert [(d["decision"], d["reason"]) for d in decisions] == [
        ("unauthorized", "malformed_token"),
        ("deny", "no_api_key"),
    ]
    assert decisions[1]["clientId"] == "nobody"


def test_logs_hold_the_decision_but_never_the_token_or_key(
    capsys: pytest.CaptureFixture[str], make: Any, api_keys: Any
) -> None:
    harness = logged_harness(make, api_keys, POWERTOOLS_LOG_LEVEL="DEBUG")
    token = harness.tokens.rsa()
    harness.call(token)
    bad = token[:-4] + "AAAA"
    assert_unauthorized(lambda: harness.call(bad))
    output = capsys.readouterr()
    text = output.out + output.err
    signature = token.rsplit(".", 1)[1]
    assert signature not in text
    assert token.split(".")[1] not in text
    assert "value-of-client-a-key-0001" not in text
    decisions = [json.loads(line) for line in output.out.splitlines() if '"decision"' in line]
    assert [d["decision"] for d in decisions] == ["allow", "unauthorized"]
    assert decisions[0]["clientId"] == "client-a"
    assert decisions[0]["reason"] == "ok"
    assert decisions[1]["reason"] == "bad_signature"
    assert all("durationMs" in d for d in decisions)


def test_metrics_are_emitted(
    capsys: pytest.CaptureFixture[str], authorizer: AuthorizerHarness
) -> None:
    authorizer.call(authorizer.tokens.rsa())
    assert_unauthorized(lambda: authorizer.call("x.y.z"))
    authorizer.call(authorizer.tokens.rsa(default_claims(client_id="nobody")))
    blobs = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    assert len(blobs) == 3
    assert blobs[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "GatewayStack/AuthorizerTests"
    assert blobs[0]["ColdStart"] == [1.0]
    assert blobs[0]["JwksFetch"] == [1.0]
    assert blobs[0]["Allowed"] == [1.0]
    assert blobs[1]["Unauthorized"] == [1.0]
    assert "ColdStart" not in blobs[1]
    assert blobs[2]["Denied"] == [1.0]


def metric_blobs(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """The EMF records printed since the last read, one per invocation."""
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]


def test_an_allow_that_does_not_cover_the_request_counts_as_denied(
    capsys: pytest.CaptureFixture[str], make: Any, api_keys: Any, permission_maps: Any
) -> None:
    api_keys.create("client-a")
    permission_maps.publish(
        [
            {"method": "GET", "path": "/items/{id}", "scopes": ["items:read"]},
            {"method": "POST", "path": "/orders", "scopes": ["orders:write"]},
        ]
    )
    harness = make(PERMISSIONS_PARAMETER_PREFIX=PERMISSIONS_PREFIX)
    token = harness.tokens.rsa(default_claims(scope="items:read"))
    capsys.readouterr()

    response = harness.call(token, method_arn("POST", "orders"))

    assert effect_of(response) == {"Allow"}  # the token's other routes, for API Gateway's cache
    (blob,) = metric_blobs(capsys)
    assert blob["Denied"] == [1.0]
    assert "Allowed" not in blob
    assert "ImprecisePolicy" not in blob
    event = {
        "type": "TOKEN",
        "authorizationToken": f"Bearer {token}",
        "methodArn": method_arn("POST", "orders"),
    }
    assert harness.module.AUTHORIZER.decide(event).reason == "route_not_permitted"
    harness.call(token, method_arn("GET", "items/1"))
    (blob,) = metric_blobs(capsys)
    assert blob["Allowed"] == [1.0]
    assert "Denied" not in blob


def test_an_imprecise_policy_is_counted(
    capsys: pytest.CaptureFixture[str], make: Any, api_keys: Any, permission_maps: Any
) -> None:
    api_keys.create("client-a")
    permission_maps.publish(
        [
            {"method": "GET", "path": "/files/{proxy+}", "scopes": ["files"]},
            {"method": "GET", "path": "/files/{id}/meta", "scopes": ["admin"]},
        ]
    )
    harness = make(PERMISSIONS_PARAMETER_PREFIX=PERMISSIONS_PREFIX)
    token = harness.tokens.rsa(default_claims(scope="files"))
    capsys.readouterr()

    for _ in range(2):  # every answer built from the imprecise policy, not only the first
        assert effect_of(harness.call(token, method_arn("GET", "files/a"))) == {"Allow", "Deny"}

    blobs = metric_blobs(capsys)
    assert [b["ImprecisePolicy"] for b in blobs] == [[1.0], [1.0]]
    assert [b["Allowed"] for b in blobs] == [[1.0], [1.0]]


def test_a_failed_jwks_fetch_is_counted(
    capsys: pytest.CaptureFixture[str], make: Any, api_keys: Any, jwks_server: Any
) -> None:
    api_keys.create("client-a")
    harness = make()
    jwks_server.set_mode("error")
    capsys.readouterr()

    assert_unauthorized(lambda: harness.call(harness.tokens.rsa()))

    (blob,) = metric_blobs(capsys)
    assert blob["JwksFetchFailed"] == [1.0]
    assert "JwksFetch" not in blob
    assert blob["Unauthorized"] == [1.0]


# ------------------------------------------------------------------ tracing
def test_the_tracer_is_built_on_the_first_call(authorizer: AuthorizerHarness) -> None:
    """The X-Ray SDK's import (botocore with it) stays out of the cold import."""
    lazy = authorizer.module.tracer
    assert type(lazy).__name__ == "LazyTracer"
    assert lazy._tracer is None
    authorizer.call(authorizer.tokens.rsa())
    assert type(lazy._tracer).__name__ == "Tracer"


def test_the_traced_handler_never_records_its_answer(authorizer: AuthorizerHarness) -> None:
    """The answer holds the client's API key: the handler is traced with capture_response=False."""
    recorded: list[dict[str, Any]] = []

    class RecordingTracer:
        disabled = True

        def capture_lambda_handler(self, handler: Any, **options: Any) -> Any:
            recorded.append(options)
            return handler

    authorizer.module.tracer._tracer = RecordingTracer()  # what the first call would build
    assert effect_of(authorizer.call(authorizer.tokens.rsa())) == {"Allow"}
    assert recorded == [{"capture_response": False}]


def test_runs_without_the_xray_sdk(make: Any, api_keys: Any, monkeypatch: Any) -> None:
    """Where aws-xray-sdk is missing, tracing falls back to a no-op tracer."""
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "aws_xray_sdk" else real_find_spec(name, *a),
    )
    api_keys.create("client-a")
    harness = make(POWERTOOLS_TRACE_DISABLED=None, LAMBDA_TASK_ROOT="/var/task")
    assert effect_of(harness.call(harness.tokens.rsa())) == {"Allow"}
    assert type(harness.module.tracer.tracer).__name__ == "NoopTracer"


def test_a_tracer_that_cannot_start_is_replaced(
    authorizer: AuthorizerHarness, monkeypatch: Any
) -> None:

    import aws_lambda_powertools

    telemetry = sys.modules["token_authorizer.telemetry"]

    def broken_tracer(**_: Any) -> Any:
        raise RuntimeError("the X-Ray SDK could not start")

    monkeypatch.setattr(aws_lambda_powertools, "Tracer", broken_tracer)
    monkeypatch.delenv("POWERTOOLS_TRACE_DISABLED")
    warnings: list[str] = []

    class Recorder:
        def debug(self, message: str) -> None:
            return None

        def warning(self, message: str) -> None:
            warnings.append(message)

    tracer = telemetry.make_tracer("svc", Recorder())
    assert type(tracer).__name__ == "NoopTracer"
    assert warnings
