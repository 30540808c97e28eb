"""A selective synth through the real CDK CLI (``cdk synth -c services=orders``, what
``make synth SERVICES=orders`` runs): every region's platform stack and only the named
services' stacks; the selection recorded in cdk.out, and said by the tools that read it; an
unknown service, or a gateway file the plan refuses, refused with cdk.out left as it was."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from gateway_stack.assembly import CloudAssembly
from gateway_stack.provenance import PROVENANCE_FILE
from gateway_stack.tools.cli import main
from gateway_stack.tools.review import review_assemblies
from gateway_stack.tools.review.report import render_markdown
from gateway_stack.tools.review.synth import Toolchain, base_selection
from tests.synth.cli import ROOT, cdk_synth
from tests.synth.test_refused_synth import EXAMPLE, assembly_files, gateway_file

MULTI_REGION = "config/multi-region.yaml"
NOT_BUILT = (
    "service orders only (and the platform stacks): the other services' stacks were not built"
)


@pytest.fixture(scope="module")
def multi_region_orders(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """config/multi-region.yaml synthesized for orders only."""
    output = tmp_path_factory.mktemp("cdk.out")
    result = cdk_synth(output, MULTI_REGION, services="orders")
    assert result.returncode == 0, result.stdout + result.stderr
    return output


@pytest.fixture(scope="module")
def example_orders(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """config/example.yaml synthesized for orders only."""
    output = tmp_path_factory.mktemp("cdk.out")
    result = cdk_synth(output, "config/example.yaml", services="orders")
    assert result.returncode == 0, result.stdout + result.stderr
    return output


def test_every_regions_platform_and_only_the_named_services_stacks(
    multi_region_orders: Path,
) -> None:
    assembly = CloudAssembly.read(multi_region_orders)
    assert sorted((stack.region, stack.name) for stack in assembly.stacks) == [
        ("eu-west-1", "acme-dev-platform"),
        ("eu-west-1", "acme-dev-svc-orders"),
        ("us-east-1", "acme-dev-us-east-1-platform"),
        ("us-east-1", "acme-dev-us-east-1-svc-orders"),
    ]
    assert not list(multi_region_orders.glob("*inventory*"))
    assert not list(multi_region_orders.glob("*billing*"))


def test_the_record_says_which_services_were_built(multi_region_orders: Path) -> None:
    record = json.loads((multi_region_orders / PROVENANCE_FILE).read_text())
    assert record["gateway"] == MULTI_REGION
    assert record["services"] == ["orders"]
    assembly = CloudAssembly.read_built_from(multi_region_orders, ROOT / MULTI_REGION)
    assert assembly.provenance is not None
    assert assembly.provenance.services == ("orders",)
    assert assembly.built_from == (
        f"{multi_region_orders}: synthesized from {MULTI_REGION}, {NOT_BUILT}"
    )


def test_a_full_synths_record_has_no_selection(assembly: Path) -> None:
    record = json.loads((assembly / PROVENANCE_FILE).read_text())
    assert "services" not in record
    read = CloudAssembly.read(assembly)
    assert read.provenance is not None
    assert not read.provenance.selective
    assert read.built_from == f"{assembly}: synthesized from config/example.yaml"


def test_the_summary_marks_the_services_not_built(
    multi_region_orders: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gateway = str(ROOT / MULTI_REGION)
    code = main(["summary", "--gateway", gateway, "--cdk-out", str(multi_region_orders)])
    printed = capsys.readouterr().out
    assert code == 0
    rows = {line.split()[0]: line for line in printed.splitlines() if "/" in line and ":" in line}
    assert rows["orders"].endswith("acme-dev-us-east-1-svc-orders")
    assert rows["inventory"].endswith("acme-dev-us-east-1-svc-inventory (not built)")
    assert rows["billing"].endswith("acme-dev-svc-billing (not built)")
    assert printed.rstrip().endswith(
        f"(synthesized from {ROOT / MULTI_REGION}, service orders only (and the platform stacks))"
    )


def test_the_route_table_says_it_is_of_the_selection(
    multi_region_orders: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["routes", "--cdk-out", str(multi_region_orders)])
    printed = capsys.readouterr()
    assert code == 0
    assert printed.err.strip() == (
        f"{multi_region_orders}: synthesized from {MULTI_REGION}, {NOT_BUILT}"
    )
    assert "https://api.example.com/orders/orders" in printed.out
    assert "/inventory/" not in printed.out
    assert "/billing/" not in printed.out


def test_a_review_of_a_selective_head_compares_only_its_stacks(
    assembly: Path, example_orders: Path
) -> None:
    """Against the full synth of the same file: nothing changed, nothing removed (inventory's
    and billing's stacks were not built, so they are left out), and the report says so."""
    review = review_assemblies(
        CloudAssembly.read(assembly), CloudAssembly.read(example_orders), Toolchain(ROOT)
    )
    assert [(diff.stack, diff.status) for diff in review.stacks] == [
        ("acme-dev-platform", "unchanged"),
        ("acme-dev-svc-orders", "unchanged"),
    ]
    assert review.routes == ()
    assert review.selection == "service orders only (and the platform stacks)"
    report = render_markdown(review, whole=True)
    assert (
        "Selective review: the head built service orders only (and the platform stacks); "
        "only those stacks are compared. The other services' stacks were not synthesized, "
        "not removed: review without SERVICES for the whole gateway."
    ) in report
    assert "**Routes:** none. **Stacks:** none. No warnings." in report


def test_an_unknown_service_is_refused_and_cdk_out_left_as_it_was(
    assembly: Path, tmp_path: Path
) -> None:
    previous = tmp_path / "cdk.out"
    shutil.copytree(assembly, previous)
    before = assembly_files(previous)
    result = cdk_synth(previous, "config/example.yaml", services="orders,payments")
    assert result.returncode == 1
    assert (
        "context services=orders,payments: payments: not a service of config/example.yaml "
        "(its services: orders, inventory, billing)\n1 error; nothing was synthesized.\n"
    ) in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert assembly_files(previous) == before


def test_a_file_the_plan_refuses_is_refused_by_a_selective_synth_too(
    assembly: Path, tmp_path: Path
) -> None:
    """The refusal is in a client, which no service's stack builds: the plan still checks the
    whole file."""
    previous = tmp_path / "cdk.out"
    shutil.copytree(assembly, previous)
    path = gateway_file(tmp_path, EXAMPLE.replace("tier: gold", "tier: platinum", 1))
    before = assembly_files(previous)
    result = cdk_synth(previous, path, services="orders")
    assert result.returncode == 1
    assert f"{path}: clients[0].tier: unknown tier 'platinum'" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert assembly_files(previous) == before


@pytest.mark.parametrize(
    ("services", "base"),
    [
        ("orders", "orders"),
        ("orders,payments", "orders"),  # payments is new in the head: only the head builds it
        ("payments", None),  # none of them in the base: the base builds everything
        (None, None),
    ],
)
def test_the_base_of_a_selective_review_builds_the_selected_services_it_has(
    services: str | None, base: str | None
) -> None:
    assert base_selection(ROOT / "config" / "example.yaml", services) == base


def test_a_base_file_that_is_not_yaml_is_synthesized_whole(tmp_path: Path) -> None:
    broken = tmp_path / "gateway.yaml"
    broken.write_text("services: [orders\n")
    assert base_selection(broken, "orders") is None
