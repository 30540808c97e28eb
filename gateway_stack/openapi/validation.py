"""Request validation from a service team's OpenAPI document.

API Gateway can refuse a malformed request before it reaches the service: a body that does not
match its model, or a required query string or header that is missing or blank. The gateway
turns this on, operation by operation, wherever the document gives API Gateway something to
check against:

- a required JSON request body (``requestBody.required: true``, every media type JSON -
  ``application/json`` or ``*/*+json`` - and one with a ``schema``): API Gateway imports the
  schema as the method's request model and validates the body against it (JSON Schema draft 4).
  An optional body is not validated (API Gateway validates a missing body as ``{}``, which a
  schema with required properties refuses), nor is a body that may be anything but JSON (a PDF
  or a form would be checked against a JSON model);
- a query string or header parameter with ``required: true`` (API Gateway checks that it is
  present and not blank; it does not check its schema).

Path parameters are not validated: a request without them matches no route. Route lists have
no schemas, so their operations are not validated. A refused request gets the
``BAD_REQUEST_BODY`` or ``BAD_REQUEST_PARAMETERS`` gateway response: 400, with the gateway's JSON
error body (:mod:`gateway_stack.openapi.gateway_responses`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

#: Operation-level extension naming the validator of one method.
VALIDATOR = "x-amazon-apigateway-request-validator"
#: Document-level extension declaring the API's validators by name.
VALIDATORS = "x-amazon-apigateway-request-validators"

#: The validators the gateway declares, by name: (validate the body, validate the parameters).
_KINDS: Mapping[tuple[bool, bool], str] = {
    (True, True): "body-and-params",
    (True, False): "body",
    (False, True): "params",
}


def request_validator(
    request_body: Mapping[str, Any] | None, parameters: Sequence[Mapping[str, Any]]
) -> str | None:
    """The name of the validator an operation needs, or ``None`` when there is nothing to check.

    Args:
        request_body: the operation's ``requestBody`` (``$ref`` already followed), if any.
        parameters: the operation's parameters, its path item's included (``$ref`` followed).
    """
    content = (request_body or {}).get("content", {})
    body = (
        (request_body or {}).get("required") is True
        and bool(content)
        and all(_is_json(media_type) for media_type in content)
        and any(isinstance(media, Mapping) and "schema" in media for media in content.values())
    )
    params = any(
        p.get("in") in ("query", "header") and p.get("required") is True for p in parameters
    )
    return _KINDS.get((body, params))


def _is_json(media_type: str) -> bool:
    """``application/json`` or a structured-syntax ``+json`` type (parameters ignored)."""
    essence = media_type.split(";", 1)[0].strip().lower()
    return essence == "application/json" or essence.endswith("+json")


def validator_declarations(names: set[str]) -> dict[str, dict[str, bool]]:
    """The document-level declaration of the named validators (those the operations use)."""
    return {
        name: {"validateRequestBody": body, "validateRequestParameters": params}
        for (body, params), name in _KINDS.items()
        if name in names
    }
