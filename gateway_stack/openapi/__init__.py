"""OpenAPI documents for service APIs, with API Gateway's extensions written in.

Every route of a service API lives in its OpenAPI body rather than as one CloudFormation resource
per method: a hundred routes cost one ``AWS::ApiGateway::RestApi`` resource, not three hundred.
"""

from gateway_stack.models.cors import Cors
from gateway_stack.models.throttle import Throttle
from gateway_stack.openapi.definition import (
    DEFAULT_FORWARDED_CONTEXT,
    GatewaySettings,
    ServiceDefinition,
    from_document,
    from_routes,
    proxy_routes,
)
from gateway_stack.openapi.document import (
    OpenApiDocumentError,
    Problem,
    check_document,
    load_document,
)
from gateway_stack.openapi.integration import (
    BACKEND_HOST_VARIABLE,
    VPC_LINK_VARIABLE,
    PrivateIntegration,
    mock_integration,
)
from gateway_stack.openapi.routes import (
    Route,
    RouteOptions,
    parse_route,
    resource_paths,
)
from gateway_stack.openapi.security import AuthorizerRef

__all__ = [
    "BACKEND_HOST_VARIABLE",
    "DEFAULT_FORWARDED_CONTEXT",
    "VPC_LINK_VARIABLE",
    "AuthorizerRef",
    "Cors",
    "GatewaySettings",
    "OpenApiDocumentError",
    "PrivateIntegration",
    "Problem",
    "Route",
    "RouteOptions",
    "ServiceDefinition",
    "Throttle",
    "check_document",
    "from_document",
    "from_routes",
    "load_document",
    "mock_integration",
    "parse_route",
    "proxy_routes",
    "resource_paths",
]
