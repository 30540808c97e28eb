"""openapi-spec-validator's findings, in the gateway's words: each at the value it concerns.

The validator checks a document against the OpenAPI 3.0 schema, then walks it (paths,
operations, parameters, schemas). Its errors need three things before a service team sees them:

* a place: errors about a schema's ``default`` come with no path at all (the validator checks
  the value on its own), so the default's place is recorded while the walk reaches it, ``$ref``s
  followed to where the schema is written;
* one short line: "``{...1 KB...} is not valid under any of the given schemas``" becomes the
  deepest reason that is not "write a ``$ref`` instead", values cut to a few words;
* a weight: a ``default`` of the wrong type is a warning, because API Gateway's import does not
  check defaults (nor examples, which the validator does not check either).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar

from jsonschema.exceptions import ValidationError, best_match
from openapi_spec_validator import OpenAPIV30SpecValidator
from openapi_spec_validator.validation import keywords
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from gateway_stack.openapi.pointers import Location, follow_refs, pointer, short

_DEFAULT_KEY = "gateway_stack_default_at"
_PLACE_KEY = "gateway_stack_place"
_UNRESOLVED = re.compile(r"Path parameter '(.+)' for '(\w+)' operation in '(.+)' was not resolved")


class _LocatedDefaults(keywords.OpenAPIV30ValueValidator):
    """The validator's check of a schema's ``default``, with the default's place recorded."""

    def __call__(self, schema: Any, value: Any) -> Iterator[ValidationError]:
        for error in super().__call__(schema, value):
            located = OpenAPIValidationError.create_from(error)
            setattr(located, _DEFAULT_KEY, (*tuple(schema.parts), "default"))
            yield located


class _LocatedSchemas(keywords.OpenAPIV30SchemaValidator):
    """The validator's walk of a schema, with the schema's place recorded on errors that have
    none (a ``required`` list naming no property, a schema that is not an object)."""

    def __call__(
        self, schema: Any, require_properties: bool = True, meta_checked: bool = False
    ) -> Iterator[ValidationError]:
        for error in super().__call__(schema, require_properties, meta_checked):
            yield _placed(error, tuple(schema.parts))  # paths relative to the schema


class _LocatedOperations(keywords.OperationValidator):
    """The validator's check of an operation, with its place recorded (duplicate operation
    ids, undeclared path parameters)."""

    def __call__(
        self, url: str, name: str, operation: Any, path_parameters: Any
    ) -> Iterator[ValidationError]:
        for error in super().__call__(url, name, operation, path_parameters):
            yield _placed(error, tuple(operation.parts))


def _placed(error: ValidationError, parts: Location) -> ValidationError:
    """``error`` with the place of the schema or operation that raised it (an error from
    deeper in the walk already has its own)."""
    if getattr(error, _PLACE_KEY, None) is not None:
        return error
    if getattr(error, _DEFAULT_KEY, None) is not None:
        return error
    located = error
    if not isinstance(error, OpenAPIValidationError):
        located = OpenAPIValidationError.create_from(error)
    setattr(located, _PLACE_KEY, parts)
    return located


class _Validator(OpenAPIV30SpecValidator):
    keyword_validators: ClassVar[Mapping[str, type[keywords.KeywordValidator]]] = {
        **OpenAPIV30SpecValidator.keyword_validators,
        "default": _LocatedDefaults,
        "schema": _LocatedSchemas,
        "operation": _LocatedOperations,
    }


