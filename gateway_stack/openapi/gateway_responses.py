"""The gateway's own responses: one JSON error shape for every API behind the domain.

When API Gateway answers a request itself - a missing or bad token, a client the authorizer
denies, a throttle or quota, a request that fails validation, a backend that times out - it
sends a *gateway response*. By default those bodies are ``{"message": "..."}`` and differ from
one error to the next. The gateway writes the same JSON body into every API::

    {"message": "Unauthorized", "type": "UNAUTHORIZED", "requestId": "c0ffee..."}

``requestId`` is the id in the access log line of the request (and in the ``x-amzn-RequestId``
header), so a client's report leads straight to the log. With CORS on, each response carries
``Access-Control-Allow-Origin`` so that a browser lets the page read the error.

The responses travel in the OpenAPI body (``x-amazon-apigateway-gateway-responses``), not as
``AWS::ApiGateway::GatewayResponse`` resources: the body's import owns the API's definition, and
responses declared beside it would be reset by the next import.
"""

from __future__ import annotations

import json
from typing import Any

from gateway_stack.models.cors import Cors

#: Document-level extension holding the gateway responses.
GATEWAY_RESPONSES = "x-amazon-apigateway-gateway-responses"

#: API Gateway's mapping-template variables for the error body. ``messageString`` is already a
#: quoted (and escaped) JSON string; the others are plain identifiers.
ERROR_BODY = (
    '{"message":$context.error.messageString,'
    '"type":"$context.error.responseType",'
    '"requestId":"$context.requestId"}'
)

#: Response type -> status code. ``DEFAULT_4XX`` and ``DEFAULT_5XX`` cover every other type
#: (``BAD_REQUEST_BODY``, ``INTEGRATION_TIMEOUT``, ``AUTHORIZER_FAILURE``, ...) with its own
#: status code; the rest are written out so that their status is explicit.
RESPONSE_STATUS: dict[str, str | None] = {
    "DEFAULT_4XX": None,
    "DEFAULT_5XX": None,
    "UNAUTHORIZED": "401",
    "ACCESS_DENIED": "403",
    "THROTTLED": "429",
    "QUOTA_EXCEEDED": "429",
    # API Gateway answers a path or method the API does not have with "Missing Authentication
    # Token" and 403. A 404 says what happened.
    "MISSING_AUTHENTICATION_TOKEN": "404",
}
#: The message of the responses whose default message misleads.
_MESSAGES = {"MISSING_AUTHENTICATION_TOKEN": "No route matches the request's method and path"}


def gateway_responses(cors: Cors | None = None) -> dict[str, Any]:
    """The ``x-amazon-apigateway-gateway-responses`` object.

    Args:
        cors: the API's CORS settings: every response then carries the allowed origin.
            Default: none (no CORS header).
    """
    headers = {"gatewayresponse.header.Content-Type": "'application/json'"}
    if cors is not None:
        headers.update(
            {f"gatewayresponse.header.{k}": f"'{v}'" for k, v in cors.origin_headers().items()}
        )
    responses: dict[str, Any] = {}
    for response_type, status in RESPONSE_STATUS.items():
        template = ERROR_BODY
        if response_type in _MESSAGES:
            template = template.replace(
                "$context.error.messageString", json.dumps(_MESSAGES[response_type])
            )
        response: dict[str, Any] = {
            "responseParameters": dict(headers),
            "responseTemplates": {"application/json": template},
        }
        if status is not None:
            response["statusCode"] = status
        responses[response_type] = response
    return responses
