"""Running the real CDK CLI (and the app) the way `make synth` does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CDK = ROOT / "node_modules" / ".bin" / "cdk"


def environment() -> dict[str, str]:
    """The Makefile's environment: the project's Node.js, venv and CDK CLI first on PATH."""
    venv = Path(sys.prefix)
    path = os.pathsep.join(
        [str(venv / "node-bin"), str(venv / "bin"), str(CDK.parent), os.environ.get("PATH", "")]
    )
    return {
        **os.environ,
        "PATH": path,
        "CDK_DISABLE_CLI_TELEMETRY": "true",
        "CDK_DISABLE_VERSION_CHECK": "true",
    }


def cdk_synth(
    output: Path,
    gateway: Path | str | None = "config/example.yaml",
    app_dir: Path = ROOT,
    services: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """``cdk synth`` into ``output`` through the real CLI: the gateway app, or another app; of
    only ``services`` (the ``services`` context, a comma list) when given."""
    context = ["--context", f"gateway={gateway}"] if gateway is not None else []
    if services is not None:
        context += ["--context", f"services={services}"]
    return subprocess.run(
        [str(CDK), "synth", "--quiet", "--no-notices", "--output", str(output), *context],
        cwd=app_dir,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def acknowledgments(assembly: Path) -> dict[tuple[str, str], str]:
    """Every acknowledged rule of the assembly's stacks: (construct path, rule) -> reason.

    CDK acknowledges a few of its own built-in template checks too
    (``CloudFormation-Validate::``); cdk-nag's are ``AwsSolutions-``.
    """
    found: dict[tuple[str, str], str] = {}
    for metadata in assembly.glob("*.metadata.json"):
        for path, entries in json.loads(metadata.read_text()).items():
            for entry in entries:
                if entry["type"] == "aws:cdk:acknowledged-rules":
                    for rule, reason in entry["data"].items():
                        found[(path.lstrip("/"), rule.removeprefix("Annotation::"))] = reason
    return found
