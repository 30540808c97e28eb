"""Quota guards: checks at synth time for the API Gateway and CloudFormation limits that bite.

Two kinds, both failing the synth with a message that quotes the limit and says what to do:

* per construct (``add_check``, a CDK validation run once the app is built): a REST API's
  resource count, from its OpenAPI body;
* per cloud assembly (:func:`assembly_problems`, run by
  :func:`gateway_stack.constructs.synth_errors.synth_cleanly` right after synthesis): resources and
  template size per stack, VPC links per account and region. These read the written templates,
  which is exact and costs nothing per construct, so they also hold for constructs added by
  hand next to the gateway's.

The figures are API Gateway's and CloudFormation's published quotas.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsii
from aws_cdk import cx_api
from constructs import IConstruct, IValidation

from gateway_stack.limits import (
    MAX_API_MAPPINGS,
    MAX_VPC_LINKS,
    STACK_RESOURCE_BUDGET,
    STACK_TEMPLATE_BUDGET_BYTES,
)

if TYPE_CHECKING:
    from gateway_stack.assembly import CloudAssembly, StackTemplate


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


def assembly_problems(assembly: cx_api.CloudAssembly) -> list[str]:
    """Stacks over 450 resources or 800 KB, environments (account and region) with over 20 VPC
    links, and domain names with over 200 API mappings in one environment (a multi-region
    gateway has a custom domain of the same name in each region, each with its own quota):
    every stack of the assembly, those of nested assemblies (Stages) included, each template
    parsed once."""
    # The cdk.out reader loads when a synth is checked, not with the constructs.
    from gateway_stack.assembly import CloudAssembly

    read = CloudAssembly.read(Path(assembly.directory))
    problems = []
    links: Counter[str] = Counter()
    mappings: Counter[tuple[str, str]] = Counter()  # per environment: a name is regional
    for stack in read.stacks:
        if len(stack.resources) > STACK_RESOURCE_BUDGET:
            kinds = Counter(str(r.get("Type")) for r in stack.resources.values()).most_common(3)
            problems.append(
                f"stack {stack.name} has {len(stack.resources)} resources (most: "
                + ", ".join(f"{count} {kind}" for kind, count in kinds)
                + f"): over the budget of {STACK_RESOURCE_BUDGET} that keeps headroom below "
                "CloudFormation's 500 per stack. Move what makes the most into a stack of its "
                "own (services, routes into OpenAPI bodies, clients into another gateway)."
            )
        size = stack.path.stat().st_size
        if size > STACK_TEMPLATE_BUDGET_BYTES:
            problems.append(
                f"stack {stack.name}'s template is {size // 1024} KB: over the budget of "
                f"{STACK_TEMPLATE_BUDGET_BYTES // 1024} KB below CloudFormation's 1 MB limit. "
                "Let large OpenAPI documents travel as S3 assets (ServiceApi's "
                "inline_body_limit), or split the stack."
            )
        place = f"{stack.account}/{stack.region}"
        links[place] += sum(1 for _ in stack.of_type("AWS::ApiGateway::VpcLink"))
        for _, mapping in stack.of_type("AWS::ApiGatewayV2::ApiMapping"):
            domain = mapping.get("Properties", {}).get("DomainName")
            mappings[(place, _domain(read, stack, domain))] += 1
    several = len(links) > 1  # a multi-region gateway: each region's domain names are its own
    problems += [
        f"{count} REST API VPC links in {place}: API Gateway allows {MAX_VPC_LINKS} per account "
        "and region. Share one VPC link per NLB between services (declare the NLB once under "
        "load_balancers), or ask AWS for a higher quota."
        for place, count in links.items()
        if count > MAX_VPC_LINKS
    ]
    problems += [
        f"{count} API mappings on {domain}{f' in {place}' if several else ''}: API Gateway "
        f"allows {MAX_API_MAPPINGS} per custom domain name, and the quota cannot be raised. "
        "Serve further services under another domain name (another gateway)."
        for (place, domain), count in mappings.items()
        if count > MAX_API_MAPPINGS
    ]
    return problems


def _domain(assembly: CloudAssembly, stack: StackTemplate, domain: Any) -> str:
    """A mapping's domain as the problem names it: the literal name, the SSM parameter it is
    read from, else the domain-name resource (``<LogicalId>`` of its stack) it refers to."""
    name = assembly.ssm_name(stack, domain)
    if name is not None:
        return f"the domain in SSM parameter {name}"
    if isinstance(domain, str):
        return domain
    return f"{assembly.describe(stack, domain)} in stack {stack.name}"
