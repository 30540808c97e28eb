"""`make review` end to end, in a temporary repository made from this working tree.

The base commit is the project as it is; the working tree on top changes both code and gateway
file. The review must synthesize the base with the base's own `gateway_stack` (the code change
shows as a key replaced under a new logical id), clean up its temporary worktree, and fail with
FAIL_ON_REPLACE=1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

#: Never remake the set-up in the copy: its .venv and node_modules are this tree's (linked).
NO_SETUP = ["-o", ".venv/.stamps/node", "-o", ".venv/.stamps/python", "-o", ".venv/.stamps/venv"]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=review", "-c", "user.email=review@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    """This working tree's files (tracked and new, not ignored) committed on ``main`` in a new
    repository, with this tree's .venv and node_modules linked in."""
    repo = tmp_path / "repo"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--message", "base")
    for linked in (".venv", "node_modules"):
        (repo / linked).symlink_to(ROOT / linked)
    return repo


@pytest.mark.slow
def test_make_review_against_the_merge_base(repository: Path, tmp_path: Path) -> None:
    # A refactor that renames the construct of every client's API key...
    plans = repository / "gateway_stack" / "gateway" / "platform" / "usage_plans.py"
    code = plans.read_text()
    assert code.count('"Key",') == 1
    plans.write_text(code.replace('"Key",', '"ApiKey",'))
    # ... and a route added to the gateway file.
    example = repository / "config" / "example.yaml"
    routes = example.read_text()
    assert routes.count("      - GET /items\n") == 1
    example.write_text(
        routes.replace("      - GET /items\n", "      - GET /items\n      - GET /stock\n")
    )
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    result = subprocess.run(
        ["make", "--no-print-directory", *NO_SETUP, "review", "FAIL_ON_REPLACE=1"],
        cwd=repository,
        env={**os.environ, "TMPDIR": str(temporary)},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    report = result.stdout
    assert result.returncode != 0, report + result.stderr
    assert "protected resources would be replaced (--fail-on-replace)" in result.stderr
    assert "Base: merge base with main (" in report
    assert "| added | inventory GET /stock | https://api.example.com/inventory/stock |" in report
    assert (
        "- **replaced under a new logical id** (UsagePlansClientsmobileappKeyEE1FE2CD becomes "
        in report
    )
    assert "`AWS::ApiGateway::ApiKey` `UsagePlans/Clients/mobile-app/ApiKey`" in report
    # The temporary worktree and output folders are gone.
    assert git(repository, "worktree", "list", "--porcelain").count("worktree ") == 1
    assert list(temporary.iterdir()) == []
