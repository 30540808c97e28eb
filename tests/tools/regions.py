"""config/multi-region.yaml for the tools' tests: its plan, and a synthesis of it in-process
(construct paths recorded, as the review reads them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk

from gateway_stack.assembly import CloudAssembly
from gateway_stack.gateway.app import build_gateway
from gateway_stack.gateway.plan import GatewayPlan
from tests.conftest import ROOT

#: The gateway file: the example's services in eu-west-1 (the home) and us-east-1 (orders and
#: inventory; billing is in the home region only), with latency routing.
MULTI_REGION = ROOT / "config" / "multi-region.yaml"
HOME, ADDED = "eu-west-1", "us-east-1"
#: The regions' own names (``<region>.<domain.name>``).
REGIONAL = {HOME: "eu-west-1.api.example.com", ADDED: "us-east-1.api.example.com"}


def synthesize_plan(plan: GatewayPlan, folder: Path, context: dict[str, Any]) -> CloudAssembly:
    """Build every deployment of ``plan`` into an App (construct paths recorded, no bundling,
    no cdk-nag), synthesize it into ``folder`` and read it."""
    app = cdk.App(
        context={**context, "aws:cdk:enable-path-metadata": True},
        outdir=str(folder),
        stack_traces=False,
    )
    build_gateway(app, plan, nag=False)
    app.synth()
    return CloudAssembly.read(folder)
