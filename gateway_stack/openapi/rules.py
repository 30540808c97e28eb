"""What API Gateway (and the gateway) cannot take in a service team's document, as
``(pointer, message)`` findings: the version, the paths, ``$ref``s, model names, the extensions
the gateway owns, and what becomes a warning.

Every rule tolerates a document that is not valid OpenAPI (a string where a mapping belongs is
skipped here; the validator reports it), so that all of them run in one pass.

The facts (from AWS's "Working with API Gateway extensions to OpenAPI" and "Amazon API Gateway
important notes for REST APIs"): API Gateway imports OpenAPI 2.0 (Swagger) and 3.0 definitions,
not 3.1; resource path segments are whole parameters or literal characters; model names are
alphanumeric; it applies one security requirement per method; it does not fetch external
references, nor check ``default`` or ``example`` values.
"""

from __future__ import annotations

import re
from typing import Any

from gateway_stack.models.target import MAX_RAISED_INTEGRATION_TIMEOUT_MS
from gateway_stack.openapi.gateway_responses import GATEWAY_RESPONSES
from gateway_stack.openapi.options import OptionError, route_options
from gateway_stack.openapi.pointers import pointer, short, walk
from gateway_stack.openapi.routes import path_problem
from gateway_stack.openapi.validation import VALIDATOR, VALIDATORS

OPERATIONS = ("get", "put", "post", "delete", "patch", "head", "options")
ANY_METHOD = "x-amazon-apigateway-any-method"
INTEGRATION = "x-amazon-apigateway-integration"
#: Settings a service team may give an operation (see gateway_stack.openapi.routes.RouteOptions).
GATEWAY_EXTENSION = "x-gateway-stack"
#: Document-level extensions only the gateway writes.
GATEWAY_OWNED = (
    "x-amazon-apigateway-api-key-source",
    "x-amazon-apigateway-policy",
    "x-amazon-apigateway-endpoint-configuration",
    GATEWAY_RESPONSES,
    VALIDATORS,
    VALIDATOR,
)
MODEL_NAME = re.compile(r"^[A-Za-z0-9]+$")
#: How to convert a Swagger 2.0 document (docs/openapi.md says why the gateway does not).
CONVERT_SWAGGER = (
    "convert it to OpenAPI 3.0 (npx swagger2openapi FILE -o FILE.yaml, or "
    "https://converter.swagger.io) and point 'openapi:' at the converted file"
)

Finding = tuple[str, str]


def version_problem(document: dict[str, Any]) -> Finding | None:
    """Why the document's version is not one the gateway takes (OpenAPI 3.0.x), or None."""
    if "swagger" in document and "openapi" not in document:
        return (
            "/swagger",
            f"a Swagger {short(document['swagger'])} document: API Gateway imports Swagger 2.0, "
            "but the gateway writes its integrations, security and validation as OpenAPI 3.0; "
            + CONVERT_SWAGGER,
        )
    version = document.get("openapi")
    if not isinstance(version, str):
        found = "missing" if version is None else f"{short(version)}, not a string"
        return (
            "/openapi" if version is not None else "",
            f"'openapi' is {found}: write the version as a string, e.g. openapi: \"3.0.3\"",
        )
    if version.startswith("3.0."):
        return None
    if version.startswith("3."):
        return (
            "/openapi",
            f"OpenAPI {version}: API Gateway's REST API import takes OpenAPI 2.0 and 3.0, not "
            f"3.1 or later; write the document in OpenAPI 3.0 (openapi: 3.0.3) without 3.1 "
            "features (type lists, webhooks, $ref siblings)",
        )
    return ("/openapi", f"{short(version)} is not an OpenAPI 3.0 version; write openapi: 3.0.3")


def path_findings(document: dict[str, Any]) -> list[Finding]:
    """The paths API Gateway cannot route or deploy (none, or a segment it refuses)."""
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return []  # missing or not a mapping: the validator says so
    if not paths:
        return [("/paths", "no paths: API Gateway refuses to deploy an API without methods")]
    found = [
        (pointer(["paths", path]), problem)
        for path in paths
        if (problem := path_problem(str(path)))
    ]
    if not any(True for _ in operations(document)) and not found:
        found.append(
            ("/paths", "no operations: API Gateway refuses to deploy an API without methods")
        )
    return found


