"""Synthesis whose failures read as messages, not as jsii stack traces."""

from __future__ import annotations

import re

from aws_cdk import Stage
from aws_cdk.cx_api import CloudAssembly


class SynthError(Exception):
    """Synthesis stopped: a construct's own check failed, or a validation plugin found problems."""

    def __init__(self, messages: list[str]):
        self.messages = tuple(messages)
        super().__init__("\n".join(messages))


_TRACE_LINE = re.compile(r"^\s+at |^\s*$|^Error: |^\s*(@jsii|node:internal)")


def synth_cleanly(stage: Stage) -> CloudAssembly:
    """``stage.synth()``, with a failure turned into :class:`SynthError` (messages only)."""
    try:
        return stage.synth()
    except Exception as error:  # jsii raises RuntimeError or JSIIError with a JS stack
        raise SynthError(_messages(str(error))) from None


def _messages(text: str) -> list[str]:
    """The human part of a jsii error: its message lines, without the JavaScript stack."""
    lines = [line.rstrip() for line in text.splitlines()]
    kept = [line.strip() for line in lines if not _TRACE_LINE.match(line)]
    return kept or ["synthesis failed (no message)"]
