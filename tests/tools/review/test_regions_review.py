"""A review of a multi-region gateway names the region of every change: the stacks, the
warnings and the routes (from each stack's ``environment`` in the assembly manifests)."""

from __future__ import annotations

import pytest

from gateway_stack.assembly import CloudAssembly
from gateway_stack.tools.review import Review, review_assemblies
from gateway_stack.tools.review.report import render_markdown
from tests.tools.regions import ADDED, HOME
from tests.tools.review.conftest import TOOLCHAIN


@pytest.fixture(scope="module")
def added_region(example_assembly: CloudAssembly, two_region_assembly: CloudAssembly) -> Review:
    """The example (one region) to the same gateway in two regions."""
    return review_assemblies(example_assembly, two_region_assembly, TOOLCHAIN)


@pytest.fixture(scope="module")
def region_removed(example_assembly: CloudAssembly, two_region_assembly: CloudAssembly) -> Review:
    """Two regions back to one: the added region's stacks leave the app."""
    return review_assemblies(two_region_assembly, example_assembly, TOOLCHAIN)


def test_every_stack_diff_knows_its_region(added_region: Review) -> None:
    assert added_region.regions == (HOME, ADDED)
    regions = {diff.stack: (diff.region, diff.status) for diff in added_region.stacks}
    assert regions["acme-dev-us-east-1-platform"] == (ADDED, "new")
    assert regions["acme-dev-us-east-1-svc-orders"] == (ADDED, "new")
    assert regions["acme-dev-svc-orders"] == (HOME, "changed")  # its regional-name mapping


def test_the_report_names_the_region_of_each_stack_and_route(added_region: Review) -> None:
    text = render_markdown(added_region, whole=True)
    assert f"**Regions:** {HOME}, {ADDED}." in text
    assert f"#### `acme-dev-us-east-1-platform` ({ADDED}): new stack" in text
    assert f"#### `acme-dev-us-east-1-svc-inventory` ({ADDED}): new stack" in text
    assert f"#### `acme-dev-svc-orders` ({HOME}): changes" in text
    # The added region's routes are new routes, named with their region.
    assert f"orders GET /orders ({ADDED})" in text
    route_lines = [line for line in text.splitlines() if line.startswith("| added |")]
    assert route_lines
    assert all(f"({ADDED})" in line for line in route_lines)
    assert not any(f"({HOME})" in line for line in route_lines)


def test_warnings_name_the_region(region_removed: Review) -> None:
    removed = [diff for diff in region_removed.stacks if diff.status == "removed"]
    assert {diff.region for diff in removed} == {ADDED}
    assert region_removed.protected
    text = render_markdown(region_removed, whole=True)
    warnings = [line for line in text.splitlines() if line.startswith("- **deleted")]
    added = [line for line in warnings if " in `acme-dev-us-east-1-" in line]
    home = [line for line in warnings if line not in added]
    assert added
    assert all(f"({ADDED}). " in line for line in added)
    # The home region's mappings on its own name go too, named as the home's.
    assert home
    assert all(f"({HOME}). " in line for line in home)
    assert f"#### `acme-dev-us-east-1-platform` ({ADDED}): no longer in the app" in text


def test_a_single_region_review_names_no_region(
    example_assembly: CloudAssembly,
) -> None:
    review = review_assemblies(example_assembly, example_assembly, TOOLCHAIN)
    assert review.regions == (HOME,)
    text = render_markdown(review, whole=True)
    assert "Regions:" not in text
    assert f"({HOME})" not in text
