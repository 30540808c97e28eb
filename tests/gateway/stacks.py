"""Helpers that build the gateway's stacks in memory for template assertions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk.assertions import Template

from gateway_stack.gateway.app import GatewayStacks, build_gateway_from
from gateway_stack.gateway.config import parse_gateway

CONFIG = Path(__file__).resolve().parents[2] / "config"


def build(data: dict[str, Any], context: dict[str, Any], *, nag: bool = False) -> GatewayStacks:
    """The stacks of a gateway file's data, in a fresh app with cdk.json's feature flags.

    Services' OpenAPI documents are found in ``config/``, as for the example.
    """
    app = cdk.App(context=context)
    return build_gateway_from(app, parse_gateway(data), documents=CONFIG, nag=nag)


def templates(stacks: GatewayStacks) -> dict[str, Template]:
    """Every stack's template, by stack name."""
    return {
        stack.stack_name: Template.from_stack(stack)
        for stack in (stacks.platform, *stacks.services.values())
    }


def keys_with_statement(template: Template, sid: str) -> list[tuple[str, dict[str, Any]]]:
    """The KMS keys whose policy has the statement ``sid``, as ``(logical id, resource)``: a
    stack may hold several keys, each for one purpose."""
    return [
        (logical_id, key)
        for logical_id, key in template.find_resources("AWS::KMS::Key").items()
        if any(s.get("Sid") == sid for s in key["Properties"]["KeyPolicy"]["Statement"])
    ]


def key_with_statement(template: Template, sid: str) -> tuple[str, dict[str, Any]]:
    """The one KMS key whose policy has the statement ``sid``."""
    (found,) = keys_with_statement(template, sid)
    return found
