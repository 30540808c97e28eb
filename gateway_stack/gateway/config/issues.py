"""One problem in a gateway file, and where it is: the currency of every check of the file."""

from __future__ import annotations

from dataclasses import dataclass

Location = tuple[str | int, ...]


@dataclass(frozen=True)
class Issue:
    """One problem in a gateway file: where (a path of keys and indexes) and what."""

    loc: Location
    message: str

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
