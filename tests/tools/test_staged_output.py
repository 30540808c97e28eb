"""The output folder's assembly is replaced whole, or not at all (the swap behind `make synth`)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gateway_stack.errors import GatewayStackError
from gateway_stack.tools.staged_output import StagedOutput, staged_output


def contents(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (hidden ones too) -> its SHA-256."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    """An output folder holding an assembly of two stacks, an asset folder, and the CDK CLI's
    own lock files (a synth's writer lock, a deploy's reader lock)."""
    outdir = tmp_path / "cdk.out"
    (outdir / "asset.abc").mkdir(parents=True)
    (outdir / "asset.abc" / "index.py").write_text("old code\n")
    for name in ("manifest.json", "old-platform.template.json", "old-svc-a.template.json"):
        (outdir / name).write_text(f"{name} of the previous synth\n")
    (outdir / "synth.lock").write_text("4242")
    (outdir / "read.4243.1.lock").write_text("4243")
    return outdir


def stage(staged: StagedOutput, *names: str) -> None:
    for name in names:
        (staged.folder / name).write_text(f"{name} of the new synth\n")


def test_a_committed_synth_replaces_the_assembly_and_keeps_the_clis_locks(previous: Path) -> None:
    with staged_output(previous) as staged:
        stage(staged, "new-platform.template.json", "manifest.json")
        (staged.folder / "asset.def").mkdir()
        (staged.folder / "asset.def" / "index.py").write_text("new code\n")
        staged.commit()
    assert sorted(contents(previous)) == [
        "asset.def/index.py",
        "manifest.json",
        "new-platform.template.json",
        "read.4243.1.lock",
        "synth.lock",
    ]
    assert (previous / "manifest.json").read_text() == "manifest.json of the new synth\n"
    assert (previous / "synth.lock").read_text() == "4242"


class Refused(Exception):
    """A synth refused (by cdk-nag, a guard, CloudFormation's checks) after writing."""


def synth_then(outdir: Path, error: BaseException) -> None:
    """A synth that writes half an assembly into its staging folder, then stops with ``error``."""
    with staged_output(outdir) as staged:
        stage(staged, "new-platform.template.json", "manifest.json")
        raise error


def test_a_refused_synth_leaves_the_previous_assembly_byte_identical(previous: Path) -> None:
    before = contents(previous)
    with pytest.raises(Refused):
        synth_then(previous, Refused())
    assert contents(previous) == before
    assert not [p for p in previous.iterdir() if p.name.startswith(".staging-")]


def test_an_interrupted_synth_leaves_the_previous_assembly_byte_identical(previous: Path) -> None:
    before = contents(previous)
    with pytest.raises(KeyboardInterrupt):
        synth_then(previous, KeyboardInterrupt())
    assert contents(previous) == before
    assert [p.name for p in previous.iterdir() if p.name.startswith(".")] == []


def test_sigterm_interrupts_the_synth_like_ctrl_c(previous: Path) -> None:
    """A SIGTERM (what `kill` and CI timeouts send) cleans up as Ctrl-C does."""
    script = (
        "import os, signal, sys, time\n"
        "from pathlib import Path\n"
        "from gateway_stack.tools.staged_output import staged_output\n"
        "try:\n"
        "    with staged_output(Path(sys.argv[1])) as staged:\n"
        "        (staged.folder / 'manifest.json').write_text('half')\n"
        "        os.kill(os.getpid(), signal.SIGTERM)\n"
        "        time.sleep(30)\n"
        "except KeyboardInterrupt:\n"
        "    sys.exit(130)\n"
    )
    before = contents(previous)
    result = subprocess.run([sys.executable, "-c", script, str(previous)], check=False, timeout=60)
    assert result.returncode == 130
    assert contents(previous) == before


def test_a_staging_folder_left_by_a_killed_synth_is_removed_by_the_next(previous: Path) -> None:
    orphan = previous / ".staging-999999999-x"  # no such process
    orphan.mkdir()
    (orphan / "manifest.json").write_text("half-written")
    live = previous / f".staging-{os.getppid()}-y"  # a running synth's (this test's parent)
    live.mkdir()
    with staged_output(previous) as staged:
        assert staged.folder.parent == previous
    assert not orphan.exists()
    assert live.exists()


def test_a_folder_that_is_not_an_assembly_is_never_emptied(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("keep me")
    with pytest.raises(GatewayStackError, match="holds files that are not a cloud assembly"):
        StagedOutput(tmp_path)
    assert (tmp_path / "app.py").read_text() == "keep me"


def test_the_current_folder_is_never_the_output_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(GatewayStackError, match="holds the current folder"):
        StagedOutput(Path("."))
