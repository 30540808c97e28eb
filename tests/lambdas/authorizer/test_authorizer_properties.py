"""Property tests: whatever the input, only a well-formed answer or Exception("Unauthorized").

The handler never returns Allow for a token that breaks a rule, and never raises anything else.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

from authorizer_iam import evaluate
from authorizer_support import (
    ACCOUNT,
    API_ID,
    AUDIENCE,
    ISSUER,
    OTHER_AUDIENCE,
    REGION,
    STAGE,
    AuthorizerHarness,
    assert_response_shape,
    default_claims,
    load_event,
    method_arn,
)
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
LEEWAY = 30
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


def outcome(harness: AuthorizerHarness, event: Any) -> dict[str, Any] | None:
    """The response, or None for exactly Exception("Unauthorized"); anything else fails."""
    failure: BaseException | None = None
    try:
        response = harness.raw(event)
    except Exception as error:
        failure = error
    if failure is not None:
        assert type(failure) is Exception, repr(failure)
        assert failure.args == ("Unauthorized",), repr(failure)
        return None
    assert_response_shape(response)
    json.dumps(response)  # serialisable as API Gateway needs it
    return response


def is_allow(response: dict[str, Any] | None) -> bool:
    return response is not None and any(
        s["Effect"] == "Allow" for s in response["policyDocument"]["Statement"]
    )


_KEEP: Any = object()


def event_with(authorization: Any, arn: Any = _KEEP) -> dict[str, Any]:
    event = load_event("token_event.json")
    event["authorizationToken"] = authorization
    if arn is not _KEEP:
        event["methodArn"] = arn
    return event


# ------------------------------------------------------------------ arbitrary header values
TOKENISH = st.lists(
    st.text(
        alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=.", max_size=40
    ),
    min_size=1,
    max_size=6,
).map(".".join)


@SETTINGS
@given(
    value=st.one_of(
        st.text(max_size=200),
        st.text(max_size=200).map(lambda t: "Bearer " + t),
        TOKENISH.map(lambda t: "Bearer " + t),
        st.binary(max_size=100),
        JSON,
    )
)
def test_arbitrary_authorization_values_never_allow(
    authorizer: AuthorizerHarness, value: Any
) -> None:
    assert outcome(authorizer, event_with(value)) is None


# ------------------------------------------------------------------ arbitrary claims, right key
NOW = int(time.time())
TIMES = st.one_of(
    st.integers(NOW - 10_000, NOW + 10_000),
    st.floats(NOW - 1000, NOW + 1000, allow_nan=False),
    st.sampled_from([None, True, "9999999999", [NOW + 600], 0, -1, 2**63, 1e300]),
)
CLAIM_VALUES: dict[str, Any] = {
    "iss": st.sampled_from([ISSUER, ISSUER + "x", ISSUER[:-1], "", None, 1, [ISSUER]]),
    "aud": st.sampled_from(
        [AUDIENCE, OTHER_AUDIENCE, [AUDIENCE], ["x", OTHER_AUDIENCE], "x", [], None, [AUDIENCE, 5]]
    ),
    "exp": TIMES,
    "nbf": TIMES,
    "iat": TIMES,
    "sub": st.one_of(st.text(max_size=30), st.sampled_from([None, 1, ["u"], "user-1"])),
    "client_id": st.one_of(
        st.sampled_from(["client-a", "client-b", "", None, 7]), st.text(max_size=10)
    ),
    "scope": st.one_of(st.text(max_size=30), st.lists(st.text(max_size=8), max_size=4), JSON),
}


def valid(claims: dict[str, Any]) -> bool:
    """An independent statement of what an Allow requires of the claims."""

    def number(name: str) -> bool:
        return type(claims.get(name)) in (int, float)

    aud = claims.get("aud")
    audiences = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    now = time.time()
    sub = claims.get("sub")
    return (
        claims.get("iss") == ISSUER
        and any(a in (AUDIENCE, OTHER_AUDIENCE) for a in audiences if isinstance(a, str))
        and number("exp")
        and claims["exp"] > now - LEEWAY - 5
        and (
            "nbf" not in claims
            or claims["nbf"] is None
            or (number("nbf") and claims["nbf"] < now + LEEWAY + 5)
        )
        and (
            "iat" not in claims
            or claims["iat"] is None
            or (number("iat") and claims["iat"] < now + LEEWAY + 5)
        )
        and isinstance(sub, str)
        and 0 < len(sub) <= 512
        and not re.search(r"[\x00-\x1f\x7f]", sub)
        and claims.get("client_id") == "client-a"
    )


@SETTINGS
@given(
    chosen=st.fixed_dictionaries({}, optional=CLAIM_VALUES),
    extra=st.dictionaries(st.text(max_size=8), JSON, max_size=3),
)
def test_arbitrary_claims_signed_with_the_right_key(
    authorizer: AuthorizerHarness, chosen: dict[str, Any], extra: dict[str, Any]
) -> None:
    claims = {**extra, **default_claims(), **chosen}
    header = {"alg": "RS256", "kid": "rsa-1", "typ": "JWT"}
    token = authorizer.tokens.signed_raw(header, claims)
    response = outcome(authorizer, event_with(f"Bearer {token}"))
    event("allow" if is_allow(response) else "401" if response is None else "deny")
    if is_allow(response):
        assert valid(claims), claims
        assert response["principalId"] == claims["sub"]
        assert response["context"]["clientId"] == "client-a"
        assert response["usageIdentifierKey"] == "value-of-client-a-key-0001"


@SETTINGS
@given(
    header=st.dictionaries(
        st.sampled_from(["jku", "x5u", "jwk", "x5c", "crit", "b64", "typ", "cty", "zip", "x"]),
        JSON,
        max_size=3,
    )
)
def test_arbitrary_header_fields_signed_with_the_right_key(
    authorizer: AuthorizerHarness, header: dict[str, Any]
) -> None:
    full = {**header, "alg": "RS256", "kid": "rsa-1"}
    token = authorizer.tokens.signed_raw(full, default_claims())
    response = outcome(authorizer, event_with(f"Bearer {token}"))
    event("allow" if is_allow(response) else "401")
    if is_allow(response):
        assert not {"jku", "x5u", "jwk", "x5c", "crit", "b64"} & set(header)
        assert header.get("typ") in (
            None,
            "JWT",
            "jwt",
            "at+jwt",
            "application/at+jwt",
            "application/jwt",
        ) or (
            isinstance(header.get("typ"), str)
            and header["typ"].lower() in ("jwt", "at+jwt", "application/jwt", "application/at+jwt")
        )


# ------------------------------------------------------------------ arbitrary method ARNs
STRICT_ARN = re.compile(
    r"arn:aws(-[a-z]+)*:execute-api:[a-z]{2}(-[a-z]+)+-\d{1,2}:\d{12}:[a-z0-9]{10}/"
    r"[A-Za-z0-9_-]{1,128}/(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)/[^\x00-\x1f\x7f]*"
)
ARN_PARTS = st.tuples(
    st.sampled_from(["aws", "aws-cn", "aws-us-gov", "azure", ""]),
    st.sampled_from([REGION, "eu-west-2", "us-gov-west-1", "", "us-east"]),
    st.sampled_from([ACCOUNT, "1234", "", "12345678901a"]),
    st.sampled_from([API_ID, "zzzzzzzzzz", "ABCDEFGHIJ", "short", "*"]),
    st.one_of(st.sampled_from([STAGE, "dev", "*", "", "a" * 129]), st.text(max_size=10)),
    st.sampled_from(["GET", "POST", "ANY", "*", "get", ""]),
    st.text(max_size=30),
).map(lambda p: f"arn:{p[0]}:execute-api:{p[1]}:{p[2]}:{p[3]}/{p[4]}/{p[5]}/{p[6]}")


@SETTINGS
@given(arn=st.one_of(ARN_PARTS, st.text(max_size=100), JSON))
def test_arbitrary_method_arns(authorizer: AuthorizerHarness, arn: Any) -> None:
    response = outcome(authorizer, event_with(f"Bearer {authorizer.tokens.rsa()}", arn))
    event("allow" if is_allow(response) else "401")
    if response is None:
        return
    assert isinstance(arn, str)
    assert STRICT_ARN.fullmatch(arn), arn
    assert evaluate(response, arn)
    api_and_stage = arn.split("/", 2)[:2]
    for statement in response["policyDocument"]["Statement"]:
        for resource in statement["Resource"]:
            assert resource.split("/", 2)[:2] == api_and_stage
            assert resource.startswith(arn.split(":execute-api:")[0])


@SETTINGS
@given(path=st.text(max_size=60), verb=st.sampled_from(["GET", "POST", "DELETE"]))
def test_allow_covers_any_path_of_the_api(
    authorizer: AuthorizerHarness, path: str, verb: str
) -> None:
    arn = method_arn(verb, path)
    response = outcome(authorizer, event_with(f"Bearer {authorizer.tokens.rsa()}", arn))
    if response is not None:
        assert evaluate(response, arn)
