#!/usr/bin/env python3
"""Selective synth: one service of a 200-service gateway, against CDK's own floor, in one run.

Through the real CDK CLI (``cdk synth --quiet``, the command ``make synth`` runs: cdk-nag's
AwsSolutions checks, the quota guards and asset bundling all included), this times

* **selective**: a generated gateway of N services (200 by default, 30 routes each, as
  ``synth_scale.py`` builds its fleets) synthesized with ``-c services=svc0``: the platform
  stack and that one service's stack;
* **floor**: a bare CDK app of 2 trivial stacks (one SSM parameter each), with the same
  ``cdk.json`` context, run by the same CLI and Python;
* **full** (unless ``--no-full``): the same N-service gateway synthesized whole;

each the median of ``--repeat`` runs, every run a fresh CLI and interpreter into a fresh
output folder. It prints the absolute times and the ratios (the issue's goal: selective
<= 1.5x the 2-stack floor).

    make bench            # or: .venv/bin/python benchmarks/selective_synth.py [--services 200]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth_scale import ROUTES_PER_SERVICE, gateway_data

ROOT = Path(__file__).resolve().parent.parent
CDK = ROOT / "node_modules" / ".bin" / "cdk"
#: The bare app: two stacks with one trivial resource each.
FLOOR_APP = """\
import aws_cdk as cdk
from aws_cdk import aws_ssm as ssm

app = cdk.App()
for n in range(2):
    stack = cdk.Stack(app, f"trivial-{n}",
                      env=cdk.Environment(account="123456789012", region="eu-west-1"))
    ssm.StringParameter(stack, "Value", string_value="x", parameter_name=f"/floor/{n}")
app.synth()
"""


def environment() -> dict[str, str]:
    """The Makefile's environment: the pinned Node.js, the venv's scripts and the CDK CLI."""
    folders = [Path(sys.prefix) / "node-bin", Path(sys.executable).parent, CDK.parent]
    return {
        **os.environ,
        "PATH": os.pathsep.join([*map(str, folders), os.environ.get("PATH", "")]),
        "CDK_DISABLE_CLI_TELEMETRY": "true",
        "CDK_DISABLE_VERSION_CHECK": "true",
    }


@dataclass(frozen=True)
class Synth:
    """One variant: ``cdk synth`` of the app in ``app_dir`` with ``context`` values.

    Attributes:
        label: the variant's name in the table.
        app_dir: the folder with the app's ``cdk.json``.
        context: ``key=value`` CDK context values. Default: none.
    """

    label: str
    app_dir: Path
    context: tuple[str, ...] = ()

    def command(self, output: Path) -> list[str]:
        """The command line, into ``output``."""
        args = [str(CDK), "synth", "--quiet", "--no-notices", "--output", str(output)]
        for value in self.context:
            args += ["--context", value]
        return args

    def time_once(self) -> tuple[float, int]:
        """Run it once into a fresh folder: its wall time in seconds and its stack count."""
        with tempfile.TemporaryDirectory(prefix="bench-selective-") as out:
            output = Path(out) / "cdk.out"
            started = time.perf_counter()
            result = subprocess.run(
                self.command(output),
                cwd=self.app_dir,
                env=environment(),
                capture_output=True,
                text=True,
                check=False,
            )
            wall = time.perf_counter() - started
            if result.returncode != 0:
                printed = (result.stdout + result.stderr)[-3000:]
                raise SystemExit(f"{self.label} failed:\n{printed}")
            return wall, len(list(output.glob("*.template.json")))

    def measure(self, repeat: int) -> tuple[float, int]:
        """The median wall time of ``repeat`` runs, and the stacks one run wrote."""
        runs = [self.time_once() for _ in range(repeat)]
        return statistics.median(wall for wall, _ in runs), runs[0][1]


def write_floor_app(folder: Path) -> Path:
    """The 2-stack bare app, with this repository's ``cdk.json`` context."""
    folder.mkdir()
    (folder / "app.py").write_text(FLOOR_APP)
    context = json.loads((ROOT / "cdk.json").read_text())["context"]
    context.pop("gateway", None)
    cdk_json = {"app": f"{sys.executable} app.py", "context": context}
    (folder / "cdk.json").write_text(json.dumps(cdk_json, indent=2))
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=200, help="the fleet's size")
    parser.add_argument("--repeat", type=int, default=1, help="runs per variant (the median)")
    parser.add_argument("--no-full", action="store_true", help="skip the whole fleet's synth")
    args = parser.parse_args()
    if not CDK.exists():
        raise SystemExit(f"{CDK}: the CDK CLI is not installed: run `make setup`")
    with tempfile.TemporaryDirectory(prefix="bench-selective-") as folder:
        gateway = Path(folder) / "gateway.yaml"
        gateway.write_text(yaml.safe_dump(gateway_data(args.services), sort_keys=False))
        floor = write_floor_app(Path(folder) / "floor")
        variants = [
            Synth("floor (2 trivial stacks)", floor),
            Synth("selective (1 service)", ROOT, (f"gateway={gateway}", "services=svc0")),
        ]
        if not args.no_full:
            variants.append(
                Synth(f"full ({args.services} services)", ROOT, (f"gateway={gateway}",))
            )
        print(
            f"cdk synth through the real CLI (cdk-nag, guards, bundling), a gateway of "
            f"{args.services} services x {ROUTES_PER_SERVICE} routes ({os.cpu_count()} cores); "
            f"each the median of {args.repeat} run(s).\n"
        )
        print(f"  {'variant':<28} {'wall s':>7} {'stacks':>6}")
        results = {}
        for variant in variants:
            results[variant.label] = wall, stacks = variant.measure(args.repeat)
            print(f"  {variant.label:<28} {wall:>7.1f} {stacks:>6}", flush=True)
    floor_s = results["floor (2 trivial stacks)"][0]
    selective_s = results["selective (1 service)"][0]
    ratio = selective_s / floor_s
    print(
        f"\nselective / floor: {ratio:.2f}x (goal <= 1.5x: {'met' if ratio <= 1.5 else 'NOT met'})"
    )
    full = results.get(f"full ({args.services} services)")
    if full is not None:
        print(
            f"full / selective: {full[0] / selective_s:.1f}x "
            f"({full[0]:.1f} s against {selective_s:.1f} s)"
        )


if __name__ == "__main__":
    main()
