"""The platform's deploy-time policy: Guard rules on service stacks, and the IAM boundary."""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Callable
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest

from gateway_stack.gateway.plan import plan_gateway_file
from gateway_stack.naming import GatewayNames
from gateway_stack.tools.policy.boundary import service_deploy_boundary
from gateway_stack.tools.policy.check import check_templates
from tests.synth.cli import ROOT, cdk_synth

(DEPLOYMENT,) = plan_gateway_file(ROOT / "config" / "example.yaml").deployments
PLATFORM = DEPLOYMENT.platform
GATEWAY = PLATFORM.gateway
SERVICES = ("orders", "inventory", "billing")


def template(assembly: Path, service: str) -> dict[str, Any]:
    return json.loads((assembly / f"acme-dev-svc-{service}.template.json").read_text())


def resources(body: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r for r in body["Resources"].values() if r["Type"] == kind]


def test_the_example_service_stacks_pass(assembly: Path) -> None:
    templates = [assembly / f"acme-dev-svc-{s}.template.json" for s in SERVICES]
    result = check_templates(PLATFORM, templates)
    assert result.passed, result.output


def _base_path(body: dict[str, Any]) -> None:
    for mapping in resources(body, "AWS::ApiGatewayV2::ApiMapping"):
        mapping["Properties"]["ApiMappingKey"] = "payments"


def _foreign_domain(body: dict[str, Any]) -> None:
    resources(body, "AWS::ApiGatewayV2::ApiMapping")[0]["Properties"]["DomainName"] = "evil.org"


def _integration_elsewhere(body: dict[str, Any]) -> None:
    (api,) = resources(body, "AWS::ApiGateway::RestApi")
    api["Properties"]["Body"]["paths"]["/orders"]["get"]["x-amazon-apigateway-integration"] = {
        "type": "http_proxy",
        "httpMethod": "ANY",
        "uri": "https://exfiltrate.example.org/",
    }


def _literal_vpc_link(body: dict[str, Any]) -> None:
    (stage,) = resources(body, "AWS::ApiGateway::Stage")
    stage["Properties"]["Variables"]["vpcLinkId"] = "abc123"


def _foreign_parameter(body: dict[str, Any]) -> None:
    body["Parameters"]["Sneaky"] = {
        "Type": "AWS::SSM::Parameter::Value<String>",
        "Default": "/gateway-stack/other/prod/load-balancers/core/vpc-link-id",
    }


def _own_vpc_link(body: dict[str, Any]) -> None:
    body["Resources"]["Link"] = {
        "Type": "AWS::ApiGateway::VpcLink",
        "Properties": {"Name": "mine", "TargetArns": ["arn:aws:elasticloadbalancing:x"]},
    }


def _foreign_membership_function(body: dict[str, Any]) -> None:
    (membership,) = resources(body, "Custom::UsagePlanMembership")
    membership["Properties"]["ServiceToken"] = "arn:aws:lambda:eu-west-1:123456789012:function:x"


def _plain_parameter_for_the_vpc_link(body: dict[str, Any]) -> None:
    body["Parameters"]["Link"] = {"Type": "String", "Default": "abc123"}
    (stage,) = resources(body, "AWS::ApiGateway::Stage")
    stage["Properties"]["Variables"]["vpcLinkId"] = {"Ref": "Link"}


def _literal_backend_host(body: dict[str, Any]) -> None:
    (stage,) = resources(body, "AWS::ApiGateway::Stage")
    stage["Properties"]["Variables"]["backendHost"] = "10.0.0.5"


def _method_resource(body: dict[str, Any]) -> None:
    body["Resources"]["Side"] = {
        "Type": "AWS::ApiGateway::Method",
        "Properties": {"HttpMethod": "GET", "Integration": {"Type": "HTTP_PROXY"}},
    }


def _usage_plan(body: dict[str, Any]) -> None:
    body["Resources"]["Plan"] = {"Type": "AWS::ApiGateway::UsagePlan", "Properties": {}}


