"""Helpers for the plan's tests: crafted gateway files, and what the plan says of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway_stack.gateway.plan import GatewayPlanError, plan_gateway_file


def refusals(path: Path) -> list[str]:
    """Every message the plan refuses the gateway file at ``path`` with."""
    with pytest.raises(GatewayPlanError) as caught:
        plan_gateway_file(path)
    return list(caught.value.messages)


def line_of(path: Path, text: str) -> int:
    """The number of the first line of ``path`` that holds ``text``."""
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} is not in {path}")
