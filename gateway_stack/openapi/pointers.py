"""Places in a document: JSON pointers, key paths, lines, and values quoted in a few words.

A JSON pointer ``/paths/~1orders~1{id}/get`` is the key path ``("paths", "/orders/{id}",
"get")``; list positions are integers in key paths. The reader gives the line of each key path.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from gateway_stack.yaml_source import Location

__all__ = ["Location", "escape", "follow_refs", "line_of", "location", "pointer", "short", "walk"]


def pointer(parts: Any) -> str:
    """The JSON pointer of a key path (``""`` for the document itself)."""
    return "".join(f"/{escape(str(part))}" for part in parts)


def escape(part: str) -> str:
    """One key as a JSON pointer segment (``~`` -> ``~0``, ``/`` -> ``~1``)."""
    return part.replace("~", "~0").replace("/", "~1")


def unescape(part: str) -> str:
    """A JSON pointer segment as the key it names."""
    return part.replace("~1", "/").replace("~0", "~")


def location(document: Any, place: str) -> Location:
    """The key path of a JSON pointer in ``document`` (list positions as integers, as far as the
    document goes; past its end the segments are kept as strings)."""
    parts: list[str | int] = []
    node = document
    for raw in place.split("/")[1:] if place else ():
        key: str | int = unescape(raw)
        if isinstance(node, list) and raw.isdigit():
            key = int(raw)
            node = node[key] if key < len(node) else None
        elif isinstance(node, dict):
            node = node.get(key)
        else:
            node = None
        parts.append(key)
    return tuple(parts)


def line_of(document: Any, place: str, lines: Mapping[Location, int]) -> int | None:
    """The line of ``place``, else of the nearest enclosing key that has one."""
    if not lines:
        return None
    parts = location(document, place)
    for end in range(len(parts), 0, -1):
        line = lines.get(parts[:end])
        if line is not None:
            return line
    return None


def follow_refs(document: Any, parts: Location) -> Location:
    """Where the value at ``parts`` is written: each local ``$ref`` on the way followed to its
    target (a validator reaches a schema through the references that use it)."""
    node, real = document, ()
    for part in parts:
        seen = 0
        while isinstance(node, dict) and isinstance(node.get("$ref"), str) and seen < 16:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                break
            real = tuple(unescape(p) for p in ref[2:].split("/"))
            node, seen = _at(document, real), seen + 1
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            node = None
        real = (*real, part)
    return real


def _at(document: Any, parts: Location) -> Any:
    node = document
    for part in parts:
        node = node.get(str(part)) if isinstance(node, dict) else None
    return node


def walk(node: Any, place: str = "") -> Iterator[tuple[str, Any]]:
    """``(pointer, value)`` of ``node`` and everything in it, depth first; ``place`` is
    ``node``'s own pointer. Default: ``""`` (the document's root)."""
    yield place, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, f"{place}/{escape(str(key))}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{place}/{index}")


def short(value: Any, limit: int = 40) -> str:
    """``value`` as JSON in at most ``limit`` characters (``{...}`` cut with an ellipsis).
    Default ``limit``: 40."""
    try:
        text = json.dumps(value, default=str, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 4] + " ..."
