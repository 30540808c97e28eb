"""Service teams' OpenAPI documents: read, validated, and checked against what API Gateway takes.

Problems are reported as ``<file>: <JSON pointer>: <what is wrong> (line N)``, every one found in
one pass (:mod:`~gateway_stack.openapi.rules` says what API Gateway cannot take):

* the document must be OpenAPI 3.0 (a Swagger 2.0 or 3.1 document is refused, with how to
  convert it) and valid (openapi-spec-validator, its findings located at the value they
  concern: :mod:`~gateway_stack.openapi.spec_errors`);
* it must not use what API Gateway cannot express (partial path parameters, greedy parameters
  before the last segment, model names that are not alphanumeric, external or broken ``$ref``s,
  no paths), nor the extensions the gateway owns (integrations other than mocks, key source,
  resource policy, endpoint configuration, gateway responses, request validators);
* what API Gateway's import accepts but ignores or replaces is a warning: schema keywords it
  drops (``discriminator``, ``readOnly``, ...), defaults of the wrong type, alternative security
  requirements.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from gateway_stack.errors import GatewayStackError
from gateway_stack.openapi.pointers import Location, line_of, pointer, walk
from gateway_stack.openapi.rules import (
    ANY_METHOD,
    GATEWAY_EXTENSION,
    INTEGRATION,
    OPERATIONS,
    gateway_findings,
    operation_pointer,
    operations,
    path_findings,
    reference_findings,
    version_problem,
)
from gateway_stack.yaml_source import YamlSourceError, read_yaml

__all__ = [
    "ANY_METHOD",
    "DROPPED_KEYWORDS",
    "GATEWAY_EXTENSION",
    "INTEGRATION",
    "OPERATIONS",
    "Document",
    "DocumentReview",
    "OpenApiDocumentError",
    "Problem",
    "check_document",
    "dropped_keywords",
    "dumps",
    "load_document",
    "operation_pointer",
    "operations",
    "parameters_of",
    "plain",
    "read_document",
    "resolve",
    "review_document",
]

#: Schema keywords API Gateway's JSON Schema draft 4 models drop on import.
DROPPED_KEYWORDS = ("discriminator", "readOnly", "writeOnly", "xml", "deprecated")


@dataclass(frozen=True)
class Problem:
    """Something wrong (or, as a warning, ignored) at a place in a document.

    Attributes:
        pointer: the JSON pointer of the value (``""``: the document itself).
        message: what is wrong and what to write instead.
        line: the value's line in the file, when it was read from one. Default: none.
    """

    pointer: str
    message: str
    line: int | None = None

    def render(self, source: str) -> str:
        """``<file>: <pointer>: <message> (line N)``; about the whole file, ``<file>: line N:
        <message>``."""
        if not self.pointer:
            return f"{source}: " + (f"line {self.line}: " if self.line else "") + self.message
        where = f" (line {self.line})" if self.line is not None else ""
        return f"{source}: {self.pointer}: {self.message}{where}"


class OpenApiDocumentError(GatewayStackError):
    """An OpenAPI document the gateway cannot use; every problem, with its JSON pointer."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = tuple(problems)
        super().__init__(p.render(source) for p in problems)


@dataclass(frozen=True)
class DocumentReview:
    """Everything found in a document: ``problems`` refuse it, ``warnings`` do not."""

    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]


@dataclass(frozen=True)
class Document:
    """A checked document, as read from its file.

    Attributes:
        source: the file, as messages name it.
        data: the document (string keys, JSON values).
        warnings: what API Gateway will ignore or the gateway replaces, located.
        lines: the line of each key path in the file. Default: none.
    """

    source: str
    data: dict[str, Any]
    warnings: tuple[Problem, ...] = ()
    lines: Mapping[Location, int] = field(default_factory=dict)


def read_document(path: str | Path) -> Document:
    """Read an OpenAPI document (YAML or JSON) and check it.

    Raises:
        OpenApiDocumentError: the file cannot be read, is not OpenAPI 3.0, or uses what API
            Gateway cannot express; every problem, with its pointer and line.
    """
    source = str(path)
    try:
        read = read_yaml(path)
    except YamlSourceError as error:  # unreadable, not UTF-8, a key written twice, a tag...
        raise OpenApiDocumentError(
            source, [Problem(pointer(error.loc or ()), error.reason, error.line)]
        ) from None
    # A problem is about a key (an operation, a schema): its line is the key's, also where its
    # value starts on a later line.
    data, lines = read.data, {**read.lines, **read.key_lines}
    review = review_document(data, lines)
    if review.problems:
        raise OpenApiDocumentError(source, list(review.problems))
    return Document(source, plain(data), review.warnings, lines)


