"""The platform stack: network, load balancers and their VPC links, published in SSM."""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from aws_cdk.assertions import Match, Template

from gateway_stack.naming import GatewayNames
from tests.gateway.platform.regions import routed_platform, template
from tests.gateway.stacks import CONFIG, build, templates

EXISTING_NLB = {
    "arn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/ledger/"
    "0123456789abcdef",
    "dns_name": "ledger-0123456789abcdef.elb.eu-west-1.amazonaws.com",
}


@pytest.fixture(scope="module")
def platform(example_data: dict[str, Any], cdk_context: dict[str, Any]) -> Template:
    return templates(build(example_data, cdk_context))["acme-dev-platform"]


def test_created_vpc_is_private_only_with_flow_logs(platform: Template) -> None:
    platform.has_resource_properties("AWS::EC2::VPC", {"CidrBlock": "10.40.0.0/16"})
    platform.resource_count_is("AWS::EC2::Subnet", 2)
    platform.has_resource_properties(
        "AWS::EC2::Subnet", {"AvailabilityZone": "eu-west-1a", "MapPublicIpOnLaunch": False}
    )
    platform.has_resource_properties(
        "AWS::EC2::Subnet", {"AvailabilityZone": "eu-west-1b", "MapPublicIpOnLaunch": False}
    )
    for absent in ("AWS::EC2::NatGateway", "AWS::EC2::InternetGateway", "AWS::EC2::EIP"):
        platform.resource_count_is(absent, 0)
    platform.has_resource_properties("AWS::EC2::FlowLog", {"TrafficType": "REJECT"})


def test_one_internal_nlb_and_one_vpc_link_per_load_balancer(platform: Template) -> None:
    platform.resource_count_is("AWS::ElasticLoadBalancingV2::LoadBalancer", 2)
    platform.all_resources_properties(
        "AWS::ElasticLoadBalancingV2::LoadBalancer", {"Scheme": "internal", "Type": "network"}
    )
    platform.resource_count_is("AWS::ApiGateway::VpcLink", 2)
    platform.has_resource_properties("AWS::ApiGateway::VpcLink", {"Name": "acme-dev-commerce"})
    platform.has_resource_properties("AWS::ApiGateway::VpcLink", {"Name": "acme-dev-billing"})


def test_created_nlb_admits_the_vpc_links_private_link_traffic(platform: Template) -> None:
    platform.all_resources_properties(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        {"EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic": "off"},
    )


def test_created_nlb_listens_on_each_port_its_services_use(platform: Template) -> None:
    listeners = platform.find_resources("AWS::ElasticLoadBalancingV2::Listener")
    assert sorted(r["Properties"]["Port"] for r in listeners.values()) == [8080, 8081, 8443]
    platform.all_resources_properties("AWS::ElasticLoadBalancingV2::Listener", {"Protocol": "TCP"})
    platform.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        {
            "SecurityGroupIngress": Match.array_with(
                [Match.object_like({"CidrIp": "10.40.0.0/16", "FromPort": 8443, "ToPort": 8443})]
            )
        },
    )


def test_publishes_vpc_link_and_dns_name_of_every_load_balancer(platform: Template) -> None:
    parameters = platform.find_resources("AWS::SSM::Parameter")
    names = sorted(p["Properties"]["Name"] for p in parameters.values())
    assert names == [
        "/gateway-stack/acme/dev/allowlist",
        "/gateway-stack/acme/dev/authorizer/function-arn",
        "/gateway-stack/acme/dev/domain/name",
        "/gateway-stack/acme/dev/domain/names",
        "/gateway-stack/acme/dev/load-balancers/billing/dns-name",
        "/gateway-stack/acme/dev/load-balancers/billing/vpc-link-id",
        "/gateway-stack/acme/dev/load-balancers/commerce/dns-name",
        "/gateway-stack/acme/dev/load-balancers/commerce/vpc-link-id",
        "/gateway-stack/acme/dev/logs/kms-key-arn",
        "/gateway-stack/acme/dev/plans/bronze/id",
        "/gateway-stack/acme/dev/plans/gold/id",
        "/gateway-stack/acme/dev/waf/web-acl-arn",
    ]
    platform.has_resource_properties(
        "AWS::SSM::Parameter",
        {
            "Name": "/gateway-stack/acme/dev/load-balancers/commerce/vpc-link-id",
            "Value": {"Ref": Match.string_like_regexp("^BackendscommerceVpcLink")},
        },
    )


def test_owns_the_regions_api_gateway_cloudwatch_role(platform: Template) -> None:
    platform.resource_count_is("AWS::ApiGateway::Account", 1)
    platform.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": Match.object_like(
                {
                    "Statement": [
                        Match.object_like({"Principal": {"Service": "apigateway.amazonaws.com"}})
                    ]
                }
            )
        },
    )


