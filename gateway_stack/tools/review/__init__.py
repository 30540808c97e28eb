"""``make review``: what a change to the gateway does, in words, for a pull request.

Two synthesized assemblies - the base revision's and the working tree's - are compared twice:

* the route table (:mod:`gateway_stack.tools.route_table`) of each: routes added, removed and
  changed, with auth, throttle and backend changes called out (:mod:`.route_diff`);
* each stack's templates, with the CDK's own differ (:mod:`.cfn_diff`): the CloudFormation
  changes in words, and a warning for every protected resource that would be replaced or
  deleted (:mod:`.protected`).

:func:`review_revision` synthesizes both sides (:mod:`.synth`); :func:`review_assemblies`
compares two assemblies already on disk. :func:`gateway_stack.tools.review.report.render_markdown`
prints the result. See docs/review.md.

A selective head (``make review SERVICES=orders``: its provenance records the services built)
is compared on its own stacks only: the base's other stacks are left out, since the head did
not build them (they are not removed), and the report says so.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from gateway_stack.assembly import CloudAssembly
from gateway_stack.tools.review.cfn_diff import StackDiff, diff_assemblies
from gateway_stack.tools.review.protected import ProtectedChange, protected_changes
from gateway_stack.tools.review.route_diff import RouteChange, diff_routes
from gateway_stack.tools.review.synth import (
    Toolchain,
    base_selection,
    base_worktree,
    repository_root,
    resolve_base,
    synthesize_both,
)
from gateway_stack.tools.route_table import route_table

#: What the working tree is called in the report.
WORKING_TREE = "working tree"


@dataclass(frozen=True)
class Review:
    """The change from a base to a head, as the report shows it.

    Attributes:
        base: the base's label (revision and commit).
        head: the head's label.
        routes: route changes.
        stacks: every stack's CloudFormation changes.
        protected: protected resources replaced or deleted.
        gateway: the gateway file both sides were synthesized from. Default: none (given
            assemblies).
        selection: what a selective head built, in words (e.g. ``service orders only (and the
            platform stacks)``): only those stacks were compared. Default: none (every stack).
    """

    base: str
    head: str
    routes: tuple[RouteChange, ...]
    stacks: tuple[StackDiff, ...]
    protected: tuple[ProtectedChange, ...]
    gateway: str | None = None
    selection: str | None = None

    @property
    def regions(self) -> tuple[str, ...]:
        """The regions of the stacks compared (the head's order, then the base's): more than
        one for a multi-region gateway, whose report then names the region of every change."""
        return tuple(dict.fromkeys(diff.region for diff in self.stacks if diff.region))

    @property
    def replacements(self) -> list[ProtectedChange]:
        """The protected resources that would be replaced (what ``--fail-on-replace`` fails on)."""
        return [change for change in self.protected if change.replacement]


def review_assemblies(
    base: CloudAssembly,
    head: CloudAssembly,
    toolchain: Toolchain,
    *,
    base_label: str = "base",
    head_label: str = WORKING_TREE,
    gateway: str | None = None,
) -> Review:
    """Compare two synthesized assemblies.

    Args:
        base: the assembly deployed now (:meth:`CloudAssembly.empty` when nothing is).
        head: the assembly to deploy.
        toolchain: the working tree's tools (the CDK's differ in its ``node_modules``, the
            pinned Node.js).
        base_label: the base's name in the report. Default: ``base``.
        head_label: the head's name in the report. Default: ``working tree``.
        gateway: the gateway file, for the report. Default: none.

    Raises:
        GatewayStackError: the differ could not run.
    """
    selection = None
    if head.provenance is not None and head.provenance.selective:
        selection = head.provenance.selection
        built = {stack.name for stack in head.stacks}
        base = replace(base, stacks=tuple(s for s in base.stacks if s.name in built))
    stacks = diff_assemblies(base, head, toolchain)
    return Review(
        base=base_label,
        head=head_label,
        routes=tuple(diff_routes(route_table(base), route_table(head))),
        stacks=tuple(stacks),
        protected=tuple(protected_changes(stacks, base, head)),
        gateway=gateway,
        selection=selection,
    )


def review_revision(
    folder: Path, base: str | None, gateway: str, services: str | None = None
) -> Review:
    """Synthesize ``base`` (default: the merge base with main) and the working tree that holds
    ``folder``, both from the gateway file ``gateway`` (relative to ``folder``; a file inside the
    repository is read from each side's own checkout), and compare them; of only ``services``
    (a comma list) when given, default every service.

    A gateway file that does not exist in the base is a new gateway: every stack is new.

    Raises:
        GatewayStackError: git or a synth failed, or the differ could not run.
    """
    root = repository_root(folder)
    toolchain = Toolchain(root)
    try:  # the same file on both sides: its path within the repository
        gateway = str((folder / gateway).resolve().relative_to(root.resolve()))
    except ValueError:  # outside the repository: both sides read that one file
        gateway = str((folder / gateway).resolve())
    commit, label = resolve_base(root, base)
    with tempfile.TemporaryDirectory(prefix="gateway-stack-review-out-") as out:
        outputs = Path(out) / "base", Path(out) / "head"
        with base_worktree(root, commit) as tree:
            sides = [(root, outputs[1], gateway, WORKING_TREE, services)]
            if (tree / gateway).is_file():
                selection = base_selection(tree / gateway, services)
                sides.append((tree, outputs[0], gateway, f"base {label}", selection))
            synthesize_both(toolchain, sides)
        before = CloudAssembly.read(outputs[0]) if len(sides) > 1 else CloudAssembly.empty()
        return review_assemblies(
            before,
            CloudAssembly.read(outputs[1]),
            toolchain,
            base_label=label,
            gateway=gateway,
        )


__all__ = ["Review", "review_assemblies", "review_revision"]