def load_document(path: str | Path) -> dict[str, Any]:
    """Read an OpenAPI document (YAML or JSON) and check it; return it as plain data (its
    warnings: :func:`read_document`).

    Raises:
        OpenApiDocumentError: as :func:`read_document`.
    """
    return read_document(path).data


def check_document(document: Any, lines: Mapping[Location, int] | None = None) -> list[Problem]:
    """Every problem of ``document`` (:func:`review_document` without the warnings)."""
    return list(review_document(document, lines).problems)


def review_document(document: Any, lines: Mapping[Location, int] | None = None) -> DocumentReview:
    """Every problem and warning of ``document``, each at its pointer (and line, from
    ``lines``), in one pass.

    Args:
        document: the document: mapping keys may be of any type (a YAML ``200:`` is an integer);
            they are read as strings.
        lines: the line of each key path, for messages. Default: none.
    """
    if not isinstance(document, dict):
        found = [("", "an OpenAPI document is a mapping with 'openapi', 'info', 'paths'")]
        return _review(document, lines, found, [])
    document = plain(document)
    version = version_problem(document)
    if version is not None:  # another language: the rules below would only add noise
        return _review(document, lines, [version], [])
    skipped = reference_findings(document) + path_findings(document)
    from gateway_stack.openapi.spec_errors import spec_findings  # slow import: when needed

    broken = {place.removesuffix("/$ref") for place, _ in skipped if place.endswith("/$ref")}
    spec, spec_warnings = spec_findings(
        _without_refs(document, broken), [place for place, _ in skipped]
    )
    own, own_warnings = gateway_findings(document)
    warnings = spec_warnings + own_warnings + dropped_findings(document)
    return _review(document, lines, skipped + spec + own, warnings)


def _review(
    document: Any,
    lines: Mapping[Location, int] | None,
    problems: list[tuple[str, str]],
    warnings: list[tuple[str, str]],
) -> DocumentReview:
    def located(findings: list[tuple[str, str]]) -> tuple[Problem, ...]:
        return tuple(
            Problem(place, message, line_of(document, place, lines or {}))
            for place, message in findings
        )

    return DocumentReview(located(problems), located(warnings))


def _without_refs(document: dict[str, Any], places: set[str]) -> dict[str, Any]:
    """``document`` with the ``$ref`` objects at ``places`` emptied (the validator would fetch
    an external one, and stop at a broken one)."""
    if not places:
        return document
    copy = plain(document)
    for place, node in walk(copy):
        if place in places and isinstance(node, dict):
            node.clear()
    return copy


def dropped_findings(document: dict[str, Any]) -> list[tuple[str, str]]:
    """Schema keywords API Gateway drops on import (warnings: the API still works)."""
    components = document.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    return [
        (place, f"API Gateway ignores '{key}' in models")
        for place, node in walk(schemas if isinstance(schemas, dict) else {}, "/components/schemas")
        if isinstance(node, dict)
        for key in DROPPED_KEYWORDS
        if key in node
    ]


def dropped_keywords(document: dict[str, Any]) -> list[Problem]:
    """Schema keywords API Gateway drops on import, as warnings."""
    return [Problem(place, message) for place, message in dropped_findings(document)]


def plain(value: Any, _copies: dict[int, Any] | None = None) -> Any:
    """A copy of ``value`` as JSON data: mapping keys as strings (a YAML ``200:`` is an
    integer), dates and times as ISO 8601 strings. A value shared in several places (a YAML
    alias) is copied once and stays shared."""
    copies = {} if _copies is None else _copies
    if isinstance(value, dict | list | tuple):
        if id(value) in copies:
            return copies[id(value)]
        if isinstance(value, dict):
            copy: Any = {}
            copies[id(value)] = copy
            copy.update((str(key), plain(item, copies)) for key, item in value.items())
        else:
            copy = []
            copies[id(value)] = copy
            copy.extend(plain(item, copies) for item in value)
        return copy
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


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
            if not isinstance(target, dict):
                return {}
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {})
        node, seen = target, seen + 1
    return node if isinstance(node, dict) else {}
