"""Reading a YAML or JSON file into plain, JSON-shaped data, with the line of every key.

Gateway files and service teams' OpenAPI documents are both read here, so both get the same
rules (see docs/reading.md):

* **Safe and cheap.** Only plain YAML values are built (PyYAML's event parser, libyaml's when
  installed; no constructor that could run code). An alias (``*name``) shares the value of its
  anchor instead of copying it, and the data is refused when, with every alias expanded, it
  would hold more than :data:`MAX_VALUES` values (an "alias bomb" of a few lines otherwise
  costs gigabytes to whatever walks it), nests deeper than :data:`MAX_DEPTH`, or when an alias
  sits inside its own anchor (a value that contains itself). Files over :data:`MAX_BYTES` are
  not read.
* **JSON-shaped.** Mapping keys are always strings, as written (``200:`` is ``"200"``, ``on:`` is
  ``"on"``); dates and times are strings as written (``1981-12-15``); ``.inf``/``.nan``, tags
  (``!Ref``, ``!Sub``, ``!!python/...``, ``!!binary``) and null or complex keys are refused.
* **No silent loss.** A key written twice in one mapping is refused at its second line (a YAML
  merge key ``<<`` may still be overridden, as YAML intends).
* **UTF-8 only** (a UTF-8 byte-order mark is fine); anything else is refused with where the
  first byte that is not UTF-8 is.
* A JSON file (``.json``, or text that starts with ``{`` or ``[`` and parses as JSON) is read by
  the standard library's JSON parser, with JSON's own rules for numbers and escapes.

Every refusal is a :class:`YamlSourceError`: ``<file>: line N: <what is wrong; what to write>``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gateway_stack.errors import GatewayStackError
from gateway_stack.json_lines import json_lines
from gateway_stack.source_rules import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_VALUES,
    Location,
    Refusal,
    too_deep,
)
from gateway_stack.yaml_events import yaml_data

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_VALUES",
    "Location",
    "YamlSource",
    "YamlSourceError",
    "read_yaml",
]


@dataclass(frozen=True)
class YamlSource:
    """A file read into plain data.

    Attributes:
        path: the file.
        data: its content: dicts with str keys, lists, str, int, float, bool and None only.
            A value an alias repeats is the same object wherever it appears (do not mutate).
        lines: the 1-based line of each key path (``("services", 2, "base_path")`` -> 41):
            where its value starts (a scalar's line, which is its key's; a nested block's
            first line; a list item's dash); ``()`` is the top value's. A path inside a value
            repeated by an alias has no line of its own: see :meth:`line_of`.
        key_lines: the line of the key of each path whose value starts on a later line (a
            block mapping or list under its key). Default: none.
    """

    path: Path
    data: Any
    lines: Mapping[Location, int]
    key_lines: Mapping[Location, int] = field(default_factory=dict)

    def line_of(self, loc: Location) -> int | None:
        """The line of ``loc``, or of its nearest ancestor that has one (a missing key's
        mapping, or the alias a value came through); ``None`` if there is none."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return None


class YamlSourceError(GatewayStackError):
    """A file that cannot be read: ``<file>: line N: <what is wrong; what to write instead>``.

    Attributes:
        path: the file.
        line: the 1-based line of the problem, or ``None`` (an unreadable file).
        reason: what is wrong and what to write instead, without the file and line.
        loc: the key path of the problem when it has one (a key written twice, a tag on a
            value), else ``None``.
    """

    def __init__(
        self, path: str | Path, line: int | None, reason: str, loc: Location | None = None
    ):
        self.path = Path(path)
        self.line = line
        self.reason = reason
        self.loc = loc
        where = f"line {line}: " if line is not None else ""
        super().__init__([f"{path}: {where}{reason}"])


def read_yaml(
    path: str | Path, *, max_bytes: int = MAX_BYTES, max_values: int = MAX_VALUES
) -> YamlSource:
    """Read a YAML or JSON file into plain data, with the line of every key.

    Args:
        path: the file.
        max_bytes: refuse a larger file. Default: :data:`MAX_BYTES` (8 MiB).
        max_values: refuse data holding more values with aliases expanded. Default:
            :data:`MAX_VALUES` (1,000,000).

    Raises:
        YamlSourceError: the file cannot be read, is not UTF-8, is not YAML or JSON, or holds
            something that is not plain JSON-shaped data (see the module's documentation).
    """
    path = Path(path)
    text = _text(path, max_bytes)
    _check_printable(path, text, _NUL)  # JSON's own errors would not say why
    is_json = path.suffix.lower() == ".json"
    try:
        if is_json or text.lstrip()[:1] in ("{", "["):
            try:
                data = json.loads(text)
            except json.JSONDecodeError as error:
                if is_json:
                    reason = f"not valid JSON: {error.msg} (column {error.colno})"
                    raise Refusal(error.lineno, reason) from None
                # not JSON: YAML's flow style, read below
            except RecursionError:
                raise Refusal(None, too_deep()) from None
            except ValueError as error:  # an integer of more than 4,300 digits
                raise Refusal(None, f"not valid JSON: {error}") from None
            else:
                return YamlSource(path, data, *json_lines(text, max_values))
        _check_printable(path, text, _NOT_PRINTABLE)
        return YamlSource(path, *yaml_data(text, max_values))
    except Refusal as refusal:
        raise YamlSourceError(path, refusal.line, refusal.reason, refusal.loc) from None


# -- bytes to text -------------------------------------------------------------------------------

_UTF8_BOM = b"\xef\xbb\xbf"
_OTHER_BOMS = {b"\xff\xfe": "UTF-16 (or UTF-32)", b"\xfe\xff": "UTF-16", b"\x00\x00": "UTF-32"}


def _text(path: Path, max_bytes: int) -> str:
    try:
        with path.open("rb") as file:
            raw = file.read(max_bytes + 1)
    except OSError as error:
        raise YamlSourceError(path, None, f"cannot read the file: {error.strerror}") from None
    if len(raw) > max_bytes:
        raise YamlSourceError(
            path,
            None,
            f"larger than {max_bytes:,} bytes, the most that is read: split the file or leave "
            "out what the gateway does not need",
        )
    if raw.startswith(_UTF8_BOM):
        raw = raw[len(_UTF8_BOM) :]
    elif (encoding := _OTHER_BOMS.get(raw[:2])) is not None:
        raise YamlSourceError(
            path, 1, f"the file is {encoding} (it starts with a byte-order mark): save it as UTF-8"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise YamlSourceError(
            path,
            line,
            f"not UTF-8: byte 0x{raw[error.start]:02X} at column {column} (byte offset "
            f"{error.start}); the file may be Latin-1 or Windows-1252: save it as UTF-8",
        ) from None


#: What YAML allows in a file (YAML 1.1 and 1.2, "c-printable").
_NOT_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


_NUL = re.compile("\x00")


def _check_printable(path: Path, text: str, refused: re.Pattern[str]) -> None:
    found = refused.search(text)
    if found is None:
        return
    start = found.start()
    line, column = text.count("\n", 0, start) + 1, start - (text.rfind("\n", 0, start) + 1) + 1
    if found.group() == "\x00":
        reason = (
            f"a NUL character at column {column}: the file looks like UTF-16 or a binary file, "
            "not UTF-8 text; save it as UTF-8"
        )
    else:
        reason = (
            f"the control character U+{ord(found.group()):04X} at column {column}, which YAML "
            "does not allow: remove it"
        )
    raise YamlSourceError(path, line, reason)
