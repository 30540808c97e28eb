"""Which gateway file a cloud assembly was synthesized from, so that commands reading ``cdk.out``
can say so, and refuse an assembly of another file or of an older version of it.

The gateway app writes :data:`PROVENANCE_FILE` into the assembly it synthesizes: the gateway
file's path (relative to the app's folder, as ``make synth GATEWAY=...`` names it), and a
SHA-256 of the gateway file and of each service's OpenAPI document. A reader compares them with
the files as they are now: an edit after the synth makes the assembly stale. A selective synth
(``make synth SERVICES=orders``) also records the services it built (``services``): the other
services' stacks are missing from the assembly because they were not built, not because they
were removed, and readers say so.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gateway_stack.errors import GatewayStackError

#: The file in the cloud assembly's folder (next to ``manifest.json``).
PROVENANCE_FILE = "gateway-stack.json"
SYNTH_AGAIN = "synthesize again (make synth)"
#: The format of :data:`PROVENANCE_FILE`; a reader refuses another.
FORMAT = 1


class ProvenanceError(GatewayStackError):
    """The assembly was built from another gateway file, from an older version of it, or its
    record is unreadable."""


def _digest(path: Path) -> str:
    """The file's SHA-256 (hex), or ``missing`` when it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "missing"


def _shown(path: Path, app: Path) -> str:
    """``path`` relative to ``app`` when inside it (POSIX separators), else absolute."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(app.resolve()).as_posix()
    except ValueError:
        return str(resolved)


@dataclass(frozen=True)
class Provenance:
    """What a cloud assembly was synthesized from.

    Attributes:
        app: the folder the app ran in (paths are relative to it).
        gateway: the gateway file, relative to ``app`` when inside it.
        files: every file the assembly was built from (the gateway file first, then the
            services' documents), as ``path -> SHA-256``; paths as ``gateway``.
        services: the services whose stacks a selective synth built, sorted (every region's
            platform stack is always built). Default: ``None``, every service (a full synth).
    """

    app: Path
    gateway: str
    files: Mapping[str, str]
    services: tuple[str, ...] | None = None

    @classmethod
    def of(
        cls,
        gateway: Path,
        documents: Iterable[Path],
        app: Path | None = None,
        services: Iterable[str] | None = None,
    ) -> Provenance:
        """The provenance of a synth of ``gateway`` and its services' ``documents``, run in
        ``app`` (default: the current folder), of only ``services`` when given (default: every
        service)."""
        app = (app or Path.cwd()).resolve()
        shown = _shown(gateway, app)
        files = {shown: _digest(gateway)}
        files.update({_shown(document, app): _digest(document) for document in documents})
        return cls(app, shown, files, None if services is None else tuple(sorted(services)))

    @property
    def selective(self) -> bool:
        """Whether only some services' stacks were built (:attr:`services`)."""
        return self.services is not None

    @property
    def selection(self) -> str:
        """What was built, in words: ``every service``, or ``services orders, billing only (and
        the platform stacks)``."""
        if self.services is None:
            return "every service"
        noun = "service" if len(self.services) == 1 else "services"
        return f"{noun} {', '.join(self.services)} only (and the platform stacks)"

    def write(self, folder: Path) -> Path:
        """Write :data:`PROVENANCE_FILE` into ``folder``; its path."""
        path = folder / PROVENANCE_FILE
        record: dict[str, Any] = {
            "format": FORMAT,
            "app": str(self.app),
            "gateway": self.gateway,
            "files": dict(self.files),
        }
        if self.services is not None:  # a full synth's record is as it always was
            record["services"] = list(self.services)
        path.write_text(json.dumps(record, indent=2) + "\n")
        return path

    @classmethod
    def read(cls, folder: Path) -> Provenance | None:
        """The provenance recorded in ``folder``, or ``None`` when there is none (an assembly
        of another app, or of an older version of this one).

        Raises:
            ProvenanceError: the record is there but unreadable.
        """
        path = folder / PROVENANCE_FILE
        if not path.is_file():
            return None
        try:
            record: Any = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise ProvenanceError(
                [f"{path}: damaged record of the gateway file: {_reason(error)}: {SYNTH_AGAIN}"]
            ) from None
        if not (
            isinstance(record, dict)
            and record.get("format") == FORMAT
            and isinstance(record.get("gateway"), str)
            and isinstance(record.get("app"), str)
            and isinstance(record.get("files"), dict)
            and all(isinstance(v, str) for v in record["files"].values())
            and _names(record.get("services", []))
        ):
            raise ProvenanceError(
                [
                    f"{path}: damaged record of the gateway file (not what this version writes): "
                    f"{SYNTH_AGAIN}"
                ]
            )
        services = record.get("services")
        return cls(
            Path(record["app"]),
            record["gateway"],
            dict(record["files"]),
            None if services is None else tuple(services),
        )

    def _resolve(self, shown: str) -> Path:
        """A recorded path as a file: relative to the app's folder when that still exists,
        else to the current one (an assembly copied from elsewhere)."""
        path = Path(shown)
        if path.is_absolute():
            return path
        return (self.app if self.app.is_dir() else Path.cwd()) / path

    def is_of(self, gateway: str | Path) -> bool:
        """Whether the assembly was synthesized from ``gateway`` (a path from the current
        folder)."""
        return self._resolve(self.gateway).resolve() == Path(gateway).resolve()

    def changed(self) -> list[str]:
        """The recorded files whose content is not what was synthesized (edited or gone)."""
        return [
            shown for shown, digest in self.files.items() if _digest(self._resolve(shown)) != digest
        ]

    def check(self, directory: Path, gateway: str | Path | None = None) -> None:
        """Refuse the assembly in ``directory`` when it is not of ``gateway`` (when given), or
        when a file it was built from changed since.

        Raises:
            ProvenanceError: one line, saying what to run.
        """
        if gateway is not None and not self.is_of(gateway):
            raise ProvenanceError(
                [f"{directory}: synthesized from {self.gateway}, not {gateway}: synthesize it "
                 f"first (make synth GATEWAY={gateway})"]
            )  # fmt: skip
        changed = self.changed()
        if changed:
            raise ProvenanceError(
                [f"{directory}: out of date: {', '.join(changed)} changed since it was "
                 f"synthesized from {self.gateway}: synthesize again "
                 f"(make synth GATEWAY={self.gateway})"]
            )  # fmt: skip


def _names(value: Any) -> bool:
    """Whether ``value`` is a list of names (the record's ``services``)."""
    return isinstance(value, list) and all(isinstance(name, str) for name in value)


def _reason(error: BaseException) -> str:
    """An exception as a few plain words."""
    if isinstance(error, json.JSONDecodeError):
        return f"not JSON at line {error.lineno}, column {error.colno} (truncated?)"
    if isinstance(error, UnicodeDecodeError):
        return "not UTF-8 text"
    if isinstance(error, OSError):
        return error.strerror or type(error).__name__
    return str(error)
