"""A two-region gateway (tests/tools/regions.py), planned and synthesized once per session."""

from __future__ import annotations

from typing import Any

import pytest

from gateway_stack.assembly import CloudAssembly
from gateway_stack.gateway.plan import GatewayPlan
from tests.tools.regions import synthesize_plan, two_region_plan

#: The services of the added region: billing is in the home region only.
ADDED_SERVICES = ("orders", "inventory")


@pytest.fixture(scope="session")
def two_regions(example_data: dict[str, Any]) -> GatewayPlan:
    """The example in eu-west-1 (home, every service) and us-east-1 (orders, inventory)."""
    return two_region_plan(example_data, added_services=ADDED_SERVICES)


@pytest.fixture(scope="session")
def two_region_assembly(
    two_regions: GatewayPlan,
    tmp_path_factory: pytest.TempPathFactory,
    cdk_context: dict[str, Any],
) -> CloudAssembly:
    """:func:`two_regions`, synthesized."""
    return synthesize_plan(two_regions, tmp_path_factory.mktemp("two-regions"), cdk_context)
