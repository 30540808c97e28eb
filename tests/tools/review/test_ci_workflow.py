"""The CI recipe: `make test` on pull requests and pushes to main, `make review` posted on pull
requests; linted with actionlint, pinned and least-privilege."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from gateway_stack.tools.review.report import MARKER
from tests.conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
ACTIONLINT = Path(sys.executable).parent / "actionlint"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")

needs_actionlint = pytest.mark.skipif(
    not ACTIONLINT.exists(),
    reason="actionlint's wheel exists for Linux and Windows only (requirements-dev.txt)",
)


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    loaded: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text())
    return loaded


def actionlint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ACTIONLINT), "-no-color", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )


@needs_actionlint
def test_actionlint_passes_the_workflow() -> None:
    result = actionlint(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


@needs_actionlint
def test_actionlint_would_catch_a_broken_one(tmp_path: Path) -> None:
    broken = tmp_path / ".github" / "workflows" / "ci.yml"
    broken.parent.mkdir(parents=True)
    shutil.copy(WORKFLOW, broken)
    broken.write_text(
        broken.read_text()
        .replace("ubuntu-24.04", "linux-latest", 1)
        .replace("steps.review.outputs.status", "steps.reviews.outputs.status", 1)
    )
    result = actionlint(broken)
    assert result.returncode == 1
    assert 'label "linux-latest" is unknown' in result.stdout
    assert 'property "reviews" is not defined' in result.stdout


def test_tests_run_on_pull_requests_and_pushes_to_main(workflow: dict[Any, Any]) -> None:
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert triggers == {"pull_request": None, "push": {"branches": ["main"]}}
    runs = [step.get("run") for step in workflow["jobs"]["test"]["steps"]]
    assert "make test" in runs


def test_the_review_is_posted_on_pull_requests_only_with_least_privilege(
    workflow: dict[Any, Any],
) -> None:
    assert workflow["permissions"] == {"contents": "read"}
    review = workflow["jobs"]["review"]
    assert review["if"] == "github.event_name == 'pull_request'"
    assert review["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert "permissions" not in workflow["jobs"]["test"]
    script = "\n".join(step.get("run", "") for step in review["steps"])
    assert 'make review BASE="origin/$BASE_REF" FAIL_ON_REPLACE=1 OUT=review.md' in script
    assert f"marker='{MARKER}'" in script  # the report's first line: one comment, updated


def test_every_action_is_pinned_by_commit(workflow: dict[Any, Any]) -> None:
    uses = [
        step["uses"] for job in workflow["jobs"].values() for step in job["steps"] if "uses" in step
    ]
    assert uses
    assert [u for u in uses if not PINNED.match(u)] == []


FAKE_GH = """#!/bin/sh
# gh, as the posting step calls it: logs each call, and each body it would send.
echo "gh $*" >> "$GH_LOG"
if [ "$2" = "--paginate" ]; then echo "$EXISTING_COMMENT"; fi
for argument in "$@"; do
  case "$argument" in body=@*) cat "${argument#body=@}" >> "$GH_LOG" ;; esac
done
"""


def post_review(workflow: dict[Any, Any], folder: Path, status: str, existing: str) -> str:
    """Run the posting step's script in ``folder`` against a fake ``gh``; what it sent."""
    (step,) = [
        s for s in workflow["jobs"]["review"]["steps"] if s.get("name", "").startswith("Post")
    ]
    assert step["if"].startswith("!cancelled() &&")  # also after a failed step, with no report
    assert "hashFiles" not in step["if"]
    gh = folder / "bin" / "gh"
    gh.parent.mkdir()
    gh.write_text(FAKE_GH)
    gh.chmod(0o755)
    environment = {
        "PATH": f"{gh.parent}{os.pathsep}{os.environ['PATH']}",
        "GH_LOG": str(folder / "gh.log"),
        "EXISTING_COMMENT": existing,
        "GITHUB_REPOSITORY": "acme/gateway",
        "PR": "7",
        "STATUS": status,
        "RUN_URL": "https://github.com/acme/gateway/actions/runs/42",
    }
    subprocess.run(  # as GitHub runs a bash step
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=folder, env=environment, check=True, capture_output=True,
    )  # fmt: skip
    return (folder / "gh.log").read_text()


def test_a_review_that_wrote_no_report_is_posted_as_failed(
    workflow: dict[Any, Any], tmp_path: Path
) -> None:
    sent = post_review(workflow, tmp_path, status="2", existing="")
    calls = [line for line in sent.splitlines() if line.startswith("gh ")]
    assert (
        calls[-1] == "gh api --method POST repos/acme/gateway/issues/7/comments -F body=@review.md"
    )
    body = sent.split(calls[-1] + "\n", 1)[1]
    assert body == (
        f"{MARKER}\n## Gateway review\n\n**The review failed** and wrote no report (exit status "
        "of make review: 2). See the job log: https://github.com/acme/gateway/actions/runs/42\n"
    )


def test_a_report_replaces_the_earlier_comment(workflow: dict[Any, Any], tmp_path: Path) -> None:
    (tmp_path / "review.md").write_text(f"{MARKER}\n## Gateway review\n\nNo warnings.\n")
    sent = post_review(workflow, tmp_path, status="0", existing="1234")
    assert sent.endswith(
        "gh api --method PATCH repos/acme/gateway/issues/comments/1234 -F body=@review.md\n"
        f"{MARKER}\n## Gateway review\n\nNo warnings.\n"
    )