def _foreign_web_acl(body: dict[str, Any]) -> None:
    (association,) = resources(body, "AWS::WAFv2::WebACLAssociation")
    association["Properties"]["WebACLArn"] = (
        "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/allow-all/0123"
    )


def _no_web_acl(body: dict[str, Any]) -> None:
    body["Resources"] = {
        key: r
        for key, r in body["Resources"].items()
        if r["Type"] != "AWS::WAFv2::WebACLAssociation"
    }


def _own_web_acl(body: dict[str, Any]) -> None:
    body["Resources"]["Acl"] = {"Type": "AWS::WAFv2::WebACL", "Properties": {}}


@pytest.mark.parametrize(
    ("tamper", "rule"),
    [
        (_base_path, "base_paths_allowed"),
        (_foreign_domain, "mapped_only_on_the_gateways_domain"),
        (_integration_elsewhere, "integrations_reach_only_the_platforms_vpc_link"),
        (_literal_vpc_link, "backend_comes_from_the_platform"),
        (_foreign_parameter, "ssm_parameters_are_the_platforms"),
        (_own_vpc_link, "vpc_links_target_allowed_load_balancers"),
        (_usage_plan, "no_platform_resources"),
        (_plain_parameter_for_the_vpc_link, "parameters_are_the_platforms_ssm_values"),
        (_literal_backend_host, "backend_comes_from_the_platform"),
        (_method_resource, "no_platform_resources"),
        (_foreign_membership_function, "plans_joined_only_through_the_platforms_function"),
        (_foreign_web_acl, "web_acl_is_the_platforms"),
        (_no_web_acl, "stages_behind_the_web_acl"),
        (_own_web_acl, "no_platform_resources"),
    ],
)
def test_a_crafted_violation_is_refused_naming_the_rule(
    assembly: Path, tmp_path: Path, tamper: Callable[[dict[str, Any]], None], rule: str
) -> None:
    body = copy.deepcopy(template(assembly, "orders"))
    tamper(body)
    crafted = tmp_path / "acme-dev-svc-orders.template.json"
    crafted.write_text(json.dumps(body))
    result = check_templates(PLATFORM, [crafted])
    assert not result.passed
    failed = [
        line.split()[0]
        for line in result.output.splitlines()
        if line.startswith("service-stacks.guard/") and line.endswith("FAIL")
    ]
    assert failed == [f"service-stacks.guard/{rule}"], result.output


def test_the_service_team_app_passes_with_its_deploy_time_domain(tmp_path: Path) -> None:
    result = cdk_synth(tmp_path, gateway=None, app_dir=ROOT / "examples" / "service_team_app")
    assert result.returncode == 0, result.stderr
    gateway = GATEWAY.model_copy(
        update={
            "allowlist": GATEWAY.allowlist.model_copy(
                update={"base_paths": (*GATEWAY.allowlist.base_paths, "catalog")}
            )
        }
    )
    platform = dataclasses.replace(PLATFORM, gateway=gateway)
    check = check_templates(platform, [tmp_path / "acme-dev-svc-catalog.template.json"])
    assert check.passed, check.output


# -- the IAM boundary, evaluated as IAM would (explicit Deny wins) -----------------------------


def allowed(policy: dict[str, Any], action: str, resource: str, context: dict[str, Any]) -> bool:
    def matches(statement: dict[str, Any]) -> bool:
        actions = statement["Action"]
        actions = [actions] if isinstance(actions, str) else actions
        if not any(fnmatchcase(action, a) for a in actions):
            return False
        if "NotResource" in statement:
            if any(fnmatchcase(resource, r) for r in statement["NotResource"]):
                return False
        else:
            listed = statement["Resource"]
            listed = [listed] if isinstance(listed, str) else listed
            if not any(fnmatchcase(resource, r) for r in listed):
                return False
        conditions = statement.get("Condition", {})
        for key, want in conditions.get("StringNotEquals", {}).items():
            if context.get(key) == want:
                return False
        for key, wanted in conditions.get("ForAnyValue:StringEquals", {}).items():
            if not set(context.get(key, [])) & set(wanted):  # a multivalued context key
                return False
        return True

    effects = [s["Effect"] for s in policy["Statement"] if matches(s)]
    return "Deny" not in effects and "Allow" in effects


