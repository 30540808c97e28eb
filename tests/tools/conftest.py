"""config/multi-region.yaml, planned and synthesized once per session."""

from __future__ import annotations

from typing import Any

import pytest

from gateway_stack.assembly import CloudAssembly
from gateway_stack.gateway.plan import GatewayPlan, plan_gateway_file
from tests.tools.regions import MULTI_REGION, synthesize_plan


@pytest.fixture(scope="session")
def two_regions() -> GatewayPlan:
    """config/multi-region.yaml: eu-west-1 (home, every service), us-east-1 (orders and
    inventory)."""
    return plan_gateway_file(MULTI_REGION)


@pytest.fixture(scope="session")
def two_region_assembly(
    two_regions: GatewayPlan,
    tmp_path_factory: pytest.TempPathFactory,
    cdk_context: dict[str, Any],
) -> CloudAssembly:
    """:func:`two_regions`, synthesized."""
    return synthesize_plan(two_regions, tmp_path_factory.mktemp("two-regions"), cdk_context)
