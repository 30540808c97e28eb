"""The security the gateway writes into every service API: its token authorizer and API key."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gateway_stack.openapi.routes import Route
from gateway_stack.openapi.rules import operation_pointer

#: Name of the authorizer's security scheme in every service API.
AUTHORIZER_SCHEME = "gateway-authorizer"
#: Name of the API key's security scheme.
API_KEY_SCHEME = "api-key"
#: ``Authorization`` values API Gateway lets through to the authorizer (others: 401 at once).
BEARER_EXPRESSION = r"^Bearer [-_A-Za-z0-9]+\.[-_A-Za-z0-9]+\.[-_A-Za-z0-9]+$"


@dataclass(frozen=True)
class AuthorizerRef:
    """The shared token authorizer, as a service API refers to it.

    Attributes:
        function_arn: ARN of the authorizer Lambda function.
        cache_ttl_seconds: how long API Gateway caches a token's policy (0-3600). Default: 300.
        identity_validation_expression: what the Authorization header must match before the
            function is called. Default: ``Bearer <JWT>``.
    """

    function_arn: str
    cache_ttl_seconds: int = 300
    identity_validation_expression: str = BEARER_EXPRESSION

    def __post_init__(self) -> None:
        if not 0 <= self.cache_ttl_seconds <= 3600:
            raise ValueError(
                f"AuthorizerRef.cache_ttl_seconds: {self.cache_ttl_seconds} is outside 0-3600"
            )

    def invocation_uri(self, region: str, partition: str = "aws") -> str:
        """The authorizer URI API Gateway calls (the function's ``invocations`` path)."""
        return (
            f"arn:{partition}:apigateway:{region}:lambda:path/2015-03-31/functions/"
            f"{self.function_arn}/invocations"
        )


def security_schemes(
    authorizer: AuthorizerRef | None, *, api_key: bool, region: str, partition: str = "aws"
) -> dict[str, Any]:
    """The ``components.securitySchemes`` the gateway writes."""
    schemes: dict[str, Any] = {}
    if authorizer is not None:
        schemes[AUTHORIZER_SCHEME] = {
            "type": "apiKey",
            "name": "Authorization",
            "in": "header",
            "x-amazon-apigateway-authtype": "custom",
            "x-amazon-apigateway-authorizer": {
                "type": "token",
                "authorizerUri": authorizer.invocation_uri(region, partition),
                "authorizerResultTtlInSeconds": authorizer.cache_ttl_seconds,
                "identityValidationExpression": authorizer.identity_validation_expression,
            },
        }
    if api_key:
        schemes[API_KEY_SCHEME] = {"type": "apiKey", "name": "x-api-key", "in": "header"}
    return schemes


def security_requirement(schemes: dict[str, Any]) -> list[dict[str, list[str]]]:
    """One requirement naming every scheme (all must pass), or none."""
    return [{name: [] for name in schemes}] if schemes else []


class PlacedError(ValueError):
    """A problem at a place below the operation."""

    def __init__(self, pointer: str, message: str):
        super().__init__(message)
        self.pointer = pointer


def is_public(
    operation: dict[str, Any],
    route: Route,
    public_routes: frozenset[str],
    origin: str,
    generated: bool,
) -> bool:
    """Whether ``route`` is public (anyone may call it): listed in ``public_routes`` (the
    platform's list, which ``origin`` names in messages) and, in a team's document (not
    ``generated`` from a route list), declared ``security: []``.

    Raises:
        PlacedError: a mismatch either way; an operation that declares ``security: []`` is
            never silently given the authorizer.
    """
    listed = route.key in public_routes
    declared = operation.get("security") == []
    at = operation_pointer(route.path, route.method) + "/security"
    if declared and not listed:
        raise PlacedError(
            at,
            "declares 'security: []' (anyone may call it), but the gateway gives every route its "
            "authorizer and API key unless the platform lists it as public: ask for "
            f"'{route.key}' in {origin}, or remove 'security: []'",
        )
    if listed and not declared and not generated:
        raise PlacedError(
            operation_pointer(route.path, route.method),
            f"{origin} lists '{route.key}' as public, but the operation "
            "does not declare it: add 'security: []' to the operation (or ask for it to be "
            "taken off the list)",
        )
    return listed
