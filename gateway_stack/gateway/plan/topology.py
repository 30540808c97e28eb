"""Where a gateway deploys: its deployments (one environment in one account and region) and
the stacks of each, with their names and roles.

The stacks are entries here rather than special cases in the code that builds them: a second
region is a second :class:`Deployment`, an edge stack a stack with the role ``edge``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from gateway_stack.gateway.plan.platform import PlatformPlan
from gateway_stack.gateway.plan.service import ServicePlan
from gateway_stack.naming import GatewayNames


class StackRole(Enum):
    """What a stack holds."""

    #: What every service of a deployment shares (domain, authorizer, usage plans, WAF, ...).
    PLATFORM = "platform"
    #: One service's API, stage, mappings, plan membership and alarms.
    SERVICE = "service"


@dataclass(frozen=True)
class StackPlan:
    """One stack of a deployment.

    Attributes:
        name: the stack's name (its construct id; from :class:`GatewayNames`).
        role: what it holds.
        description: the stack's CloudFormation description.
        service: the service, for a service stack. Default: none.
    """

    name: str
    role: StackRole
    description: str
    service: ServicePlan | None = None


@dataclass(frozen=True)
class Deployment:
    """One environment of the gateway in one account and region.

    Attributes:
        environment: the environment's name.
        account: the AWS account.
        region: the AWS region.
        partition: the region's partition (``aws``, ``aws-cn``, ``aws-us-gov``).
        platform: what the platform stack needs.
        stacks: the stacks, platform first, then one per service in file order.
        names: the deployment's names: qualified by its region in a multi-region gateway's
            added regions, the gateway's own names in its home region.
        home: whether this is the gateway's home region (the top-level ``region``). Default:
            yes.
    """

    environment: str
    account: str
    region: str
    partition: str
    platform: PlatformPlan
    stacks: tuple[StackPlan, ...]
    names: GatewayNames
    home: bool = True

    @property
    def platform_stack(self) -> StackPlan:
        """The platform stack."""
        (stack,) = (s for s in self.stacks if s.role is StackRole.PLATFORM)
        return stack

    @property
    def service_stacks(self) -> tuple[StackPlan, ...]:
        """The service stacks, in file order."""
        return tuple(s for s in self.stacks if s.role is StackRole.SERVICE)

    @property
    def services(self) -> tuple[ServicePlan, ...]:
        """The services, in file order."""
        return tuple(s.service for s in self.service_stacks if s.service is not None)

    def service(self, name: str) -> ServicePlan:
        """The service called ``name``.

        Raises:
            KeyError: no such service.
        """
        for service in self.services:
            if service.name == name:
                return service
        raise KeyError(name)
