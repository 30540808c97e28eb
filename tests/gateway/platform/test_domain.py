"""The custom domain, its certificates and records, and the API mappings of service stacks."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Match, Template

from gateway_stack.base_paths import find_shadowed_routes
from gateway_stack.constructs.guards import assembly_problems
from gateway_stack.errors import GatewayStackError
from gateway_stack.openapi import parse_route
from tests.gateway.stacks import build, templates

CERTIFICATE = "arn:aws:acm:eu-west-1:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100"


@pytest.fixture(scope="module")
def example(example_data: dict[str, Any], cdk_context: dict[str, Any]) -> dict[str, Template]:
    return templates(build(example_data, cdk_context))


def test_regional_domain_names_with_tls_policy_and_dual_stack(
    example: dict[str, Template],
) -> None:
    platform = example["acme-dev-platform"]
    platform.resource_count_is("AWS::ApiGateway::DomainName", 2)
    for name in ("api.example.com", "api.example.net"):
        platform.has_resource_properties(
            "AWS::ApiGateway::DomainName",
            {
                "DomainName": name,
                "EndpointConfiguration": {"Types": ["REGIONAL"], "IpAddressType": "dualstack"},
                "SecurityPolicy": "TLS_1_2",
                "RegionalCertificateArn": {"Ref": Match.string_like_regexp("Certificate")},
            },
        )


def test_certificates_are_validated_by_dns_in_their_own_zones(
    example: dict[str, Template],
) -> None:
    platform = example["acme-dev-platform"]
    platform.resource_count_is("AWS::CertificateManager::Certificate", 2)
    for name, zone in (
        ("api.example.com", "Z0123456789ABCDEFGHIJ"),
        ("api.example.net", "Z0987654321ABCDEFGHIJ"),
    ):
        platform.has_resource_properties(
            "AWS::CertificateManager::Certificate",
            {
                "DomainName": name,
                "ValidationMethod": "DNS",
                "DomainValidationOptions": [{"DomainName": name, "HostedZoneId": zone}],
            },
        )


def test_a_and_aaaa_alias_records_for_every_name(example: dict[str, Template]) -> None:
    platform = example["acme-dev-platform"]
    records = platform.find_resources("AWS::Route53::RecordSet")
    found = {(r["Properties"]["Name"], r["Properties"]["Type"]) for r in records.values()}
    assert found == {
        ("api.example.com.", "A"),
        ("api.example.com.", "AAAA"),
        ("api.example.net.", "A"),
        ("api.example.net.", "AAAA"),
    }
    for record in records.values():
        target = record["Properties"]["AliasTarget"]["DNSName"]
        assert (
            target == {"Fn::GetAtt": [Match.string_like_regexp("DomainName"), "RegionalDomainName"]}
            or "Fn::GetAtt" in target
        )


def test_services_are_mapped_on_every_name_single_and_multi_level(
    example: dict[str, Template],
) -> None:
    for service, base_path in (("orders", "orders"), ("billing", "billing/v2")):
        template = example[f"acme-dev-svc-{service}"]
        template.resource_count_is("AWS::ApiGatewayV2::ApiMapping", 2)
        for name in ("api.example.com", "api.example.net"):
            template.has_resource(
                "AWS::ApiGatewayV2::ApiMapping",
                {
                    "Properties": {
                        "DomainName": name,
                        "ApiMappingKey": base_path,
                        "ApiId": {"Ref": Match.string_like_regexp("^ServiceApi")},
                        "Stage": {"Ref": Match.string_like_regexp("^ServiceApiDeploymentStage")},
                    },
                    "DependsOn": [Match.string_like_regexp("^ServiceApiDeploymentStage")],
                },
            )
        template.has_resource_properties(
            "AWS::ApiGateway::RestApi", {"DisableExecuteApiEndpoint": True}
        )


def test_platform_publishes_domain_names_and_allowlist(example: dict[str, Template]) -> None:
    platform = example["acme-dev-platform"]
    platform.has_resource_properties(
        "AWS::SSM::Parameter",
        {"Name": "/gateway-stack/acme/dev/domain/name", "Value": "api.example.com"},
    )
    platform.has_resource_properties(
        "AWS::SSM::Parameter",
        {
            "Name": "/gateway-stack/acme/dev/domain/names",
            "Type": "StringList",
            "Value": "api.example.com,api.example.net",
        },
    )
    platform.has_resource_properties(
        "AWS::SSM::Parameter",
        {
            "Name": "/gateway-stack/acme/dev/allowlist",
            "Value": '{"base_paths":["orders","inventory","billing/v*"],"backends":{"arns":[],'
            '"dns_names":["*.elb.eu-west-1.amazonaws.com"],"vpc_ids":[]}}',
        },
    )


def test_imported_certificate_created_zone_and_mtls(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    gateway_data["domain"] = {
        "name": "api.example.com",
        "hosted_zone_name": "example.com",
        "certificate_arn": CERTIFICATE,
        "mtls": {"truststore_uri": "s3://acme-truststore/api.pem", "truststore_version": "v7"},
    }
    platform = templates(build(gateway_data, cdk_context))["acme-dev-platform"]
    platform.resource_count_is("AWS::CertificateManager::Certificate", 0)
    platform.resource_count_is("AWS::Route53::HostedZone", 1)
    # The parent zone delegates to the created zone's name servers: it outlives the stack.
    platform.has_resource(
        "AWS::Route53::HostedZone",
        {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"},
    )
    platform.has_resource_properties(
        "AWS::ApiGateway::DomainName",
        {
            "RegionalCertificateArn": CERTIFICATE,
            "SecurityPolicy": "TLS_1_2",
            "MutualTlsAuthentication": {
                "TruststoreUri": "s3://acme-truststore/api.pem",
                "TruststoreVersion": "v7",
            },
        },
    )


def test_tls13_policy_is_selectable(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    gateway_data["domain"]["security_policy"] = "TLS13_1_3_2025_09"
    platform = templates(build(gateway_data, cdk_context))["acme-dev-platform"]
    platform.has_resource_properties(
        "AWS::ApiGateway::DomainName",
        {
            "DomainName": "api.example.com",
            "SecurityPolicy": "SecurityPolicy_TLS13_1_3_2025_09",
            "EndpointAccessMode": "STRICT",
        },
    )


def test_a_route_shadowed_by_a_longer_base_path_is_an_error() -> None:
    services = {
        "billing": ("billing", [parse_route("GET /v2/invoices"), parse_route("GET /v1/x")]),
        "billing-v2": ("billing/v2", [parse_route("GET /invoices")]),
    }
    (problem,) = [shadowed.message for shadowed in find_shadowed_routes(services)]
    assert problem.startswith(
        "service 'billing' (base path 'billing'): route GET /v2/invoices can never be called: "
        "API Gateway sends /billing/v2/... to service 'billing-v2'"
    )


def test_a_prefix_level_base_path_is_allowed_when_nothing_is_shadowed() -> None:
    services = {
        "orders": ("orders", [parse_route("GET /{id}"), parse_route("ANY /{proxy+}")]),
        "orders-v2": ("orders/v2/items", [parse_route("GET /")]),
    }
    assert list(find_shadowed_routes(services)) == []


def test_the_gateway_refuses_shadowed_routes_at_synth(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    gateway_data["allowlist"]["base_paths"].append("billing")
    gateway_data["services"].append(
        {
            "name": "legacy-billing",
            "base_path": "billing",
            "backend": {"load_balancer": "billing", "port": 8443},
            "routes": ["GET /v2/summary"],
        }
    )
    with pytest.raises(GatewayStackError, match="route GET /v2/summary can never be called"):
        build(gateway_data, cdk_context)


def test_guard_more_than_200_mappings_on_one_domain(
    cdk_context: dict[str, Any], tmp_path: Any
) -> None:
    from aws_cdk import aws_apigatewayv2 as apigwv2

    app = cdk.App(context=cdk_context, outdir=str(tmp_path))
    stack = cdk.Stack(app, "Maps")
    for i in range(201):
        apigwv2.CfnApiMapping(
            stack,
            f"M{i}",
            api_id="a",
            domain_name="api.example.com",
            stage="s",
            api_mapping_key=f"p{i}",
        )
    problems = assembly_problems(app.synth())
    assert problems == [
        "201 API mappings on api.example.com: API Gateway allows 200 per custom domain name, "
        "and the quota cannot be raised. Serve further services under another domain name "
        "(another gateway)."
    ]
