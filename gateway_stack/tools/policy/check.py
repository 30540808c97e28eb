"""``python -m gateway_stack policy``: write the platform's policy files and check templates.

A multi-region gateway's policy is per region where the thing checked is regional and names
every region where it is global:

* the Guard rules check one template, which deploys to one region: a rules file per region
  (the home region's is ``service-stacks.guard``, as for a single-region gateway; each added
  region's ``service-stacks.<region>.guard``), with that region's membership function, domain
  names (the region's own name included) and allowlist. A template is checked against the rules
  of the region its stack deploys to (the cloud assembly manifest's ``environment``).
* the IAM boundary is one managed policy per account (IAM is global, and ``cdk bootstrap
  --custom-permissions-boundary`` names the same policy in every region), so one document
  names every region's ARNs (:func:`~gateway_stack.tools.policy.boundary.service_deploy_boundary`).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from pathlib import Path

from gateway_stack.assembly import AssemblyError, CloudAssembly
from gateway_stack.gateway.plan import Deployment, GatewayPlan, PlatformPlan
from gateway_stack.tools.policy.boundary import service_deploy_boundary
from gateway_stack.tools.policy.guard import GuardResult, inline_asset_bodies, run_guard
from gateway_stack.tools.policy.rules import service_stack_rules

RULES_FILE = "service-stacks.guard"
BOUNDARY_FILE = "service-deploy-boundary.json"


def rules_file(region: str | None) -> str:
    """The Guard rules' file name: :data:`RULES_FILE` for a single-region gateway and the home
    region (``region`` None), ``service-stacks.<region>.guard`` for an added region."""
    return RULES_FILE if region is None else f"service-stacks.{region}.guard"


def domain_names(platform: PlatformPlan) -> list[str]:
    """The names a region's service stacks may map on: the gateway's names and aliases, and,
    in a multi-region gateway, the region's own name (``routing.regional_name``)."""
    names = [name.name for name in platform.gateway.domain.names]
    if platform.routing is not None:
        names.append(platform.routing.regional_name.name)
    return list(dict.fromkeys(names))


def _write_rules(platform: PlatformPlan, path: Path) -> Path:
    gateway, names = platform.gateway, platform.names
    membership = names.function_arn(
        names.plan_membership_function, gateway.account, gateway.region, gateway.partition
    )
    path.write_text(
        service_stack_rules(
            names,
            domain_names(platform),
            gateway.allowlist,
            membership,
            web_acl=gateway.waf.enabled,
            region=gateway.region if platform.routing is not None else None,
        )
    )
    return path


def write_policy(platform: PlatformPlan, folder: Path) -> list[Path]:
    """Write the Guard rules and the permissions boundary of one region's platform (its part of
    the gateway plan) into ``folder``: :data:`RULES_FILE` and :data:`BOUNDARY_FILE`."""
    folder.mkdir(parents=True, exist_ok=True)
    rules = _write_rules(platform, folder / RULES_FILE)
    boundary = folder / BOUNDARY_FILE
    boundary.write_text(json.dumps(_boundary([platform]), indent=2) + "\n")
    return [rules, boundary]


def write_policies(plan: GatewayPlan, folder: Path) -> list[Path]:
    """Write every region's Guard rules (:func:`rules_file`) and the one permissions boundary
    naming every region into ``folder``; a single-region gateway's files are
    :func:`write_policy`'s."""
    folder.mkdir(parents=True, exist_ok=True)
    written = [
        _write_rules(d.platform, folder / rules_file(_added(plan, d))) for d in plan.deployments
    ]
    boundary = folder / BOUNDARY_FILE
    document = _boundary([d.platform for d in plan.deployments])
    boundary.write_text(json.dumps(document, indent=2) + "\n")
    return [*written, boundary]


def _added(plan: GatewayPlan, deployment: Deployment) -> str | None:
    """``deployment``'s region when it is an added one (not the first, the home)."""
    return None if deployment is plan.deployments[0] else deployment.region


def _boundary(platforms: Sequence[PlatformPlan]) -> dict[str, object]:
    home = platforms[0]
    gateway, names = home.gateway, home.names
    return service_deploy_boundary(
        names,
        account=gateway.account,
        region=gateway.region,
        partition=gateway.partition,
        domain_names=domain_names(home),
        boundary_name=f"{names.prefix}-service-deploy-boundary",
        other_regions={p.gateway.region: domain_names(p) for p in platforms[1:]},
    )


def check_templates(platform: PlatformPlan, templates: list[Path]) -> GuardResult:
    """Run the Guard rules of one region's platform over service-stack templates (S3 bodies
    inlined)."""
    with tempfile.TemporaryDirectory(prefix="gateway-stack-policy-") as work:
        folder = Path(work)
        (rules, _) = write_policy(platform, folder)
        inlined = [inline_asset_bodies(template, folder / template.name) for template in templates]
        return run_guard(rules, inlined)


def check_plan_templates(plan: GatewayPlan, templates: list[Path]) -> GuardResult:
    """Run each region's Guard rules over the templates that deploy to it: the region of a
    template's stack in the cloud assembly of its folder; a template outside an assembly (or of
    no region of the plan) is checked against the home region's rules, as for a single-region
    gateway. Passes when every region's run passes; the output is each failing run's."""
    home = plan.deployments[0]
    regions = _regions_of(templates)
    by_region: dict[str, list[Path]] = {}
    for template in templates:
        by_region.setdefault(regions.get(template.resolve(), home.region), []).append(template)
    platforms = {d.region: d.platform for d in plan.deployments}
    results = [
        (region, check_templates(platforms.get(region, home.platform), listed))
        for region, listed in by_region.items()
    ]
    if len(results) == 1:
        return results[0][1]
    failed = [(region, r) for region, r in results if not r.passed]
    output = "\n".join(f"{region}:\n{r.output}" for region, r in failed)
    return GuardResult(passed=not failed, output=output)


def _regions_of(templates: list[Path]) -> dict[Path, str]:
    """Resolved template path -> the region its stack deploys to, from the assembly manifest in
    each template's folder (each folder read once); templates outside an assembly, or of an
    environment-agnostic stack, are left out."""
    regions: dict[Path, str] = {}
    for folder in dict.fromkeys(template.parent for template in templates):
        if not (folder / "manifest.json").is_file():
            continue
        try:
            assembly = CloudAssembly.read(folder)
        except AssemblyError:
            continue
        for stack in assembly.stacks:
            if stack.region != "unknown-region":
                regions[stack.path.resolve()] = stack.region
    return regions
