"""The gateway model's validation errors as the file's problems: one issue per problem, at a key
path of the file, in the file's words.

pydantic's error locations carry validator internals: the branch of a union it tried
(``routes[1].constrained-str``, ``function-after[_mock_has_an_example(), RouteSpec]``) and a
mark for a mapping's key (``tiers.gøld.[key]``). Here

* branch names are dropped from locations (found by following the location through the data:
  a part that is not a key or index of the data, and not a missing or unknown key, is one);
* of a union's branches only those that match the kind of value written report (a mapping
  given where a route or a mapping is allowed reports the mapping's problems, not "should be
  a string"); a value no branch takes is one problem ("must be a string or a mapping");
* a key's problem is the mapping's: ``tiers: the key 'gøld' must be ...``;
* an unknown key that is a misspelling of a missing required key is one problem, not two;
* messages are :func:`gateway_stack.error_words.plain_message`'s, identical ones once.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from gateway_stack.error_words import KINDS, plain_message, written
from gateway_stack.gateway.config.issues import Issue, Location
from gateway_stack.gateway.config.model import Gateway

#: pydantic's mark, in a location, for a mapping's key rather than its value.
KEY_MARK = "[key]"


@dataclass(frozen=True)
class _Detail:
    """One pydantic error, its location split into the file's key path and union branches."""

    path: Location  # the key path in the file (with KEY_MARK last for a key's problem)
    branches: tuple[tuple[int, str], ...]  # (position in path, branch name) of each union
    error: Mapping[str, Any]

    @property
    def kind(self) -> str:
        return str(self.error["type"])


def model_issues(
    errors: Iterable[Mapping[str, Any]], data: Any, key_lines: Mapping[Location, int]
) -> list[Issue]:
    """The issues of the model's ``errors`` (``ValidationError.errors()``) on ``data``, the
    parsed file whose keys are on ``key_lines`` (for a problem with a key itself); one per
    problem, in the errors' order."""
    details = [_split(error, data) for error in errors]
    while any(detail.branches for detail in details):  # unions inside unions: one at a time
        details = _union_branches_chosen(details)
    details = _typos_merged(details)
    issues: list[Issue] = []
    for detail in details:
        issue = _issue(detail, key_lines)
        if issue not in issues:
            issues.append(issue)
    return issues


def _split(error: Mapping[str, Any], data: Any) -> _Detail:
    loc = tuple(error["loc"])
    names_a_key = error["type"] in {"missing", "extra_forbidden"}
    path: list[str | int] = []
    branches: list[tuple[int, str]] = []
    node: Any = data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if (isinstance(node, Mapping) and part in node) or (
            isinstance(node, list | tuple) and isinstance(part, int) and 0 <= part < len(node)
        ):
            node = node[part]
        elif part == KEY_MARK or (last and names_a_key) or not isinstance(part, str):
            node = None
        else:  # not in the data: the name of a union's branch
            branches.append((len(path), part))
            continue
        path.append(part)
    return _Detail(tuple(path), tuple(branches), error)


def _union_branches_chosen(details: list[_Detail]) -> list[_Detail]:
    """Of each union's branches, the errors of those that match the kind of value written; a
    value that no branch takes becomes one error naming every kind allowed."""
    unions: dict[Location, dict[str, list[_Detail]]] = {}
    for detail in details:
        if detail.branches:
            position, name = detail.branches[0]
            unions.setdefault(detail.path[:position], {}).setdefault(name, []).append(detail)
    kept: list[_Detail] = []
    for detail in details:
        if not detail.branches:
            kept.append(detail)
            continue
        point = detail.path[: detail.branches[0][0]]
        branches = unions.get(point)
        if branches is None:  # this union was resolved at its first error
            continue
        del unions[point]
        fitting = [d for ds in branches.values() if not _wrong_kind(ds, point) for d in ds]
        if fitting:
            kept += [_Detail(d.path, d.branches[1:], d.error) for d in fitting]
            continue
        kinds = list(dict.fromkeys(KINDS[d.kind] for ds in branches.values() for d in ds))
        error = {
            "type": "union_kind",
            "loc": point,
            "msg": "must be " + " or ".join(kinds),
            "input": detail.error.get("input"),
        }
        kept.append(_Detail(point, (), error))
    return kept


def _wrong_kind(details: list[_Detail], point: Location) -> bool:
    """Whether a union branch's errors only say the value is not of its kind."""
    return all(d.path == point and d.kind in KINDS for d in details)


def _typos_merged(details: list[_Detail]) -> list[_Detail]:
    """Without the "required key is missing" that an unknown key's misspelling explains."""
    explained = set()
    for detail in details:
        if detail.kind == "extra_forbidden":
            close = _close_match(detail.path)
            if close is not None:
                explained.add((*detail.path[:-1], close))
    return [d for d in details if not (d.kind == "missing" and d.path in explained)]


def _issue(detail: _Detail, key_lines: Mapping[Location, int]) -> Issue:
    path = detail.path
    if detail.kind == "extra_forbidden":  # at the key's line
        return Issue(path, _unknown_key(path), key_lines.get(path))
    if detail.kind == "union_kind":
        return Issue(path, str(detail.error["msg"]) + written(detail.error.get("input")))
    if path and path[-1] == KEY_MARK:  # the key's problem is its mapping's, at the key's line
        key = path[-2]
        message = plain_message(detail.error, show_input=False)  # the key is named
        shown = repr(key) if len(str(key)) <= 40 else repr(str(key)[:37] + "...")
        return Issue(path[:-2], f"the key {shown} {message}", key_lines.get(path[:-1]))
    return Issue(path, plain_message(detail.error))


def _unknown_key(loc: Location) -> str:
    allowed = _fields_at(loc[:-1])
    message = f"unknown key {str(loc[-1])!r}"
    if allowed:
        close = _close_match(loc)
        message += f" (did you mean {close!r}?)" if close else ""
        message += f"; allowed here: {', '.join(allowed)}"
    return message


def _close_match(loc: Location) -> str | None:
    """The allowed key closest to the unknown key ``loc[-1]``, if one is close."""
    close = difflib.get_close_matches(str(loc[-1]), _fields_at(loc[:-1]), n=1)
    return close[0] if close else None


def _fields_at(loc: Location) -> list[str]:
    """The keys the model allows at ``loc`` (of every model a union there allows)."""
    fields: dict[str, None] = {}
    for annotation in _annotations_at(loc):
        for member in _members(annotation):
            if isinstance(member, type) and issubclass(member, BaseModel):
                fields |= dict.fromkeys(member.model_fields)
    return list(fields)


def _annotations_at(loc: Location) -> list[Any]:
    """Follow ``loc`` through the model: the annotations that may be found there."""
    found: list[Any] = [Gateway]
    for part in loc:
        following = []
        for member in (m for annotation in found for m in _members(annotation)):
            if isinstance(member, type) and issubclass(member, BaseModel):
                if isinstance(part, str) and part in member.model_fields:
                    following.append(member.model_fields[part].annotation)
            else:  # an item of a tuple or list, or a value of a dict
                args = [a for a in typing.get_args(member) if a is not Ellipsis]
                following += args[-1:]
        found = following
    return found


def _members(annotation: Any) -> list[Any]:
    """``X`` of ``X``, ``Annotated[X, ...]``; each member of a union, without ``None``."""
    if typing.get_origin(annotation) in {typing.Union, types.UnionType}:
        return [m for a in typing.get_args(annotation) if a is not type(None) for m in _members(a)]
    if typing.get_origin(annotation) is typing.Annotated:
        return _members(typing.get_args(annotation)[0])
    return [annotation]
