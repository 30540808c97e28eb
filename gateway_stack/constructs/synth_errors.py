"""Synthesis whose failures read as messages, not as jsii stack traces."""

from __future__ import annotations

import re

from aws_cdk import Stage
from aws_cdk.cx_api import CloudAssembly

from gateway_stack.constructs.guards import assembly_problems
from gateway_stack.errors import GatewayStackError


class SynthError(GatewayStackError):
    """Synthesis stopped: a construct's own check failed, or a validation plugin found problems."""


_TRACE_LINE = re.compile(r"^\s+at |^\s*$|^Error: |^\s*(@jsii|node:internal)")


def synth_cleanly(stage: Stage) -> CloudAssembly:
    """``stage.synth()``, with a failure turned into :class:`SynthError` (messages only).

    It then checks the written templates against the quota guards (see
    :func:`gateway_stack.constructs.guards.assembly_problems`).
    """
    try:
        assembly = stage.synth()
    except Exception as error:  # jsii raises RuntimeError or JSIIError with a JS stack
        raise SynthError(_messages(str(error))) from None
    problems = assembly_problems(assembly)
    if problems:
        raise SynthError(problems)
    return assembly


def error_messages(error: BaseException) -> list[str]:
    """The messages of any exception, without a JavaScript stack (jsii's errors carry one)."""
    return _messages(str(error))


def _messages(text: str) -> list[str]:
    """The human part of a jsii error: its message lines, without the JavaScript stack."""
    lines = [_PREFIX.sub("", line.rstrip()) for line in text.splitlines()]
    kept = [line.strip() for line in lines if not _TRACE_LINE.match(line) and line.strip()]
    return kept or ["synthesis failed (no message)"]


#: jsii's error class names in front of a message ("ValidationFailedWithErrors: ...").
_PREFIX = re.compile(r"^[A-Za-z]+(Error|Errors|Failed): ")
