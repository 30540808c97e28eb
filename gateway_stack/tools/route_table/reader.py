"""The route table of a synthesized gateway, read from its cloud assembly.

For each ``AWS::ApiGateway::RestApi`` of each stack, and each of its stages: every operation of
the API's OpenAPI body (inline, or the asset file behind ``BodyS3Location``), with its public
URLs (the API mappings and base-path mappings of the stage, and the ``execute-api`` URL unless
the API disables it), its backend, access rules and limits. Resources the reader does not know
(alarms, web ACLs, request validators in the body, ...) are simply not part of the table.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gateway_stack.assembly import CloudAssembly, StackTemplate
from gateway_stack.naming import SERVICE_TAG
from gateway_stack.openapi.cors import is_preflight
from gateway_stack.tools.route_table.integrations import backend
from gateway_stack.tools.route_table.limits import StageSettings, plans
from gateway_stack.tools.route_table.model import RouteRow
from gateway_stack.tools.route_table.security import access, permission_maps

INTEGRATION = "x-amazon-apigateway-integration"
ANY_METHOD = "x-amazon-apigateway-any-method"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
NOT_DEPLOYED = "(no stage)"


def read_route_table(cdk_out: Path) -> list[RouteRow]:
    """Every route of every deployed stage in the cloud assembly at ``cdk_out``.

    Raises:
        AssemblyError: there is no cloud assembly at ``cdk_out``.
    """
    return route_table(CloudAssembly.read(cdk_out))


def route_table(assembly: CloudAssembly) -> list[RouteRow]:
    """Every route of every deployed stage of ``assembly``, sorted by public URL and method."""
    rows = [
        row
        for stack in assembly.stacks
        for api_id, api in stack.of_type("AWS::ApiGateway::RestApi")
        for row in _api_routes(assembly, stack, api_id, api.get("Properties", {}))
    ]
    return sorted(rows, key=lambda r: (r.urls[:1], r.path, r.method, r.stack, r.stage))


def _api_routes(
    assembly: CloudAssembly, stack: StackTemplate, api_id: str, properties: dict[str, Any]
) -> Iterator[RouteRow]:
    def describe(value: Any) -> str:
        return assembly.describe(stack, value)

    body = assembly.api_body(stack, properties)
    name = describe(properties.get("Name") or body.get("info", {}).get("title") or api_id)
    tags = {t.get("Key"): t.get("Value") for t in properties.get("Tags", []) if isinstance(t, dict)}
    service = str(tags.get(SERVICE_TAG) or name)
    permissions = permission_maps(stack, api_id)
    stages = [
        (stage_id, stage.get("Properties", {}))
        for stage_id, stage in stack.of_type("AWS::ApiGateway::Stage")
        if stage.get("Properties", {}).get("RestApiId") == {"Ref": api_id}
    ]
    preflights = _preflight_origins(body)
    for stage_id, stage in stages or [("", {})]:
        stage_name = describe(stage["StageName"]) if "StageName" in stage else NOT_DEPLOYED
        settings = StageSettings.of(stage)
        tiers = plans(stack, api_id, stage_id, assembly) if stage_id else []
        bases = _base_urls(
            assembly,
            stack,
            api_id=api_id,
            stage=(stage_id, stage_name),
            properties=properties,
            body=body,
        )
        for path, method, operation in _operations(body):
            if is_preflight(method, operation):  # the gateway's CORS answer, not a route
                continue
            integration = operation.get(INTEGRATION)
            rules = access(
                body,
                operation,
                permissions=permissions,
                method=method,
                path=path,
                describe=describe,
            )
            yield RouteRow(
                service=service,
                stack=stack.name,
                api=name,
                stage=stage_name,
                method=method,
                path=path,
                urls=tuple(_url(base, path) for base in bases),
                backend=backend(integration, path, stage.get("Variables", {}), stack, assembly),
                authorizer=rules.authorizer,
                scopes=rules.scopes,
                api_key=rules.api_key,
                stage_throttle=settings.stage_throttle,
                route_throttle=settings.route_throttle(method, path),
                tiers=tuple(plan.limit(method, path) for plan in tiers),
                cache=settings.cache(
                    method, path, (integration or {}).get("cacheKeyParameters", [])
                ),
                cors_origin=preflights.get(path),
                region=stack.region,
            )


def _preflight_origins(body: dict[str, Any]) -> dict[str, str]:
    """``path -> allowed origin`` of every path the gateway answers CORS preflight requests on."""
    origins = {}
    for path, method, operation in _operations(body):
        if is_preflight(method, operation):
            answer = operation[INTEGRATION]["responses"]["default"]["responseParameters"]
            origin = answer.get("method.response.header.Access-Control-Allow-Origin", "")
            origins[path] = str(origin).strip("'")
    return origins


def _operations(body: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(path, METHOD, operation)`` of every operation; ``ANY`` for the any-method one."""
    for path, item in body.get("paths", {}).items():
        if not isinstance(item, dict):
            continue
        for key, operation in item.items():
            if key == ANY_METHOD:
                method = "ANY"
            elif key in HTTP_METHODS:
                method = key.upper()
            else:
                continue
            if isinstance(operation, dict):
                yield str(path), method, operation


def _base_urls(
    assembly: CloudAssembly,
    stack: StackTemplate,
    *,
    api_id: str,
    stage: tuple[str, str],
    properties: dict[str, Any],
    body: dict[str, Any],
) -> list[str]:
    """The URL every route of the stage starts with: each custom-domain mapping's, sorted,
    then the ``execute-api`` one unless the API disables it (or is private)."""
    stage_refs = ({"Ref": stage[0]}, stage[1])
    urls = []
    for kind, api_key, path_key in (
        ("AWS::ApiGatewayV2::ApiMapping", "ApiId", "ApiMappingKey"),
        ("AWS::ApiGateway::BasePathMapping", "RestApiId", "BasePath"),
    ):
        for _, mapping in stack.of_type(kind):
            mapped = mapping.get("Properties", {})
            if mapped.get(api_key) != {"Ref": api_id} or mapped.get("Stage") not in stage_refs:
                continue
            domain = assembly.describe(stack, mapped.get("DomainName", ""))
            base_path = assembly.describe(stack, mapped.get(path_key) or "")
            base_path = "" if base_path == "(none)" else base_path.strip("/")
            urls.append(f"https://{domain}/{base_path}".rstrip("/"))
    urls.sort()
    endpoint = body.get("x-amazon-apigateway-endpoint-configuration", {})
    disabled = properties.get("DisableExecuteApiEndpoint") is True or (
        isinstance(endpoint, dict) and endpoint.get("disableExecuteApiEndpoint") is True
    )
    types = properties.get("EndpointConfiguration", {}).get("Types", [])
    if not disabled and "PRIVATE" not in types and stage[1] != NOT_DEPLOYED:
        urls.append(f"https://{{rest-api-id}}.execute-api.{stack.region}.amazonaws.com/{stage[1]}")
    return urls


def _url(base: str, path: str) -> str:
    """A route's URL: the base and the path (the root of a base path has no trailing slash)."""
    if path == "/":
        return base if base.count("/") > 2 else f"{base}/"
    return f"{base}{path}"
