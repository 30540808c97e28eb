"""OpenAPI documents for service APIs, with API Gateway's extensions written in.

Every route of a service API lives in its OpenAPI body rather than as one CloudFormation resource
per method: a hundred routes cost one ``AWS::ApiGateway::RestApi`` resource, not three hundred.

The backend is addressed through two stage variables, so the document itself holds no value that
is only known at deploy time (and the stage is redeployed only when the routes change):

* ``${stageVariables.vpcLinkId}`` - the VPC link to the service's internal NLB;
* ``${stageVariables.backendHost}`` - the NLB's DNS name (the ``Host`` the service sees).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Stage variable that holds the VPC link id.
VPC_LINK_VARIABLE = "vpcLinkId"
#: Stage variable that holds the backend NLB's DNS name.
BACKEND_HOST_VARIABLE = "backendHost"

#: API Gateway's ceiling for an integration's timeout (REST, without a quota increase).
MAX_INTEGRATION_TIMEOUT_MS = 29_000
MIN_INTEGRATION_TIMEOUT_MS = 50

ANY_METHOD = "x-amazon-apigateway-any-method"
INTEGRATION = "x-amazon-apigateway-integration"


@dataclass(frozen=True)
class PrivateIntegration:
    """An HTTP_PROXY integration over a VPC link to a port of the service's NLB.

    Attributes:
        port: the NLB listener's port.
        timeout_ms: integration timeout in milliseconds, 50 to 29,000. Default: 29,000.
    """

    port: int
    timeout_ms: int = MAX_INTEGRATION_TIMEOUT_MS

    def __post_init__(self) -> None:
        if not 1 <= self.port <= 65535:
            raise ValueError(f"PrivateIntegration.port: {self.port} is not a TCP port (1-65535)")
        if not MIN_INTEGRATION_TIMEOUT_MS <= self.timeout_ms <= MAX_INTEGRATION_TIMEOUT_MS:
            raise ValueError(
                f"PrivateIntegration.timeout_ms: {self.timeout_ms} is outside API Gateway's "
                f"{MIN_INTEGRATION_TIMEOUT_MS}-{MAX_INTEGRATION_TIMEOUT_MS} ms range"
            )

    def for_path(self, path: str, path_parameters: tuple[str, ...] = ()) -> dict[str, Any]:
        """The ``x-amazon-apigateway-integration`` object for a route.

        ``path`` is the backend path, with ``{name}`` for each of ``path_parameters`` (which are
        mapped from the method request's path parameters of the same name).
        """
        integration: dict[str, Any] = {
            "type": "http_proxy",
            "httpMethod": "ANY",
            "uri": f"http://${{stageVariables.{BACKEND_HOST_VARIABLE}}}:{self.port}{path}",
            "connectionType": "VPC_LINK",
            "connectionId": f"${{stageVariables.{VPC_LINK_VARIABLE}}}",
            "passthroughBehavior": "when_no_match",
            "timeoutInMillis": self.timeout_ms,
        }
        if path_parameters:
            integration["requestParameters"] = {
                f"integration.request.path.{name}": f"method.request.path.{name}"
                for name in path_parameters
            }
        return integration


def proxy_document(title: str, integration: PrivateIntegration) -> dict[str, Any]:
    """A document that forwards everything: the root and a ``{proxy+}`` catch-all, any method.

    Path, method, query string, headers and body reach the service unchanged.
    """
    passed_through = {"200": {"description": "The service's response, passed through."}}
    return {
        "openapi": "3.0.1",
        "info": {"title": title, "version": "1.0"},
        "paths": {
            "/": {
                ANY_METHOD: {
                    "responses": passed_through,
                    INTEGRATION: integration.for_path("/"),
                }
            },
            "/{proxy+}": {
                ANY_METHOD: {
                    "parameters": [
                        {
                            "name": "proxy",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": passed_through,
                    INTEGRATION: integration.for_path("/{proxy}", ("proxy",)),
                }
            },
        },
    }
