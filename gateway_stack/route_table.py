"""``make routes``: the public URL prefixes of a synthesized gateway, read from ``cdk.out``.

It reads what will deploy - the templates - not the gateway file: each service stack's API
mappings (domain and base path), its REST API, and its backend, which the stage variables name
through the platform's SSM parameters (the load balancer's name, and its DNS name when the
platform template holds it as a literal).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .openapi.cors import is_preflight

_LOAD_BALANCER_PARAMETER = re.compile(r"/load-balancers/([^/]+)/(vpc-link-id|dns-name)$")
_PORT = re.compile(r"^http://\$\{stageVariables\.backendHost\}:(\d+)")


@dataclass(frozen=True)
class PublicPrefix:
    """One public URL prefix and what answers it."""

    url: str
    service_stack: str
    api: str
    backend: str
    routes: int
    mocks: int


def read_route_table(cdk_out: Path) -> list[PublicPrefix]:
    """Every API mapping of every stack in ``cdk_out``, sorted by URL."""
    templates = {
        path.name.removesuffix(".template.json"): json.loads(path.read_text())
        for path in sorted(cdk_out.glob("*.template.json"))
    }
    published = _published_parameters(templates)
    rows = []
    for stack, template in templates.items():
        resources = template.get("Resources", {})
        apis = {k: r for k, r in resources.items() if r["Type"] == "AWS::ApiGateway::RestApi"}
        for mapping in (
            r for r in resources.values() if r["Type"] == "AWS::ApiGatewayV2::ApiMapping"
        ):
            properties = mapping["Properties"]
            api = (
                apis.get(properties["ApiId"].get("Ref", ""))
                if isinstance(properties["ApiId"], dict)
                else None
            )
            body = (api or {}).get("Properties", {}).get("Body", {})
            operations = [
                op
                for item in body.get("paths", {}).values()
                for key, op in item.items()
                if key != "parameters" and not is_preflight(key, op)
            ]
            integrations = [op.get("x-amazon-apigateway-integration", {}) for op in operations]
            rows.append(
                PublicPrefix(
                    url=f"https://{_domain(properties['DomainName'], template)}/"
                    f"{properties.get('ApiMappingKey', '')}",
                    service_stack=stack,
                    api=(api or {}).get("Properties", {}).get("Name", "?"),
                    backend=_backend(resources, template, published, integrations),
                    routes=len(operations),
                    mocks=sum(1 for i in integrations if i.get("type") == "mock"),
                )
            )
    return sorted(rows, key=lambda row: row.url)


def render_markdown(rows: list[PublicPrefix]) -> str:
    """The table as Markdown."""
    lines = [
        "| public URL prefix | service stack | API | backend | routes (mocks) |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {r.url} | {r.service_stack} | {r.api} | {r.backend} | {r.routes} ({r.mocks}) |"
        for r in rows
    ]
    return "\n".join(lines)


def render_json(rows: list[PublicPrefix]) -> str:
    """The table as JSON."""
    return json.dumps([asdict(r) for r in rows], indent=2)


def _published_parameters(templates: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """SSM parameter name -> value, for every parameter some stack creates."""
    published = {}
    for template in templates.values():
        for resource in template.get("Resources", {}).values():
            if resource["Type"] == "AWS::SSM::Parameter":
                properties = resource["Properties"]
                if isinstance(properties.get("Name"), str):  # not a permission map's Fn::Join
                    published[properties["Name"]] = properties.get("Value")
    return published


def _domain(value: Any, template: dict[str, Any]) -> str:
    if isinstance(value, str):
        return value
    parameter = template.get("Parameters", {}).get(value.get("Ref", ""), {})
    return f"<{parameter.get('Default', 'deploy-time domain')}>"


def _backend(
    resources: dict[str, Any],
    template: dict[str, Any],
    published: dict[str, Any],
    integrations: list[dict[str, Any]],
) -> str:
    ports = sorted({m.group(1) for i in integrations if (m := _PORT.match(i.get("uri", "")))})
    stages = [r for r in resources.values() if r["Type"] == "AWS::ApiGateway::Stage"]
    variables = stages[0]["Properties"].get("Variables", {}) if stages else {}
    host = variables.get("backendHost")
    where = "?"
    if isinstance(host, dict) and "Ref" in host:
        name = template.get("Parameters", {}).get(host["Ref"], {}).get("Default", "")
        match = _LOAD_BALANCER_PARAMETER.search(name)
        value = published.get(name)
        dns = value if isinstance(value, str) else "NLB created by the platform"
        where = f"{match.group(1)} ({dns})" if match else name
    elif isinstance(host, str):
        where = host
    if not ports:
        return "mock only" if integrations else where
    return f"{where} port {', '.join(ports)}"
