"""``x-amazon-apigateway-integration`` objects: the private integration, and mocks.

The backend is addressed through two stage variables, so the document itself holds no value that
is only known at deploy time (and the stage is redeployed only when the routes change):

* ``${stageVariables.vpcLinkId}`` - the VPC link to the service's internal NLB;
* ``${stageVariables.backendHost}`` - the NLB's DNS name (the ``Host`` the service sees).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: Stage variable that holds the VPC link id.
VPC_LINK_VARIABLE = "vpcLinkId"
#: Stage variable that holds the backend NLB's DNS name.
BACKEND_HOST_VARIABLE = "backendHost"

#: API Gateway's ceiling for an integration's timeout (REST, without a quota increase).
MAX_INTEGRATION_TIMEOUT_MS = 29_000
MIN_INTEGRATION_TIMEOUT_MS = 50


def check_timeout(timeout_ms: int, where: str, limit_ms: int = MAX_INTEGRATION_TIMEOUT_MS) -> None:
    """Refuse a timeout outside API Gateway's range (up to ``limit_ms``: the account's ceiling,
    29,000 ms unless AWS raised it)."""
    if not MIN_INTEGRATION_TIMEOUT_MS <= timeout_ms <= limit_ms:
        raise ValueError(
            f"{where}: {timeout_ms} ms is outside API Gateway's "
            f"{MIN_INTEGRATION_TIMEOUT_MS}-{limit_ms} ms integration timeout"
            + (
                " (an account whose quota AWS raised says so in the gateway file: "
                "account_quotas.integration_timeout_ms)"
                if timeout_ms > limit_ms == MAX_INTEGRATION_TIMEOUT_MS
                else ""
            )
        )


@dataclass(frozen=True)
class PrivateIntegration:
    """An HTTP_PROXY integration over a VPC link to a port of the service's NLB.

    Attributes:
        port: the NLB listener's port.
        timeout_ms: integration timeout in milliseconds, 50 to ``timeout_limit_ms``.
            Default: 29,000.
        timeout_limit_ms: the account's integration timeout ceiling in the region: 29,000
            unless AWS raised it (Regional and private REST APIs, up to 300,000). Default: 29,000.
    """

    port: int
    timeout_ms: int = MAX_INTEGRATION_TIMEOUT_MS
    timeout_limit_ms: int = MAX_INTEGRATION_TIMEOUT_MS

    def __post_init__(self) -> None:
        if not 1 <= self.port <= 65535:
            raise ValueError(f"PrivateIntegration.port: {self.port} is not a TCP port (1-65535)")
        check_timeout(self.timeout_ms, "PrivateIntegration.timeout_ms", self.timeout_limit_ms)

    def for_path(
        self,
        path: str,
        path_parameters: Sequence[str] = (),
        *,
        headers: Mapping[str, str] | None = None,
        timeout_ms: int | None = None,
        cache_key_parameters: Sequence[str] = (),
    ) -> dict[str, Any]:
        """The integration object for a route.

        Args:
            path: the backend path, ``{name}`` for each path parameter (``{proxy+}`` becomes
                ``{proxy}``).
            path_parameters: parameters mapped from the method request's path parameters.
            headers: integration request headers -> mapping expressions, e.g.
                ``{"X-Client-Id": "context.authorizer.clientId"}``.
            timeout_ms: this route's timeout. Default: the integration's.
            cache_key_parameters: method request parameters that key the stage cache.
        """
        integration: dict[str, Any] = {
            "type": "http_proxy",
            "httpMethod": "ANY",
            "uri": f"http://${{stageVariables.{BACKEND_HOST_VARIABLE}}}:{self.port}"
            + path.replace("+}", "}"),
            "connectionType": "VPC_LINK",
            "connectionId": f"${{stageVariables.{VPC_LINK_VARIABLE}}}",
            "passthroughBehavior": "when_no_match",
            "timeoutInMillis": timeout_ms or self.timeout_ms,
        }
        parameters = {
            f"integration.request.path.{name}": f"method.request.path.{name}"
            for name in path_parameters
        }
        parameters.update(
            {f"integration.request.header.{h}": source for h, source in (headers or {}).items()}
        )
        if parameters:
            integration["requestParameters"] = parameters
        if cache_key_parameters:
            integration["cacheKeyParameters"] = list(cache_key_parameters)
        return integration


def mock_integration(status_code: str, example: Any) -> dict[str, Any]:
    """A MOCK integration that answers ``status_code`` with ``example`` as a JSON body.

    The body goes through a Velocity mapping template; ``#[[...]]#`` keeps ``$`` and ``#`` in
    the example literal.
    """
    body = json.dumps(example, separators=(",", ":"), sort_keys=True)
    if "$" in body or "#" in body:
        body = f"#[[{body}]]#"
    return {
        "type": "mock",
        "requestTemplates": {"application/json": json.dumps({"statusCode": int(status_code)})},
        "passthroughBehavior": "when_no_templates",
        "responses": {
            "default": {
                "statusCode": status_code,
                "responseTemplates": {"application/json": body},
            }
        },
    }
