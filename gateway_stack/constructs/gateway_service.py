"""``GatewayService``: a service's API on a gateway's platform, attached as the platform requires.

The platform's policy (the CloudFormation Guard rules of :mod:`gateway_stack.tools.policy`, run
before every deploy) requires of each service API: the shared authorizer on every route, the
client's API key given by that authorizer, no ``execute-api`` endpoint, a mapping on the
platform's custom domain, the platform's web ACL on the stage, the stage in the tiers' usage
plans, and the permission map the authorizer reads. This construct makes all of them from a
:class:`PlatformRef`, so a service team writes its own choices (backend, routes, limits, alarms)
and nothing else. The pieces stay available on their own: :class:`ServiceApi`,
:class:`PlatformAttachment` (an API of your own, attached), :class:`UsagePlanMembership`,
:class:`ServiceMonitoring`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from constructs import Construct

from gateway_stack.constructs.backend import BackendRef
from gateway_stack.constructs.monitoring import AlarmThresholds
from gateway_stack.constructs.nag import acknowledge, validation_reason
from gateway_stack.constructs.plan_membership import PlanThrottle
from gateway_stack.constructs.platform_attachment import PlatformAttachment
from gateway_stack.constructs.platform_ref import PlatformRef
from gateway_stack.constructs.service_api import ServiceApi
from gateway_stack.constructs.stage import StageConfig
from gateway_stack.openapi import (
    DEFAULT_FORWARDED_CONTEXT,
    Cors,
    PrivateIntegration,
    Route,
)

#: The authorizer's answer is cached this long per token by default (seconds).
DEFAULT_AUTHORIZER_CACHE_TTL_SECONDS = 300


class GatewayService(Construct):
    """One service's REST API, attached to a gateway's platform the way its policy requires.

    It builds the service's :class:`ServiceApi` (REGIONAL, from an OpenAPI document, a route list
    or a proxy of everything; every route behind the platform's authorizer, with the client's
    API key from the authorizer; no ``execute-api`` endpoint), then:

    * maps ``base_path`` on each of ``domain_names`` (an ``AWS::ApiGatewayV2::ApiMapping`` each);
    * associates the platform's web ACL with the stage (unless ``web_acl`` is off);
    * publishes the permission map the authorizer reads (when a route requires scopes);
    * joins the stage to the usage plans of ``tiers``, with ``plan_overrides``;
    * builds the service's dashboard and alarms, which notify the platform's alarm topic.

    It checks the base path against the platform's allowlist when the allowlist is given as
    context (see :meth:`PlatformRef.check_allowlist`), and acknowledges cdk-nag's APIG2 finding
    with its real reason when it validates requests (the validators live in the OpenAPI body,
    where cdk-nag does not look). The stack must have an explicit account and region: the
    platform's functions are referred to by ARN.

    Args:
        scope: the parent construct (the service's stack).
        construct_id: the construct's id. Keep it stable: it prefixes every logical id.
        platform: the platform the service attaches to.
        service_name: the service's name; the API is named ``<api_name_prefix><service_name>``.
        base_path: the path under the custom domain (one or more levels: ``billing/v2``).
        backend: the load balancer that reaches the service: the name of one the platform
            publishes, or a :class:`BackendRef` of your own.
        stage: the stage's settings (name, throttle, logs, cache).
        integration: the backend's port and default integration timeout.
        openapi: the team's OpenAPI 3.0 document: a path or the parsed document.
            Default: none (then ``routes``).
        routes: a route list, when there is no document. Default: the root and a ``{proxy+}``
            catch-all.
        tiers: the usage-plan tiers whose plans the stage joins (the platform's tiers).
            Default: none.
        plan_overrides: tier -> limits that replace the tier's own on this stage (the whole
            stage, or some methods). Default: none.
        domain_names: the custom domain names to map ``base_path`` on. Default: the platform's
            main domain name (:meth:`PlatformRef.domain_name`).
        authorizer_cache_ttl_seconds: how long API Gateway caches the authorizer's answer per
            token; 0 turns the cache off. Default: 300.
        web_acl: associate the platform's web ACL with the stage (the platform's policy requires
            it when the platform has a web ACL). Default: yes.
        check_allowlist: check ``base_path`` against the platform's allowlist when it is given
            as context (:meth:`PlatformRef.check_allowlist`); off where the allowlist was
            checked already (the gateway's plan). Default: yes.
        alarms: the alarms' thresholds; ``None`` for no alarms. Default: the defaults of
            :class:`AlarmThresholds`.
        alarm_topic_arn: the SNS topic the alarms notify. Default: the platform's alarm topic.
        dashboard: build the service's dashboard. Default: yes.
        forwarded_context: header -> authorizer context key, forwarded to the service.
            Default: ``{"X-Client-Id": "clientId"}``.
        binary_media_types: media types passed through as binary. Default: none.
        validate_requests: refuse requests whose body or required parameters do not match the
            document before they reach the service. Default: yes.
        cors: answer browsers' CORS preflights and put the origin on the gateway's error
            responses. Default: none.
        api_name_prefix: prefix of the API's name. Default: the platform's, ``<gateway>-<env>-``.

    Attributes:
        api: the service's :class:`ServiceApi`.
        attachment: its :class:`PlatformAttachment` (mappings, web ACL, plans, monitoring).
        plan_membership: the stage's usage-plan membership, or ``None`` without tiers.
        monitoring: the service's dashboard and alarms.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        platform: PlatformRef,
        service_name: str,
        base_path: str,
        backend: str | BackendRef,
        integration: PrivateIntegration,
        stage: StageConfig,
        openapi: str | Path | Mapping[str, Any] | None = None,
        routes: Sequence[Route] | None = None,
        tiers: Sequence[str] = (),
        plan_overrides: Mapping[str, Sequence[PlanThrottle]] | None = None,
        domain_names: Sequence[str] | None = None,
        authorizer_cache_ttl_seconds: int = DEFAULT_AUTHORIZER_CACHE_TTL_SECONDS,
        web_acl: bool = True,
        check_allowlist: bool = True,
        alarms: AlarmThresholds | None = AlarmThresholds(),  # noqa: B008 - frozen, immutable
        alarm_topic_arn: str | None = None,
        dashboard: bool = True,
        forwarded_context: Mapping[str, str] = DEFAULT_FORWARDED_CONTEXT,
        binary_media_types: Sequence[str] = (),
        validate_requests: bool = True,
        cors: Cors | None = None,
        api_name_prefix: str | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.api = ServiceApi(
            self,
            "Service",
            service_name=service_name,
            api_name_prefix=(
                f"{platform.names.prefix}-" if api_name_prefix is None else api_name_prefix
            ),
            backend=platform.backend(backend) if isinstance(backend, str) else backend,
            integration=integration,
            openapi=openapi,
            routes=routes,
            forwarded_context=forwarded_context,
            binary_media_types=binary_media_types,
            disable_execute_api_endpoint=True,
            api_key_required=True,
            authorizer=platform.authorizer(authorizer_cache_ttl_seconds),
            stage=stage,
            validate_requests=validate_requests,
            cors=cors,
        )
        if validate_requests:
            acknowledge(
                self.api.api,
                "AwsSolutions-APIG2",
                validation_reason(self.api.definition.validated_operations),
            )
        # "Default": the attachment's children read as this construct's own in logical ids.
        self.attachment = PlatformAttachment(
            self,
            "Default",
            platform=platform,
            api=self.api,
            base_path=base_path,
            domain_names=domain_names,
            tiers=tiers,
            plan_overrides=plan_overrides,
            web_acl=web_acl,
            check_allowlist=check_allowlist,
            alarms=alarms,
            alarm_topic_arn=alarm_topic_arn,
            dashboard=dashboard,
        )
        self.plan_membership = self.attachment.plan_membership
        self.monitoring = self.attachment.monitoring
