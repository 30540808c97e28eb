"""``python -m gateway_stack policy``: write the platform's policy files and check templates."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from gateway_stack.gateway.plan import PlatformPlan
from gateway_stack.tools.policy.boundary import service_deploy_boundary
from gateway_stack.tools.policy.guard import GuardResult, inline_asset_bodies, run_guard
from gateway_stack.tools.policy.rules import service_stack_rules

RULES_FILE = "service-stacks.guard"
BOUNDARY_FILE = "service-deploy-boundary.json"


def write_policy(platform: PlatformPlan, folder: Path) -> list[Path]:
    """Write the Guard rules and the permissions boundary of a gateway's platform (its part of
    the gateway plan) into ``folder``."""
    gateway, names = platform.gateway, platform.names
    domain_names = [name.name for name in gateway.domain.names]
    folder.mkdir(parents=True, exist_ok=True)
    rules = folder / RULES_FILE
    membership = names.function_arn(
        names.plan_membership_function, gateway.account, gateway.region, gateway.partition
    )
    rules.write_text(
        service_stack_rules(
            names, domain_names, gateway.allowlist, membership, web_acl=gateway.waf.enabled
        )
    )
    boundary = folder / BOUNDARY_FILE
    document = service_deploy_boundary(
        names,
        account=gateway.account,
        region=gateway.region,
        partition=gateway.partition,
        domain_names=domain_names,
        boundary_name=f"{names.prefix}-service-deploy-boundary",
    )
    boundary.write_text(json.dumps(document, indent=2) + "\n")
    return [rules, boundary]


def check_templates(platform: PlatformPlan, templates: list[Path]) -> GuardResult:
    """Run the Guard rules of a gateway's platform over service-stack templates (S3 bodies
    inlined)."""
    with tempfile.TemporaryDirectory(prefix="gateway-stack-policy-") as work:
        folder = Path(work)
        (rules, _) = write_policy(platform, folder)
        inlined = [inline_asset_bodies(template, folder / template.name) for template in templates]
        return run_guard(rules, inlined)
