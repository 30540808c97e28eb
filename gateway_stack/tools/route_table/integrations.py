"""An operation's ``x-amazon-apigateway-integration``, as the backend a reviewer recognises.

Stage variables in the integration (``${stageVariables.vpcLinkId}``, ``...backendHost}``) are
replaced by the stage's values, and those are followed through the SSM parameters the platform
publishes: the load balancer is named by its ``/load-balancers/<name>/...`` parameter, else by
the VPC link the connection resolves to.
"""

from __future__ import annotations

import re
from typing import Any

from gateway_stack.assembly import CloudAssembly, StackTemplate
from gateway_stack.naming import GatewayNames
from gateway_stack.tools.route_table.model import Backend

_STAGE_VARIABLE = re.compile(r"^\$\{stageVariables\.([A-Za-z0-9_]+)\}$")
_URI = re.compile(
    r"^(?P<scheme>https?)://(?P<host>[^/:]+|\$\{[^}]+\})(?::(?P<port>\d+))?(?P<path>/.*)?$"
)
_FUNCTION = re.compile(r"functions/(?:arn:[^:]+:lambda:[^:]+:[^:]+:function:)?([^/:]+)")


def lambda_function(uri: str) -> str | None:
    """The function's name in a Lambda invocation URI (an integration's or an authorizer's:
    ``arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<arn or name>/invocations``)."""
    match = _FUNCTION.search(uri)
    return match.group(1) if match else None


def backend(
    integration: dict[str, Any] | None,
    route_path: str,
    variables: dict[str, Any],
    stack: StackTemplate,
    assembly: CloudAssembly,
) -> Backend:
    """The backend of one operation.

    Args:
        integration: the operation's ``x-amazon-apigateway-integration`` (None: none).
        route_path: the operation's path, to tell whether the backend path differs.
        variables: the stage's ``Variables``.
        stack: the API's stack.
        assembly: the whole assembly (for SSM parameters other stacks publish).
    """
    if not integration:
        return Backend("none", "none")
    kind = str(integration.get("type", "")).lower()
    uri = assembly.describe(stack, integration.get("uri", ""))
    timeout = integration.get("timeoutInMillis")
    timeout_ms = int(timeout) if isinstance(timeout, int | float | str) and timeout else None
    if kind == "mock":
        responses = integration.get("responses", {})
        status = next(
            (str(r.get("statusCode")) for r in responses.values() if isinstance(r, dict)), "200"
        )
        return Backend("mock", status)
    if kind in ("aws", "aws_proxy"):
        function = lambda_function(uri) if ":lambda:path/" in uri else None
        if function:
            return Backend("lambda", function, timeout_ms=timeout_ms)
        return Backend("aws", uri, timeout_ms=timeout_ms)
    match = _URI.match(uri)
    if match is None:
        return Backend("http", uri, timeout_ms=timeout_ms)
    host_value = _variable(match.group("host"), variables)
    port = int(match.group("port")) if match.group("port") else None
    path = match.group("path") or "/"
    backend_path = None if _same_path(path, route_path) else path
    if str(integration.get("connectionType", "")).upper() != "VPC_LINK":
        host = assembly.describe(stack, host_value)
        url = f"{match.group('scheme')}://{host}{f':{port}' if port else ''}{path}"
        return Backend("http", url, timeout_ms=timeout_ms)
    link_value = _variable(str(integration.get("connectionId", "")), variables)
    return Backend(
        "nlb",
        _load_balancer(link_value, host_value, stack, assembly),
        port=port,
        path=backend_path,
        timeout_ms=timeout_ms,
        host=_published(host_value, stack, assembly),
        vpc_link=_published(link_value, stack, assembly),
    )


def _variable(text: str, variables: dict[str, Any]) -> Any:
    """A ``${stageVariables.name}`` reference replaced by the stage's value for it."""
    match = _STAGE_VARIABLE.match(text)
    if match and match.group(1) in variables:
        return variables[match.group(1)]
    return text


def _same_path(backend_path: str, route_path: str) -> bool:
    """The integration calls the route's own path (``{proxy+}`` is called as ``{proxy}``)."""
    return backend_path.rstrip("/") == route_path.replace("+}", "}").rstrip("/")


def _load_balancer(link: Any, host: Any, stack: StackTemplate, assembly: CloudAssembly) -> str:
    """The load balancer's name: from the platform's parameter names, else the VPC link's."""
    for value in (link, host):
        name = assembly.ssm_name(stack, value)
        load_balancer = GatewayNames.load_balancer_of(name) if name else None
        if load_balancer:
            return load_balancer
    where, value = assembly.resolve(stack, link)
    if isinstance(value, dict) and isinstance(value.get("Ref"), str):
        vpc_link = where.resources.get(value["Ref"], {})
        if vpc_link.get("Type") == "AWS::ApiGateway::VpcLink":
            name = vpc_link.get("Properties", {}).get("Name")
            return assembly.describe(where, name) if name else value["Ref"]
    return assembly.describe(stack, link)


def _published(value: Any, stack: StackTemplate, assembly: CloudAssembly) -> str:
    """A stage variable's value, followed to the stack that publishes it."""
    where, resolved = assembly.resolve(stack, value)
    text = assembly.describe(where, resolved)
    if where is not stack and text.startswith("<"):
        return f"{text} in {where.name}"
    return text
