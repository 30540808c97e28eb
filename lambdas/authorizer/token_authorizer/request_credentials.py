"""The credential of a REQUEST event: exactly one ``Authorization``-style value.

A TOKEN event carries it in ``authorizationToken`` (the header its identity source names) and is
read by ``authorize``. A REQUEST event carries the whole request; the credential may come from

- the ``Authorization`` header, in any case of its name (``Bearer <jwt>`` or ``Basic <b64>``);
- the header named by ``TOKEN_HEADER`` (a bare JWT, or ``Bearer <jwt>``), when configured;
- the query-string parameter named by ``TOKEN_QUERY_PARAMETER`` (a bare JWT), when configured.

Exactly one value from exactly one source is accepted. A header sent twice (two values in
``multiValueHeaders``, or two spellings of its name), or credentials in two sources (a header and
the query string) are refused (401): API Gateway caches the answer under the identity sources'
values, so the decision must rest on one value that the cache key is made of, never on a value
chosen by a precedence rule an attacker could play against the cache. Values that are not strings,
and ``headers`` or ``queryStringParameters`` that are not objects, are a 401 too.

The value is returned, never logged by the authorizer (a query-string token can still reach the
stage's execution logs and any access log format that records the query string: see
docs/auth-modes.md).
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from token_authorizer.errors import Unauthenticated

AUTHORIZATION = "authorization"
#: A bare compact JWS (three base64url segments), as a custom header or query parameter holds it.
_BARE_JWT = re.compile(r"[A-Za-z0-9_\-]+={0,2}\.[A-Za-z0-9_\-]+={0,2}\.[A-Za-z0-9_\-]+={0,2}")
_BEARER_PREFIX = re.compile(r"[Bb][Ee][Aa][Rr][Ee][Rr] ")
#: The start of Basic credentials (scheme names are case-insensitive, RFC 9110 section 11.1).
BASIC_PREFIX = re.compile(r"[Bb][Aa][Ss][Ii][Cc] ")
#: Longer bare tokens are refused before matching (the verifier's limit on the whole header).
MAX_BARE_TOKEN_CHARS = 8192


class Credential(NamedTuple):
    """What the event carries: ``authorization`` in the ``Authorization`` header's syntax
    (``Bearer <jwt>``, ``Basic <b64>``, or anything a client sent there) and where it was."""

    authorization: str
    source: str  # "header" (Authorization), "custom_header", "query"


class CredentialSources(NamedTuple):
    """Where a REQUEST event's credential may be (from the settings).

    Attributes:
        header: a header besides ``Authorization`` holding a bearer JWT. Default: none.
        query_parameter: a query-string parameter holding a bare JWT. Default: none.
    """

    header: str | None = None
    query_parameter: str | None = None


def read_credential(event: dict[str, Any], sources: CredentialSources) -> Credential:
    """The one credential of a REQUEST ``event``; ``Unauthenticated`` (``missing_token``,
    ``malformed_request``, ``duplicate_credentials``, ``ambiguous_credentials``,
    ``malformed_authorization``) otherwise."""
    headers = _mapping(event, "headers")
    multi_headers = _mapping(event, "multiValueHeaders")
    found: list[Credential] = []
    value = _single(headers, multi_headers, AUTHORIZATION, fold_case=True)
    if value is not None:
        found.append(Credential(value, "header"))
    if sources.header is not None:
        value = _single(headers, multi_headers, sources.header.lower(), fold_case=True)
        if value is not None:
            found.append(Credential(_as_bearer(value), "custom_header"))
    if sources.query_parameter is not None:
        query = _mapping(event, "queryStringParameters")
        multi_query = _mapping(event, "multiValueQueryStringParameters")
        value = _single(query, multi_query, sources.query_parameter, fold_case=False)
        if value is not None:
            found.append(Credential(_as_bearer(value, bearer_allowed=False), "query"))
    if not found:
        raise Unauthenticated("missing_token")
    if len(found) > 1:
        raise Unauthenticated("ambiguous_credentials")
    return found[0]


def _mapping(event: dict[str, Any], key: str) -> dict[str, Any]:
    """``event[key]`` as an object; absent or null is empty; anything else a 401."""
    value = event.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Unauthenticated("malformed_request")
    return value


def _single(
    single: dict[str, Any], multi: dict[str, Any], name: str, *, fold_case: bool
) -> str | None:
    """The one value of ``name`` in a (single, multi-value) pair of maps; None when absent."""
    values: set[str] = set()
    spellings = 0
    for key, value in single.items():
        if _named(key, name, fold_case):
            if not isinstance(value, str):
                raise Unauthenticated("malformed_request")
            values.add(value)
            spellings += 1
    for key, items in multi.items():
        if _named(key, name, fold_case):
            if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
                raise Unauthenticated("malformed_request")
            if len(items) > 1:
                raise Unauthenticated("duplicate_credentials")
            values.update(items)
    if len(values) > 1 or spellings > 1:
        raise Unauthenticated("duplicate_credentials")
    if not values:
        return None
    value = values.pop()
    if not value:
        raise Unauthenticated("missing_token")
    return value


def _named(key: object, name: str, fold_case: bool) -> bool:
    if not isinstance(key, str):
        return False
    return key.lower() == name if fold_case else key == name


def _as_bearer(value: str, *, bearer_allowed: bool = True) -> str:
    """A custom header's or query parameter's bare JWT in ``Authorization`` syntax; anything
    else is a 401 (Basic credentials are read from ``Authorization`` only)."""
    if bearer_allowed and _BEARER_PREFIX.match(value):
        return value
    if len(value) <= MAX_BARE_TOKEN_CHARS and _BARE_JWT.fullmatch(value):
        return "Bearer " + value
    raise Unauthenticated("malformed_authorization")
