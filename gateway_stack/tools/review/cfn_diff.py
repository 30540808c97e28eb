"""The CloudFormation changes between two assemblies, per stack, from the CDK's own differ.

``cfn_diff.cjs`` (next to this module) runs ``@aws-cdk/cloudformation-diff`` - the library behind
``cdk diff`` - on every stack's pair of templates in one Node.js process, and prints JSON: each
resource's change with its impact (``WILL_REPLACE``, ``MAY_REPLACE``, ``WILL_DESTROY``,
``WILL_ORPHAN``, ``WILL_UPDATE``, ``WILL_CREATE``), its property changes, and the differ's IAM and
security-group summaries. A stack only in the base is diffed against an empty template (what
deleting it would do), a stack only in the head likewise (everything is created).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from gateway_stack.assembly import SSM_PARAMETER_TYPE, CloudAssembly
from gateway_stack.errors import GatewayStackError
from gateway_stack.tools.review.synth import Toolchain

SCRIPT = Path(__file__).with_name("cfn_diff.cjs")
#: The differ's package, pinned in package.json.
DIFF_PACKAGE = "@aws-cdk/cloudformation-diff"
#: Resources that say nothing to a reviewer (the CDK's version report).
IGNORED_TYPES = frozenset({"AWS::CDK::Metadata"})
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class PropertyChange:
    """One property of a resource that changes.

    Attributes:
        name: the property's name.
        impact: what the change does to the resource (``WILL_UPDATE``, ``WILL_REPLACE``,
            ``MAY_REPLACE``).
        before: the old value (None: the property is added).
        after: the new value (None: the property is removed).
    """

    name: str
    impact: str
    before: Any
    after: Any


@dataclass(frozen=True)
class ResourceChange:
    """One resource that changes.

    Attributes:
        logical_id: the resource's logical id.
        type: its CloudFormation type (the new one, else the old one).
        impact: ``WILL_CREATE``, ``WILL_UPDATE``, ``WILL_REPLACE``, ``MAY_REPLACE``,
            ``WILL_DESTROY``, ``WILL_ORPHAN`` (removed but retained) or ``WILL_IMPORT``.
        path: its construct path (``aws:cdk:path``), if the template records it.
        properties: the property changes.
        other: other parts of the resource that change (``DeletionPolicy``, ``Metadata``, ...).
    """

    logical_id: str
    type: str
    impact: str
    path: str | None
    properties: tuple[PropertyChange, ...] = ()
    other: tuple[str, ...] = ()


@dataclass(frozen=True)
class EntryChange:
    """A template parameter or output that is added, removed or changed.

    Attributes:
        name: its logical name.
        change: ``added``, ``removed`` or ``changed``.
        type: a parameter's type (None for an output).
        ssm_parameter: the SSM parameter an SSM-typed parameter reads (its default), else None.
    """

    name: str
    change: str
    type: str | None = None
    ssm_parameter: str | None = None


@dataclass(frozen=True)
class StackDiff:
    """What deploying the head would change in one stack.

    Attributes:
        stack: the stack's name.
        status: ``new`` (only in the head), ``removed`` (only in the base), ``changed`` or
            ``unchanged``.
        resources: the resource changes, in the differ's order.
        parameters: the template's parameters that change.
        outputs: the template's outputs that change.
        iam: the differ's IAM statement and managed-policy summaries (rows; the header first).
        security_groups: the differ's security-group rule summary (rows; the header first).
        permissions_broadened: some IAM or security-group change widens access.
        region: the region the stack deploys to (the head's cloud assembly manifest, else the
            base's, for a removed stack). Default: empty (unknown).
    """

    stack: str
    status: str
    resources: tuple[ResourceChange, ...] = ()
    parameters: tuple[EntryChange, ...] = ()
    outputs: tuple[EntryChange, ...] = ()
    iam: tuple[tuple[tuple[str, ...], ...], ...] = ()
    security_groups: tuple[tuple[str, ...], ...] = ()
    permissions_broadened: bool = False
    region: str = ""


def diff_assemblies(
    base: CloudAssembly, head: CloudAssembly, toolchain: Toolchain
) -> list[StackDiff]:
    """Every stack's changes: the head's stacks in its order, then those only in the base.

    Args:
        base: the assembly deployed now (an empty one: nothing is).
        head: the assembly to deploy.
        toolchain: the working tree's tools (its ``node_modules`` holds the differ, its
            Python environment the pinned Node.js).

    Raises:
        GatewayStackError: Node.js or the differ is missing, or the differ failed.
    """
    names = [s.name for s in head.stacks]
    names += [s.name for s in base.stacks if s.name not in names]
    jobs = []
    for name in names:
        before, after = base.stack(name), head.stack(name)
        jobs.append(
            {
                "stack": name,
                "base": str(before.path) if before else None,
                "head": str(after.path) if after else None,
            }
        )
    results = _run(jobs, toolchain)
    diffs = []
    for job, result in zip(jobs, results, strict=True):
        status = "new" if job["base"] is None else "removed" if job["head"] is None else ""
        stack = head.stack(job["stack"]) or base.stack(job["stack"])
        region = stack.region if stack is not None else ""
        diffs.append(replace(_stack_diff(result, status), region=region))
    return diffs


def _stack_diff(result: dict[str, Any], status: str) -> StackDiff:
    resources = tuple(
        ResourceChange(
            logical_id=r["logicalId"],
            type=r["newType"] or r["oldType"] or "?",
            impact=r["impact"],
            path=r.get("path"),
            properties=tuple(
                PropertyChange(p["name"], p["impact"], p.get("old"), p.get("new"))
                for p in r.get("properties", [])
            ),
            other=tuple(r.get("other", [])),
        )
        for r in result["resources"]
        if (r["newType"] or r["oldType"]) not in IGNORED_TYPES
    )
    changed = resources or result["parameters"] or result["outputs"]
    return StackDiff(
        stack=result["stack"],
        status=status or ("changed" if changed else "unchanged"),
        resources=resources,
        parameters=tuple(_entry(p) for p in result["parameters"]),
        outputs=tuple(_entry(o) for o in result["outputs"]),
        iam=tuple(
            _rows(result[key])
            for key in ("iamStatements", "iamManagedPolicies")
            if len(result[key]) > 1
        ),
        security_groups=_rows(result["securityGroups"]),
        permissions_broadened=bool(result["permissionsBroadened"]),
    )


def _entry(entry: dict[str, Any]) -> EntryChange:
    kind, default = entry.get("type"), entry.get("default")
    ssm = isinstance(kind, str) and kind.startswith(SSM_PARAMETER_TYPE)
    return EntryChange(
        name=entry["name"],
        change=entry["change"],
        type=str(kind) if kind else None,
        ssm_parameter=default if ssm and isinstance(default, str) and default else None,
    )


def _rows(rows: list[list[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(_ANSI.sub("", str(cell)) for cell in row) for row in rows)


def _run(jobs: list[dict[str, Any]], toolchain: Toolchain) -> list[dict[str, Any]]:
    node_modules = toolchain.node_modules
    if not (node_modules / DIFF_PACKAGE).is_dir():
        raise GatewayStackError(
            [f"{node_modules / DIFF_PACKAGE}: the CloudFormation differ is not installed: run "
             "`make setup` (it is pinned in package.json)"]
        )  # fmt: skip
    environment = {
        **os.environ,
        "NODE_PATH": str(node_modules),
        "FORCE_COLOR": "0",
        "PATH": toolchain.path,
    }
    node = shutil.which("node", path=toolchain.path)
    if node is None:
        raise GatewayStackError(
            ["node: Node.js is not on PATH: run `make setup` (it links the pinned Node.js)"]
        )
    result = subprocess.run(
        [node, str(SCRIPT)],
        input=json.dumps(jobs),
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if result.returncode != 0:
        raise GatewayStackError(
            [f"{SCRIPT.name}: the CloudFormation differ failed:", result.stderr.strip()[-2000:]]
        )
    results: list[dict[str, Any]] = json.loads(result.stdout)
    return results
