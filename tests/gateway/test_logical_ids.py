"""Stable identity: the logical ids of resources whose loss hurts never move by accident.

CloudFormation treats a new logical id as a new resource: it creates one and deletes (or, when
retained, orphans) the old. For an API key that is a new key value; for a domain name, a new
endpoint. These tests synthesize the example before and after the changes gateway files see
every day, and compare every protected resource (see ``gateway_stack.tools.review.protected``).
Deployments are not protected: their logical id carries the body's hash on purpose.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from gateway_stack.tools.review.protected import NAME_PROPERTIES, PROTECTED
from tests import variants
from tests.gateway.stacks import build, templates

Identity = dict[tuple[str, str], tuple[str, str]]


def protected_resources(data: dict[str, Any], context: dict[str, Any]) -> Identity:
    """``(stack, logical id) -> (type, name)`` of every protected resource; the name is the
    resource's naming properties (``Name``, ``DomainName``, ...), so ids that swap places
    between two resources do not compare equal."""
    found = {}
    for stack, template in templates(build(data, context)).items():
        for logical_id, resource in template.to_json()["Resources"].items():
            if resource["Type"] in PROTECTED:
                properties = resource.get("Properties", {})
                name = {k: properties[k] for k in NAME_PROPERTIES if k in properties}
                found[(stack, logical_id)] = (resource["Type"], json.dumps(name, sort_keys=True))
    return found


@pytest.fixture(scope="module")
def example(example_data: dict[str, Any], cdk_context: dict[str, Any]) -> Identity:
    return protected_resources(example_data, cdk_context)


def _stack_of(service: str) -> Callable[[tuple[str, str]], bool]:
    return lambda key: key[0] == f"acme-dev-svc-{service}"


#: Change -> which protected resources it may take away (all others must keep their ids).
CHANGES: dict[str, tuple[Callable[[dict[str, Any]], None], Callable[[tuple[str, str]], bool]]] = {
    "a service added": (variants.add_service, lambda key: False),
    "a service removed": (variants.remove_service, _stack_of("billing")),
    "the services reordered": (variants.reorder_services, lambda key: False),
    "a client added first": (variants.add_client, lambda key: False),
    "a client removed": (
        variants.remove_client,
        lambda key: key[1].startswith("UsagePlansClientsmobileapp"),
    ),
    "the clients reordered": (variants.reorder_clients, lambda key: False),
    "a route added to a service": (variants.add_route, lambda key: False),
    "a domain alias removed": (
        variants.remove_alias,
        lambda key: key[1].startswith(("Domainapiexamplenet", "ServiceMappingapiexamplenet")),
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_protected_logical_ids_survive(
    change: str,
    example: Identity,
    gateway_data: dict[str, Any],
    cdk_context: dict[str, Any],
) -> None:
    edit, may_go = CHANGES[change]
    edit(gateway_data)
    after = protected_resources(gateway_data, cdk_context)
    gone = {key for key in example if key not in after}
    assert gone == {key for key in example if may_go(key)}, f"{change}: ids moved: {gone}"
    for key in example.keys() & after.keys():
        assert after[key] == example[key], f"{change}: {key} is now another resource"
    if change in ("a service removed", "a domain alias removed"):
        assert gone, "the test must remove something protected"


def test_adding_a_route_changes_the_api_in_place(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    """The API, stage and mappings stay; only the body and the deployment change."""

    def inventory(data: dict[str, Any]) -> dict[str, Any]:
        stack = templates(build(data, cdk_context))["acme-dev-svc-inventory"]
        resources: dict[str, Any] = stack.to_json()["Resources"]
        return resources

    before = inventory(gateway_data)
    variants.add_route(gateway_data)
    after = inventory(gateway_data)
    api = next(k for k, r in before.items() if r["Type"] == "AWS::ApiGateway::RestApi")
    assert after[api]["Properties"]["Body"] != before[api]["Properties"]["Body"]
    deployments = {
        k for k, r in {**before, **after}.items() if r["Type"] == "AWS::ApiGateway::Deployment"
    }
    assert len(deployments) == 2  # a new deployment id: the stage is redeployed
    assert set(before) - deployments == set(after) - deployments


#: The example's protected resources and their logical ids, as deployed today. A refactor of
#: the package's internals (construct ids, scopes, nesting) must not change one of them; a new
#: protected resource is fine (the snapshots show it).
PINNED: dict[str, dict[str, str]] = {
    "acme-dev-platform": {
        "DomainapiexamplecomCertificate3AEAC0B5": "AWS::CertificateManager::Certificate",
        "DomainapiexamplecomDomainName538B8F6D": "AWS::ApiGateway::DomainName",
        "DomainapiexamplecomA82E283A3": "AWS::Route53::RecordSet",
        "DomainapiexamplecomAAAAB7FA3814": "AWS::Route53::RecordSet",
        "DomainapiexamplenetCertificate2919379A": "AWS::CertificateManager::Certificate",
        "DomainapiexamplenetDomainNameD07EC0A3": "AWS::ApiGateway::DomainName",
        "DomainapiexamplenetA61D9E147": "AWS::Route53::RecordSet",
        "DomainapiexamplenetAAAA642D3AF2": "AWS::Route53::RecordSet",
        "NetworkFlowLogGroup4F8CEEEF": "AWS::Logs::LogGroup",
        "AuthorizerLogsF64AA3CA": "AWS::Logs::LogGroup",
        "UsagePlansTiersbronze8909810C": "AWS::ApiGateway::UsagePlan",
        "UsagePlansTiersgold08C51FEB": "AWS::ApiGateway::UsagePlan",
        "UsagePlansClientsmobileappKeyEE1FE2CD": "AWS::ApiGateway::ApiKey",
        "UsagePlansClientspartnerglobexKey02B97B7F": "AWS::ApiGateway::ApiKey",
        "UsagePlansMembershipLogsA60A279E": "AWS::Logs::LogGroup",
        "BackendscommerceLoadBalancer9878251E": "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "BackendscommerceVpcLinkC841BB5F": "AWS::ApiGateway::VpcLink",
        "BackendsbillingLoadBalancerEB97D3F5": "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "BackendsbillingVpcLink48DB7AB0": "AWS::ApiGateway::VpcLink",
        # Named resources: a new logical id would create a second one under the same name.
        "WebAcl9BD21CA7": "AWS::WAFv2::WebACL",
        "MonitoringAlarmTopic40534090": "AWS::SNS::Topic",
        # Keys: a new logical id would schedule the old key's deletion.
        "LogKey15608DC4": "AWS::KMS::Key",
        "MonitoringAlarmTopicKey22E4A359": "AWS::KMS::Key",
    },
    **{
        f"acme-dev-svc-{service}": {
            "ServiceAccessLogsC4D1116F": "AWS::Logs::LogGroup",
            "ServiceApiC8B597B2": "AWS::ApiGateway::RestApi",
            "ServiceApiDeploymentStagedev8A4F891C": "AWS::ApiGateway::Stage",
            "ServiceMappingapiexamplecom657A8AD5": "AWS::ApiGatewayV2::ApiMapping",
            "ServiceMappingapiexamplenet3723773E": "AWS::ApiGatewayV2::ApiMapping",
        }
        for service in ("orders", "inventory", "billing")
    },
}


def test_the_examples_protected_logical_ids_are_pinned(example: Identity) -> None:
    found = {key: kind for key, (kind, _) in example.items()}
    missing = {
        (stack, logical_id): kind
        for stack, ids in PINNED.items()
        for logical_id, kind in ids.items()
        if found.get((stack, logical_id)) != kind
    }
    assert missing == {}, "these protected resources changed logical id (or type)"


#: Protected types whose loss on removal cannot be undone: they must outlive their stack. Logs
#: and keys hold what cannot be recreated (a key's value, a KMS key's ciphertexts); a created
#: hosted zone is what the parent zone delegates to.
RETAINED = {
    "AWS::Logs::LogGroup",
    "AWS::ApiGateway::ApiKey",
    "AWS::KMS::Key",
    "AWS::Route53::HostedZone",
}


def test_resources_whose_loss_hurts_carry_the_right_removal_policy(
    example_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    """Logs and keys outlive their stack (a deleted key's value is gone for good); the rest is
    deleted with its stack on purpose (a removed service takes its API along)."""
    for stack, template in templates(build(example_data, cdk_context)).items():
        for logical_id, resource in template.to_json()["Resources"].items():
            if resource["Type"] not in PROTECTED:
                continue
            expected = "Retain" if resource["Type"] in RETAINED else None
            assert resource.get("DeletionPolicy") == expected, (stack, logical_id)
            assert resource.get("UpdateReplacePolicy") == expected, (stack, logical_id)
