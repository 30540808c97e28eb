"""``ServiceApi``: one service's REST API, built from an OpenAPI document.

The API reaches the service only through a VPC link to the service's internal Network Load
Balancer. Routes live in the API's OpenAPI body (:mod:`gateway_stack.openapi`): a service team's
own document, a route list, or a proxy of everything. The backend is bound through stage
variables, so the same body deploys against any VPC link.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from aws_cdk import Annotations, RemovalPolicy, Stack, Token
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_logs as logs
from aws_cdk import aws_ssm as ssm
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from gateway_stack.base_paths import validate_base_path
from gateway_stack.constructs.access_log import access_log_format
from gateway_stack.constructs.backend import BackendRef
from gateway_stack.constructs.guards import add_check
from gateway_stack.constructs.stage import StageConfig, method_options
from gateway_stack.errors import GatewayStackError
from gateway_stack.limits import MAX_API_RESOURCES
from gateway_stack.openapi import (
    BACKEND_HOST_VARIABLE,
    DEFAULT_FORWARDED_CONTEXT,
    VPC_LINK_VARIABLE,
    AuthorizerRef,
    Cors,
    GatewaySettings,
    PrivateIntegration,
    Route,
    ServiceDefinition,
    from_document,
    from_routes,
    parse_route,
    proxy_routes,
    resource_paths,
)
from gateway_stack.openapi.document import dumps, read_document

#: Bodies larger than this travel as an S3 asset instead of inline in the template.
DEFAULT_INLINE_BODY_LIMIT = 32 * 1024


class ServiceApi(Construct):
    """A service's REST API: REGIONAL, defined by an OpenAPI body, with one logged stage.

    Routes come from ``openapi`` (the service team's document), else ``routes``, else the root
    and a ``{proxy+}`` catch-all. The gateway writes each operation's private integration,
    security and forwarded headers (see :mod:`gateway_stack.openapi.definition`). Or the body
    is made beforehand and given whole as ``definition`` (the gateway's plan does that).

    The stage writes JSON access logs (:mod:`.access_log`) to its own retained log
    group, traces with X-Ray, logs execution at INFO with per-method metrics (never request
    bodies), throttles by default, and applies per-route throttles and caching. The stage is
    redeployed exactly when the body changes: the Deployment's logical id carries its hash.

    Args:
        scope: the construct's parent (a service stack).
        construct_id: the construct's id. Keep it stable: it prefixes every logical id.
        service_name: the service's name; the API is named ``<api_name_prefix><service_name>``.
        backend: the VPC link and NLB DNS name that reach the service.
        integration: the port and default timeout of the private integration; required unless
            ``definition`` is given. Default: none.
        stage: the stage's settings.
        openapi: the service team's OpenAPI 3.0 document: a path to a YAML or JSON file, or the
            parsed document. Default: none.
        routes: a route list, used when there is no document. Default: the proxy routes.
        definition: a body and routes made beforehand (:func:`~gateway_stack.openapi.from_document`
            or :func:`~gateway_stack.openapi.from_routes`), used as given, instead of
            ``openapi``, ``routes`` and ``integration``; the props that shape a body
            (``authorizer``, ``api_key_required``, ``forwarded_context``,
            ``binary_media_types``, ``validate_requests``, ``gateway_responses``, ``cors``) then
            do not apply. Default: none (the body is made from the props).
        authorizer: the shared token authorizer; every operation requires it. Default: none.
        api_key_required: every operation requires an API key (given by the authorizer).
            Default: no.
        forwarded_context: header -> authorizer context key, forwarded to the service.
            Default: ``{"X-Client-Id": "clientId"}``.
        binary_media_types: media types passed through as binary. Default: none.
        api_name_prefix: prefix of the API's name in API Gateway. Default: none.
        inline_body_limit: bodies over this many bytes are uploaded as an S3 asset rather than
            inlined in the template. Default: 32 KiB.
        disable_execute_api_endpoint: refuse calls to the default ``execute-api`` URL, so that
            clients use the custom domain (and its TLS policy). Default: no.
        validate_requests: refuse, before the service sees them, requests whose body does not
            match the document's schema or that lack a required query string or header
            (:mod:`~gateway_stack.openapi.validation`). Default: yes.
        gateway_responses: answer API Gateway's own errors (401, 403, 404, 429, 5XX, ...) with
            the gateway's JSON body, request id included
            (:mod:`~gateway_stack.openapi.gateway_responses`). Default: yes.
        cors: answer browsers' CORS preflight requests on every path (a MOCK, no authorizer) and
            put the allowed origin on the gateway's error responses (:class:`Cors`).
            Default: none.
        public_routes: routes anyone may call, without the authorizer or an API key, e.g.
            ``["GET /health"]``; in a document, each must declare ``security: []``, and an
            operation that declares it must be listed here. Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        service_name: str,
        backend: BackendRef,
        stage: StageConfig,
        integration: PrivateIntegration | None = None,
        openapi: str | Path | Mapping[str, Any] | None = None,
        routes: Sequence[Route] | None = None,
        definition: ServiceDefinition | None = None,
        authorizer: AuthorizerRef | None = None,
        api_key_required: bool = False,
        forwarded_context: Mapping[str, str] = DEFAULT_FORWARDED_CONTEXT,
        binary_media_types: Sequence[str] = (),
        api_name_prefix: str = "",
        inline_body_limit: int = DEFAULT_INLINE_BODY_LIMIT,
        disable_execute_api_endpoint: bool = False,
        validate_requests: bool = True,
        gateway_responses: bool = True,
        cors: Cors | None = None,
        public_routes: Sequence[str] = (),
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.api_name = f"{api_name_prefix}{service_name}"
        if definition is None:
            if integration is None:
                raise ValueError(f"{self.api_name}: give the integration, or a definition")
            settings = GatewaySettings(
                integration=integration,
                authorizer=authorizer,
                api_key_required=api_key_required,
                forwarded_context=dict(forwarded_context),
                binary_media_types=tuple(binary_media_types),
                region=stack.region,
                partition=stack.partition,
                validate_requests=validate_requests,
                gateway_responses=gateway_responses,
                cors=cors,
                public_routes=frozenset(parse_route(r).key for r in public_routes),
                public_routes_origin=f"ServiceApi(public_routes=...) of {self.api_name}",
            )
            definition = _definition(openapi, routes, settings, self.api_name)
        elif openapi is not None or routes is not None or integration is not None:
            raise ValueError(
                f"{self.api_name}: give a definition, or the openapi document or routes and the "
                "integration to make one, not both"
            )
        if disable_execute_api_endpoint:  # on a copy: the definition given stays as it was
            definition = replace(
                definition,
                body={
                    **definition.body,
                    "x-amazon-apigateway-endpoint-configuration": {
                        "disableExecuteApiEndpoint": True
                    },
                },
            )
        self.definition: ServiceDefinition = definition
        # The body is final here: serialized once, for its size, its asset and its hash.
        self._body_text = dumps(self.definition.body)
        #: SHA-256 of the body (key order does not matter): part of the Deployment's logical id.
        self.body_hash = hashlib.sha256(self._body_text.encode()).hexdigest()
        for warning in self.definition.warnings:
            Annotations.of(self).add_warning_v2(
                "gateway-stack:openapi-ignored", f"{warning.pointer}: {warning.message}"
            )
        caching = [r for r in self.definition.routes if r.options.cache_ttl_seconds]
        if caching and stage.cache_size_gb is None:
            raise GatewayStackError(
                [
                    f"{self.api_name}: route {caching[0].key} caches responses, but the stage "
                    "has no cache cluster: set the service's cache size (cache_size_gb)"
                ]
            )

        self.access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            retention=stage.access_log_retention,
            encryption_key=stage.access_log_key,
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.api = apigw.SpecRestApi(
            self,
            "Api",
            rest_api_name=self.api_name,
            description=f"{service_name}: private integration through a VPC link",
            api_definition=self._api_definition(inline_body_limit),
            endpoint_types=[apigw.EndpointType.REGIONAL],
            disable_execute_api_endpoint=disable_execute_api_endpoint,
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
                throttling_rate_limit=stage.throttle.rate_limit,
                throttling_burst_limit=stage.throttle.burst_limit,
                cache_cluster_enabled=stage.cache_size_gb is not None,
                cache_cluster_size=stage.cache_size_gb,
                method_options=method_options(self.definition.routes, stage),
                variables={
                    **stage.variables,
                    VPC_LINK_VARIABLE: backend.vpc_link_id,
                    BACKEND_HOST_VARIABLE: backend.host,
                },
            ),
        )
        if disable_execute_api_endpoint:  # its URL would refuse every call
            self.api.node.try_remove_child("Endpoint")
        # Redeploy exactly when the routes change: the body's hash joins the Deployment's id.
        self.api.latest_deployment.add_to_logical_id({"document": self.body_hash})
        self.stage: apigw.Stage = self.api.deployment_stage
        #: The stage's settings, as given (the stage name as a literal, for metrics and alarms).
        self.stage_config = stage
        #: ``(domain name, base path)`` of each API mapping.
        self.mappings: list[tuple[str, str]] = []
        #: The stage's web ACL association, once :meth:`associate_web_acl` made it.
        self.web_acl_association: wafv2.CfnWebACLAssociation | None = None
        add_check(self, self._quota_problems)

    def add_api_mapping(self, domain_name: str, base_path: str) -> apigwv2.CfnApiMapping:
        """Map ``base_path`` (one or more levels, e.g. ``billing/v2``) of a custom domain name to
        this API's stage, with an ``AWS::ApiGatewayV2::ApiMapping`` in this API's stack.

        ``domain_name`` is the custom domain's name (a literal, or a deploy-time SSM value such as
        :meth:`PlatformRef.domain_name`): the mapping refers to the platform's domain by name, so
        no export ties the stacks together.

        Raises:
            ValueError: the base path is not one API Gateway accepts.
        """
        validate_base_path(base_path)
        label = domain_name
        if Token.is_unresolved(domain_name):  # a deploy-time name: number it
            label = f"Platform{len(self.mappings) + 1 if self.mappings else ''}"
        mapping = apigwv2.CfnApiMapping(
            self,
            f"Mapping-{label}",
            domain_name=domain_name,
            api_id=self.api.rest_api_id,
            stage=self.stage.stage_name,
            api_mapping_key=base_path,
        )
        mapping.node.add_dependency(self.stage)
        self.mappings.append((domain_name, base_path))
        return mapping

    def associate_web_acl(self, web_acl_arn: str) -> wafv2.CfnWebACLAssociation:
        """Put the stage behind an AWS WAF web ACL (REGIONAL scope, same region as the API).

        ``web_acl_arn`` may be a deploy-time value, such as the platform's published web ACL.

        Raises:
            ValueError: the stage is already associated (a stage has at most one web ACL).
        """
        if self.web_acl_association is not None:
            raise ValueError(
                f"{self.api_name}: the stage already has a web ACL; a stage takes one, so put "
                "every rule it needs into that web ACL"
            )
        association = wafv2.CfnWebACLAssociation(
            self, "WebAcl", resource_arn=self.stage.stage_arn, web_acl_arn=web_acl_arn
        )
        self.web_acl_association = association
        return association

    def publish_permissions(self, path: str) -> ssm.StringParameter | None:
        """Publish the scopes each route requires, for the shared authorizer, at
        ``<path>/<rest api id>``: a JSON ``{"version": 1, "routes": [{method, path, scopes}]}``
        listing every route (an empty ``scopes`` list: any verified client).

        Nothing is published when no route requires a scope: the authorizer then allows a
        verified client every route of the API. The stage depends on the parameter, so the map
        changes in the same deployment as the routes, before them.
        """
        if not any(route.options.scopes for route in self.routes):
            return None
        document = permission_map(self.routes)
        parameter = ssm.StringParameter(
            self,
            "Permissions",
            parameter_name=f"{path}/{self.rest_api_id}",
            simple_name=False,
            string_value=document,
            tier=ssm.ParameterTier.ADVANCED if len(document) > 4096 else ssm.ParameterTier.STANDARD,
            description=f"Scopes each route of {self.api_name} requires (read by the authorizer)",
        )
        self.stage.node.add_dependency(parameter)
        return parameter

    @property
    def body(self) -> dict[str, Any]:
        """The OpenAPI body API Gateway imports."""
        return self.definition.body

    @property
    def routes(self) -> tuple[Route, ...]:
        """Every route of the API, with its settings."""
        return self.definition.routes

    @property
    def rest_api_id(self) -> str:
        """The REST API's id."""
        return self.api.rest_api_id

    @property
    def stage_name(self) -> str:
        """The deployed stage's name."""
        return self.stage.stage_name

    def _api_definition(self, inline_body_limit: int) -> apigw.ApiDefinition:
        text = self._body_text
        if len(text.encode()) <= inline_body_limit:
            return apigw.ApiDefinition.from_inline(self.body)
        if Token.is_unresolved(text):
            raise GatewayStackError(
                [
                    f"{self.api_name}: the OpenAPI body ({len(text) // 1024} KB) is too large to "
                    "inline but holds deploy-time values, which an S3 asset cannot: give the "
                    "stack an explicit account and region, and the authorizer a literal ARN"
                ]
            )
        folder = Path(tempfile.mkdtemp(prefix="gateway-stack-openapi-"))
        path = folder / f"{self.body_hash}.json"
        path.write_text(text)
        return apigw.ApiDefinition.from_asset(str(path))

    def _quota_problems(self) -> list[str]:
        problems = []
        resources = len(resource_paths(list(self.body.get("paths", {}))))
        if resources > MAX_API_RESOURCES:
            problems.append(
                f"{self.api_name}: {resources} resources, over API Gateway's quota of "
                f"{MAX_API_RESOURCES} resources per REST API: split a dense base path into a "
                "service API of its own (one API per dense base path), or ask AWS to raise it"
            )
        return problems


def permission_map(routes: Sequence[Route]) -> str:
    """The permission map of ``routes`` as the authorizer reads it (compact JSON)."""
    return json.dumps(
        {
            "version": 1,
            "routes": [
                {"method": r.method, "path": r.path, "scopes": list(r.options.scopes)}
                for r in routes
            ],
        },
        separators=(",", ":"),
    )


def _definition(
    openapi: str | Path | Mapping[str, Any] | None,
    routes: Sequence[Route] | None,
    settings: GatewaySettings,
    title: str,
) -> ServiceDefinition:
    if openapi is not None and routes is not None:
        raise ValueError(f"{title}: give an OpenAPI document or a route list, not both")
    if isinstance(openapi, str | Path):
        document = read_document(openapi)
        return from_document(
            document.data,
            settings,
            source=document.source,
            checked=True,
            warnings=document.warnings,
            lines=document.lines,
        )
    if openapi is not None:
        return from_document(openapi, settings, source=f"OpenAPI document of {title}")
    return from_routes(routes or proxy_routes(), settings, title)
