"""Who may call a route: the authorizer, the scopes a token needs, and the API key.

Read from the body (the operation's ``security`` requirement, the API's ``securitySchemes`` with
their ``x-amazon-apigateway-authorizer``, ``x-amazon-apigateway-api-key-source``) and from the
permission map the API publishes for the shared authorizer (an SSM parameter named after the
API's id whose value is ``{"version": 1, "routes": [{method, path, scopes}]}``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gateway_stack.assembly import StackTemplate
from gateway_stack.tools.route_table.integrations import lambda_function

#: ``Authorization`` is the header of token authorizers; an apiKey scheme on x-api-key is a key.
_API_KEY_HEADER = "x-api-key"


@dataclass(frozen=True)
class Access:
    """Who may call one operation.

    Attributes:
        authorizer: e.g. ``token acme-dev-authorizer (cache 300 s)``; ``none`` when anyone may.
        scopes: scopes a token needs for this route.
        api_key: ``required (from the authorizer)``, ``required (x-api-key header)`` or ``no``.
    """

    authorizer: str
    scopes: tuple[str, ...]
    api_key: str


def access(
    body: dict[str, Any],
    operation: dict[str, Any],
    *,
    permissions: dict[tuple[str, str], tuple[str, ...]],
    method: str,
    path: str,
    describe: Callable[[Any], str],
) -> Access:
    """The access rules of one operation.

    Args:
        body: the API's OpenAPI body.
        operation: the operation.
        permissions: ``(method, path) -> scopes`` from the API's permission map.
        method: the operation's method (``ANY`` for every method).
        path: the operation's path.
        describe: turns a template value into text (:meth:`CloudAssembly.describe`, bound).
    """
    schemes = {
        **body.get("securityDefinitions", {}),
        **body.get("components", {}).get("securitySchemes", {}),
    }
    requirements = operation.get("security", body.get("security")) or []
    names: dict[str, list[str]] = {}
    for requirement in requirements[:1]:  # API Gateway applies one requirement per method
        names.update({name: list(scopes or []) for name, scopes in requirement.items()})
    authorizers, scopes, api_key = [], set(permissions.get((method, path), ())), False
    for name, listed in names.items():
        scheme = schemes.get(name, {})
        if "x-amazon-apigateway-authorizer" in scheme:
            authorizers.append(_authorizer(scheme["x-amazon-apigateway-authorizer"], describe))
            scopes |= set(listed)  # Cognito user-pool authorizers check these
        elif str(scheme.get("x-amazon-apigateway-authtype", "")).lower() == "awssigv4":
            authorizers.append("IAM (SigV4)")
        elif scheme.get("type") == "apiKey" and scheme.get("name", "").lower() == _API_KEY_HEADER:
            api_key = True
    auth = operation.get("x-amazon-apigateway-auth", {})
    if isinstance(auth, dict) and str(auth.get("type", "")).upper() == "AWS_IAM":
        authorizers.append("IAM (SigV4)")
    source = str(body.get("x-amazon-apigateway-api-key-source", "HEADER")).upper()
    key = "no"
    if api_key:
        key = "required (from the authorizer)" if source == "AUTHORIZER" else (
            "required (x-api-key header)"
        )  # fmt: skip
    return Access(", ".join(authorizers) or "none", tuple(sorted(scopes)), key)


def permission_maps(stack: StackTemplate, api_id: str) -> dict[tuple[str, str], tuple[str, ...]]:
    """``(method, path) -> scopes`` from the permission maps the API publishes (SSM parameters
    whose name refers to the API, with a version-1 permission map as their value)."""
    found: dict[tuple[str, str], tuple[str, ...]] = {}
    for _, resource in stack.of_type("AWS::SSM::Parameter"):
        properties = resource.get("Properties", {})
        if {"Ref": api_id} not in _references(properties.get("Name")):
            continue
        try:
            document = json.loads(properties.get("Value", ""))
        except (TypeError, ValueError):
            continue
        if not isinstance(document, dict) or document.get("version") != 1:
            continue
        for route in document.get("routes", []):
            found[(str(route.get("method")), str(route.get("path")))] = tuple(
                route.get("scopes", [])
            )
    return found


def _authorizer(authorizer: dict[str, Any], describe: Callable[[Any], str]) -> str:
    kind = str(authorizer.get("type", "token")).lower()
    if kind == "cognito_user_pools":
        return "Cognito user pool"
    uri = describe(authorizer.get("authorizerUri", ""))
    text = f"{kind} {lambda_function(uri) or uri}"
    ttl = authorizer.get("authorizerResultTtlInSeconds")
    if ttl is not None:
        text += f" (cache {ttl} s)"
    return text


def _references(value: Any) -> list[Any]:
    """Every ``{"Ref": ...}`` inside a template value."""
    if isinstance(value, dict):
        if "Ref" in value and len(value) == 1:
            return [value]
        return [ref for item in value.values() for ref in _references(item)]
    if isinstance(value, list):
        return [ref for item in value for ref in _references(item)]
    return []
