"""Through the real CDK CLI: a refused or interrupted synth leaves the previous cdk.out as it was
(byte for byte, but for the CLI's own lock and error files), a successful one replaces it
whole, and `make routes` never shows another gateway's cdk.out."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from gateway_stack.assembly import CloudAssembly
from gateway_stack.tools.staged_output import CLI_FILES
from tests.synth.cli import CDK, ROOT, cdk_synth, environment

EXAMPLE = (ROOT / "config" / "example.yaml").read_text()
#: What the Makefile's set-up stamps depend on.
SETUP_INPUTS = (
    "requirements.txt",
    "requirements-dev.txt",
    "constraints.txt",
    "pyproject.toml",
    "package.json",
    "package-lock.json",
    "lambdas/authorizer/requirements.txt",
    "lambdas/plan_membership/requirements.txt",
)
CLIENT = "  - {id: mobile-app, tier: gold, description: The consumer mobile app}\n"


def assembly_files(folder: Path) -> dict[str, str]:
    """Every file of the assembly in ``folder`` -> its SHA-256 (the CDK CLI's files aside)."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not CLI_FILES.match(path.name)
    }


@pytest.fixture
def previous(assembly: Path, tmp_path: Path) -> Path:
    """A copy of the example's cdk.out, to synthesize over."""
    shutil.copytree(assembly, tmp_path / "cdk.out")
    return tmp_path / "cdk.out"


def gateway_file(folder: Path, text: str) -> Path:
    shutil.copytree(ROOT / "config" / "openapi", folder / "openapi", dirs_exist_ok=True)
    path = folder / "gateway.yaml"
    path.write_text(text)
    return path


def test_a_synth_refused_by_a_quota_guard_leaves_cdk_out_as_it_was(
    previous: Path, tmp_path: Path
) -> None:
    """200 clients pass the plan (400 resources of their own) but not the platform stack's
    budget once its other resources are counted: only the guard on the written templates sees
    it."""
    clients = "".join(f"  - {{id: client-{n}, tier: bronze}}\n" for n in range(198))
    path = gateway_file(tmp_path, EXAMPLE.replace(CLIENT, CLIENT + clients))
    before = assembly_files(previous)
    result = cdk_synth(previous, path)
    assert result.returncode != 0
    (refusal,) = [line for line in result.stderr.splitlines() if "over the budget" in line]
    assert refusal.startswith(
        f"{path}: (the platform stack): stack acme-dev-platform has 471 resources (most: 200 "
        "AWS::ApiGateway::ApiKey, 200 AWS::ApiGateway::UsagePlanKey, "
    )
    assert "1 error; nothing was synthesized." in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert assembly_files(previous) == before
    assert not [entry for entry in previous.iterdir() if entry.name.startswith(".staging-")]


def test_a_gateway_file_the_plan_refuses_leaves_cdk_out_as_it_was(
    previous: Path, tmp_path: Path
) -> None:
    path = gateway_file(tmp_path, EXAMPLE.replace("tier: gold", "tier: platinum", 1))
    before = assembly_files(previous)
    result = cdk_synth(previous, path)
    assert result.returncode != 0
    assert f"{path}: clients[0].tier: unknown tier 'platinum'" in result.stderr
    assert assembly_files(previous) == before


def test_an_interrupted_synth_leaves_cdk_out_as_it_was(previous: Path) -> None:
    """Ctrl-C (SIGINT to the CLI, the app and jsii's Node.js, the terminal's process group)
    while the app writes its staging folder."""
    before = assembly_files(previous)
    cli = subprocess.Popen(
        [str(CDK), "synth", "--quiet", "--no-notices", "--output", str(previous)],
        cwd=ROOT,
        env=environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while not any(entry.name.startswith("asset.") for entry in _staging(previous)):
        assert cli.poll() is None, "the synth ended before it wrote its staging folder"
        assert time.monotonic() < deadline, "no staging folder appeared"
        time.sleep(0.1)
    os.killpg(cli.pid, signal.SIGINT)
    out, err = cli.communicate(timeout=60)
    assert f"synth interrupted; {previous} was left as it was." in err
    assert "Traceback" not in out + err
    assert assembly_files(previous) == before
    assert not _staging(previous)


def _staging(folder: Path) -> list[Path]:
    """What the app's staging folders in ``folder`` hold so far."""
    return [
        entry
        for staging in folder.glob(".staging-*")
        for entry in (staging.iterdir() if staging.is_dir() else [])
    ]


@pytest.mark.slow
def test_make_routes_synthesizes_the_gateway_asked_for_and_replaces_cdk_out_whole(
    previous: Path, tmp_path: Path
) -> None:
    """`make routes GATEWAY=other.yaml` over the example's cdk.out: it says why, synthesizes
    the other file (one service fewer: no stale stack file stays), and the CLI still reads the
    result (`cdk ls --app cdk.out`, and `cdk ls` running the app)."""
    project = tmp_path
    # The set-up's inputs as they are (their times too, so that make sees it done).
    for name in (*SETUP_INPUTS, "Makefile", "app.py", "cdk.json"):
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, project / name)
    for linked in (".venv", "node_modules"):
        (project / linked).symlink_to(ROOT / linked)
    billing = EXAMPLE.index("  - name: billing\n")
    other = gateway_file(project / "config", EXAMPLE[:billing])
    gateway = str(other.relative_to(project))
    result = subprocess.run(
        ["make", "--no-print-directory", "routes", f"GATEWAY={gateway}"],
        cwd=project, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr.startswith(
        f"cdk.out: synthesized from config/example.yaml, not {gateway}: synthesize it first "
        f"(make synth GATEWAY={gateway}); synthesizing {gateway} first\n"
    )
    assert f"cdk.out: synthesized from {gateway}\n" in result.stderr
    assert "/billing" not in result.stdout
    assert "https://api.example.com/orders/orders" in result.stdout
    read = CloudAssembly.read_built_from(previous, other)
    assert [stack.name for stack in read.stacks] == [
        "acme-dev-platform",
        "acme-dev-svc-orders",
        "acme-dev-svc-inventory",
    ]
    assert not list(previous.glob("acme-dev-svc-billing.*"))
    listed = subprocess.run(
        [str(CDK), "ls", "--no-notices", "--app", "cdk.out"],
        cwd=project, env=environment(), capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert listed.stdout.split() == [stack.name for stack in read.stacks]
    # `cdk ls` runs the app as `cdk synth` does (the writer lock, then a reader lock).
    listed = subprocess.run(
        [str(CDK), "ls", "--no-notices", "--context", f"gateway={gateway}"],
        cwd=project, env=environment(), capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert listed.stdout.split() == [stack.name for stack in read.stacks]
    assert not [entry for entry in previous.iterdir() if entry.name.endswith(".lock")]
