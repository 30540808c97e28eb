"""Template snapshots: a gateway's templates, normalised, kept in the repository.

A pull request that changes what the example synthesizes then shows the change in its own diff
(``tests/snapshots/``), next to the code that caused it. Normalised away is only what changes
from run to run or release to release without changing what deploys: asset hashes (the bundled
code's fingerprint) and the CDK's version report (``CDKMetadata``). Everything else - logical
ids, the deployment's hashed id, every property - stays as synthesized.

``make snapshots`` rewrites them from a fresh synth of the example; the snapshot test compares.
"""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import Any

from gateway_stack.assembly import CloudAssembly
from gateway_stack.tools.route_table import render_markdown, route_table

#: A SHA-256 in hex: the asset hashes in object keys, bucket paths and asset metadata.
ASSET_HASH = re.compile(r"\b[0-9a-f]{64}\b")
ASSET_PLACEHOLDER = "<asset-hash>"
ANALYTICS_PLACEHOLDER = "<cdk-version-report>"
TEMPLATE_SUFFIX = ".template.json"
#: The route table's snapshot, next to the templates'.
ROUTES_FILE = "routes.md"
REFRESH = "make snapshots"


def normalise(value: Any) -> Any:
    """A template (or any part of one) with asset hashes and the CDK's version report replaced
    by placeholders."""
    if isinstance(value, str):
        return ASSET_HASH.sub(ASSET_PLACEHOLDER, value)
    if isinstance(value, list):
        return [normalise(item) for item in value]
    if isinstance(value, dict):
        if value.get("Type") == "AWS::CDK::Metadata" and "Properties" in value:
            value = {**value, "Properties": {"Analytics": ANALYTICS_PLACEHOLDER}}
        return {normalise(key): normalise(item) for key, item in value.items()}
    return value


def snapshot_files(assembly: CloudAssembly) -> dict[str, str]:
    """File name -> content: one normalised template per stack, and the route table."""
    files = {
        f"{stack.name}{TEMPLATE_SUFFIX}": json.dumps(normalise(stack.template), indent=2) + "\n"
        for stack in assembly.stacks
    }
    files[ROUTES_FILE] = render_markdown(route_table(assembly)) + "\n"
    return files


def write_snapshots(assembly: CloudAssembly, folder: Path) -> list[Path]:
    """Write the snapshots of ``assembly`` into ``folder``; remove those of stacks it no longer
    has. Returns the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    files = snapshot_files(assembly)
    for stale in folder.glob(f"*{TEMPLATE_SUFFIX}"):
        if stale.name not in files:
            stale.unlink()
    written = []
    for name, text in files.items():
        path = folder / name
        path.write_text(text)
        written.append(path)
    return written


def snapshot_problems(assembly: CloudAssembly, folder: Path, *, context: int = 3) -> list[str]:
    """How ``assembly`` differs from the snapshots in ``folder``: each file missing, extra or
    different (with the start of a unified diff), and how to refresh them."""
    files = snapshot_files(assembly)
    problems = []
    for stale in sorted(folder.glob(f"*{TEMPLATE_SUFFIX}")):
        if stale.name not in files:
            problems.append(f"{stale}: a snapshot of a stack the assembly no longer has")
    for name, text in files.items():
        path = folder / name
        if not path.is_file():
            problems.append(f"{path}: no snapshot yet")
            continue
        stored = path.read_text()
        if stored != text:
            diff = difflib.unified_diff(
                stored.splitlines(), text.splitlines(), str(path), "synthesized", n=context,
                lineterm="",
            )  # fmt: skip
            lines = list(diff)
            more = f"\n... {len(lines) - 60} more diff lines" if len(lines) > 60 else ""
            problems.append(f"{path} differs from the synthesized template:\n"
                            + "\n".join(lines[:60]) + more)  # fmt: skip
    if problems:
        problems.append(
            f"If the change is intended, run `{REFRESH}`, review the diff of {folder} and commit "
            "it with the change."
        )
    return problems
