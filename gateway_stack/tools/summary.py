"""The short summary ``make synth`` prints: stacks with their size, services with their route."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from gateway_stack.assembly import AssemblyError, CloudAssembly, StackTemplate
from gateway_stack.gateway.plan import GatewayPlan

#: CloudFormation's resources per stack, for the headroom column.
MAX_RESOURCES = 500


def render_summary(
    plan: GatewayPlan, stacks: Sequence[StackTemplate], built: Collection[str] | None = None
) -> str:
    """The summary as text: the stacks in the assembly's order (nested Stages' included), and
    each service with the stack the plan puts it in, marked ``(not built)`` when a selective
    synth left it out (not in ``built``, the assembly's stack names; default: every stack
    built)."""
    gateway = plan.gateway
    stack_of = {
        stack.service.name: stack.name
        for deployment in plan.deployments
        for stack in deployment.service_stacks
        if stack.service is not None
    }
    lines = [
        f"Gateway {gateway.name} ({gateway.environment}) in {gateway.account}/{gateway.region}: "
        + ", ".join(f"https://{name.name}/" for name in gateway.domain.names),
        "",
        f"  {'stack':<40} {'resources':>9} {'template':>10}",
    ]
    for stack in stacks:
        lines.append(
            f"  {stack.name:<40} {len(stack.resources):>5}/{MAX_RESOURCES} "
            f"{stack.path.stat().st_size / 1024:>8.1f} KB"
        )
    lines += ["", f"  {'service':<14} {'base path':<16} {'backend':<46} stack"]
    for service in gateway.services:
        balancer = gateway.load_balancers[service.backend.load_balancer]
        where = balancer.dns_name or "created by the platform stack"
        backend = f"{service.backend.load_balancer}:{service.backend.port} ({where})"
        lines.append(
            f"  {service.name:<14} /{service.base_path:<15} {backend:<46} {stack_of[service.name]}"
            + (" (not built)" if built is not None and stack_of[service.name] not in built else "")
        )
    return "\n".join(lines)


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