def test_exports_nothing(platform: Template) -> None:
    outputs = platform.to_json().get("Outputs", {})
    assert not [name for name, output in outputs.items() if "Export" in output]


def test_cloudwatch_role_can_be_left_to_another_stack(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    gateway_data["cloudwatch_role"] = False
    platform = templates(build(gateway_data, cdk_context))["acme-dev-platform"]
    platform.resource_count_is("AWS::ApiGateway::Account", 0)


def test_existing_nlb_is_referenced_not_created(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    gateway_data.pop("network")
    gateway_data["load_balancers"] = {"ledger": EXISTING_NLB}
    for service in gateway_data["services"]:
        service["backend"]["load_balancer"] = "ledger"
    platform = templates(build(gateway_data, cdk_context))["acme-dev-platform"]
    platform.resource_count_is("AWS::ElasticLoadBalancingV2::LoadBalancer", 0)
    platform.resource_count_is("AWS::EC2::VPC", 0)
    platform.resource_count_is("AWS::ApiGateway::VpcLink", 1)
    platform.has_resource_properties(
        "AWS::ApiGateway::VpcLink", {"TargetArns": [EXISTING_NLB["arn"]]}
    )
    platform.has_resource_properties(
        "AWS::SSM::Parameter",
        {
            "Name": "/gateway-stack/acme/dev/load-balancers/ledger/dns-name",
            "Value": EXISTING_NLB["dns_name"],
        },
    )


def test_created_nlb_in_an_existing_vpc(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    gateway_data["allowlist"]["backends"]["vpc_ids"] = ["vpc-0a1b2c3d4e5f60718"]
    gateway_data["network"] = {
        "vpc_id": "vpc-0a1b2c3d4e5f60718",
        "cidr": "10.8.0.0/16",
        "private_subnet_ids": ["subnet-0a1b2c3d4e5f60718", "subnet-1a1b2c3d4e5f60718"],
    }
    platform = templates(build(gateway_data, cdk_context))["acme-dev-platform"]
    platform.resource_count_is("AWS::EC2::VPC", 0)
    platform.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        {"Subnets": ["subnet-0a1b2c3d4e5f60718", "subnet-1a1b2c3d4e5f60718"]},
    )
    platform.has_resource_properties(
        "AWS::EC2::SecurityGroup",
        {
            "VpcId": "vpc-0a1b2c3d4e5f60718",
            "SecurityGroupIngress": Match.array_with(
                [Match.object_like({"CidrIp": "10.8.0.0/16", "FromPort": 8080})]
            ),
        },
    )


# -- one region of a multi-region gateway (docs/regions-dns.md) -------------------------------


def test_one_region_has_no_health_check_and_simple_records(platform: Template) -> None:
    platform.resource_count_is("AWS::Route53::HealthCheck", 0)
    for record in platform.find_resources("AWS::Route53::RecordSet").values():
        for routed in ("SetIdentifier", "Region", "Failover", "HealthCheckId"):
            assert routed not in record["Properties"]
    assert not platform.find_resources(
        "AWS::CloudWatch::Alarm",
        {"Properties": {"AlarmName": Match.string_like_regexp("region-health")}},
    )


def _dashboard_body(template: Template) -> dict[str, Any]:
    (dashboard,) = template.find_resources("AWS::CloudWatch::Dashboard").values()
    body = dashboard["Properties"]["DashboardBody"]
    # The body is a Fn::Join of literal text and references: keep each reference as a marker.
    parts = body["Fn::Join"][1]
    text = "".join(p if isinstance(p, str) else json.dumps(p).replace('"', "'") for p in parts)
    return json.loads(text)


def test_region_dashboard_shows_the_health_check_from_us_east_1(
    example_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    stack = routed_platform(example_data, cdk_context, region="us-east-1")
    assert stack.stack_name == "acme-dev-us-east-1-platform"
    region = template(stack)
    region.has_resource_properties(
        "AWS::CloudWatch::Dashboard", {"DashboardName": "acme-dev-us-east-1"}
    )
    widgets = _dashboard_body(region)["widgets"]
    (status,) = [
        w for w in widgets if w["properties"].get("title") == "Health check status (1 healthy)"
    ]
    metrics = status["properties"]["metrics"]
    assert len(metrics) == 3
    for metric in metrics:
        assert metric[:3] == ["AWS/Route53", "HealthCheckStatus", "HealthCheckId"]
        assert metric[4]["region"] == "us-east-1"
        assert metric[4]["stat"] == "Minimum"
    assert [m[4]["label"] for m in metrics] == [
        "Region (HTTPS and alarm)",
        "HTTPS",
        "Authorizer alarm",
    ]
    (share,) = [
        w for w in widgets if w["properties"].get("title") == "Checkers reaching the region (%)"
    ]
    assert share["properties"]["metrics"][0][1] == "HealthCheckPercentageHealthy"
    (alarm,) = [
        w for w in widgets if w["properties"].get("title") == "Alarm the health check watches"
    ]
    assert len(alarm["properties"]["alarms"]) == 1
    (header,) = [
        w for w in widgets if "Route 53 health check" in w["properties"].get("markdown", "")
    ]
    assert "Region us-east-1" in header["properties"]["markdown"]
    assert "acme-dev-us-east-1" in header["properties"]["markdown"]


def test_region_without_dashboards_still_has_its_health_check(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    gateway_data["monitoring"] = {**gateway_data.get("monitoring", {}), "dashboards": False}
    region = template(routed_platform(gateway_data, cdk_context, data=gateway_data))
    region.resource_count_is("AWS::CloudWatch::Dashboard", 0)
    region.resource_count_is("AWS::Route53::HealthCheck", 3)


def test_a_region_refers_to_no_other_stack(
    example_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    region = template(routed_platform(example_data, cdk_context, region="us-east-1")).to_json()
    assert not [o for o in region.get("Outputs", {}).values() if "Export" in o]
    assert "Fn::ImportValue" not in json.dumps(region)


def test_the_health_check_must_call_the_regions_own_name(
    example_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    with pytest.raises(ValueError, match=r"health check calls api\.example\.com, not the"):
        routed_platform(example_data, cdk_context, health_fqdn="api.example.com")


# -- config/multi-region.yaml, end to end (every region's stacks, as the app builds them) ------


@pytest.fixture(scope="module")
def multi_region(cdk_context: dict[str, Any]) -> dict[str, dict[str, Template]]:
    """Each region's templates of config/multi-region.yaml, by region, then stack name."""
    data = yaml.safe_load((CONFIG / "multi-region.yaml").read_text())
    return {stacks.region: templates(stacks) for stacks in build(data, cdk_context).deployments}


def test_multi_region_example_routes_each_region_by_latency_with_its_health_check(
    multi_region: dict[str, dict[str, Template]],
) -> None:
    assert list(multi_region) == ["eu-west-1", "us-east-1"]
    for region, stacks in multi_region.items():
        platform = stacks[
            GatewayNames("acme", "dev")
            .in_region(None if region == "eu-west-1" else region)
            .platform_stack
        ]
        checks = platform.find_resources("AWS::Route53::HealthCheck")
        kinds = {c["Properties"]["HealthCheckConfig"]["Type"]: i for i, c in checks.items()}
        assert sorted(kinds) == ["CALCULATED", "CLOUDWATCH_METRIC", "HTTPS"]
        https = checks[kinds["HTTPS"]]["Properties"]["HealthCheckConfig"]
        assert https["FullyQualifiedDomainName"] == f"{region}.api.example.com"
        assert https["ResourcePath"] == "/inventory/health"
        alarm = checks[kinds["CLOUDWATCH_METRIC"]]["Properties"]["HealthCheckConfig"]
        assert alarm["AlarmIdentifier"]["Region"] == region
        records = {
            (r["Properties"]["Name"], r["Properties"]["Type"]): r["Properties"]
            for r in platform.find_resources("AWS::Route53::RecordSet").values()
        }
        for name in ("api.example.com.", "api.example.net."):
            for kind in ("A", "AAAA"):
                record = records[(name, kind)]
                assert record["SetIdentifier"] == region
                assert record["Region"] == region
                assert record["HealthCheckId"] == {"Ref": kinds["CALCULATED"]}
        for kind in ("A", "AAAA"):
            assert "SetIdentifier" not in records[(f"{region}.api.example.com.", kind)]
        platform.has_resource_properties(
            "AWS::SSM::Parameter",
            {
                "Name": "/gateway-stack/acme/dev/domain/names",
                "Value": f"api.example.com,api.example.net,{region}.api.example.com",
            },
        )


def test_multi_region_example_health_route_is_mapped_on_each_regional_name(
    multi_region: dict[str, dict[str, Template]],
) -> None:
    """What the check calls exists: the inventory API of each region is mapped on that region's
    own name, and its GET /health has no authorizer and no API key."""
    for region, stacks in multi_region.items():
        names = GatewayNames("acme", "dev").in_region(None if region == "eu-west-1" else region)
        inventory = stacks[names.service_stack("inventory")]
        inventory.has_resource_properties(
            "AWS::ApiGatewayV2::ApiMapping",
            {"DomainName": f"{region}.api.example.com", "ApiMappingKey": "inventory"},
        )
        (api,) = inventory.find_resources("AWS::ApiGateway::RestApi").values()
        health = api["Properties"]["Body"]["paths"]["/health"]["get"]
        assert health.get("security") in (None, [])
