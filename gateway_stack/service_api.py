"""``ServiceApi``: one service's REST API, built from an OpenAPI document.

The API reaches the service only through a VPC link to the service's internal Network Load
Balancer. Routes live in the API's OpenAPI body (see :mod:`gateway_stack.openapi`); the backend is
bound through stage variables, so the same body deploys against any VPC link.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from aws_cdk import RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_logs as logs
from constructs import Construct

from .access_log import access_log_format
from .nag import acknowledge
from .openapi import (
    BACKEND_HOST_VARIABLE,
    VPC_LINK_VARIABLE,
    PrivateIntegration,
    proxy_document,
)


@dataclass(frozen=True)
class BackendRef:
    """A service's backend as its API reaches it: a VPC link and the NLB's DNS name.

    Either value may be a deploy-time token (an SSM parameter the platform publishes).

    Attributes:
        vpc_link_id: id of the REST API VPC link that targets the NLB.
        host: the NLB's DNS name.
    """

    vpc_link_id: str
    host: str


@dataclass(frozen=True)
class StageConfig:
    """The settings of a service API's one stage.

    Attributes:
        name: the stage name.
        rate_limit: default steady-state throttle for the stage, requests per second.
            Default: 500.
        burst_limit: default burst throttle for the stage, requests. Default: 1000.
        access_log_retention: how long access logs are kept. Default: three months.
        tracing: X-Ray tracing of requests. Default: on.
    """

    name: str
    rate_limit: float = 500
    burst_limit: int = 1000
    access_log_retention: logs.RetentionDays = logs.RetentionDays.THREE_MONTHS
    tracing: bool = True
    variables: dict[str, str] = field(default_factory=dict)


class ServiceApi(Construct):
    """A service's REST API: REGIONAL, defined by an OpenAPI body, with one logged stage.

    The stage writes JSON access logs (:mod:`gateway_stack.access_log`) to its own log group,
    traces with X-Ray, logs execution at INFO with per-method metrics (never request bodies), and
    throttles by default. The stage is redeployed exactly when the document changes: the
    Deployment's logical id carries a hash of the body.

    Args:
        scope: the construct's parent (a service stack).
        construct_id: the construct's id. Keep it stable: it prefixes every logical id.
        service_name: the service's name; the API is named ``<api_name_prefix><service_name>``.
        backend: the VPC link and NLB DNS name that reach the service.
        integration: the port and timeout of the private integration.
        stage: the stage's settings.
        document: the OpenAPI 3 document with its ``x-amazon-apigateway-integration`` written
            in. Default: :func:`~gateway_stack.openapi.proxy_document`, the root and a
            ``{proxy+}`` catch-all forwarded to the backend.
        api_name_prefix: prefix of the API's name in API Gateway. Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        service_name: str,
        backend: BackendRef,
        integration: PrivateIntegration,
        stage: StageConfig,
        document: dict[str, Any] | None = None,
        api_name_prefix: str = "",
    ) -> None:
        super().__init__(scope, construct_id)
        api_name = f"{api_name_prefix}{service_name}"
        self.document: dict[str, Any] = document or proxy_document(api_name, integration)

        self.access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            retention=stage.access_log_retention,
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.api = apigw.SpecRestApi(
            self,
            "Api",
            rest_api_name=api_name,
            description=f"{service_name}: private integration through a VPC link",
            api_definition=apigw.ApiDefinition.from_inline(self.document),
            endpoint_types=[apigw.EndpointType.REGIONAL],
            cloud_watch_role=False,
            deploy_options=apigw.StageOptions(
                stage_name=stage.name,
                description=f"{service_name} {stage.name}",
                access_log_destination=apigw.LogGroupLogDestination(self.access_logs),
                access_log_format=access_log_format(),
                tracing_enabled=stage.tracing,
                logging_level=apigw.MethodLoggingLevel.INFO,
                data_trace_enabled=False,
                metrics_enabled=True,
                throttling_rate_limit=stage.rate_limit,
                throttling_burst_limit=stage.burst_limit,
                variables={
                    **stage.variables,
                    VPC_LINK_VARIABLE: backend.vpc_link_id,
                    BACKEND_HOST_VARIABLE: backend.host,
                },
            ),
        )
        # Redeploy exactly when the routes change: the body's hash joins the Deployment's id.
        self.api.latest_deployment.add_to_logical_id({"document": document_hash(self.document)})
        self.stage: apigw.Stage = self.api.deployment_stage
        acknowledge(
            self.api,
            "AwsSolutions-APIG2",
            "Routes are forwarded as HTTP_PROXY: requests reach the service unchanged and the "
            "service validates them. Validation from OpenAPI request models is not built yet.",
        )
        acknowledge(
            self.stage,
            "AwsSolutions-APIG3",
            "No AWS WAF web ACL is associated yet: web ACLs are not part of the gateway file so "
            "far. Until they are, the stage throttle and the authorizer limit abuse.",
        )

    @property
    def rest_api_id(self) -> str:
        """The REST API's id."""
        return self.api.rest_api_id

    @property
    def stage_name(self) -> str:
        """The deployed stage's name."""
        return self.stage.stage_name


def document_hash(document: dict[str, Any]) -> str:
    """A stable hash of an OpenAPI document (key order does not matter)."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
