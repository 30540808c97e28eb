"""``python -m gateway_stack validate`` is load + plan: what synth would refuse in a gateway file
or its documents comes out here, all at once, without loading the CDK."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from gateway_stack.gateway.plan import plan_gateway_file
from gateway_stack.tools.cli import main
from tests.gateway.config.test_config import write
from tests.gateway.plan.support import line_of

ROOT = Path(__file__).resolve().parents[3]


def test_validate_reports_every_problem_of_the_file_and_its_documents_at_once(
    tmp_path: Path, gateway_data: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    del gateway_data["services"][1]["cache_size_gb"]
    gateway_data["tiers"]["gold"]["route_throttles"] = {
        "inventory DELETE /items": {"rate_limit": 1, "burst_limit": 1}
    }
    path = write(tmp_path, gateway_data)
    document = tmp_path / "openapi" / "orders.yaml"
    orders = yaml.safe_load(document.read_text())
    # With CORS on, the gateway answers OPTIONS itself: synth refuses the operation.
    orders["paths"]["/orders"]["options"] = {"responses": {"204": {"description": "No"}}}
    document.write_text(yaml.safe_dump(orders, sort_keys=False))

    assert main(["validate", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [
        f"{document}: /paths/~1orders/options: with CORS on, the gateway answers OPTIONS; "
        f"remove the operation (line {line_of(document, '    options:')})",
        f"{path}: tiers.gold.route_throttles.inventory DELETE /items: service 'inventory' has "
        "no route DELETE /items; its routes: GET /health, GET /items, GET /items/{sku}, "
        "GET /warehouses, POST /items/{sku}/reservations. Name one of them, or remove the throttle "
        f"(line {line_of(path, 'inventory DELETE /items') + 1})",
        f"{path}: services[1].routes[1]: route GET /items/{{sku}} caches responses "
        "(cache_ttl_seconds), but service 'inventory' has no cache cluster: set its "
        "cache_size_gb (services[1].cache_size_gb), or stop caching the route "
        f"(line {line_of(path, 'route: GET /items/{sku}')})",
        "3 errors; nothing was synthesized.",
    ]


def test_validate_passes_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(ROOT / "config" / "example.yaml")]) == 0
    out, _ = capsys.readouterr()
    assert out == f"{ROOT / 'config' / 'example.yaml'}: ok (3 services, 2 clients)\n"


def _modules_loaded_by(code: str) -> list[str]:
    """The top-level modules a fresh interpreter has loaded after running ``code``."""
    report = "import sys, json\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    script = f"{code}\n{report}"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.splitlines()[-1])


@pytest.mark.parametrize(
    "code",
    [
        pytest.param(
            "from gateway_stack.gateway.plan import plan_gateway_file\n"
            "plan_gateway_file('config/example.yaml')",
            id="plan",
        ),
        pytest.param(
            "from gateway_stack.tools.cli import main\nmain(['validate', 'config/example.yaml'])",
            id="validate",
        ),
    ],
)
def test_planning_and_validating_load_no_cdk(code: str) -> None:
    loaded = _modules_loaded_by(code)
    assert "gateway_stack" in loaded
    assert not {"aws_cdk", "constructs", "jsii"} & set(loaded)


def test_a_refused_plan_writes_nothing(tmp_path: Path, gateway_data: dict[str, Any]) -> None:
    del gateway_data["services"][1]["cache_size_gb"]
    path = write(tmp_path, gateway_data)
    out = tmp_path / "cdk.out"
    result = subprocess.run(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env={
            **os.environ,
            "CDK_OUTDIR": str(out),
            "CDK_CONTEXT_JSON": json.dumps({"gateway": str(path)}),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "has no cache cluster" in result.stderr
    assert result.stderr.endswith("1 error; nothing was synthesized.\n")
    assert not out.exists() or not any(out.iterdir())


def test_a_public_route_is_checked_against_the_document_naming_both_files(
    tmp_path: Path, gateway_data: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    gateway_data["services"][0]["public_routes"] = ["GET /orders", "GET /ping"]
    path = write(tmp_path, gateway_data)
    document = tmp_path / "openapi" / "orders.yaml"
    # The list's line, as the gateway file's other messages give it (its first item's).
    listed = f"{path} (services[0].public_routes, line {line_of(path, '- GET /orders')})"

    assert main(["validate", str(path)]) == 1
    _, err = capsys.readouterr()
    assert err.splitlines() == [
        f"{document}: /paths/~1orders/get: {listed} lists 'GET /orders' as public, but the "
        "operation does not declare it: add 'security: []' to the operation (or ask for it to "
        f"be taken off the list) (line {line_of(document, '    get:')})",
        f"{document}: /paths: {listed} lists 'GET /ping' as public, but the document has no such "
        f"operation (line {line_of(document, 'paths:')})",
        "2 errors; nothing was synthesized.",
    ]


def test_validate_prints_a_documents_warnings_and_passes(
    tmp_path: Path, gateway_data: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, gateway_data)
    document = tmp_path / "openapi" / "orders.yaml"
    text = document.read_text().replace(
        "        next: {type: string}", "        next: {type: string, default: 0}"
    )
    document.write_text(text)

    assert main(["validate", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{path}: ok (3 services, 2 clients)\n"
    assert err == (
        f"{document}: /components/schemas/OrderPage/properties/next/default: warning: default 0 "
        "is not of type 'string'; API Gateway's import does not check defaults, but clients "
        f"reading the document will (line {line_of(document, 'next:')})\n"
    )


def test_a_documents_timeout_is_held_to_the_accounts_ceiling_the_gateway_file_states(
    tmp_path: Path, gateway_data: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, gateway_data)
    document = tmp_path / "openapi" / "orders.yaml"
    orders = yaml.safe_load(document.read_text())
    orders["paths"]["/orders"]["get"]["x-gateway-stack"] = {"timeout_ms": 60000}
    document.write_text(yaml.safe_dump(orders, sort_keys=False))

    assert main(["validate", str(path)]) == 1
    (message, count) = capsys.readouterr().err.splitlines()
    assert message == (
        f"{document}: /paths/~1orders/get/x-gateway-stack/timeout_ms: 60000 ms is outside API "
        "Gateway's 50-29000 ms integration timeout (an account whose quota AWS raised says so "
        "in the gateway file: account_quotas.integration_timeout_ms) "
        f"(line {line_of(document, 'timeout_ms: 60000')})"
    )
    assert count == "1 error; nothing was synthesized."

    gateway_data["account_quotas"] = {"integration_timeout_ms": 90000}
    path = write(tmp_path, gateway_data)
    assert main(["validate", str(path)]) == 0
    capsys.readouterr()
    (orders_plan, *_) = plan_gateway_file(path).deployments[0].services
    integration = orders_plan.definition.body["paths"]["/orders"]["get"][
        "x-amazon-apigateway-integration"
    ]
    assert integration["timeoutInMillis"] == 60000
