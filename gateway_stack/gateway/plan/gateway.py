"""``plan_gateway``: from a validated gateway file to the :class:`GatewayPlan` the stacks are
built from, with every check that can be known before synth."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from gateway_stack.gateway.config import Gateway
from gateway_stack.gateway.config.issues import Location
from gateway_stack.gateway.config.views import RegionPlaces
from gateway_stack.gateway.plan.alarms import alarm_thresholds
from gateway_stack.gateway.plan.checks import check_service, check_services
from gateway_stack.gateway.plan.definition import (
    Documents,
    define,
    gateway_settings,
)
from gateway_stack.gateway.plan.platform import plan_platform
from gateway_stack.gateway.plan.problems import FilePlace, Problems
from gateway_stack.gateway.plan.routing import plan_routing
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
        deployments: the gateway in each of its regions, with its stacks: the home region
            (the file's ``region``) first, then ``regions`` in file order.
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

    @property
    def regions(self) -> tuple[str, ...]:
        """The region of each deployment: the home region first."""
        return tuple(deployment.region for deployment in self.deployments)


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
    read = Documents(documents)  # each document read once, whatever the number of regions
    deployments = tuple(
        _plan_deployment(gateway, region, names, read, problems) for region in gateway.all_regions
    )
    problems.raise_any()
    return GatewayPlan(
        source=source,
        gateway=gateway,
        names=names,
        deployments=deployments,
        warnings=gateway_warnings(gateway, source, lines or {}) + tuple(problems.warnings),
    )


def _plan_deployment(
    gateway: Gateway, region: str, names: GatewayNames, documents: Documents, problems: Problems
) -> Deployment:
    """The deployment of ``region``, planned from the region's view of the file (every check
    of a single-region gateway, in that region); its problems are recorded where the file
    says them."""
    view = gateway.in_region(region)
    home = region == gateway.region
    if view is not gateway:  # several regions: the view's places are not the file's
        places = RegionPlaces.of(gateway.model_dump(mode="python"), region)
        problems = problems.within(places)
    names = names if home else names.in_region(region)
    routing = plan_routing(gateway, region)
    platform = plan_platform(view, names, routing)
    regional = routing.regional_name.name if routing is not None else None
    services = [
        plan
        for index in range(len(view.services))
        if (plan := _plan_service(view, index, names, documents, problems, regional=regional))
        is not None
    ]
    check_services(platform, services, problems)
    if problems.places is not None:
        services = [_in_file(service, problems.places) for service in services]
    title = f"Gateway {gateway.name} ({gateway.environment})" + ("" if home else f" in {region}")
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
    return Deployment(
        environment=view.environment,
        account=view.account,
        region=view.region,
        partition=view.partition,
        platform=platform,
        stacks=tuple(stacks),
        names=names,
        home=home,
    )


def _in_file(service: ServicePlan, places: RegionPlaces) -> ServicePlan:
    """``service`` (planned from a region's view) with its position and the places of its
    routes in the file."""
    return replace(
        service,
        index=places.positions[service.index],
        route_places={
            key: FilePlace(places.position(place.loc)) if isinstance(place, FilePlace) else place
            for key, place in service.route_places.items()
        },
    )


def _plan_service(
    gateway: Gateway,
    index: int,
    names: GatewayNames,
    documents: Documents,
    problems: Problems,
    *,
    regional: str | None = None,
) -> ServicePlan | None:
    """Service ``index``'s plan, or ``None`` when its definition cannot be made (the problems
    are recorded; the other services are still planned, so that all are reported). A service
    of a multi-region gateway is mapped on the region's own name (``regional``) too."""
    service = gateway.services[index]
    api_name = f"{names.prefix}-{service.name}"
    defined = define(
        service,
        index,
        settings=gateway_settings(
            gateway,
            index,
            names,
            source=problems.source,
            lines=problems.lines,
            position=problems.places.position(("services", index))[1]
            if problems.places is not None
            else index,
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
        mappings=tuple(
            ApiMapping(name, service.base_path)
            for name in (*(n.name for n in gateway.domain.names), regional)
            if name is not None
        ),
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