def spec_findings(
    document: dict[str, Any], skip: Sequence[str] = ()
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The validator's ``(pointer, message)`` problems and warnings for ``document``.

    Args:
        document: the document, with string keys.
        skip: pointers whose problems are already reported (an external or broken ``$ref``, a
            path API Gateway cannot route): findings at, under or just above them are dropped.
            Default: none.
    """
    problems: list[tuple[str, str]] = []
    warnings: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for error in _Validator(document).iter_errors():
        default_at = getattr(error, _DEFAULT_KEY, None)
        if default_at is not None:
            place = pointer(follow_refs(document, default_at) + tuple(error.absolute_path))
            finding = (
                place,
                f"default {_reason(error)}; API Gateway's import does not check defaults, "
                "but clients reading the document will",
            )
            target = warnings
        else:
            place, message = _located(error, document)
            finding, target = (place, message), problems
        if finding in seen or _skipped(finding[0], skip):
            continue
        seen.add(finding)
        target.append(finding)
    # The walk's "not a schema" repeats the schema check's finding at the same place.
    places = {place for place, message in problems if message != NOT_A_SCHEMA}
    problems = [p for p in problems if p[1] != NOT_A_SCHEMA or p[0] not in places]
    return problems, warnings


def _located(error: ValidationError, document: dict[str, Any]) -> tuple[str, str]:
    """The pointer and one-line message of a (schema or walk) error."""
    if _UNRESOLVED.match(error.message):
        return _unresolved(error.message)
    deepest = _deepest(error)
    location: Location = tuple(deepest.absolute_path)
    place = getattr(error, _PLACE_KEY, None)
    if place is not None:
        location = follow_refs(document, place) + location
    return pointer(location), _reason(deepest)


def _deepest(error: ValidationError) -> ValidationError:
    """The most telling reason under a ``oneOf``/``anyOf`` error: not the alternative "this
    could be a ``$ref``", and as deep as the reasons go."""
    while error.context:
        reasons = [e for e in error.context if not _is_ref_alternative(e)]
        if not reasons:
            break
        error = best_match(reasons)
    return error


def _is_ref_alternative(error: ValidationError) -> bool:
    return error.validator == "required" and "'$ref'" in error.message


def _reason(error: ValidationError) -> str:
    """The error's message with the value it quotes cut to a few words."""
    if _NOT_A_SCHEMA.match(error.message):
        return NOT_A_SCHEMA
    unknown = _UNKNOWN_KEYS.match(error.message)
    if unknown:
        names, one = unknown.group(1), unknown.group(2) == "does"
        what = "is not an OpenAPI 3.0 keyword" if one else "are not OpenAPI 3.0 keywords"
        return f"{names} {what} here (only 'x-' extensions may be added)"
    if error.validator == "type" and isinstance(error.instance, dict | list):
        expected = error.validator_value
        kinds = [expected] if isinstance(expected, str) else list(expected)
        words = " or ".join(dict.fromkeys(_KINDS.get(kind, kind) for kind in kinds))
        return (
            f"must be {words} (got {'a list' if isinstance(error.instance, list) else 'a mapping'})"
        )
    if error.validator in ("type", "enum", "format", "pattern") or error.message.startswith(
        repr(error.instance)[:20]
    ):
        rest = error.message[len(repr(error.instance)) :]
        if error.message.startswith(repr(error.instance)):
            return f"{short(error.instance)} {_one_line(rest)}"
    return _one_line(error.message)


NOT_A_SCHEMA = "a schema is a mapping (or true or false)"
#: JSON Schema's types in a YAML author's words.
_KINDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "empty (null)",
}
_NOT_A_SCHEMA = re.compile(r"^.* is not of type 'object', 'boolean'$", re.DOTALL)


_UNKNOWN_KEYS = re.compile(r"^(.*) (does|do) not match any of the regexes: '\^x-'$")


def _one_line(text: str, limit: int = 160) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _unresolved(message: str) -> tuple[str, str]:
    match = _UNRESOLVED.match(message)
    if match is None:
        return "", _one_line(message)
    name, method, path = match.groups()
    return (
        pointer(("paths", path, method)),
        f"path parameter {{{name}}} is not declared: add it to 'parameters' with in: path",
    )


def _skipped(place: str, skip: Sequence[str]) -> bool:
    """Whether ``place`` is at, under, or the parent of a place already reported."""
    for known in skip:
        if place == known or place.startswith(known + "/"):
            return True
        if known.startswith(place + "/") and known.count("/") - place.count("/") <= 2:
            return True
    return False
