"""The gateway plan: a gateway file resolved, in pure Python, into what its stacks are built
from (see docs/plan.md).

``plan_gateway`` (or ``plan_gateway_file``) turns a validated gateway file into a
:class:`GatewayPlan`: its deployments (one environment in one account and region, with its
stacks, their names and roles) and, per service, everything its stack needs (the OpenAPI body
and routes, stage, mappings, usage-plan overrides, alarm thresholds). Every check that can be
known before synth runs here, and all problems are reported at once. Nothing here imports the
CDK: ``python -m gateway_stack validate`` is load + plan.
"""

from gateway_stack.gateway.plan.gateway import GatewayPlan, plan_gateway, plan_gateway_file
from gateway_stack.gateway.plan.platform import (
    BackendPlan,
    HealthCheckPlan,
    PlatformPlan,
    RegionRouting,
)
from gateway_stack.gateway.plan.problems import (
    DocumentPlace,
    FilePlace,
    GatewayPlanError,
    Place,
)
from gateway_stack.gateway.plan.service import ApiMapping, ServicePlan, StagePlan
from gateway_stack.gateway.plan.topology import Deployment, StackPlan, StackRole

__all__ = [
    "ApiMapping",
    "BackendPlan",
    "Deployment",
    "DocumentPlace",
    "FilePlace",
    "GatewayPlan",
    "GatewayPlanError",
    "HealthCheckPlan",
    "Place",
    "PlatformPlan",
    "RegionRouting",
    "ServicePlan",
    "StackPlan",
    "StackRole",
    "StagePlan",
    "plan_gateway",
    "plan_gateway_file",
]
