#!/usr/bin/env python3
"""Selective synth: one service of a 200-service gateway, against CDK's own floor, in one run.

Through the real CDK CLI (``cdk synth --quiet``, the command ``make synth`` runs: cdk-nag's
AwsSolutions checks, the quota guards and asset bundling all included), this times

* **selective**: a generated gateway of N services (200 by default, 30 routes each, as
  ``synth_scale.py`` builds its fleets) synthesized with ``-c services=svc0``: the platform
  stack and that one service's stack;
* **floor**: a bare CDK app of 2 trivial stacks (one SSM parameter each), with the same
  ``cdk.json`` context, run by the same CLI and Python;
* **a gateway of 1 service**, synthesized whole: the same two stacks from a file of one
  service, so the difference to *selective* is what planning the other services costs;
* **full** (unless ``--no-full``): the N-service gateway synthesized whole;

each the median of ``--repeat`` runs, every run a fresh CLI and interpreter into a fresh
output folder. It prints wall and CPU seconds (CPU of the CLI and all it ran: steadier than
wall time on a shared machine) and the ratios (the issue's goal: selective <= 1.5x the 2-stack
floor, in wall time).

    make bench            # or: .venv/bin/python benchmarks/selective_synth.py [--services 200]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
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
FLOOR = "floor (2 trivial stacks)"
SELECTIVE = "selective (1 service of the fleet)"
SINGLE = "full (a gateway of 1 service)"
#: The issue's goal: selective synth of one service <= 1.5x the 2-stack floor.
GOAL = 1.5
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

    def time_once(self) -> Timing:
        """Run it once into a fresh folder."""
        with tempfile.TemporaryDirectory(prefix="bench-selective-") as out:
            output = Path(out) / "cdk.out"
            before = _children_cpu()
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
            stacks = len(list(output.glob("*.template.json")))
            return Timing(wall, _children_cpu() - before, stacks)

    def measure(self, repeat: int) -> Timing:
        """The run of median wall time of ``repeat`` runs."""
        runs = sorted((self.time_once() for _ in range(repeat)), key=lambda run: run.wall)
        return runs[len(runs) // 2]


@dataclass(frozen=True)
class Timing:
    """One synth's cost.

    Attributes:
        wall: wall time, seconds.
        cpu: CPU time (user and system) of the CLI and everything it ran, seconds: steadier
            than wall time on a shared machine.
        stacks: the templates it wrote.
    """

    wall: float
    cpu: float
    stacks: int


def _children_cpu() -> float:
    """User and system CPU seconds of this process's finished children (and theirs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


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
        fleet = Path(folder) / "fleet.yaml"
        fleet.write_text(yaml.safe_dump(gateway_data(args.services), sort_keys=False))
        single = Path(folder) / "single.yaml"
        single.write_text(yaml.safe_dump(gateway_data(1), sort_keys=False))
        floor = write_floor_app(Path(folder) / "floor")
        variants = [
            Synth(FLOOR, floor),
            Synth(SELECTIVE, ROOT, (f"gateway={fleet}", "services=svc0")),
            Synth(SINGLE, ROOT, (f"gateway={single}",)),
        ]
        if not args.no_full:
            variants.append(Synth(f"full ({args.services} services)", ROOT, (f"gateway={fleet}",)))
        print(
            f"cdk synth through the real CLI (cdk-nag, guards, bundling), a gateway of "
            f"{args.services} services x {ROUTES_PER_SERVICE} routes ({os.cpu_count()} cores, "
            f"load average {os.getloadavg()[0]:.1f}); each the median of {args.repeat} run(s).\n"
        )
        print(f"  {'variant':<34} {'wall s':>7} {'CPU s':>7} {'stacks':>6}")
        results: dict[str, Timing] = {}
        for variant in variants:
            results[variant.label] = timing = variant.measure(args.repeat)
            print(
                f"  {variant.label:<34} {timing.wall:>7.1f} {timing.cpu:>7.1f} {timing.stacks:>6}",
                flush=True,
            )
    floor_t, selective = results[FLOOR], results[SELECTIVE]
    wall_ratio, cpu_ratio = selective.wall / floor_t.wall, selective.cpu / floor_t.cpu
    met = "met" if wall_ratio <= GOAL else "NOT met"
    print(
        f"\nselective / floor: wall {wall_ratio:.2f}x, CPU {cpu_ratio:.2f}x "
        f"(goal: wall <= {GOAL}x: {met})"
    )
    one = results[SINGLE]
    print(
        f"selective of {args.services} / a 1-service gateway: "
        f"wall {selective.wall / one.wall:.2f}x, CPU {selective.cpu / one.cpu:.2f}x "
        "(what the other services' plan adds)"
    )
    full = results.get(f"full ({args.services} services)")
    if full is not None:
        print(
            f"full / selective: wall {full.wall / selective.wall:.1f}x "
            f"({full.wall:.1f} s against {selective.wall:.1f} s), "
            f"CPU {full.cpu / selective.cpu:.1f}x"
        )


if __name__ == "__main__":
    main()
