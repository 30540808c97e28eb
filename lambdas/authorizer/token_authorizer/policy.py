"""The authorizer response: IAM policy document, usage identifier key and a flat context.

The Deny answer (every route of the stage) is built by Powertools' ``APIGatewayAuthorizerResponse``.
The Allow answer is built here: its resources are the permission map's patterns (``GET/items/*``,
``*/orders``), each kept within API Gateway's 512 characters (an Allow that does not fit is
dropped, a Deny is widened), in one Allow and at most one Deny statement; Powertools' builder
takes a verb and a resource path matching ``[/.a-zA-Z0-9-_*{}+]+`` per route, does not fit or
de-duplicate ARNs, and takes twice the time on the warm path (docs/authorizer.md).
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerResponse,
)

from token_authorizer.arn import MethodArn

MAX_RESOURCE_CHARS = 512  # API Gateway's limit on one Resource ARN in an authorizer policy
WHOLE_STAGE = "*/*"  # every verb and path of the calling API and stage

ContextValue = str | int | float | bool


def _statement(effect: str, resources: list[str]) -> dict[str, Any]:
    return {"Action": "execute-api:Invoke", "Effect": effect, "Resource": resources}


def _fit(prefix: str, pattern: str, *, widen: bool) -> str | None:
    """``prefix + pattern`` within the limit; too long: widened to ``…*`` (Deny) or dropped."""
    resource = prefix + pattern
    if len(resource) <= MAX_RESOURCE_CHARS:
        return resource
    if not widen:
        return None
    return resource[: MAX_RESOURCE_CHARS - 1] + "*"  # a prefix + '*' matches a superset


def flat_context(values: dict[str, Any]) -> dict[str, ContextValue]:
    """Keep only string, number and boolean values (API Gateway answers 500 on anything else)."""
    return {
        key: value
        for key, value in values.items()
        if isinstance(key, str) and isinstance(value, (str, int, float, bool))
    }


def allow_response(
    method_arn: MethodArn,
    *,
    principal_id: str,
    usage_key: str,
    allow: list[str] | tuple[str, ...],
    deny: list[str] | tuple[str, ...],
    context: dict[str, Any],
) -> tuple[dict[str, Any], bool] | None:
    """The Allow answer, and False when a too-long ARN had to be dropped or widened.

    None when no Allow resource fits within ``MAX_RESOURCE_CHARS``: there is nothing to allow.
    """
    prefix = method_arn.stage_prefix
    # ``allow`` holds distinct patterns (route_policy de-duplicates them), so the fitting ARNs are
    # distinct too; shortened Deny ARNs can collide, and are de-duplicated (linear, in order).
    allowed = [r for p in allow if (r := _fit(prefix, p, widen=False)) is not None]
    if not allowed:
        return None
    denied = list(dict.fromkeys(r for p in deny if (r := _fit(prefix, p, widen=True)) is not None))
    exact = len(allowed) == len(allow) and all(
        len(prefix) + len(p) <= MAX_RESOURCE_CHARS for p in deny
    )
    statements = [_statement("Allow", allowed)]
    if denied:
        statements.append(_statement("Deny", denied))
    response = {
        "principalId": principal_id,
        "policyDocument": {"Version": "2012-10-17", "Statement": statements},
        "usageIdentifierKey": usage_key,
        "context": flat_context(context),
    }
    return response, exact


def deny_response(
    method_arn: MethodArn, principal_id: str, context: dict[str, Any]
) -> dict[str, Any]:
    """Deny every route of the calling API and stage (consistent under the authorizer cache).

    Powertools' response builder, ``deny_all_routes``: ``{stage_prefix}*/*``.
    """
    response = APIGatewayAuthorizerResponse(
        principal_id,
        method_arn.region,
        method_arn.aws_account_id,
        method_arn.api_id,
        method_arn.stage,
        context=flat_context(context),
        partition=method_arn.partition,
    )
    response.deny_all_routes()
    return response.asdict()


def glob_matches(glob: str, text: str) -> bool:
    """IAM-style match of one concrete string (``*`` any run, ``?`` one character).

    Linear in the text, whatever the pattern: the text is the caller's request path (up to
    1600 characters), so a backtracking regex here would let one request hold the function
    until its timeout. Greedy-leftmost placement of each ``*``-separated piece is exact for
    patterns whose only wildcard that spans characters is ``*``.
    """
    pieces = glob.split("*")
    if len(pieces) == 1:
        return len(glob) == len(text) and _piece_at(glob, text, 0)
    first, *middle, last = pieces
    if len(first) + len(last) > len(text):
        return False
    if not _piece_at(first, text, 0) or not _piece_at(last, text, len(text) - len(last)):
        return False
    position, end = len(first), len(text) - len(last)
    for piece in middle:
        found = _find(piece, text, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True


def _piece_at(piece: str, text: str, start: int) -> bool:
    """``piece`` (``?`` = any one character) matches ``text`` at ``start``."""
    if start + len(piece) > len(text):
        return False
    return all(p in ("?", text[start + i]) for i, p in enumerate(piece))


def _find(piece: str, text: str, start: int, end: int) -> int:
    """First index >= start where ``piece`` fits before ``end``; -1 if none."""
    if "?" not in piece:
        return text.find(piece, start, end)
    for index in range(start, end - len(piece) + 1):
        if _piece_at(piece, text, index):
            return index
    return -1


def allows(response: dict[str, Any], resource: str) -> bool:
    """IAM evaluation of ``response`` for one ARN: an Allow matches and no Deny does."""
    allowed = False
    for statement in response["policyDocument"]["Statement"]:
        if any(glob_matches(pattern, resource) for pattern in statement["Resource"]):
            if statement["Effect"] == "Deny":
                return False
            allowed = True
    return allowed
