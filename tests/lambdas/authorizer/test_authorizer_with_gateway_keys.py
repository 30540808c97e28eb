"""The authorizer against API keys as the platform stack creates them, and operator onboarding.

The key names come from the synthesized platform template of the example gateway (built in
memory), so a change of naming on either side fails here.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.lambdas.authorizer.authorizer_support import (
    AuthorizerHarness,
    default_claims,
    effect_of,
    shared_client,
)

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def platform_keys() -> dict[str, Any]:
    """The example's key names (from the template), its key-name prefix and the client ids."""
    import aws_cdk as cdk
    from aws_cdk.assertions import Template

    from gateway_stack.gateway.app import build_gateway_from
    from gateway_stack.gateway.config import parse_gateway

    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    app = cdk.App(context={**context, "aws:cdk:bundling-stacks": []})
    data = yaml.safe_load((ROOT / "config" / "example.yaml").read_text())
    gateway = parse_gateway(data)
    stacks = build_gateway_from(app, gateway, documents=ROOT / "config", nag=False)
    keys = Template.from_stack(stacks.platform).find_resources("AWS::ApiGateway::ApiKey")
    return {
        "names": sorted(k["Properties"]["Name"] for k in keys.values()),
        "prefix": gateway.api_key_name_prefix,
        "clients": [c.id for c in gateway.clients],
    }


def operator_creates_key(name: str, plan: str = "acme-dev-gold") -> str:
    """What an operator does to onboard a client: a key with the prefix, added to a plan."""
    apigateway = shared_client("apigateway")
    key = apigateway.create_api_key(name=name, enabled=True)
    plan_id = apigateway.create_usage_plan(name=plan)["id"]
    apigateway.create_usage_plan_key(usagePlanId=plan_id, keyId=key["id"], keyType="API_KEY")
    return key["value"]


def test_the_authorizer_finds_the_keys_the_platform_creates(
    make: Any, platform_keys: dict[str, Any]
) -> None:
    assert platform_keys["names"] == [
        platform_keys["prefix"] + client for client in sorted(platform_keys["clients"])
    ]
    values = {name: operator_creates_key(name) for name in platform_keys["names"]}
    harness: AuthorizerHarness = make(API_KEY_NAME_PREFIX=platform_keys["prefix"])
    for client in platform_keys["clients"]:
        response = harness.call(harness.tokens.rsa(default_claims(client_id=client)))
        assert effect_of(response) == {"Allow"}
        assert response["usageIdentifierKey"] == values[platform_keys["prefix"] + client]
        assert response["context"]["clientId"] == client


def test_an_operator_onboards_a_client_without_a_redeploy(
    make: Any, platform_keys: dict[str, Any]
) -> None:
    harness: AuthorizerHarness = make(
        API_KEY_NAME_PREFIX=platform_keys["prefix"], API_KEY_NEGATIVE_CACHE_SECONDS="0.5"
    )
    token = harness.tokens.rsa(default_claims(client_id="new-partner"))
    assert effect_of(harness.call(token)) == {"Deny"}  # no key yet
    value = operator_creates_key(platform_keys["prefix"] + "new-partner", plan="acme-dev-bronze")
    time.sleep(0.6)  # the "no key" answer is cached briefly (API_KEY_NEGATIVE_CACHE_SECONDS)
    response = harness.call(token)
    assert effect_of(response) == {"Allow"}
    assert response["usageIdentifierKey"] == value