BOUNDARY = service_deploy_boundary(
    GatewayNames("acme", "dev"),
    account="123456789012",
    region="eu-west-1",
    domain_names=["api.example.com", "api.example.net"],
    boundary_name="acme-dev-service-deploy-boundary",
)
APIGW = "arn:aws:apigateway:eu-west-1::"
SSM = "arn:aws:ssm:eu-west-1:123456789012:parameter/gateway-stack/acme/dev"
BOUNDARY_ARN = "arn:aws:iam::123456789012:policy/acme-dev-service-deploy-boundary"
WAF = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl"
KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ALIASES = "kms:ResourceAliases"
SNS = "arn:aws:sns:eu-west-1:123456789012"
ALARM = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm"


@pytest.mark.parametrize(
    ("action", "resource", "context", "expected"),
    [
        ("apigateway:POST", f"{APIGW}/restapis", {}, True),
        ("apigateway:PATCH", f"{APIGW}/restapis/a1b2c3/stages/dev", {}, True),
        ("apigateway:POST", f"{APIGW}/domainnames/api.example.com/apimappings", {}, True),
        ("apigateway:POST", f"{APIGW}/domainnames/evil.example.org/apimappings", {}, False),
        ("apigateway:POST", f"{APIGW}/domainnames", {}, False),
        ("apigateway:DELETE", f"{APIGW}/domainnames/api.example.com", {}, False),
        ("apigateway:POST", f"{APIGW}/vpclinks", {}, False),
        ("apigateway:PATCH", f"{APIGW}/account", {}, False),
        ("apigateway:PATCH", f"{APIGW}/usageplans/p1", {}, False),
        ("apigateway:POST", f"{APIGW}/apikeys", {}, False),
        ("apigateway:GET", f"{APIGW}/apikeys", {}, True),
        ("ssm:PutParameter", f"{SSM}/load-balancers/commerce/vpc-link-id", {}, False),
        ("ssm:PutParameter", f"{SSM}/allowlist", {}, False),
        ("ssm:PutParameter", f"{SSM}/permissions/a1b2c3", {}, True),
        ("route53:ChangeResourceRecordSets", "arn:aws:route53:::hostedzone/Z1", {}, False),
        ("iam:CreateRole", "arn:aws:iam::123456789012:role/x", {}, False),
        (
            "iam:CreateRole",
            "arn:aws:iam::123456789012:role/x",
            {"iam:PermissionsBoundary": BOUNDARY_ARN},
            True,
        ),
        ("iam:DeleteRolePermissionsBoundary", "arn:aws:iam::123456789012:role/x", {}, False),
        ("iam:CreatePolicyVersion", BOUNDARY_ARN, {}, False),
        ("ssm:PutParameter", f"{SSM}/waf/web-acl-arn", {}, False),
        ("ssm:PutParameter", f"{SSM}/logs/kms-key-arn", {}, False),
        ("wafv2:UpdateWebACL", f"{WAF}/acme-dev/0f1e2d3c", {}, False),
        ("wafv2:DeleteWebACL", f"{WAF}/acme-dev/0f1e2d3c", {}, False),
        # A stage joins the platform's web ACL, and leaves it when its stack is deleted.
        ("wafv2:AssociateWebACL", f"{WAF}/acme-dev/0f1e2d3c", {}, True),
        ("wafv2:DisassociateWebACL", f"{WAF}/acme-dev/0f1e2d3c", {}, True),
        ("apigateway:SetWebACL", f"{APIGW}/restapis/a1b2c3/stages/dev", {}, True),
        # The platform's keys, found by alias (their ids are random), and its alarm topic.
        ("kms:ScheduleKeyDeletion", KEY, {ALIASES: ["alias/acme-dev-logs"]}, False),
        ("kms:PutKeyPolicy", KEY, {ALIASES: ["alias/acme-dev-alarms"]}, False),
        ("kms:DisableKey", KEY, {ALIASES: ["alias/acme-dev-logs", "alias/mine"]}, False),
        ("kms:ScheduleKeyDeletion", KEY, {ALIASES: ["alias/the-teams-own"]}, True),
        ("kms:Encrypt", KEY, {ALIASES: ["alias/acme-dev-logs"]}, True),
        ("sns:DeleteTopic", f"{SNS}:acme-dev-alarms", {}, False),
        ("sns:SetTopicAttributes", f"{SNS}:acme-dev-alarms", {}, False),
        ("sns:Subscribe", f"{SNS}:acme-dev-alarms", {}, True),
        ("sns:DeleteTopic", f"{SNS}:orders-events", {}, True),
        # The platform's alarms, by exact name; a service's own alarms share the prefix.
        ("cloudwatch:SetAlarmState", f"{ALARM}:acme-dev-authorizer-failures", {}, False),
        ("cloudwatch:DisableAlarmActions", f"{ALARM}:acme-dev-authorizer-throttles", {}, False),
        ("cloudwatch:DeleteAlarms", f"{ALARM}:acme-dev-authorizer-failures", {}, False),
        ("cloudwatch:PutMetricAlarm", f"{ALARM}:acme-dev-authorizer-throttles", {}, False),
        ("cloudwatch:PutMetricAlarm", f"{ALARM}:acme-dev-orders-5xx-rate", {}, True),
        ("cloudwatch:DeleteAlarms", f"{ALARM}:acme-dev-orders-canary", {}, True),
        ("cloudwatch:SetAlarmState", f"{ALARM}:acme-dev-authorizer-5xx-rate", {}, True),
        # One region: no health checks in the gateway, none denied.
        ("route53:UpdateHealthCheck", "arn:aws:route53:::healthcheck/abcd-1234", {}, True),
    ],
)
def test_the_deploy_boundary(
    action: str, resource: str, context: dict[str, Any], expected: bool
) -> None:
    assert allowed(BOUNDARY, action, resource, context) is expected


