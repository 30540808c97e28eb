"""What a file read by :mod:`gateway_stack.yaml_source` may hold: the limits, and the refusal
that its YAML and JSON readers raise (with the line and key path, without the file)."""

from __future__ import annotations

Location = tuple[str | int, ...]

#: Largest file read: 8 MiB (the largest public OpenAPI document we tried is 1.9 MB).
MAX_BYTES = 8 * 1024 * 1024
#: Most values (scalars, lists and mappings) the data may hold with every alias expanded: the
#: largest public OpenAPI document we tried has about 32,000.
MAX_VALUES = 1_000_000
#: Deepest nesting of lists and mappings (the OpenAPI documents we tried nest 22 levels at most).
MAX_DEPTH = 200


class Refusal(Exception):
    """Something in the file that is not plain, JSON-shaped data.

    Attributes:
        line: the 1-based line, or ``None``.
        reason: what is wrong and what to write instead.
        loc: the key path, when the problem has one; else ``None``.
    """

    def __init__(self, line: int | None, reason: str, loc: Location | None = None):
        super().__init__(reason)
        self.line, self.reason, self.loc = line, reason, loc


def too_deep() -> str:
    """The reason for nesting deeper than :data:`MAX_DEPTH`."""
    return f"lists and mappings nested more than {MAX_DEPTH} levels deep: flatten the data"


def too_many(max_values: int) -> str:
    """The reason for data holding more than ``max_values`` values."""
    return (
        f"more than {max_values:,} values with every alias expanded (aliases that repeat "
        "aliases multiply): write the values out, or use fewer aliases"
    )


def not_finite(written: str) -> str:
    """The reason for an infinity or NaN, ``written`` as in the file."""
    return (
        f"{written} is not a number JSON can hold (JSON has no infinity or NaN): write a "
        "finite number"
    )
