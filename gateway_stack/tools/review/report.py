"""The review as Markdown, ready for a pull-request comment.

Warnings first (protected resources replaced or deleted), then the route changes, then each
stack's CloudFormation changes in words. A review of a multi-region gateway (stacks in more
than one region) names the region of every change: each warning, each route and each stack
(a single-region review names none: every change is in the gateway's region).

GitHub refuses comments over 65,536 characters: in the report for a comment, each section has a
share of :data:`MAX_CHARACTERS`, and one longer than its share keeps the whole lines that fit
and says how many it left out.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

from gateway_stack.tools.review import Review
from gateway_stack.tools.review.cfn_diff import EntryChange, ResourceChange, StackDiff
from gateway_stack.tools.review.protected import ProtectedChange
from gateway_stack.tools.review.route_diff import RouteChange
from gateway_stack.tools.route_table import RouteRow
from gateway_stack.tools.route_table.render import cell

#: The marker CI finds its earlier comment by.
MARKER = "<!-- gateway-stack-review -->"
#: The report's length at most (GitHub refuses comments over 65,536 characters), and the most
#: the warnings and the routes may take of it; the stacks' changes get what is left.
MAX_CHARACTERS = 60_000
MAX_WARNINGS = 15_000
MAX_ROUTES = 25_000
_CUT = (
    "... {count} more {what}: too long for one comment. `make review` prints the whole report "
    "(in CI: the review job's log)."
)
_SHORT = 100
_ACTIONS = {
    "WILL_CREATE": "add",
    "WILL_UPDATE": "update",
    "NO_CHANGE": "update",
    "WILL_REPLACE": "**replace**",
    "MAY_REPLACE": "**may replace**",
    "WILL_DESTROY": "**delete**",
    "WILL_ORPHAN": "orphan (retained: kept, no longer managed by the stack)",
    "WILL_IMPORT": "import",
}
_STATUS = {
    "new": "new stack",
    "removed": "no longer in the app",
    "changed": "changes",
}
DEPLOYMENT = "AWS::ApiGateway::Deployment"
STAGE = "AWS::ApiGateway::Stage"
#: At most this many nested values of one property are listed; more read as "changes".
_MAX_LEAVES = 4


def render_markdown(review: Review, *, whole: bool = False) -> str:
    """The whole report when ``whole``; else (for a pull-request comment) at most
    :data:`MAX_CHARACTERS` long: each section cut to its share (whole lines, saying how many
    were left out). Default: cut."""
    header = [
        MARKER,
        "## Gateway review",
        "",
        f"Base: {review.base} · head: {review.head}"
        + (f" · gateway file `{review.gateway}`" if review.gateway else ""),
        "",
        *_selection(review),
        _summary(review),
    ]
    several = len(review.regions) > 1
    if several:
        header[-1] += f" **Regions:** {', '.join(review.regions)}."
    shares = {"warnings": MAX_WARNINGS, "route rows": MAX_ROUTES}
    if whole:
        shares = dict.fromkeys(shares, sys.maxsize)
    sections = ["\n".join(header)]
    if review.protected:
        warnings = _warnings(review.protected, several=several)
        sections.append(_fit(warnings, shares["warnings"], "warnings"))
    routes = _routes(review.routes, several=several)
    sections.append(_fit(routes, shares["route rows"], "route rows"))
    text = "\n\n".join(sections)
    room = sys.maxsize if whole else MAX_CHARACTERS - len(text) - len("\n\n\n")
    stacks = _stacks(review.stacks, several=several)
    return f"{text}\n\n{_fit(stacks, room, 'lines of stack changes')}\n"


def _selection(review: Review) -> list[str]:
    """The note of a selective review: what was compared, and that the rest was not built."""
    if review.selection is None:
        return []
    return [
        f"Selective review: the head built {review.selection}; only those stacks are "
        "compared. The other services' stacks were not synthesized, not removed: review "
        "without SERVICES for the whole gateway.",
        "",
    ]


def _fit(lines: list[str], limit: int, what: str) -> str:
    """``lines`` as text of at most ``limit`` characters: all of them, else as many whole lines
    as fit with a note of how many were left out."""
    text = "\n".join(lines)
    if len(text) <= limit:
        return text
    kept: list[str] = []
    size = len(_CUT) + 40  # the note, its count and its blank line
    for line in lines:
        size += len(line) + 1
        if size > limit:
            break
        kept.append(line)
    return "\n".join([*kept, "", _CUT.format(count=len(lines) - len(kept), what=what)])


def _summary(review: Review) -> str:
    counts = {kind: sum(1 for c in review.routes if c.kind == kind) for kind in _KINDS}
    routes = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n) or "none"
    by_status = {s: [d.stack for d in review.stacks if d.status == s] for s in _COUNTED}
    stacks = ", ".join(f"{len(v)} {_COUNTED[s]}" for s, v in by_status.items() if v) or "none"
    replaced = len(review.replacements)
    warned = len(review.protected)
    warning = (
        f"**{warned} warning{'s' * (warned != 1)}** ({replaced} replacement{'s' * (replaced != 1)})"
        if warned
        else "No warnings"
    )
    return f"**Routes:** {routes}. **Stacks:** {stacks}. {warning}."


_KINDS = ("added", "removed", "changed")
_COUNTED = {"new": "new", "removed": "removed from the app", "changed": "changed"}


def _in(region: str, several: bool) -> str:
    """`` (<region>)`` after a stack or route of a multi-region review; else nothing."""
    return f" ({region or 'unknown region'})" if several else ""


def _warnings(changes: Sequence[ProtectedChange], *, several: bool = False) -> list[str]:
    lines = ["### ⚠️ Warnings: resources whose loss hurts", ""]
    for change in changes:
        detail = f" ({change.detail})" if change.detail else ""
        lines.append(
            f"- **{change.action}**{detail}: `{change.type}` "
            f"{_label(change.stack, change.path, change.logical_id)} in `{change.stack}`"
            f"{_in(change.region, several)}. {change.reason[0].upper()}{change.reason[1:]}."
        )
    return lines


def _routes(changes: Sequence[RouteChange], *, several: bool = False) -> list[str]:
    lines = ["### Routes", ""]
    if not changes:
        return [*lines, "No route changes."]
    lines += ["| change | route | public URL | what |", "|---|---|---|---|"]
    groups: dict[tuple[str, str, tuple[str, ...]], list[RouteChange]] = {}
    for change in changes:
        what = tuple(_what(change))
        service = "" if change.kind == "changed" else change.route.service
        groups.setdefault((change.kind, service, what), []).append(change)
    for (kind, _, what), members in groups.items():
        names = "<br>".join(cell(m.route.name + _in(m.route.region, several)) for m in members)
        urls = "<br>".join(cell(m.route.urls[0]) if m.route.urls else "-" for m in members)
        if len(members) > 1 and kind == "changed":
            names = f"{len(members)} routes:<br>{names}"
        lines.append(f"| {kind} | {names} | {urls} | {'<br>'.join(what)} |")
    return lines


def _what(change: RouteChange) -> list[str]:
    if change.kind != "changed":
        return _described(change.route)
    return [
        f"**{aspect}**: " + "; ".join(cell(str(c)) for c in change.changes if c.aspect == aspect)
        for aspect in change.aspects()
    ]


def _described(row: RouteRow) -> list[str]:
    return [
        f"backend: {cell(str(row.backend))}",
        f"auth: {cell(row.authorizer)}; scopes {cell(row.scopes_text)}; "
        f"API key {cell(row.api_key)}",
        f"throttle: {cell(row.throttles)}",
        f"cache: {cell(row.cache_text)}",
    ]


def _stacks(diffs: Sequence[StackDiff], *, several: bool = False) -> list[str]:
    lines = ["### CloudFormation changes"]
    for diff in diffs:
        if diff.status != "unchanged":
            title = f"`{diff.stack}`{_in(diff.region, several)}: {_STATUS[diff.status]}"
            lines += ["", f"#### {title}", "", *_stack(diff)]
    unchanged = [f"`{d.stack}`{_in(d.region, several)}" for d in diffs if d.status == "unchanged"]
    if unchanged:
        lines += ["", f"No change: {', '.join(unchanged)}."]
    return lines


def _stack(diff: StackDiff) -> list[str]:
    lines = []
    if diff.status == "removed":
        destroyed = sum(1 for r in diff.resources if r.impact == "WILL_DESTROY")
        kept = sum(1 for r in diff.resources if r.impact == "WILL_ORPHAN")
        lines += [
            f"The stack is no longer in the app. `cdk deploy` does not delete it; deleting it "
            f"(`cdk destroy {diff.stack}`) would delete {destroyed} resources and keep {kept} "
            "retained:",
            "",
        ]
    resources = list(diff.resources)
    lines += _redeployments(diff.stack, resources)
    lines += [_resource(diff.stack, change) for change in resources]
    for kind, entries in (("parameters", diff.parameters), ("outputs", diff.outputs)):
        if entries:
            lines.append(f"- {kind}: " + ", ".join(_entry(entry) for entry in entries))
    if diff.permissions_broadened:
        lines.append("- ⚠️ **IAM or security-group changes widen access** (tables below)")
    for table in (*diff.iam, diff.security_groups):
        if table:
            lines += ["", *_table(table)]
    return lines


def _entry(entry: EntryChange) -> str:
    """A parameter by the SSM parameter it reads, else by its name (and type)."""
    if entry.ssm_parameter:
        return f"{entry.change} SSM parameter `{entry.ssm_parameter}`"
    return f"{entry.change} `{entry.name}`" + (f" ({entry.type})" if entry.type else "")


def _redeployments(stack: str, resources: list[ResourceChange]) -> list[str]:
    """Pairs of a removed and an added API Gateway deployment, as one line each (a new
    deployment is how a stage is redeployed; the old one then goes). Removes them from
    ``resources``."""
    removed = [r for r in resources if r.type == DEPLOYMENT and r.impact == "WILL_DESTROY"]
    added = [r for r in resources if r.type == DEPLOYMENT and r.impact == "WILL_CREATE"]
    lines = []
    for old, new in zip(removed, added, strict=False):
        resources.remove(old)
        resources.remove(new)
        line = (
            f"- **redeploy** {_label(stack, new.path, new.logical_id)}: deployment "
            f"`{new.logical_id}` replaces `{old.logical_id}` (the API's definition changed)"
        )
        for stage in [r for r in resources if _moves_to(r, new.logical_id)]:
            resources.remove(stage)
            line += f"; stage {_label(stack, stage.path, stage.logical_id)} moves to it"
        lines.append(line)
    return lines


def _moves_to(change: ResourceChange, deployment: str) -> bool:
    """A stage whose only change is to point at ``deployment``."""
    return (
        change.type == STAGE
        and change.impact == "WILL_UPDATE"
        and [p.name for p in change.properties] == ["DeploymentId"]
        and change.properties[0].after == {"Ref": deployment}
    )


def _resource(stack: str, change: ResourceChange) -> str:
    line = f"- {_ACTIONS.get(change.impact, change.impact)} `{change.type}` "
    line += _label(stack, change.path, change.logical_id)
    details = [
        _property(change.type, p.name, p.before, p.after, p.impact) for p in change.properties
    ]
    details += [f"{name} changes" for name in change.other if name != "Metadata"]
    if not details and change.other:
        details.append("metadata only")
    return line + (": " + "; ".join(details) if details else "")


def _property(kind: str, name: str, before: Any, after: Any, impact: str) -> str:
    forced = {"WILL_REPLACE": " (forces replacement)", "MAY_REPLACE": " (may force replacement)"}
    if kind == "AWS::ApiGateway::RestApi" and name == "Body":
        text = f"{name} changes (the routes above)"
    elif before is None:
        text = f"{name} added: {_value(after)}"
    elif after is None:
        text = f"{name} removed (was {_value(before)})"
    else:
        leaves = _leaves(name, before, after)
        text = (
            "; ".join(f"{path} {_value(old)} → {_value(new)}" for path, old, new in leaves)
            if leaves
            else f"{name} changes"
        )
    return text + forced.get(impact, "")


def _leaves(path: str, before: Any, after: Any) -> list[tuple[str, Any, Any]] | None:
    """The nested values that differ, as ``(path, before, after)``: ``Environment.Variables.X``
    for a changed variable. None when one is too long to show, or there are too many."""
    if before == after:
        return []
    pairs: list[tuple[str, Any, Any]] = []
    if isinstance(before, dict) and isinstance(after, dict) and not _is_ref(before):
        keys = [*before, *(k for k in after if k not in before)]
        pairs = [(f"{path}.{k}", before.get(k), after.get(k)) for k in keys]
    elif isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        pairs = [(f"{path}[{i}]", b, a) for i, (b, a) in enumerate(zip(before, after, strict=True))]
    else:
        short = all(len(_text(v)) <= _SHORT for v in (before, after) if v is not None)
        return [(path, before, after)] if short else None
    found: list[tuple[str, Any, Any]] = []
    for nested in pairs:
        leaves = _leaves(*nested)
        if leaves is None:
            return None
        found += leaves
    return found if len(found) <= _MAX_LEAVES else None


def _is_ref(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("Ref"), str) and len(value) == 1


def _text(value: Any) -> str:
    if _is_ref(value):
        return f"Ref {value['Ref']}"
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _value(value: Any) -> str:
    if value is None:
        return "(none)"
    text = _text(value)
    if len(text) > _SHORT:
        return f"(a {len(text)}-character value)"
    quoted = text.replace("`", "'")
    return f"`{quoted}`"


def _label(stack: str, path: str | None, logical_id: str) -> str:
    """A resource by its construct path within the stack (``Service/Api``), else its id."""
    if not path:
        return f"`{logical_id}`"
    short = path.removeprefix(f"{stack}/")
    for suffix in ("/Resource/Default", "/Resource", "/Default"):
        short = short.removesuffix(suffix)
    return f"`{short}`"


def _table(rows: Sequence[Sequence[str]]) -> list[str]:
    header, *body = rows
    lines = ["| " + " | ".join(cell(h) if h else " " for h in header) + " |"]
    lines.append("|" + "---|" * len(header))
    lines += ["| " + " | ".join(cell(str(c)) for c in row) + " |" for row in body]
    return lines