def test_a_body_that_travels_as_an_s3_asset_is_checked_too(tmp_path: Path) -> None:
    import aws_cdk as cdk

    from gateway_stack.constructs.platform_ref import PlatformRef
    from gateway_stack.constructs.service_api import ServiceApi, StageConfig
    from gateway_stack.openapi import PrivateIntegration

    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    app = cdk.App(context=context, outdir=str(tmp_path / "out"))
    stack = cdk.Stack(
        app, "acme-dev-svc-big", env=cdk.Environment(account="123456789012", region="eu-west-1")
    )
    platform = PlatformRef(stack, "Platform", gateway="acme", environment="dev")
    api = ServiceApi(
        stack,
        "Big",
        service_name="big",
        backend=platform.backend("commerce"),
        integration=PrivateIntegration(port=8080),
        stage=StageConfig(name="dev"),
        openapi=ROOT / "config" / "openapi" / "orders.yaml",
        inline_body_limit=1024,
    )
    api.add_api_mapping("api.example.com", "orders")
    api.associate_web_acl(platform.web_acl_arn())
    template = Path(app.synth().get_stack_by_name("acme-dev-svc-big").template_full_path)
    assert '"BodyS3Location"' in template.read_text()
    assert check_templates(PLATFORM, [template]).passed

    (asset,) = template.parent.glob("asset.*.json")  # a tampered asset fails like an inline one
    body = json.loads(asset.read_text())
    body["paths"]["/orders"]["get"]["x-amazon-apigateway-integration"]["uri"] = "http://evil/"
    asset.write_text(json.dumps(body))
    result = check_templates(PLATFORM, [template])
    assert not result.passed
    assert "integrations_reach_only_the_platforms_vpc_link" in result.output
