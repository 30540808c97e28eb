"""The short summary ``make synth`` prints: stacks with their size, services with their route.

A multi-region gateway is summarized per region: each region's stacks (from the cloud
assembly manifest's ``environment`` of each stack), with their resources and size, and the
services deployed there with their backend in that region.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from gateway_stack.assembly import AssemblyError, CloudAssembly, StackTemplate
from gateway_stack.gateway.plan import Deployment, GatewayPlan

#: CloudFormation's resources per stack, for the headroom column.
MAX_RESOURCES = 500


def render_summary(
    plan: GatewayPlan, stacks: Sequence[StackTemplate], built: Collection[str] | None = None
) -> str:
    """The summary as text.

    One region: the stacks in the assembly's order (nested Stages' included), and each service
    with the stack the plan puts it in. Several regions: a header naming the regions and the
    routing policy, then a block per deployment (home first): its regional name, the stacks
    deployed to its region, and its services. Stacks of no deployment's region (e.g. added by
    hand, environment-agnostic) close the summary under ``other stacks``. A service is marked
    ``(not built)`` when a selective synth left its stack out (not in ``built``, the assembly's
    stack names; default: every stack built).
    """
    gateway = plan.gateway
    names = ", ".join(f"https://{name.name}/" for name in gateway.domain.names)
    if len(plan.deployments) == 1:
        (deployment,) = plan.deployments
        return "\n".join(
            [
                f"Gateway {gateway.name} ({gateway.environment}) in "
                f"{gateway.account}/{gateway.region}: {names}",
                *_block(deployment, stacks, built),
            ]
        )
    routing = plan.deployments[0].platform.routing
    regions = ", ".join(
        f"{d.region} (home)" if index == 0 else d.region for index, d in enumerate(plan.deployments)
    )
    policy = f", {routing.policy} routing" if routing is not None else ""
    lines = [
        f"Gateway {gateway.name} ({gateway.environment}) in {gateway.account}, "
        f"{len(plan.deployments)} regions: {regions}{policy}: {names}",
    ]
    for index, deployment in enumerate(plan.deployments):
        own = deployment.platform.routing
        reached = f", alone at https://{own.regional_name.name}/" if own is not None else ""
        home = " (home)" if index == 0 else ""
        failover = f", {own.failover.lower()}" if own is not None and own.failover else ""
        lines += ["", f"Region {deployment.region}{home}{failover}{reached}"]
        lines += _block(deployment, [s for s in stacks if s.region == deployment.region], built)
    regions_known = {d.region for d in plan.deployments}
    others = [s for s in stacks if s.region not in regions_known]
    if others:
        lines += ["", "Other stacks (in no region of the gateway file)", ""]
        lines += [_stack_line(stack, with_region=True) for stack in others]
    return "\n".join(lines)


def _block(
    deployment: Deployment, stacks: Sequence[StackTemplate], built: Collection[str] | None
) -> list[str]:
    """One deployment's stacks table and services table (``built``: see ``render_summary``)."""
    gateway = deployment.platform.gateway
    stack_of = {
        stack.service.name: stack.name
        for stack in deployment.service_stacks
        if stack.service is not None
    }
    lines = ["", f"  {'stack':<40} {'resources':>9} {'template':>10}"]
    lines += [_stack_line(stack) for stack in stacks]
    lines += ["", f"  {'service':<14} {'base path':<16} {'backend':<46} stack"]
    for service in gateway.services:  # the region's view of the file: its own backends
        if service.name not in stack_of:
            continue
        balancer = gateway.load_balancers[service.backend.load_balancer]
        where = balancer.dns_name or "created by the platform stack"
        backend = f"{service.backend.load_balancer}:{service.backend.port} ({where})"
        lines.append(
            f"  {service.name:<14} /{service.base_path:<15} {backend:<46} {stack_of[service.name]}"
            + (" (not built)" if built is not None and stack_of[service.name] not in built else "")
        )
    return lines


def _stack_line(stack: StackTemplate, *, with_region: bool = False) -> str:
    line = (
        f"  {stack.name:<40} {len(stack.resources):>5}/{MAX_RESOURCES} "
        f"{stack.path.stat().st_size / 1024:>8.1f} KB"
    )
    return f"{line}  ({stack.account}/{stack.region})" if with_region else line


def summarize(plan: GatewayPlan, gateway: str | Path, cdk_out: Path) -> str:
    """The summary of ``cdk_out``, which must have been synthesized from ``gateway`` (the
    plan's file) as it is now.

    Raises:
        AssemblyError: ``cdk_out`` is missing, damaged, holds no stack, or is not of ``gateway``
            as it is now.
    """
    assembly = CloudAssembly.read_built_from(cdk_out, gateway)
    if not assembly.stacks:
        raise AssemblyError([f"{cdk_out}: no stacks were synthesized"])
    built = {stack.name for stack in assembly.stacks}
    provenance = assembly.provenance
    selection = f", {provenance.selection}" if provenance and provenance.selective else ""
    return (
        render_summary(plan, assembly.stacks, built)
        + f"\n\n  Templates: {cdk_out}/<stack>.template.json (synthesized from {gateway}"
        + f"{selection})"
    )
