"""Warnings: settings AWS accepts that probably do not do what they seem to. ``validate`` prints
them to stderr with the file, key path and line, and still succeeds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gateway_stack.gateway.plan import plan_gateway_file
from gateway_stack.tools.cli import main
from tests.gateway.config.test_config import write
from tests.gateway.plan.support import line_of


def test_a_burst_below_the_rate_is_a_warning_with_its_place(
    tmp_path: Path, gateway_data: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    gateway_data["tiers"]["gold"]["burst_limit"] = 40
    gateway_data["services"][1]["routes"][2]["throttle"] = {"rate_limit": 20, "burst_limit": 5}
    path = write(tmp_path, gateway_data)

    plan = plan_gateway_file(path)
    texts = [warning.rsplit(" (line ", 1)[0] for warning in plan.warnings]
    assert texts == [
        f"{path}: tiers.gold: warning: burst_limit 40 is below rate_limit 200: the bucket holds "
        "40 requests, so more than 40 arriving at once are answered 429 even under 200 per "
        "second; a burst of at least the rate is the usual setting",
        f"{path}: services[1].routes[2].throttle: warning: burst_limit 5 is below rate_limit "
        "20: the bucket holds 5 requests, so more than 5 arriving at once are answered 429 "
        "even under 20 per second; a burst of at least the rate is the usual setting",
    ]
    # Each at its key's line (or its value's, the line after).
    lines = [int(warning.rsplit(" (line ", 1)[1].rstrip(")")) for warning in plan.warnings]
    gold, burst = line_of(path, "  gold:"), line_of(path, "burst_limit: 5")
    assert lines[0] in (gold, gold + 1)
    assert lines[1] in (burst - 2, burst - 1)  # throttle: / rate_limit: 20 / burst_limit: 5

    assert main(["validate", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out == f"{path}: ok (3 services, 2 clients)\n"
    assert err.splitlines() == list(plan.warnings)


def test_the_example_has_no_warning(example_data: dict[str, Any], tmp_path: Path) -> None:
    assert plan_gateway_file(write(tmp_path, example_data)).warnings == ()