def reference_findings(document: dict[str, Any]) -> list[Finding]:
    """``$ref``s that point outside the document, or at nothing in it."""
    found = []
    for place, node in walk(document):
        if not isinstance(node, dict) or "$ref" not in node:
            continue
        ref = node["$ref"]
        if not isinstance(ref, str):
            continue
        if not ref.startswith("#/"):
            found.append(
                (
                    place + "/$ref",
                    f"API Gateway resolves only references inside the document; inline {ref!r}",
                )
            )
        elif not _exists(document, ref):
            found.append(
                (place + "/$ref", f"{ref!r} points at nothing in the document; fix the name")
            )
    return found


def _exists(document: dict[str, Any], ref: str) -> bool:
    node: Any = document
    for raw in ref[2:].split("/"):
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return False
    return True


def gateway_findings(document: dict[str, Any]) -> tuple[list[Finding], list[Finding]]:
    """The gateway's own rules: ``(problems, warnings)``."""
    problems = [
        (f"/{key}", "this extension is the gateway's to write; remove it")
        for key in GATEWAY_OWNED
        if key in document
    ]
    warnings: list[Finding] = []
    warned: set[str] = set()
    for path, method, operation in operations(document):
        at = operation_pointer(path, method)
        integration = operation.get(INTEGRATION)
        if integration is not None and not isinstance(integration, dict):
            problems.append(
                (
                    f"{at}/{INTEGRATION}",
                    f"{short(integration)} is not an integration object; remove it (the gateway "
                    f"writes the integration), or mark the operation '{GATEWAY_EXTENSION}: "
                    "{mock: true}' to have a MOCK answer with its example",
                )
            )
        elif integration is not None and str(integration.get("type", "")).lower() != "mock":
            problems.append(
                (
                    f"{at}/{INTEGRATION}",
                    "the gateway writes each operation's integration to the service's load "
                    "balancer; remove it (only a 'mock' integration may be kept), or mark the "
                    f"operation '{GATEWAY_EXTENSION}: {{mock: true}}'",
                )
            )
        try:
            # The account's raised ceiling is the gateway file's to say: the definition checks
            # a timeout against it; here only against the highest any account may have.
            route_options(operation.get(GATEWAY_EXTENSION), MAX_RAISED_INTEGRATION_TIMEOUT_MS)
        except OptionError as error:
            key = f"/{error.key}" if error.key else ""
            problems.append((f"{at}/{GATEWAY_EXTENSION}{key}", str(error)))
        if VALIDATOR in operation:
            problems.append(
                (
                    f"{at}/{VALIDATOR}",
                    "the gateway validates requests wherever the operation defines a request "
                    "body schema or required query or header parameters; remove it",
                )
            )
        own = "security" in operation
        requirements = operation.get("security") if own else document.get("security")
        place = f"{at}/security" if own else "/security"
        if isinstance(requirements, list) and len(requirements) > 1 and place not in warned:
            warned.add(place)  # the document's own requirements: one warning for all
            first = requirements[0] if isinstance(requirements[0], dict) else {}
            scopes = sorted({s for v in first.values() if isinstance(v, list) for s in v})
            warnings.append(
                (
                    place,
                    f"{len(requirements)} alternative security requirements: API Gateway applies "
                    "one per method, and the gateway's authorizer and API key replace them; "
                    + ("the route requires " if own else "routes without their own require ")
                    + (f"the first one's scopes ({', '.join(scopes)})" if scopes else "no scope")
                    + f" (set '{GATEWAY_EXTENSION}: {{scopes: [...]}}' to choose)",
                )
            )
    components = document.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    for name in schemas if isinstance(schemas, dict) else ():
        if not MODEL_NAME.match(str(name)):
            problems.append(
                (
                    pointer(["components", "schemas", name]),
                    "API Gateway model names are letters and digits only; rename the schema",
                )
            )
    return problems, warnings


def operations(document: dict[str, Any]) -> Any:
    """``(path, method, operation)`` for every operation that is a mapping (method upper case,
    or ANY)."""
    paths = document.get("paths")
    for path, item in paths.items() if isinstance(paths, dict) else ():
        if not isinstance(item, dict):
            continue
        for key, operation in item.items():
            if not isinstance(operation, dict):
                continue
            if key in OPERATIONS:
                yield str(path), key.upper(), operation
            elif key == ANY_METHOD:
                yield str(path), "ANY", operation


def operation_pointer(path: str, method: str) -> str:
    """The JSON pointer of an operation."""
    key = ANY_METHOD if method == "ANY" else method.lower()
    return pointer(["paths", path, key])
