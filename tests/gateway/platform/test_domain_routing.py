"""The custom domain of one region of a multi-region gateway: latency or failover records on
the gateway's names, and the region's own name with simple records."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Match, Template

from gateway_stack.constructs.nag import add_aws_solutions_checks
from gateway_stack.constructs.synth_errors import synth_cleanly
from gateway_stack.gateway.config import parse_gateway
from gateway_stack.gateway.platform.domain import ApiDomain
from gateway_stack.gateway.platform_stack import PlatformStack
from tests.gateway.platform.regions import ZONE_ID, routed_platform, template

ROOT = Path(__file__).resolve().parents[3]
US_CERTIFICATE = (
    "arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-0b0a-0908-0706-050403020100"
)
GATEWAY_NAMES = ("api.example.com", "api.example.net")


@pytest.fixture(scope="module")
def latency(example_data: dict[str, Any], cdk_context: dict[str, Any]) -> Template:
    return template(routed_platform(example_data, cdk_context))


@pytest.fixture(scope="module")
def secondary(example_data: dict[str, Any], cdk_context: dict[str, Any]) -> Template:
    """The failover secondary in us-east-1, with a certificate ARN for its regional name."""
    return template(
        routed_platform(
            example_data,
            cdk_context,
            region="us-east-1",
            policy="failover",
            failover="SECONDARY",
            certificate_arn=US_CERTIFICATE,
        )
    )


def _records(platform: Template) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (r["Properties"]["Name"], r["Properties"]["Type"]): r["Properties"]
        for r in platform.find_resources("AWS::Route53::RecordSet").values()
    }


def test_latency_records_on_every_gateway_name(latency: Template) -> None:
    records = _records(latency)
    for name in GATEWAY_NAMES:
        for kind in ("A", "AAAA"):
            record = records[(f"{name}.", kind)]
            assert record["SetIdentifier"] == "eu-west-1"
            assert record["Region"] == "eu-west-1"
            assert "Failover" not in record
            assert "HealthCheckId" in record
            # Also out of DNS when API Gateway itself is unavailable in the region.
            assert record["AliasTarget"]["EvaluateTargetHealth"] is True
            (domain_id, attribute) = record["AliasTarget"]["DNSName"]["Fn::GetAtt"]
            assert attribute == "RegionalDomainName"
            assert domain_id.startswith("Domain" + name.replace(".", ""))


def test_regional_name_has_its_own_domain_certificate_and_simple_records(
    latency: Template,
) -> None:
    records = _records(latency)
    for kind in ("A", "AAAA"):
        record = records[("eu-west-1.api.example.com.", kind)]
        assert record["HostedZoneId"] == ZONE_ID
        for routed in ("SetIdentifier", "Region", "Failover", "HealthCheckId"):
            assert routed not in record
        assert not record["AliasTarget"].get("EvaluateTargetHealth")
        assert record["AliasTarget"]["DNSName"]["Fn::GetAtt"][0].startswith(
            "Domaineuwest1apiexamplecom"
        )
    latency.resource_count_is("AWS::ApiGateway::DomainName", 3)
    latency.has_resource_properties(
        "AWS::ApiGateway::DomainName",
        {
            "DomainName": "eu-west-1.api.example.com",
            "EndpointConfiguration": {"Types": ["REGIONAL"], "IpAddressType": "dualstack"},
            "SecurityPolicy": "TLS_1_2",
        },
    )
    latency.has_resource_properties(
        "AWS::CertificateManager::Certificate",
        {
            "DomainName": "eu-west-1.api.example.com",
            "ValidationMethod": "DNS",
            "DomainValidationOptions": [
                {"DomainName": "eu-west-1.api.example.com", "HostedZoneId": ZONE_ID}
            ],
        },
    )


def test_regional_name_is_published_after_the_others(latency: Template) -> None:
    latency.has_resource_properties(
        "AWS::SSM::Parameter",
        {
            "Name": "/gateway-stack/acme/dev/domain/names",
            "Type": "StringList",
            "Value": "api.example.com,api.example.net,eu-west-1.api.example.com",
        },
    )
    latency.has_resource_properties(
        "AWS::SSM::Parameter",
        {"Name": "/gateway-stack/acme/dev/domain/name", "Value": "api.example.com"},
    )


def test_failover_secondary_records_and_given_certificate(secondary: Template) -> None:
    records = _records(secondary)
    for name in GATEWAY_NAMES:
        for kind in ("A", "AAAA"):
            record = records[(f"{name}.", kind)]
            assert record["SetIdentifier"] == "us-east-1"
            assert record["Failover"] == "SECONDARY"
            assert "Region" not in record
            assert "HealthCheckId" in record
            assert record["AliasTarget"]["EvaluateTargetHealth"] is True
    assert ("us-east-1.api.example.com.", "A") in records
    # The gateway's names get a certificate each; the regional name uses the given one.
    secondary.resource_count_is("AWS::CertificateManager::Certificate", 2)
    secondary.has_resource_properties(
        "AWS::ApiGateway::DomainName",
        {"DomainName": "us-east-1.api.example.com", "RegionalCertificateArn": US_CERTIFICATE},
    )
    secondary.has_resource_properties(
        "AWS::Route53::HealthCheck",
        {
            "HealthCheckConfig": Match.object_like(
                {"Type": "HTTPS", "FullyQualifiedDomainName": "us-east-1.api.example.com"}
            )
        },
    )


def test_failover_primary(example_data: dict[str, Any], cdk_context: dict[str, Any]) -> None:
    primary = template(
        routed_platform(example_data, cdk_context, policy="failover", failover="PRIMARY")
    )
    failovers = {r["Failover"] for r in _records(primary).values() if "SetIdentifier" in r}
    assert failovers == {"PRIMARY"}


def test_mutual_tls_cannot_be_health_checked(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    gateway_data["domain"]["mtls"] = {"truststore_uri": "s3://acme-truststore/api.pem"}
    with pytest.raises(ValueError, match=r"ApiDomain\.routing: mutual TLS"):
        routed_platform(gateway_data, cdk_context, data=gateway_data)


def test_routed_template_passes_cfn_lint_and_cdk_nag(
    example_data: dict[str, Any], cdk_context: dict[str, Any], tmp_path: Path
) -> None:
    """Alias records with latency or failover and a health check are valid CloudFormation, and
    the region's platform stack has no cdk-nag finding left unacknowledged."""
    for name, options in (
        ("latency", {}),
        ("failover", {"region": "us-east-1", "policy": "failover", "failover": "SECONDARY"}),
    ):
        out = tmp_path / name
        stack: PlatformStack = routed_platform(
            example_data, cdk_context, outdir=str(out), **options
        )
        app = stack.node.root
        add_aws_solutions_checks(app)
        synth_cleanly(app)  # raises SynthError on a cdk-nag finding
        result = subprocess.run(
            [
                str(Path(sys.executable).parent / "cfn-lint"),
                "--config-file",
                str(ROOT / ".cfnlintrc.yaml"),
                "--",
                str(out / f"{stack.stack_name}.template.json"),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_routed_domain_needs_the_regions_health_check(
    example_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    routing = routed_platform(example_data, cdk_context).domain.routing
    stack = cdk.Stack(cdk.App(), "S", env=cdk.Environment(region="eu-west-1"))
    with pytest.raises(ValueError, match=r"^ApiDomain\.health_check: routed records need"):
        ApiDomain(stack, "Domain", domain=parse_gateway(example_data).domain, routing=routing)
