"""The route table reads any template, not only the gateway's: hand-written assemblies with
what the gateway does not make (a body in S3, base-path mappings, plans listing their stages,
Lambda and public HTTP backends, Cognito and IAM auth, web ACLs, request validators)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gateway_stack.assembly import AssemblyError, CloudAssembly
from gateway_stack.errors import GatewayStackError
from gateway_stack.tools.policy.guard import inline_asset_bodies
from gateway_stack.tools.route_table import Cache, RouteRow, Throttle, TierLimit, route_table

BODY: dict[str, Any] = {
    "openapi": "3.0.1",
    "info": {"title": "pets", "version": "1"},
    "x-amazon-apigateway-request-validators": {"all": {"validateRequestBody": True}},
    "components": {
        "securitySchemes": {
            "pool": {
                "type": "apiKey",
                "name": "Authorization",
                "in": "header",
                "x-amazon-apigateway-authtype": "cognito_user_pools",
                "x-amazon-apigateway-authorizer": {"type": "cognito_user_pools"},
            },
            "key": {"type": "apiKey", "name": "x-api-key", "in": "header"},
        }
    },
    "paths": {
        "/pets": {
            "get": {
                "security": [{"pool": ["pets/read"], "key": []}],
                "x-amazon-apigateway-integration": {
                    "type": "aws_proxy",
                    "httpMethod": "POST",
                    "uri": "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/"
                    "arn:aws:lambda:eu-west-1:111122223333:function:list-pets/invocations",
                },
            },
            "post": {
                "x-amazon-apigateway-auth": {"type": "AWS_IAM"},
                "x-amazon-apigateway-integration": {
                    "type": "http_proxy",
                    "httpMethod": "POST",
                    "uri": "https://${stageVariables.upstream}/v1/pets",
                    "timeoutInMillis": 3000,
                },
            },
        },
        "/health": {
            "get": {"x-amazon-apigateway-integration": {"type": "mock", "responses": {}}},
        },
    },
}


def write_assembly(
    folder: Path, resources: dict[str, Any], files: dict[str, Any], *, nested: bool = False
) -> Path:
    """A cloud assembly with one stack, ``pets`` (artifact ``PetsStack``), and its file assets,
    as the CDK writes it: the asset manifest is an artifact the stack depends on, named after
    the artifact, not the stack. ``nested``: the stack is in a Stage (``assembly-Prod``)."""
    folder.mkdir()
    stage = folder / "assembly-Prod" if nested else folder
    stage.mkdir(exist_ok=True)
    (stage / "pets.template.json").write_text(json.dumps({"Resources": resources}))
    assets: dict[str, Any] = {"version": "48.0.0", "files": {}}
    for name, content in files.items():
        (stage / name).write_text(json.dumps(content))
        assets["files"][name] = {
            "source": {"path": name, "packaging": "file"},
            "destinations": {"d": {"bucketName": "b", "objectKey": f"{name}.key"}},
        }
    (stage / "PetsStack.assets.json").write_text(json.dumps(assets))
    manifest = {
        "version": "48.0.0",
        "artifacts": {
            "PetsStack.assets": {
                "type": "cdk:asset-manifest",
                "properties": {"file": "PetsStack.assets.json"},
            },
            "PetsStack": {
                "type": "aws:cloudformation:stack",
                "environment": "aws://111122223333/eu-west-1",
                "properties": {"templateFile": "pets.template.json", "stackName": "pets"},
                "dependencies": ["PetsStack.assets"],
            },
        },
    }
    (stage / "manifest.json").write_text(json.dumps(manifest))
    if nested:
        outer = {
            "version": "48.0.0",
            "artifacts": {
                "assembly-Prod": {
                    "type": "cdk:cloud-assembly",
                    "properties": {"directoryName": "assembly-Prod", "displayName": "Prod"},
                }
            },
        }
        (folder / "manifest.json").write_text(json.dumps(outer))
    return folder


RESOURCES: dict[str, Any] = {
    "Api": {
        "Type": "AWS::ApiGateway::RestApi",
        "Properties": {"Name": "pets", "BodyS3Location": {"Bucket": "b", "Key": "body.json.key"}},
    },
    "Stage": {
        "Type": "AWS::ApiGateway::Stage",
        "Properties": {
            "RestApiId": {"Ref": "Api"},
            "StageName": "prod",
            "CacheClusterEnabled": True,
            "Variables": {"upstream": "pets.example.org"},
            "MethodSettings": [
                {
                    "ResourcePath": "/*",
                    "HttpMethod": "*",
                    "ThrottlingRateLimit": 100,
                    "ThrottlingBurstLimit": 200,
                },
                {
                    "ResourcePath": "/~1pets",
                    "HttpMethod": "GET",
                    "CachingEnabled": True,
                    "CacheTtlInSeconds": 30,
                    "ThrottlingRateLimit": 5,
                    "ThrottlingBurstLimit": 10,
                },
                {  # the stage's own limit again: no limit of the route's own
                    "ResourcePath": "/~1health",
                    "HttpMethod": "GET",
                    "ThrottlingRateLimit": 100,
                    "ThrottlingBurstLimit": 200,
                },
            ],
        },
    },
    "Mapping": {
        "Type": "AWS::ApiGateway::BasePathMapping",
        "Properties": {
            "DomainName": "pets.example.com",
            "RestApiId": {"Ref": "Api"},
            "Stage": {"Ref": "Stage"},
            "BasePath": "(none)",
        },
    },
    "Plan": {
        "Type": "AWS::ApiGateway::UsagePlan",
        "Properties": {
            "UsagePlanName": "partners",
            "Throttle": {"RateLimit": 50, "BurstLimit": 100},
            "Quota": {"Limit": 1000, "Period": "DAY"},
            "ApiStages": [
                {
                    "ApiId": {"Ref": "Api"},
                    "Stage": {"Ref": "Stage"},
                    "Throttle": {"/pets/POST": {"RateLimit": 1, "BurstLimit": 2}},
                }
            ],
        },
    },
    "WebAclAssociation": {
        "Type": "AWS::WAFv2::WebACLAssociation",
        "Properties": {"ResourceArn": "arn", "WebACLArn": "arn"},
    },
}


@pytest.fixture(scope="module", params=["top level", "in a nested Stage"])
def rows(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> dict[str, RouteRow]:
    folder = write_assembly(
        tmp_path_factory.mktemp("pets") / "out",
        RESOURCES,
        {"body.json": BODY},
        nested=request.param != "top level",
    )
    return {row.name: row for row in route_table(CloudAssembly.read(folder))}


def test_body_from_its_asset_with_base_path_and_execute_api_urls(
    rows: dict[str, RouteRow],
) -> None:
    assert sorted(rows) == ["pets GET /health", "pets GET /pets", "pets POST /pets"]
    assert rows["pets GET /pets"].urls == (
        "https://pets.example.com/pets",
        "https://{rest-api-id}.execute-api.eu-west-1.amazonaws.com/prod/pets",
    )


def test_lambda_public_http_and_mock_backends(rows: dict[str, RouteRow]) -> None:
    assert str(rows["pets GET /pets"].backend) == "Lambda list-pets"
    assert str(rows["pets POST /pets"].backend) == (
        "HTTP https://pets.example.org/v1/pets, timeout 3 s"
    )
    assert str(rows["pets GET /health"].backend) == "mock (200)"


def test_cognito_scopes_iam_and_header_keys(rows: dict[str, RouteRow]) -> None:
    listing = rows["pets GET /pets"]
    assert (listing.authorizer, listing.scopes) == ("Cognito user pool", ("pets/read",))
    assert listing.api_key == "required (x-api-key header)"
    assert (rows["pets POST /pets"].authorizer, rows["pets POST /pets"].api_key) == (
        "IAM (SigV4)",
        "no",
    )
    assert rows["pets GET /health"].authorizer == "none"  # a public route shows as such


def test_stage_method_settings_and_a_plan_that_lists_its_stage(
    rows: dict[str, RouteRow],
) -> None:
    listing = rows["pets GET /pets"]
    assert (listing.stage_throttle, listing.route_throttle) == (
        Throttle(rate_limit=100, burst_limit=200),
        Throttle(rate_limit=5, burst_limit=10),
    )
    assert listing.cache == Cache(30, ())
    health = rows["pets GET /health"]
    assert (health.stage_throttle, health.route_throttle) == (
        Throttle(rate_limit=100, burst_limit=200),
        None,
    )
    assert listing.tiers == (
        TierLimit("partners", Throttle(rate_limit=50, burst_limit=100), "1000/DAY"),
    )
    assert rows["pets POST /pets"].tiers == (
        TierLimit(
            "partners",
            Throttle(rate_limit=1, burst_limit=2),
            "1000/DAY",
            plan_throttle=Throttle(rate_limit=50, burst_limit=100),
        ),
    )


def test_an_api_without_a_stage_is_listed_without_urls(tmp_path: Path) -> None:
    folder = write_assembly(
        tmp_path / "out",
        {"Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Body": BODY}}},
        {},
    )
    rows = route_table(CloudAssembly.read(folder))
    assert {(row.stage, row.urls) for row in rows} == {("(no stage)", ())}


def test_a_folder_without_an_assembly_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AssemblyError, match="no cloud assembly here"):
        CloudAssembly.read(tmp_path)


@pytest.mark.parametrize("nested", [False, True])
def test_the_policy_check_inlines_the_body_its_asset_manifest_names(
    tmp_path: Path, nested: bool
) -> None:
    folder = write_assembly(tmp_path / "out", RESOURCES, {"body.json": BODY}, nested=nested)
    template = (folder / "assembly-Prod" if nested else folder) / "pets.template.json"
    inlined = json.loads(inline_asset_bodies(template, tmp_path / "inlined.json").read_text())
    api = inlined["Resources"]["Api"]["Properties"]
    assert (api["Body"], "BodyS3Location" in api) == (BODY, False)


def test_the_policy_check_refuses_an_s3_body_it_cannot_find(tmp_path: Path) -> None:
    folder = write_assembly(tmp_path / "out", RESOURCES, {})  # the manifest lists no body
    with pytest.raises(GatewayStackError, match=r"the body asset body\.json\.key is not in"):
        inline_asset_bodies(folder / "pets.template.json", tmp_path / "inlined.json")
    alone = tmp_path / "alone.template.json"  # a template outside any cloud assembly
    alone.write_text((folder / "pets.template.json").read_text())
    with pytest.raises(GatewayStackError, match="not a cloud assembly"):
        inline_asset_bodies(alone, tmp_path / "inlined.json")
