"""``PlatformAttachment``: a service API attached to a gateway's platform, as its policy requires.

The platform's policy (the CloudFormation Guard rules of :mod:`gateway_stack.tools.policy`, run
before every deploy) requires of each service API, besides what its body holds (the shared
authorizer, the client's API key): a mapping on the platform's custom domain, the platform's
web ACL on the stage, the stage in the tiers' usage plans, and the permission map the authorizer
reads. This construct makes them for an existing :class:`ServiceApi`, with the service's
dashboard and alarms. :class:`GatewayService` is the API and this attachment in one; the gateway
app's service stacks build the API from their plan and attach it with this.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from constructs import Construct

from gateway_stack.constructs.monitoring import AlarmThresholds, ServiceMonitoring
from gateway_stack.constructs.plan_membership import PlanThrottle, UsagePlanMembership
from gateway_stack.constructs.platform_ref import PlatformRef
from gateway_stack.constructs.service_api import ServiceApi


class PlatformAttachment(Construct):
    """An existing service API attached to the platform: mappings, web ACL, permission map,
    usage plans, dashboard and alarms.

    The API's own parts (web ACL association, mappings, permission map) are made by its
    :class:`ServiceApi` methods, under the API; the usage-plan membership (``UsagePlans``) and
    the monitoring (``Monitoring``) are this construct's children.

    Args:
        scope: the parent construct (the service's stack, or a :class:`GatewayService`).
        construct_id: the construct's id. ``Default`` keeps it out of its children's logical
            ids (the gateway's service stacks use that).
        platform: the platform the service attaches to.
        api: the service's API.
        base_path: the path under the custom domain (one or more levels: ``billing/v2``).
        domain_names: the custom domain names to map ``base_path`` on. Default: the platform's
            main domain name (:meth:`PlatformRef.domain_name`).
        tiers: the usage-plan tiers whose plans the stage joins. Default: none.
        plan_overrides: tier -> limits that replace the tier's own on this stage (the whole
            stage, or some methods). Default: none.
        web_acl: associate the platform's web ACL with the stage (the platform's policy requires
            it when the platform has a web ACL). Default: yes.
        check_allowlist: check ``base_path`` against the platform's allowlist when it is given
            as context (:meth:`PlatformRef.check_allowlist`); off where it was checked already
            (the gateway's plan). Default: yes.
        alarms: the alarms' thresholds; ``None`` for no alarms. Default: the defaults of
            :class:`AlarmThresholds`.
        alarm_topic_arn: the SNS topic the alarms notify. Default: the platform's alarm topic.
        dashboard: build the service's dashboard. Default: yes.

    Raises:
        ValueError: ``plan_overrides`` names a tier the stage does not join.

    Attributes:
        plan_membership: the stage's usage-plan membership, or ``None`` without tiers.
        monitoring: the service's dashboard and alarms.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        platform: PlatformRef,
        api: ServiceApi,
        base_path: str,
        domain_names: Sequence[str] | None = None,
        tiers: Sequence[str] = (),
        plan_overrides: Mapping[str, Sequence[PlanThrottle]] | None = None,
        web_acl: bool = True,
        check_allowlist: bool = True,
        alarms: AlarmThresholds | None = AlarmThresholds(),  # noqa: B008 - frozen, immutable
        alarm_topic_arn: str | None = None,
        dashboard: bool = True,
    ) -> None:
        super().__init__(scope, construct_id)
        unknown = set(plan_overrides or {}) - set(tiers)
        if unknown:
            raise ValueError(
                f"{api.api_name}: plan_overrides names tiers the stage does not join "
                f"({', '.join(sorted(unknown))}): add them to tiers, or drop their overrides"
            )
        if check_allowlist:
            platform.check_allowlist(base_path=base_path)
        if web_acl:
            api.associate_web_acl(platform.web_acl_arn())
        for name in domain_names if domain_names is not None else [platform.domain_name()]:
            api.add_api_mapping(name, base_path)
        api.publish_permissions(platform.names.permissions_path)
        self.plan_membership: UsagePlanMembership | None = None
        if tiers:
            plan_ids = {tier: platform.plan_id(tier) for tier in tiers}
            self.plan_membership = UsagePlanMembership(
                self,
                "UsagePlans",
                api=api,
                service_token=platform.plan_membership_token(),
                plan_ids=list(plan_ids.values()),
                overrides={
                    plan_ids[tier]: groups for tier, groups in (plan_overrides or {}).items()
                },
            )
        # After the mappings, whose base paths name the 429 metric.
        self.monitoring = ServiceMonitoring(
            self,
            "Monitoring",
            api=api,
            names=platform.names,
            alarms=alarms,
            alarm_topic_arn=alarm_topic_arn,
            dashboard=dashboard,
            base_paths=[base_path],
        )
