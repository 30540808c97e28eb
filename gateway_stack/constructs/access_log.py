"""The JSON access-log line every service stage writes."""

from __future__ import annotations

import json

from aws_cdk import aws_apigateway as apigw

#: Field name -> API Gateway ``$context`` variable. One JSON object per request.
ACCESS_LOG_FIELDS: dict[str, str] = {
    "requestId": "$context.requestId",
    "extendedRequestId": "$context.extendedRequestId",
    "requestTime": "$context.requestTimeEpoch",
    "ip": "$context.identity.sourceIp",
    "userAgent": "$context.identity.userAgent",
    "httpMethod": "$context.httpMethod",
    "domainName": "$context.domainName",
    "basePath": "$context.customDomain.basePathMatched",
    "resourcePath": "$context.resourcePath",
    "path": "$context.path",
    "protocol": "$context.protocol",
    "status": "$context.status",
    "responseLength": "$context.responseLength",
    "responseLatency": "$context.responseLatency",
    "integrationStatus": "$context.integration.status",
    "integrationLatency": "$context.integration.latency",
    "integrationError": "$context.integration.error",
    "apiKeyId": "$context.identity.apiKeyId",
    "principalId": "$context.authorizer.principalId",
    "clientId": "$context.authorizer.clientId",
    "authorizerStatus": "$context.authorizer.status",
    "authorizerLatency": "$context.authorizer.latency",
    "authorizerError": "$context.authorizer.error",
    "errorMessage": "$context.error.message",
    "errorType": "$context.error.responseType",
}


def access_log_format() -> apigw.AccessLogFormat:
    """The access-log format: one JSON object per request with :data:`ACCESS_LOG_FIELDS`.

    Every value is quoted: API Gateway writes ``-`` for a value it does not have (no
    integration on a 401, say), which would break the line's JSON as a bare number.
    """
    return apigw.AccessLogFormat.custom(json.dumps(ACCESS_LOG_FIELDS, separators=(",", ":")))
