"""``plan_gateway``: from a validated gateway file to the :class:`GatewayPlan` the stacks are
built from, with every check that can be known before synth."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from gateway_stack.gateway.config import Gateway
from gateway_stack.gateway.config.issues import Location
from gateway_stack.gateway.plan.alarms import alarm_thresholds
from gateway_stack.gateway.plan.checks import check_service, check_services
from gateway_stack.gateway.plan.definition import (
    define,
    gateway_settings,
)
from gateway_stack.gateway.plan.platform import plan_platform
from gateway_stack.gateway.plan.problems import Problems
from gateway_stack.gateway.plan.service import ApiMapping, ServicePlan, StagePlan
from gateway_stack.gateway.plan.throttles import plan_overrides
from gateway_stack.gateway.plan.topology import Deployment, StackPlan, StackRole
from gateway_stack.gateway.plan.warnings import gateway_warnings
from gateway_stack.naming import GatewayNames
from gateway_stack.openapi import resource_paths


@dataclass(frozen=True)
class GatewayPlan:
    """A gateway file, resolved: where it deploys, and what each of its stacks holds.

    Attributes:
        source: the gateway file (as messages name it).
        gateway: the validated gateway file.
        names: the gateway environment's names, built once and passed down.
        deployments: each environment in one account and region, with its stacks (one today).
        warnings: what the plan accepts but a user should know, each ``<file>: <place>:
            warning: ... (line N)``, printed, never failing: settings AWS accepts that probably
            do not do what they seem to (a burst below the rate), then a document's defaults of
            the wrong type, alternative security requirements and schema keywords API Gateway
            drops. Default: none.
    """

    source: str
    gateway: Gateway
    names: GatewayNames
    deployments: tuple[Deployment, ...]
    warnings: tuple[str, ...] = ()


def plan_gateway_file(path: str | Path) -> GatewayPlan:
    """Load a gateway file and plan it (services' documents are relative to its folder).

    Raises:
        GatewayFileError: the file breaks a rule of the model.
        GatewayPlanError: every problem the plan finds, each with the file, line and place.
    """
    # The YAML loader loads here, not with the plan: building from a plan never needs it.
    from gateway_stack.gateway.config.loader import load_gateway_file

    loaded = load_gateway_file(path)
    return plan_gateway(
        loaded.gateway, loaded.path.parent, source=str(loaded.path), lines=loaded.lines
    )


def plan_gateway(
    gateway: Gateway,
    documents: Path = Path(),
    *,
    source: str = "<gateway>",
    lines: Mapping[Location, int] | None = None,
) -> GatewayPlan:
    """The plan of a validated gateway file.

    Args:
        gateway: the validated gateway file.
        documents: the folder services' ``openapi`` paths are relative to (the gateway
            file's). Default: the current folder.
        source: the gateway file's name in messages. Default: ``<gateway>``.
        lines: the line of each key path in the file, for messages. Default: none.

    Raises:
        GatewayPlanError: every problem found, at once.
    """
    problems = Problems(source, lines or {})
    names = GatewayNames(gateway.name, gateway.environment)
    platform = plan_platform(gateway, names)
    services = [
        plan
        for index in range(len(gateway.services))
        if (plan := _plan_service(gateway, index, names, documents, problems)) is not None
    ]
    check_services(platform, services, problems)
    problems.raise_any()
    title = f"Gateway {gateway.name} ({gateway.environment})"
    stacks = [StackPlan(names.platform_stack, StackRole.PLATFORM, f"{title}: shared platform")]
    stacks += [
        StackPlan(
            names.service_stack(service.name),
            StackRole.SERVICE,
            f"{title}: service {service.name}",
            service=service,
        )
        for service in services
    ]
    deployment = Deployment(
        environment=gateway.environment,
        account=gateway.account,
        region=gateway.region,
        partition=gateway.partition,
        platform=platform,
        stacks=tuple(stacks),
    )
    return GatewayPlan(
        source=source,
        gateway=gateway,
        names=names,
        deployments=(deployment,),
        warnings=gateway_warnings(gateway, source, lines or {}) + tuple(problems.warnings),
    )


def _plan_service(
    gateway: Gateway, index: int, names: GatewayNames, documents: Path, problems: Problems
) -> ServicePlan | None:
    """Service ``index``'s plan, or ``None`` when its definition cannot be made (the problems
    are recorded; the other services are still planned, so that all are reported)."""
    service = gateway.services[index]
    api_name = f"{names.prefix}-{service.name}"
    defined = define(
        service,
        index,
        settings=gateway_settings(
            gateway, index, names, source=problems.source, lines=problems.lines
        ),
        api_name=api_name,
        documents=documents,
        problems=problems,
    )
    if defined is None:
        alarm_thresholds(gateway, index, None, problems)  # its own problems, without a timeout
        return None
    definition = defined.definition
    plan = ServicePlan(
        name=service.name,
        index=index,
        names=names,
        base_path=service.base_path,
        load_balancer=service.backend.load_balancer,
        definition=definition,
        resource_paths=frozenset(resource_paths([r.path for r in definition.routes])),
        stage=StagePlan(
            name=gateway.stage_name,
            throttle=service.throttle or gateway.stage.throttle,
            access_log_retention_days=gateway.stage.access_log_retention_days,
            cache_size_gb=service.cache_size_gb,
            access_log_kms_key=gateway.stage.access_log_kms_key,
        ),
        mappings=tuple(ApiMapping(name.name, service.base_path) for name in gateway.domain.names),
        web_acl=gateway.waf.enabled,
        tiers=tuple(gateway.tiers),
        plan_overrides=plan_overrides(gateway, index, definition.routes, problems),
        alarms=alarm_thresholds(gateway, index, definition.longest_timeout_ms, problems),
        alarm_topic_arn=gateway.monitoring.alarm_topic_arn,
        dashboard=gateway.monitoring.dashboards,
        route_places=defined.places,
    )
    check_service(plan, problems)
    return plan
