"""Service teams' OpenAPI documents: read, validated, and checked against what API Gateway takes.

Problems are reported as ``<file>: <JSON pointer>: <what is wrong>``, all at once:

* the document must be valid OpenAPI 3.0 (checked with openapi-spec-validator);
* it must not use what API Gateway cannot express (OpenAPI 3.1, partial path parameters,
  greedy parameters before the last segment, model names that are not alphanumeric, external
  ``$ref``s), nor the extensions the gateway owns (integrations other than mocks, key source,
  resource policy, endpoint configuration, gateway responses);
* schema keywords that API Gateway silently drops (``discriminator``, ``readOnly``, ...) are
  returned as warnings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gateway_stack.errors import GatewayStackError
from gateway_stack.openapi.gateway_responses import GATEWAY_RESPONSES
from gateway_stack.openapi.routes import path_problem
from gateway_stack.openapi.validation import VALIDATOR, VALIDATORS
from gateway_stack.yaml_source import YamlSourceError, read_yaml

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
#: Schema keywords API Gateway's JSON Schema draft 4 models drop on import.
DROPPED_KEYWORDS = ("discriminator", "readOnly", "writeOnly", "xml", "deprecated")
MODEL_NAME = re.compile(r"^[A-Za-z0-9]+$")


@dataclass(frozen=True)
class Problem:
    """Something wrong at a place in a document."""

    pointer: str
    message: str


class OpenApiDocumentError(GatewayStackError):
    """An OpenAPI document the gateway cannot use; every problem, with its JSON pointer."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = tuple(problems)
        super().__init__(f"{source}: {p.pointer or '/'}: {p.message}" for p in problems)


def load_document(path: str | Path) -> dict[str, Any]:
    """Read an OpenAPI document (YAML or JSON) and check it; return it as plain data.

    Raises:
        OpenApiDocumentError: the file cannot be read, is not OpenAPI 3.0, or uses what API
            Gateway cannot express.
    """
    source = str(path)
    try:
        document = read_yaml(path).data
    except YamlSourceError as error:
        raise OpenApiDocumentError(source, [_unreadable(error)]) from None
    problems = check_document(document)
    if problems:
        raise OpenApiDocumentError(source, problems)
    return document


def _unreadable(error: YamlSourceError) -> Problem:
    """A file that is not plain YAML or JSON, as a problem at its key path and line."""
    if error.loc is not None:
        return Problem(_pointer(error.loc), f"{error.reason} (line {error.line})")
    return Problem("", f"line {error.line}: {error.reason}" if error.line else error.reason)


def check_document(document: Any) -> list[Problem]:
    """Every problem of ``document``: OpenAPI validity first, then API Gateway's limits."""
    if not isinstance(document, dict):
        return [Problem("", "an OpenAPI document is a mapping with 'openapi', 'info', 'paths'")]
    version = str(document.get("openapi", ""))
    if not version.startswith("3.0."):
        found = version or f"swagger {document['swagger']}" if "swagger" in document else version
        return [
            Problem(
                "/openapi",
                f"API Gateway imports OpenAPI 3.0 documents; this one is {found or 'unversioned'}"
                " (write openapi: 3.0.3)",
            )
        ]
    # First what the validator cannot get past: it would fetch external references, and
    # partial path parameters make it report every operation of the path instead.
    problems = _external_references(document) + _path_problems(document)
    if problems:
        return problems
    from openapi_spec_validator import OpenAPIV30SpecValidator  # slow to import: when needed

    problems = [_problem(error) for error in OpenAPIV30SpecValidator(document).iter_errors()]
    if problems:  # API Gateway's own rules assume a valid document
        return problems
    return _gateway_problems(document)


def dropped_keywords(document: dict[str, Any]) -> list[Problem]:
    """Schema keywords API Gateway drops on import (warnings: the API still works)."""
    return [
        Problem(pointer, f"API Gateway ignores '{key}' in models")
        for pointer, node in _walk(
            document.get("components", {}).get("schemas", {}), "/components/schemas"
        )
        if isinstance(node, dict)
        for key in DROPPED_KEYWORDS
        if key in node
    ]


def operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(path, method, operation)`` for every operation (method upper case, or ANY)."""
    for path, item in document.get("paths", {}).items():
        if not isinstance(item, dict):
            continue
        for key, operation in item.items():
            if key in OPERATIONS:
                yield path, key.upper(), operation
            elif key == ANY_METHOD:
                yield path, "ANY", operation


def operation_pointer(path: str, method: str) -> str:
    """The JSON pointer of an operation."""
    key = ANY_METHOD if method == "ANY" else method.lower()
    return _pointer(["paths", path, key])


def _gateway_problems(document: dict[str, Any]) -> list[Problem]:
    problems = [
        Problem(f"/{key}", "this extension is the gateway's to write; remove it")
        for key in GATEWAY_OWNED
        if key in document
    ]
    for path, method, operation in operations(document):
        integration = operation.get(INTEGRATION)
        if integration is not None and str(integration.get("type", "")).lower() != "mock":
            problems.append(
                Problem(
                    operation_pointer(path, method) + "/" + INTEGRATION,
                    "the gateway writes each operation's integration to the service's load "
                    "balancer; remove it (only a 'mock' integration may be kept), or mark the "
                    f"operation '{GATEWAY_EXTENSION}: {{mock: true}}'",
                )
            )
        if VALIDATOR in operation:
            problems.append(
                Problem(
                    operation_pointer(path, method) + "/" + VALIDATOR,
                    "the gateway validates requests wherever the operation defines a request "
                    "body schema or required query or header parameters; remove it",
                )
            )
        if len(operation.get("security", document.get("security", [])) or []) > 1:
            problems.append(
                Problem(
                    operation_pointer(path, method) + "/security",
                    "alternative security requirements cannot be expressed by the gateway's "
                    "authorizer; list one requirement with the scopes the route needs",
                )
            )
    for name in document.get("components", {}).get("schemas", {}):
        if not MODEL_NAME.match(name):
            problems.append(
                Problem(
                    _pointer(["components", "schemas", name]),
                    "API Gateway model names are letters and digits only; rename the schema",
                )
            )
    return problems


def _problem(error: Any) -> Problem:
    """A validator error as a problem at the pointer it concerns."""
    unresolved = _UNRESOLVED.match(error.message)
    if unresolved and not error.absolute_path:
        name, method, path = unresolved.groups()
        return Problem(
            _pointer(["paths", path, method]),
            f"path parameter {{{name}}} is not declared: add it to 'parameters' with in: path",
        )
    return Problem(_pointer(error.absolute_path), error.message)


_UNRESOLVED = re.compile(r"Path parameter '(.+)' for '(\w+)' operation in '(.+)' was not resolved")


def _path_problems(document: dict[str, Any]) -> list[Problem]:
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return []
    return [
        Problem(_pointer(["paths", path]), problem)
        for path in paths
        if (problem := path_problem(str(path)))
    ]


def _external_references(document: dict[str, Any]) -> list[Problem]:
    return [
        Problem(
            pointer + "/$ref",
            f"API Gateway resolves only references inside the document; inline {ref!r}",
        )
        for pointer, node in _walk(document, "")
        if isinstance(node, dict)
        and isinstance(ref := node.get("$ref"), str)
        and not ref.startswith("#/")
    ]


def _walk(node: Any, pointer: str) -> Iterator[tuple[str, Any]]:
    yield pointer, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _walk(value, f"{pointer}/{_escape(str(key))}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, f"{pointer}/{index}")


def _pointer(parts: Any) -> str:
    return "".join(f"/{_escape(str(part))}" for part in parts)


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def dumps(document: dict[str, Any]) -> str:
    """The document as compact, key-sorted JSON (what is hashed and uploaded)."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"))


def parameters_of(operation: dict[str, Any], body: dict[str, Any], path: str) -> list[Any]:
    """The operation's parameters and its path item's, ``$ref`` followed (the operation's win
    by name and place)."""
    item = body.get("paths", {}).get(path, {})
    own = [resolve(p, body) for p in operation.get("parameters", [])]
    names = {(p.get("name"), p.get("in")) for p in own}
    shared = [resolve(p, body) for p in item.get("parameters", [])]
    return own + [p for p in shared if (p.get("name"), p.get("in")) not in names]


def resolve(node: Any, body: dict[str, Any]) -> dict[str, Any]:
    """``node``, or what its local ``$ref`` (``#/components/...``) points at, followed up to 16
    times; ``{}`` for anything that is not a mapping."""
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 16:
        target: Any = body
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {})
        node, seen = target, seen + 1
    return node if isinstance(node, dict) else {}
