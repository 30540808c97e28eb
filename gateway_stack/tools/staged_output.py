"""Synthesis into a staging folder, and ``cdk.out`` replaced only by a whole, checked assembly.

The CDK CLI names the output folder (``CDK_OUTDIR``, ``cdk.out`` by default) and keeps its own
files there while the app runs: ``synth.lock`` (its writer lock), ``read.<pid>.<n>.lock``
(readers: ``cdk deploy``, ``cdk ls --app cdk.out``), ``error.txt`` and
``performance-counters.json``. The app therefore synthesizes into a staging folder *inside*
the output folder (same file system, so moves are renames; removed with ``cdk.out``), and
only once the whole synth passed (cdk-nag, the quota guards, CloudFormation's checks) does
:meth:`StagedOutput.commit` move the new assembly in:

1. ``manifest.json`` goes first: from then on, readers see no assembly rather than a mix;
2. every other entry of the old assembly goes (the CLI's files and staging folders stay);
3. the new entries move in, ``manifest.json`` last.

SIGINT and SIGTERM are held back during those renames (milliseconds), so an interrupt lands
before the commit, which leaves the old assembly as it was, or after it. See docs/synth.md.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from gateway_stack.errors import GatewayStackError

MANIFEST = "manifest.json"
#: The CDK CLI's own files in the output folder (toolkit-lib's rwlock and exec).
CLI_FILES = re.compile(
    r"^(synth\.lock|read\.[^.]+\.[^.]+\.lock|error\.txt|performance-counters\.json)$"
)
#: Staging folders: ``.staging-<pid>-<random>``.
STAGING = re.compile(r"^\.staging-(\d+)-")
_INTERRUPTS = (signal.SIGINT, signal.SIGTERM)


def _alive(pid: int) -> bool:
    """Whether process ``pid`` still runs."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _remove(entry: Path) -> None:
    if entry.is_dir() and not entry.is_symlink():
        shutil.rmtree(entry)
    else:
        entry.unlink(missing_ok=True)


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back until the block ends (where the platform allows it)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _INTERRUPTS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


@contextlib.contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """SIGTERM raises :class:`KeyboardInterrupt` in the block, as SIGINT does, so that the
    staging folder is cleaned up either way."""
    try:
        previous = signal.signal(signal.SIGTERM, _terminate)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _check_output_folder(outdir: Path) -> None:
    """Refuse an output folder whose other contents a commit would delete."""
    if Path.cwd().resolve().is_relative_to(outdir.resolve()):
        raise GatewayStackError(
            [
                f"{outdir}: the output folder holds the current folder; a synth replaces the "
                "output folder's contents: name a folder of its own (cdk.out, or --output DIR)"
            ]
        )
    if not outdir.is_dir() or (outdir / MANIFEST).exists():
        return
    others = [
        entry.name
        for entry in outdir.iterdir()
        if not (CLI_FILES.match(entry.name) or STAGING.match(entry.name))
    ]
    if others:
        raise GatewayStackError(
            [
                f"{outdir}: the output folder holds files that are not a cloud assembly "
                f"({', '.join(sorted(others)[:3])}{', ...' if len(others) > 3 else ''}); a synth "
                "replaces the output folder's contents: name an empty folder or cdk.out"
            ]
        )


class StagedOutput:
    """A staging folder in ``outdir`` for one synth; :meth:`commit` makes it ``outdir``'s
    assembly, :meth:`discard` (always called by :func:`staged_output`) removes what is left.

    Attributes:
        outdir: the CLI's output folder.
        folder: the staging folder the app synthesizes into.
    """

    def __init__(self, outdir: Path):
        """
        Raises:
            GatewayStackError: ``outdir`` is not an output folder a commit may empty: it holds
                the current folder, or files but no assembly (``cdk synth -o .`` or ``-o src``
                would otherwise lose them).
        """
        self.outdir = outdir
        _check_output_folder(outdir)
        outdir.mkdir(parents=True, exist_ok=True)
        for entry in outdir.iterdir():  # left by a synth that was killed (SIGKILL)
            match = STAGING.match(entry.name)
            if match and not _alive(int(match.group(1))):
                shutil.rmtree(entry, ignore_errors=True)
        self.folder = Path(tempfile.mkdtemp(prefix=f".staging-{os.getpid()}-", dir=outdir))
        self.committed = False

    def commit(self) -> None:
        """Replace the assembly in ``outdir`` by the staged one (see the module's steps)."""
        with interrupts_deferred():
            (self.outdir / MANIFEST).unlink(missing_ok=True)
            for entry in self.outdir.iterdir():
                if CLI_FILES.match(entry.name) or STAGING.match(entry.name):
                    continue
                _remove(entry)
            staged = sorted(self.folder.iterdir(), key=lambda entry: entry.name == MANIFEST)
            for entry in staged:
                entry.rename(self.outdir / entry.name)
            self.committed = True

    def discard(self) -> None:
        """Remove the staging folder and what is still in it."""
        shutil.rmtree(self.folder, ignore_errors=True)


@contextlib.contextmanager
def staged_output(outdir: Path) -> Iterator[StagedOutput]:
    """A :class:`StagedOutput` of ``outdir``, whose staging folder is removed on leaving the
    block whatever happens (an error, KeyboardInterrupt, SIGTERM)."""
    staged = StagedOutput(outdir)
    try:
        with sigterm_interrupts():
            yield staged
    finally:
        with interrupts_deferred():
            staged.discard()
