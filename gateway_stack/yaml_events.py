"""YAML text to plain, JSON-shaped data with the line of every key path, from PyYAML's events.

Built from the parser's events rather than PyYAML's composer and constructor, so that

* an alias shares its anchor's value (never copied nor walked again), and the data's size with
  every alias expanded is counted as it is read: an alias bomb is refused, not built;
* an alias inside its own anchor is refused (PyYAML would build a value containing itself);
* nesting is bounded (libyaml's composer recurses in C and crashes on very deep nesting);
* keys are the text as written, values are JSON's types only (see :func:`yaml_data`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import yaml

from gateway_stack.source_rules import (
    MAX_DEPTH,
    Location,
    Refusal,
    not_finite,
    too_deep,
    too_many,
)


def yaml_data(text: str, max_values: int) -> tuple[Any, dict[Location, int], dict[Location, int]]:
    """The data of one YAML document, the 1-based line where the value of each key path starts
    (``()`` is the top value's), and the line of each mapping key whose value starts on a
    later line; ``None`` and no lines for an empty text.

    Keys are strings as written (``200:`` is ``"200"``, ``on:`` is ``"on"``); scalars are
    typed as YAML 1.1 does (``yes`` is true, as PyYAML's safe loader does), except dates and
    times, which stay strings as written. A value repeated by an alias is the same object and
    its inner paths have no lines of their own.

    Raises:
        Refusal: not YAML, more than one document, a tag, a null or complex key, a key written
            twice, an infinity or NaN, an alias inside its own anchor, nesting deeper than
            :data:`MAX_DEPTH`, or more than ``max_values`` values with aliases expanded.
    """
    return _Builder(max_values).build(text)


#: libyaml's parser when PyYAML was built with it (about 5 times faster), else PyYAML's own.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_YAML_TAG = "tag:yaml.org,2002:"
_STR, _NULL, _BOOL, _INT, _FLOAT, _TIMESTAMP, _MERGE, _MAP, _SEQ = (
    _YAML_TAG + name
    for name in ("str", "null", "bool", "int", "float", "timestamp", "merge", "map", "seq")
)
_SCALAR_TAGS = {_STR, _NULL, _BOOL, _INT, _FLOAT, _TIMESTAMP}
#: Resolves a plain scalar's type as YAML 1.1 does (``yes`` is true, ``0x1F`` is 31, ...).
_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_KIND = {_BOOL: "true or false", _INT: "an integer", _FLOAT: "a number"}
_CONSTRUCT = {
    _BOOL: _CONSTRUCTOR.construct_yaml_bool,
    _INT: _CONSTRUCTOR.construct_yaml_int,
    _FLOAT: _CONSTRUCTOR.construct_yaml_float,
}
#: CloudFormation's short-form functions, a habit from writing templates.
_CLOUDFORMATION = {
    f"!{name}"
    for name in (
        *("Ref", "Sub", "GetAtt", "Join", "Select", "Split", "If", "Equals", "And", "Or"),
        *("Not", "Condition", "FindInMap", "ImportValue", "Base64", "Cidr", "GetAZs"),
        *("Transform", "ToJsonString", "Length"),
    )
}


class _Open:
    """An anchor whose value is still being read (an alias to it is the value itself)."""

    def __init__(self, line: int):
        self.line = line


@dataclass
class _Frame:
    """A mapping or list being read."""

    loc: Location
    start: int  # the value count when it began (its expanded size is the count's growth)
    anchor: str | None
    items: Any  # dict for a mapping, list for a list
    merges: list[dict[str, Any]] | None = None  # a mapping's '<<' values, in order
    merge_line: int = 0
    key: Any = None  # the key whose value is expected, or None when a key is expected
    expect_key: bool = False
    key_lines: dict[str, int] = field(default_factory=dict)  # a mapping's keys' lines


_MERGE_KEY = object()


class _Builder:
    """Plain data from a YAML event stream, with lines, shared aliases and a value count."""

    def __init__(self, max_values: int):
        self.max_values = max_values
        self.lines: dict[Location, int] = {}
        self.key_lines: dict[Location, int] = {}
        self.anchors: dict[str, tuple[Any, int] | _Open] = {}
        self.count = 0
        self.stack: list[_Frame] = []
        self.result: Any = None
        self.documents = 0

    def build(self, text: str) -> tuple[Any, dict[Location, int]]:
        try:
            for event in yaml.parse(text, Loader=_LOADER):
                self.event(event)
        except yaml.MarkedYAMLError as error:
            raise _syntax_error(error, text) from None
        except yaml.YAMLError as error:  # a reader error without a position
            raise Refusal(None, f"not valid YAML: {error}") from None
        return self.result, self.lines, self.key_lines

    def event(self, event: yaml.Event) -> None:
        top = self.stack[-1] if self.stack else None
        if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            self.end()
        elif isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise Refusal(
                    _line(event),
                    "a second YAML document ('---'): the file holds one; remove the separator "
                    "or split the file",
                )
        elif isinstance(event, yaml.StreamStartEvent | yaml.StreamEndEvent | yaml.DocumentEndEvent):
            return  # the stream's and the document's framing: no value to build
        elif top is not None and top.expect_key:
            self.key(top, event)
        else:
            self.value(top, event)

    def key(self, frame: _Frame, event: yaml.Event) -> None:
        line = _line(event)
        if not isinstance(event, yaml.ScalarEvent):
            what = "an alias" if isinstance(event, yaml.AliasEvent) else "a list or mapping"
            raise Refusal(line, f"a key must be written out as text, not {what}", frame.loc)
        tag = self.scalar_tag(event, frame.loc)
        if event.anchor is not None:
            self.anchors[event.anchor] = (event.value, 1)
        if tag == _MERGE:
            frame.key, frame.merge_line = _MERGE_KEY, line
        elif tag == _NULL:
            raise Refusal(
                line,
                "a key must not be empty or null: write a name (quote it, 'null', if you mean "
                "the word)",
                frame.loc,
            )
        else:
            key: str = event.value
            loc = (*frame.loc, key)
            if key in frame.key_lines:
                raise Refusal(
                    line,
                    f"key appears twice in the same mapping (first on line "
                    f"{frame.key_lines[key]}): keep one",
                    loc,
                )
            frame.key_lines[key] = self.lines[loc] = line
            frame.key = key
        frame.expect_key = False

    def value(self, parent: _Frame | None, event: yaml.Event) -> None:
        line = _line(event)
        if parent is None:
            loc: Location = ()
            self.lines[()] = line
        elif isinstance(parent.items, list):
            loc = (*parent.loc, len(parent.items))
            self.lines[loc] = line
        elif parent.key is _MERGE_KEY:
            loc = (*parent.loc, "<<")
        else:
            loc = (*parent.loc, parent.key)
            if line != self.lines[loc]:  # a nested block: the key is on the line before
                self.key_lines[loc] = self.lines[loc]
                self.lines[loc] = line
        if isinstance(event, yaml.AliasEvent):
            self.alias(parent, event, loc)
            return
        self.add(1, line)
        anchor = event.anchor
        if isinstance(event, yaml.ScalarEvent):
            value = self.scalar(event, loc)
            if anchor is not None:
                self.anchors[anchor] = (value, 1)
            self.emit(parent, value)
            return
        is_map = isinstance(event, yaml.MappingStartEvent)
        tag = event.tag
        if tag not in (None, "!", _MAP if is_map else _SEQ):
            raise Refusal(line, _tag_problem(tag), loc)
        if len(self.stack) >= MAX_DEPTH:
            raise Refusal(line, too_deep())
        if anchor is not None:
            self.anchors[anchor] = _Open(line)
        self.stack.append(
            _Frame(loc, self.count - 1, anchor, {} if is_map else [], expect_key=is_map)
        )

    def alias(self, parent: _Frame | None, event: yaml.AliasEvent, loc: Location) -> None:
        line = _line(event)
        anchored = self.anchors.get(event.anchor)
        if anchored is None:
            raise Refusal(
                line, f"the alias *{event.anchor} has no anchor &{event.anchor} before it", loc
            )
        if isinstance(anchored, _Open):
            raise Refusal(
                line,
                f"the alias *{event.anchor} is inside the value of its own anchor "
                f"&{event.anchor} (line {anchored.line}): a value cannot contain itself",
                loc,
            )
        value, size = anchored
        self.add(size, line)
        self.emit(parent, value)

    def end(self) -> None:
        frame = self.stack.pop()
        value = frame.items
        if frame.merges:  # '<<': the first merged mapping wins, the mapping's own keys win all
            merged: dict[str, Any] = {}
            for source in reversed(frame.merges):
                merged.update(source)
            for key in merged:
                if key not in value:
                    self.lines[(*frame.loc, key)] = frame.merge_line
            value = merged | value
        if frame.anchor is not None:
            self.anchors[frame.anchor] = (value, self.count - frame.start)
        self.emit(self.stack[-1] if self.stack else None, value)

    def emit(self, parent: _Frame | None, value: Any) -> None:
        if parent is None:
            self.result = value
        elif isinstance(parent.items, list):
            parent.items.append(value)
        elif parent.key is _MERGE_KEY:
            sources = value if isinstance(value, list) else [value]
            if not all(isinstance(source, dict) for source in sources):
                raise Refusal(
                    parent.merge_line,
                    "'<<' merges mappings: write '<<: *name' or '<<: [*one, *two]' with anchors "
                    "of mappings",
                    (*parent.loc, "<<"),
                )
            parent.merges = (parent.merges or []) + sources
            parent.expect_key = True
        else:
            parent.items[parent.key] = value
            parent.expect_key = True

    def add(self, size: int, line: int) -> None:
        self.count += size
        if self.count > self.max_values:
            raise Refusal(line, too_many(self.max_values))

    def scalar_tag(self, event: yaml.ScalarEvent, loc: Location) -> str:
        tag = event.tag
        if tag in (None, "!"):
            return str(_RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit))
        if tag not in _SCALAR_TAGS:
            raise Refusal(_line(event), _tag_problem(tag, event.value), loc)
        return str(tag)

    def scalar(self, event: yaml.ScalarEvent, loc: Location) -> Any:
        tag = self.scalar_tag(event, loc)
        if tag == _NULL:
            return None
        construct = _CONSTRUCT.get(tag)
        if construct is None:  # a string; a date or time as written; '<<' or '=' as text
            return event.value
        try:
            value = construct(yaml.ScalarNode(tag, event.value))
        except (ValueError, KeyError, yaml.YAMLError):
            raise Refusal(_line(event), f"{event.value!r} is not {_KIND[tag]}", loc) from None
        if isinstance(value, float) and not math.isfinite(value):
            raise Refusal(_line(event), not_finite(event.value), loc)
        return value


def _line(event: yaml.Event) -> int:
    return int(event.start_mark.line) + 1


def _tag_problem(tag: str, written: str | None = None) -> str:
    shown = "!!" + tag.removeprefix(_YAML_TAG) if tag.startswith(_YAML_TAG) else tag
    if tag in _CLOUDFORMATION:
        value = _PSEUDO_PARAMETERS.get(str(written), "the value itself")
        return (
            f"{shown} is a CloudFormation function, and this file is plain YAML, read before "
            f"any CloudFormation exists: write {value} (the gateway writes the CloudFormation)"
        )
    if shown.startswith("!!python/"):
        return f"{shown}: Python object tags are never read: write a plain value"
    if shown == "!!binary":
        return "!!binary values are not read: write the text as a plain string"
    if shown in ("!!set", "!!omap", "!!pairs"):
        return f"{shown} is not read: write a plain list or mapping"
    return (
        f"the tag {shown} is not read: write a plain value (text, number, true/false, null, "
        "list or mapping) without a tag"
    )


#: What to write instead of ``!Ref`` to a pseudo parameter.
_PSEUDO_PARAMETERS = {
    "AWS::Region": "the region itself (e.g. eu-west-1)",
    "AWS::AccountId": "the account id itself, in quotes (e.g. '123456789012')",
    "AWS::Partition": "the partition itself (e.g. aws)",
    "AWS::URLSuffix": "the URL suffix itself (e.g. amazonaws.com)",
}


def _syntax_error(error: yaml.MarkedYAMLError, text: str) -> Refusal:
    mark = error.problem_mark or error.context_mark
    reason = f"not valid YAML: {error.problem or error.context}"
    if mark is None:
        return Refusal(None, reason)
    reason += f" (column {mark.column + 1})"
    if error.context and error.problem and error.context_mark is not None:
        reason += f", {error.context} on line {error.context_mark.line + 1}"
    lines = text.splitlines()
    if mark.line < len(lines) and lines[mark.line][mark.column : mark.column + 1] == "\t":
        reason += "; YAML indents with spaces, not tabs"
    return Refusal(mark.line + 1, reason)
