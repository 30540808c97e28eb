"""One problem in a gateway file, and where it is: the currency of every check of the file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gateway_stack.source_rules import Location

__all__ = ["Issue", "Location", "format_location", "issue_line", "render_issue"]


@dataclass(frozen=True)
class Issue:
    """One problem in a gateway file: where (a path of keys and indexes) and what.

    Attributes:
        loc: the key path; ``()`` for the file as a whole.
        message: what is wrong and what is allowed.
        line: the line, when known without the file's key lines (a file that is not YAML).
            Default: ``None``, the line of ``loc`` in the file, if it has one.
    """

    loc: Location
    message: str
    line: int | None = None

    @property
    def location(self) -> str:
        """The path as the error messages show it: ``services[2].base_path``."""
        return format_location(self.loc)


def format_location(loc: Location) -> str:
    """``("services", 2, "base_path")`` -> ``services[2].base_path``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(top level)"


def render_issue(path: str, issue: Issue, lines: Mapping[Location, int]) -> str:
    """``<file>: <key path>: <message> (line N)``, the line when the file has the key (or its
    nearest ancestor: a missing key's parent); ``<file>: line N: <message>`` for a problem of
    the file as a whole at a known line (YAML that cannot be read)."""
    line = issue_line(issue, lines)
    if not issue.loc and line:
        return f"{path}: line {line}: {issue.message}"
    return f"{path}: {issue.location}: {issue.message}" + (f" (line {line})" if line else "")


def issue_line(issue: Issue, lines: Mapping[Location, int]) -> int | None:
    """The line of ``issue``: its own, or that of its key path (or nearest ancestor)."""
    return issue.line or _line_of(issue.loc, lines)


def _line_of(loc: Location, lines: Mapping[Location, int]) -> int | None:
    """The line of ``loc``, or of its nearest ancestor in the file (a missing key's parent)."""
    for end in range(len(loc), 0, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None
