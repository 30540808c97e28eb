"""The lines of valid JSON text's key paths, and what JSON allows that the data may not hold.

:func:`json.loads` builds the data (fast, and with JSON's own rules for numbers and escapes)
but tells no positions; this scans the same text once more, with a regular expression, for
the line of each key and item.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_right
from dataclasses import dataclass, field

from gateway_stack.source_rules import (
    MAX_DEPTH,
    Location,
    Refusal,
    not_finite,
    too_deep,
    too_many,
)


def json_lines(text: str, max_values: int) -> tuple[dict[Location, int], dict[Location, int]]:
    """The 1-based line where the value of each key path of ``text`` starts (``text`` is what
    :func:`json.loads` accepted; ``()`` is the top value's), and the line of each member's key
    whose value starts on a later line.

    Raises:
        Refusal: a key written twice in one object, ``NaN``/``Infinity`` or a number too large
            for a float, nesting deeper than :data:`MAX_DEPTH`, more than ``max_values`` values.
    """
    scan = _JsonLines(text, max_values)
    return scan.lines, scan.key_lines


#: A JSON string, a structural character, or a number or literal (the text is valid JSON).
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+')
_NOT_FINITE = {"NaN", "Infinity", "-Infinity"}
_NUMBER = set("-0123456789")


@dataclass
class _Open:
    """An object or array being scanned."""

    loc: Location
    is_object: bool
    at: str | int = 0  # the current key, or the current item's index
    keys: dict[str, int] = field(default_factory=dict)  # each key's line


class _JsonLines:
    """Scans valid JSON once; every value start counts towards ``max_values``."""

    def __init__(self, text: str, max_values: int):
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.max_values = max_values
        self.lines: dict[Location, int] = {}
        self.key_lines: dict[Location, int] = {}
        self.count = 0
        self.stack: list[_Open] = []
        self.expect_key = False
        for match in _JSON_TOKEN.finditer(text):
            token = match.group()
            if token == ",":
                top = self.stack[-1]
                if top.is_object:
                    self.expect_key = True
                else:
                    top.at = int(top.at) + 1
            elif token in ("}", "]"):
                self.stack.pop()
                self.expect_key = False
            elif token != ":":
                line = bisect_right(self.newlines, match.start()) + 1
                if self.expect_key:
                    self.key(json.loads(token) if "\\" in token else token[1:-1], line)
                else:
                    self.value(token, line)

    def key(self, key: str, line: int) -> None:
        top = self.stack[-1]
        loc = (*top.loc, key)
        if key in top.keys:
            reason = (
                f"key appears twice in the same object (first on line {top.keys[key]}): keep one"
            )
            raise Refusal(line, reason, loc)
        top.keys[key] = self.lines[loc] = line
        top.at = key
        self.expect_key = False

    def value(self, token: str, line: int) -> None:
        self.count += 1
        if self.count > self.max_values:
            raise Refusal(line, too_many(self.max_values))
        top = self.stack[-1] if self.stack else None
        loc: Location = () if top is None else (*top.loc, top.at)
        if top is not None and top.is_object and self.lines[loc] != line:
            self.key_lines[loc] = self.lines[loc]  # the value starts on a later line
        self.lines[loc] = line
        if token in ("{", "["):
            if len(self.stack) >= MAX_DEPTH:
                raise Refusal(line, too_deep())
            self.stack.append(_Open(loc, token == "{"))
            self.expect_key = token == "{"
        elif token in _NOT_FINITE or (token[0] in _NUMBER and math.isinf(float(token))):
            raise Refusal(line, not_finite(token), loc)
