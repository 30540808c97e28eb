"""ServiceApi: per-route stage settings, body placement, redeploys and quota guards."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
import yaml
from aws_cdk import aws_kms as kms
from aws_cdk import aws_ssm as ssm
from aws_cdk.assertions import Match, Template

from gateway_stack.constructs.service_api import BackendRef, ServiceApi, StageConfig
from gateway_stack.constructs.synth_errors import SynthError, synth_cleanly
from gateway_stack.errors import GatewayStackError
from gateway_stack.openapi import (
    GatewaySettings,
    PrivateIntegration,
    RouteOptions,
    from_routes,
    parse_route,
)
from tests.gateway.stacks import build, templates

ROOT = Path(__file__).resolve().parents[2]
ORDERS = yaml.safe_load((ROOT / "config" / "openapi" / "orders.yaml").read_text())
BACKEND = BackendRef(vpc_link_id="abc123", host="internal-x.elb.eu-west-1.amazonaws.com")
ENV = cdk.Environment(account="123456789012", region="eu-west-1")


def service_api(stack: cdk.Stack, construct_id: str = "Api", **kwargs: Any) -> ServiceApi:
    options: dict[str, Any] = {
        "service_name": "svc",
        "backend": BACKEND,
        "integration": PrivateIntegration(port=8080),
        "stage": StageConfig(name="live"),
    }
    options.update(kwargs)
    return ServiceApi(stack, construct_id, **options)


def new_stack(context: dict[str, Any], name: str = "S") -> cdk.Stack:
    return cdk.Stack(cdk.App(context=context), name, env=ENV)


def stage_settings(template: Template) -> list[dict[str, Any]]:
    (stage,) = template.find_resources("AWS::ApiGateway::Stage").values()
    return stage["Properties"]["MethodSettings"]


def test_route_throttles_and_caching_land_on_the_stage(
    example_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    inventory = templates(build(example_data, cdk_context))["acme-dev-svc-inventory"]
    inventory.has_resource_properties(
        "AWS::ApiGateway::Stage", {"CacheClusterEnabled": True, "CacheClusterSize": "0.5"}
    )
    by_path = {(s["ResourcePath"], s["HttpMethod"]): s for s in stage_settings(inventory)}
    assert by_path[("/~1items~1{sku}", "GET")] == {
        "ResourcePath": "/~1items~1{sku}",
        "HttpMethod": "GET",
        "CachingEnabled": True,
        "CacheTtlInSeconds": 60,
        "CacheDataEncrypted": True,
        "LoggingLevel": "INFO",
        "MetricsEnabled": True,
        "DataTraceEnabled": False,
        "ThrottlingRateLimit": 500,
        "ThrottlingBurstLimit": 1000,
    }
    reservations = by_path[("/~1items~1{sku}~1reservations", "POST")]
    assert reservations["ThrottlingRateLimit"] == 20
    assert reservations["ThrottlingBurstLimit"] == 40
    assert reservations["CachingEnabled"] is False
    assert by_path[("/*", "*")]["ThrottlingRateLimit"] == 500


def test_document_throttle_override_lands_on_the_stage(
    example_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    orders = templates(build(example_data, cdk_context))["acme-dev-svc-orders"]
    by_path = {(s["ResourcePath"], s["HttpMethod"]): s for s in stage_settings(orders)}
    assert by_path[("/~1orders", "GET")]["ThrottlingRateLimit"] == 100
    assert by_path[("/~1orders", "GET")]["ThrottlingBurstLimit"] == 200


def test_caching_without_a_cache_cluster_is_refused(cdk_context: dict[str, Any]) -> None:
    with pytest.raises(GatewayStackError, match="has no cache cluster: set the service's cache"):
        service_api(
            new_stack(cdk_context),
            routes=[parse_route("GET /items", RouteOptions(cache_ttl_seconds=30))],
        )


def test_a_large_body_travels_as_an_s3_asset(cdk_context: dict[str, Any]) -> None:
    stack = new_stack(cdk_context)
    api = service_api(stack, openapi=ORDERS, inline_body_limit=1024)
    template = Template.from_stack(stack)
    (rest_api,) = template.find_resources("AWS::ApiGateway::RestApi").values()
    assert "Body" not in rest_api["Properties"]
    assert rest_api["Properties"]["BodyS3Location"]["Key"].endswith(".json")
    assert api.body_hash  # the Deployment still carries the hash
    (deployment_id,) = template.find_resources("AWS::ApiGateway::Deployment")

    changed = copy.deepcopy(ORDERS)
    changed["paths"]["/orders/{orderId}"]["get"]["summary"] = "One order (changed)"
    stack2 = new_stack(cdk_context)
    service_api(stack2, openapi=changed, inline_body_limit=1024)
    (changed_id,) = Template.from_stack(stack2).find_resources("AWS::ApiGateway::Deployment")
    assert changed_id != deployment_id


def test_a_large_body_with_deploy_time_values_is_refused(cdk_context: dict[str, Any]) -> None:
    stack = cdk.Stack(cdk.App(context=cdk_context), "Agnostic")  # region is a token
    from gateway_stack.openapi import AuthorizerRef

    authorizer = AuthorizerRef(
        function_arn=ssm.StringParameter.value_for_string_parameter(stack, "/x/authorizer-arn")
    )
    with pytest.raises(GatewayStackError, match="holds deploy-time values"):
        service_api(stack, openapi=ORDERS, authorizer=authorizer, inline_body_limit=1024)


def deployment_and_stage(data: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    result = {}
    for name, template in templates(build(data, context)).items():
        deployments = template.find_resources("AWS::ApiGateway::Deployment")
        if deployments:
            (stage,) = template.find_resources("AWS::ApiGateway::Stage").values()
            result[name] = (next(iter(deployments)), stage["Properties"]["MethodSettings"])
    return result


def test_a_new_route_redeploys_its_service_only_and_a_throttle_change_redeploys_nothing(
    gateway_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    before = deployment_and_stage(gateway_data, cdk_context)
    gateway_data["services"][1]["routes"].append("DELETE /items/{sku}")
    after = deployment_and_stage(gateway_data, cdk_context)
    assert after["acme-dev-svc-inventory"][0] != before["acme-dev-svc-inventory"][0]
    for name in ("acme-dev-svc-orders", "acme-dev-svc-billing"):
        assert after[name] == before[name]

    gateway_data["services"][1]["routes"][2]["throttle"] = {"rate_limit": 5, "burst_limit": 5}
    throttled = deployment_and_stage(gateway_data, cdk_context)
    assert throttled["acme-dev-svc-inventory"][0] == after["acme-dev-svc-inventory"][0]
    assert throttled["acme-dev-svc-inventory"][1] != after["acme-dev-svc-inventory"][1]


def synth_messages(app: cdk.App) -> str:
    with pytest.raises(SynthError) as caught:
        synth_cleanly(app)
    return "\n".join(caught.value.messages)


def test_guard_more_than_300_resources_in_one_api(cdk_context: dict[str, Any]) -> None:
    stack = new_stack(cdk_context)
    routes = [parse_route(f"GET /r{i}/{{id}}") for i in range(150)]  # 1 + 2 x 150 resources
    service_api(stack, service_name="dense", routes=routes)
    text = synth_messages(stack.node.root)
    assert "dense: 301 resources, over API Gateway's quota of 300 resources per REST API" in text
    assert "split a dense base path into a service API of its own" in text


def test_guard_more_than_450_resources_in_one_stack(cdk_context: dict[str, Any]) -> None:
    stack = new_stack(cdk_context)
    service_api(stack)
    for i in range(450):
        ssm.StringParameter(stack, f"P{i}", string_value="x")
    text = synth_messages(stack.node.root)
    assert "stack S has 454 resources (most: 450 AWS::SSM::Parameter, " in text
    assert "): over the budget of 450" in text


def test_guard_templates_over_800_kb(cdk_context: dict[str, Any], tmp_path: Path) -> None:
    app = cdk.App(context=cdk_context, outdir=str(tmp_path))
    stack = cdk.Stack(app, "Big", env=ENV)
    big = copy.deepcopy(ORDERS)
    big["info"]["description"] = "x" * 900_000
    service_api(stack, openapi=big, inline_body_limit=2_000_000)
    text = synth_messages(app)
    assert "stack Big's template is 8" in text
    assert "over the budget of 800 KB below CloudFormation's 1 MB limit" in text


def test_guard_more_than_20_vpc_links_per_region(cdk_context: dict[str, Any]) -> None:
    from aws_cdk import aws_apigateway as apigw

    app = cdk.App(context=cdk_context)
    for stack_index in range(2):  # counted across the app's stacks
        stack = cdk.Stack(app, f"Links{stack_index}", env=ENV)
        for i in range(11 - stack_index):
            apigw.CfnVpcLink(stack, f"L{i}", name=f"l{i}", target_arns=["arn"])
    text = synth_messages(app)
    assert "21 REST API VPC links in 123456789012/eu-west-1: API Gateway allows 20" in text


def test_example_apis_each_have_one_stage_and_match_the_template_budget(
    example_data: dict[str, Any], cdk_context: dict[str, Any]
) -> None:
    for name, template in templates(build(example_data, cdk_context)).items():
        if name.startswith("acme-dev-svc-"):
            template.resource_count_is("AWS::ApiGateway::Stage", 1)
            template.has_resource_properties(
                "AWS::ApiGateway::Stage", {"MethodSettings": Match.any_value()}
            )


def test_no_endpoint_output_when_the_execute_api_url_is_disabled(
    cdk_context: dict[str, Any],
) -> None:
    stack = new_stack(cdk_context)
    service_api(stack, disable_execute_api_endpoint=True)
    assert Template.from_stack(stack).to_json().get("Outputs", {}) == {}


def test_mappings_on_deploy_time_domain_names_get_distinct_ids(
    cdk_context: dict[str, Any],
) -> None:
    stack = new_stack(cdk_context)
    api = service_api(stack)
    for name in ("/x/domain/name", "/x/domain/alias"):
        api.add_api_mapping(ssm.StringParameter.value_for_string_parameter(stack, name), "svc")
    Template.from_stack(stack).resource_count_is("AWS::ApiGatewayV2::ApiMapping", 2)


def test_a_service_teams_api_joins_a_web_acl_once(cdk_context: dict[str, Any]) -> None:
    stack = new_stack(cdk_context)
    api = service_api(stack, routes=[parse_route("GET /items")])
    acl = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/acme-dev/0f1e2d3c"
    api.associate_web_acl(acl)
    Template.from_stack(stack).has_resource_properties(
        "AWS::WAFv2::WebACLAssociation", {"WebACLArn": acl}
    )
    with pytest.raises(ValueError, match="already has a web ACL"):
        api.associate_web_acl(acl)


def test_a_service_teams_access_logs_take_its_kms_key(cdk_context: dict[str, Any]) -> None:
    stack = new_stack(cdk_context)
    key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    service_api(
        stack,
        routes=[parse_route("GET /items")],
        stage=StageConfig(name="live", access_log_key=kms.Key.from_key_arn(stack, "K", key)),
    )
    Template.from_stack(stack).has_resource_properties("AWS::Logs::LogGroup", {"KmsKeyId": key})


def test_a_prebuilt_definition_is_used_as_given(cdk_context: dict[str, Any]) -> None:
    routes = [parse_route("GET /items"), parse_route("POST /items")]
    made = service_api(new_stack(cdk_context), routes=routes, disable_execute_api_endpoint=True)
    definition = from_routes(routes, GatewaySettings(PrivateIntegration(port=8080)), "svc")
    given = ServiceApi(
        new_stack(cdk_context),
        "Api",
        service_name="svc",
        backend=BACKEND,
        stage=StageConfig(name="live"),
        definition=definition,
        disable_execute_api_endpoint=True,
    )
    assert given.body == made.body
    assert given.body_hash == made.body_hash
    assert given.routes == definition.routes
    # The endpoint setting goes on the API's copy: the definition handed in is left as it was.
    assert "x-amazon-apigateway-endpoint-configuration" not in definition.body


def test_a_definition_does_not_mix_with_the_props_that_make_one(
    cdk_context: dict[str, Any],
) -> None:
    routes = [parse_route("GET /items")]
    definition = from_routes(routes, GatewaySettings(PrivateIntegration(port=8080)), "svc")
    with pytest.raises(ValueError, match="give a definition, or the openapi document or routes"):
        service_api(new_stack(cdk_context), routes=routes, definition=definition)
    with pytest.raises(ValueError, match="svc: give the integration, or a definition"):
        service_api(new_stack(cdk_context), integration=None, routes=routes)
