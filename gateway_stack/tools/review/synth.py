"""The two sides of a review, synthesized: the base revision and the working tree.

The base is checked out with ``git worktree add`` into a temporary folder (removed afterwards,
whatever happens) and synthesized there with the real CDK CLI: its own ``cdk.json``, ``app.py``,
``gateway_stack`` package and ``lambdas/``, run by the working tree's Python environment and CDK
CLI. The working tree is synthesized likewise, into a folder of its own (``cdk.out`` is left
alone). Both run at once. Nothing needs AWS credentials: the gateway file holds the account,
region and availability zones. A selective review (``make review SERVICES=orders``) passes the
selection to each side's synth as the ``services`` context (:func:`base_selection` keeps, for the
base, only the services its gateway file has).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from gateway_stack.errors import GatewayStackError

#: The branch whose merge base is the default base.
DEFAULT_BRANCHES = ("main", "origin/main")
SYNTH_TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class Toolchain:
    """The working tree's tools: its CDK CLI (``node_modules``) and the running Python
    environment (whose ``node-bin`` holds the pinned Node.js).

    Attributes:
        root: the working tree's top folder.
    """

    root: Path

    @property
    def node_modules(self) -> Path:
        """The working tree's ``node_modules``."""
        return self.root / "node_modules"

    @property
    def path(self) -> str:
        """The Makefile's ``PATH``: the pinned Node.js, the Python environment's scripts and the
        CDK CLI first, then the caller's."""
        folders = [
            Path(sys.prefix) / "node-bin",
            Path(sys.executable).parent,
            self.node_modules / ".bin",
        ]
        return os.pathsep.join([*map(str, folders), os.environ.get("PATH", "")])

    def environment(self, app_dir: Path) -> dict[str, str]:
        """What ``cdk synth`` of ``app_dir`` runs with: the Makefile's PATH, and ``app_dir``
        first on the Python path, so the app imports that revision's ``gateway_stack``."""
        return {
            **os.environ,
            "PATH": self.path,
            "PYTHONPATH": str(app_dir),
            "CDK_DISABLE_CLI_TELEMETRY": "true",
            "CDK_DISABLE_VERSION_CHECK": "true",
        }

    def synthesize(
        self,
        app_dir: Path,
        output: Path,
        gateway: str,
        label: str,
        services: str | None = None,
    ) -> None:
        """``cdk synth`` of the gateway app in ``app_dir`` into ``output``; of only ``services``
        (a comma list, the app's ``services`` context) when given. Default: every service.

        Raises:
            GatewayStackError: the synth failed (with the end of what it printed).
        """
        cdk = self.node_modules / ".bin" / "cdk"
        if not cdk.exists():
            raise GatewayStackError([f"{cdk}: the CDK CLI is not installed: run `make setup`"])
        command = [str(cdk), "synth", "--quiet", "--no-notices", "--output", str(output)]
        command += ["--context", f"gateway={gateway}"]
        if services:
            command += ["--context", f"services={services}"]
        result = subprocess.run(
            command,
            cwd=app_dir,
            env=self.environment(app_dir),
            capture_output=True,
            text=True,
            check=False,
            timeout=SYNTH_TIMEOUT_SECONDS,
        )
        if result.returncode != 0:
            printed = (result.stdout + result.stderr).strip().splitlines()
            raise GatewayStackError([f"{label}: cdk synth failed:", *printed[-30:]])


def git(root: Path, *args: str) -> str:
    """Run git in ``root``; its output, stripped.

    Raises:
        GatewayStackError: git failed (with its message).
    """
    result = subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=False, timeout=120
    )
    if result.returncode != 0:
        raise GatewayStackError([f"git {' '.join(args)}: {result.stderr.strip()}"])
    return result.stdout.strip()


def repository_root(folder: Path) -> Path:
    """The top folder of the git working tree that holds ``folder``."""
    return Path(git(folder, "rev-parse", "--show-toplevel"))


def resolve_base(root: Path, base: str | None) -> tuple[str, str]:
    """The base revision's commit and its label: ``base``, else the merge base of ``HEAD`` with
    ``main`` (or ``origin/main``).

    Raises:
        GatewayStackError: the revision is unknown, or there is no branch to default to.
    """
    if base is None:
        for branch in DEFAULT_BRANCHES:
            try:
                commit = git(root, "merge-base", "HEAD", branch)
            except GatewayStackError:
                continue
            return commit, f"merge base with {branch} ({commit[:12]})"
        raise GatewayStackError(
            ["no base revision: there is no main or origin/main branch to take the merge base "
             "with; pass one, e.g. make review BASE=origin/develop"]
        )  # fmt: skip
    try:
        commit = git(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    except GatewayStackError:
        raise GatewayStackError(
            [f"BASE={base}: not a commit in this repository (fetch it first: git fetch origin)"]
        ) from None
    return commit, f"{base} ({commit[:12]})"


@contextmanager
def base_worktree(root: Path, commit: str) -> Iterator[Path]:
    """A temporary worktree of ``commit``, removed on exit (whatever happens inside)."""
    folder = Path(tempfile.mkdtemp(prefix="gateway-stack-review-"))
    tree = folder / "base"
    try:
        git(root, "worktree", "add", "--detach", "--quiet", str(tree), commit)
        yield tree
    finally:
        if tree.exists():
            subprocess.run(
                ["git", "worktree", "remove", "--force", str(tree)],
                cwd=root,
                capture_output=True,
                check=False,
            )
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run(["git", "worktree", "prune"], cwd=root, capture_output=True, check=False)


def base_selection(gateway_file: Path, services: str | None) -> str | None:
    """The selection to synthesize the base with: the selected services its gateway file has
    (a service the change adds is new on the head side only); ``None`` (every service) when
    none of them is there, when there is no selection, or when the file cannot be read as
    YAML (the full synth then says why)."""
    if not services:
        return None
    try:
        data = yaml.safe_load(gateway_file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    listed = data.get("services") if isinstance(data, dict) else None
    names = (
        {s.get("name") for s in listed if isinstance(s, dict)}
        if isinstance(listed, list)
        else set()
    )
    kept = [name.strip() for name in services.split(",") if name.strip() in names]
    return ",".join(kept) or None


def synthesize_both(
    toolchain: Toolchain,
    sides: list[tuple[Path, Path, str, str, str | None]],
) -> None:
    """Synthesize ``(app_dir, output, gateway, label, services)`` sides at once (one process
    each; ``services`` as :meth:`Toolchain.synthesize`).

    Raises:
        GatewayStackError: a side failed (every failing side's messages).
    """
    messages: list[str] = []
    with ThreadPoolExecutor(max_workers=len(sides) or 1) as pool:
        futures = [pool.submit(toolchain.synthesize, *side) for side in sides]
        for future in futures:
            try:
                future.result()
            except GatewayStackError as error:
                messages += error.messages
    if messages:
        raise GatewayStackError(messages)
