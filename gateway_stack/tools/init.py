"""``python -m gateway_stack init [FOLDER]``: a platform team's starter, in an empty folder.

The starter is this package's ``tools/starter/`` folder (package data, shipped in the wheel): the
gateway app (``app.py``), ``cdk.json`` with CDK's feature flags, a small gateway file that
validates and synthesizes, a Makefile (``make synth``) that installs the pinned gateway-stack,
Node.js and CDK CLI into the folder, and a README. ``gateway.schema.json`` is written from the
installed package's model, so an editor checks the gateway file against the version in use, and
``constraints.txt`` pins every package gateway-stack brings (aws-cdk-lib, constructs, cdk-nag,
pydantic, ...) at the versions installed with it, so the starter's templates change only when
the team changes a pin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

from gateway_stack.errors import GatewayStackError
from gateway_stack.gateway.config.schema import render_schema

#: The distribution whose version the starter pins.
DISTRIBUTION = "gateway-stack"
#: The placeholder of ``starter/requirements.txt`` that becomes the installed version.
VERSION_PLACEHOLDER = "@VERSION@"
#: Starter files stored under another name in the package (a dotfile is not package data by
#: default, and setuptools' globs skip it).
_RENAMED = {"npmrc": ".npmrc", "gitignore": ".gitignore"}
#: The gateway file the starter's cdk.json names.
GATEWAY_FILE = "gateway.yaml"
#: The JSON Schema of the gateway file, rendered from the installed package's model.
SCHEMA_FILE = "gateway.schema.json"
#: The pins of what gateway-stack brings, as installed with it.
CONSTRAINTS_FILE = "constraints.txt"
#: A requirement's distribution name, at the start of its text (``aws-cdk-lib>=2.2,<3``).
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class Starter:
    """What ``init`` wrote.

    Attributes:
        folder: the folder written into.
        files: the files written, relative to ``folder``, sorted.
        version: the gateway-stack version the starter pins.
    """

    folder: Path
    files: tuple[str, ...]
    version: str

    def next_steps(self) -> str:
        """What to run next, as ``init`` prints it."""
        here = self.folder.resolve() == Path.cwd().resolve()
        cd = "" if here else f"  cd {self.folder}\n"
        return (
            f"wrote a gateway starter (gateway-stack {self.version}) in "
            f"{Path.cwd() if here else self.folder}: "
            f"{', '.join(self.files)}\n"
            "next:\n"
            f"{cd}"
            "  make synth      # installs gateway-stack, Node.js and the CDK CLI into the folder,\n"
            f"                  # validates {GATEWAY_FILE} and synthesizes it into cdk.out/\n"
            f"then edit {GATEWAY_FILE} (the values marked 'yours') and make synth again; "
            "README.md lists every command.\n"
            "gateway-stack not on your package index? make synth WHEELS=<folder of its wheel>"
        )


def installed_version() -> str:
    """The installed gateway-stack's version (what the starter pins).

    Raises:
        GatewayStackError: the package is imported from a folder without being installed.
    """
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError as error:
        raise GatewayStackError(
            [
                f"init: {DISTRIBUTION} is imported but not installed, so there is no version "
                "to pin: pip install it (or `pip install -e .` in its checkout), then run init "
                "again"
            ]
        ) from error


def starter_files(version: str) -> dict[str, bytes]:
    """The starter's files by name, as ``init`` writes them for gateway-stack ``version``."""
    files: dict[str, bytes] = {}
    for entry in resources.files("gateway_stack.tools").joinpath("starter").iterdir():
        if not entry.is_file() or entry.name.endswith((".pyc", ".pyo")):
            continue
        content = entry.read_bytes()
        if entry.name == "requirements.txt":
            content = content.replace(VERSION_PLACEHOLDER.encode(), version.encode())
        files[_RENAMED.get(entry.name, entry.name)] = content
    files[SCHEMA_FILE] = render_schema().encode()
    files[CONSTRAINTS_FILE] = render_constraints(DISTRIBUTION).encode()
    return files


def installed_closure(distribution: str) -> dict[str, str]:
    """Name -> installed version of every distribution ``distribution`` requires, directly or
    not (extras left out; a requirement whose marker excluded it is not installed, so it is
    left out too)."""
    found: dict[str, str] = {}
    todo = [distribution]
    while todo:
        name = todo.pop()
        for requirement in metadata.requires(name) or []:
            match = _NAME.match(requirement)
            if match is None or "extra ==" in requirement.replace('"', " ").replace("'", " "):
                continue
            needed = match.group(0)
            key = re.sub(r"[-_.]+", "-", needed).lower()
            if key in found or key == distribution:
                continue
            try:
                found[key] = metadata.version(needed)
            except metadata.PackageNotFoundError:
                continue  # not for this platform or Python
            todo.append(needed)
    return dict(sorted(found.items()))


def render_constraints(distribution: str) -> str:
    """``constraints.txt``: every package ``distribution`` brings, pinned as installed."""
    version = metadata.version(distribution)
    lines = [
        f"# What {distribution} {version} brings, pinned at the versions installed with it",
        "# (python -m gateway_stack init). Change a pin on purpose, then review make diff.",
    ]
    lines += [f"{name}=={version}" for name, version in installed_closure(distribution).items()]
    return "\n".join(lines) + "\n"


def write_starter(folder: Path) -> Starter:
    """Write the starter into ``folder``, which must be empty or not exist yet.

    Raises:
        GatewayStackError: ``folder`` is a file, or a folder that is not empty (nothing is
            written, nothing overwritten), or cannot be created.
    """
    if folder.exists() and not folder.is_dir():
        raise GatewayStackError(
            [f"init: {folder} is a file, not a folder: name a new or empty folder"]
        )
    if folder.is_dir():
        present = sorted(entry.name for entry in folder.iterdir())
        if present:
            shown = ", ".join(present[:5]) + (", ..." if len(present) > 5 else "")
            raise GatewayStackError(
                [
                    f"init: {folder} is not empty (it holds {shown}): init writes only into an "
                    "empty or new folder and never overwrites a file; name another folder"
                ]
            )
    version = installed_version()
    files = starter_files(version)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            with (folder / name).open("xb") as handle:  # "x": never overwrite, even in a race
                handle.write(content)
    except OSError as error:
        raise GatewayStackError(
            [f"init: cannot write the starter into {folder}: {error}"]
        ) from error
    return Starter(folder=folder, files=tuple(sorted(files)), version=version)
