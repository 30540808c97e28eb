"""Quota guards: checks at synth time for the API Gateway and CloudFormation limits that bite.

Two kinds, both failing the synth with a message that quotes the limit and says what to do:

* per construct (``add_check``, a CDK validation run once the app is built): a REST API's
  resource count, from its OpenAPI body;
* per cloud assembly (:func:`assembly_problems`, run by
  :func:`gateway_stack.synth_errors.synth_cleanly` right after synthesis): resources and
  template size per stack, VPC links per account and region. These read the written templates,
  which is exact and costs nothing per construct, so they also hold for constructs added by
  hand next to the gateway's.

The figures are API Gateway's and CloudFormation's published quotas.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import jsii
from aws_cdk.cx_api import CloudAssembly
from constructs import IConstruct, IValidation

from .config.references import MAX_API_MAPPINGS

#: API Gateway: resources per REST API (raisable), VPC links per account and region, API
#: mappings per custom domain name (not raisable).
MAX_API_RESOURCES = 300
MAX_VPC_LINKS = 20
#: CloudFormation allows 500 resources and a 1 MB template; the guards keep headroom.
STACK_RESOURCE_BUDGET = 450
STACK_TEMPLATE_BUDGET_BYTES = 800 * 1024


@jsii.implements(IValidation)
class _Check:
    """A validation from a function that returns the problems it finds."""

    def __init__(self, check: Callable[[], list[str]]):
        self._check = check

    def validate(self) -> list[str]:
        return self._check()


def add_check(scope: IConstruct, check: Callable[[], list[str]]) -> None:
    """Run ``check`` when ``scope`` is validated during synth; its messages fail the synth."""
    scope.node.add_validation(_Check(check))


def assembly_problems(assembly: CloudAssembly) -> list[str]:
    """Stacks over 450 resources or 800 KB, environments with over 20 VPC links, and domain
    names with over 200 API mappings."""
    problems = []
    links: Counter[str] = Counter()
    mappings: Counter[str] = Counter()
    for stack in assembly.stacks:
        path = Path(stack.template_full_path)
        resources = json.loads(path.read_text()).get("Resources", {})
        if len(resources) > STACK_RESOURCE_BUDGET:
            problems.append(
                f"stack {stack.stack_name} has {len(resources)} resources: over the budget of "
                f"{STACK_RESOURCE_BUDGET} that keeps headroom below CloudFormation's 500 per "
                "stack. Move services into stacks of their own, or routes into OpenAPI bodies."
            )
        size = path.stat().st_size
        if size > STACK_TEMPLATE_BUDGET_BYTES:
            problems.append(
                f"stack {stack.stack_name}'s template is {size // 1024} KB: over the budget of "
                f"{STACK_TEMPLATE_BUDGET_BYTES // 1024} KB below CloudFormation's 1 MB limit. "
                "Let large OpenAPI documents travel as S3 assets (ServiceApi's "
                "inline_body_limit), or split the stack."
            )
        environment = stack.environment
        links[f"{environment.account}/{environment.region}"] += sum(
            1 for r in resources.values() if r.get("Type") == "AWS::ApiGateway::VpcLink"
        )
        for resource in resources.values():
            if resource.get("Type") == "AWS::ApiGatewayV2::ApiMapping":
                domain = resource.get("Properties", {}).get("DomainName")
                mappings[_domain_key(domain, stack.template)] += 1
    problems += [
        f"{count} REST API VPC links in {place}: API Gateway allows {MAX_VPC_LINKS} per account "
        "and region. Share one VPC link per NLB between services (declare the NLB once under "
        "load_balancers), or ask AWS for a higher quota."
        for place, count in links.items()
        if count > MAX_VPC_LINKS
    ]
    problems += [
        f"{count} API mappings on {domain}: API Gateway allows {MAX_API_MAPPINGS} per custom "
        "domain name, and the quota cannot be raised. Serve further services under another "
        "domain name (another gateway)."
        for domain, count in mappings.items()
        if count > MAX_API_MAPPINGS
    ]
    return problems


def _domain_key(domain: object, template: dict) -> str:
    """A mapping's domain: the literal name, or the SSM parameter a ``Ref`` reads it from."""
    if isinstance(domain, dict) and "Ref" in domain:
        parameter = template.get("Parameters", {}).get(domain["Ref"], {})
        return f"the domain in SSM parameter {parameter.get('Default', domain['Ref'])}"
    return str(domain)
