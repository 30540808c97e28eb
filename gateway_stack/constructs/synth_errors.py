"""Synthesis whose failures read as messages, not as jsii stack traces."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

from aws_cdk import Stage
from aws_cdk.cx_api import CloudAssembly

from gateway_stack.constructs.guards import assembly_problems
from gateway_stack.errors import GatewayStackError


class SynthError(GatewayStackError):
    """Synthesis stopped: a construct's own check failed, or a validation plugin found problems."""


_TRACE_LINE = re.compile(r"^\s+at |^\s*$|^Error: |^\s*(@jsii|node:internal)")


def synth_cleanly(stage: Stage) -> CloudAssembly:
    """``stage.synth()``, with a failure turned into :class:`SynthError` (messages only).

    A validation plugin's findings (cdk-nag, CloudFormation's own checks) fail it too, one
    message per finding and construct, whether the CDK threw them (an app run in memory) or left
    them to the CDK CLI in ``validation-report.json`` (an app run by the CLI, which asks the app
    not to throw): the synth is refused before anything is taken from it. It then checks the
    written templates against the quota guards (see
    :func:`gateway_stack.constructs.guards.assembly_problems`).
    """
    started = time.time()
    try:
        assembly = stage.synth()
    except Exception as error:  # jsii raises RuntimeError or JSIIError with a JS stack
        findings = validation_findings(Path(stage.outdir), since=started)
        raise SynthError(findings or _messages(str(error))) from None
    findings = validation_findings(Path(assembly.directory), since=started)
    if findings:
        raise SynthError(findings)
    problems = assembly_problems(assembly)
    if problems:
        raise SynthError(problems)
    return assembly


def validation_findings(outdir: Path, *, since: float = 0.0) -> list[str]:
    """Every finding of every validation plugin that failed, in the validation report the synth
    wrote into ``outdir`` (none when there is no report written at ``since`` or later), as
    ``<construct path>: [<rule>] <description>`` (with the template, resource and property for
    a CloudFormation check)."""
    report_file = outdir / "validation-report.json"
    try:
        if report_file.stat().st_mtime < since - 1:  # left by an earlier synth
            return []
        report = json.loads(report_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    findings = []
    for plugin in _dicts(report.get("pluginReports") if isinstance(report, dict) else None):
        if plugin.get("conclusion") != "failure":
            continue
        for violation in _dicts(plugin.get("violations")):
            rule = f"[{violation.get('ruleName', plugin.get('pluginName'))}]"
            what = str(violation.get("description", "")).strip()
            for construct in _dicts(violation.get("violatingConstructs")) or [{}]:
                findings.append(f"{_finding_place(construct)}{rule} {what}")
    return findings


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _finding_place(construct: dict[str, Any]) -> str:
    """``<construct path> (<template> <logical id> <property>): `` of a violating construct."""
    path = str(construct.get("constructPath", "")).lstrip("/")
    resource = construct.get("cloudFormationResource")
    if isinstance(resource, dict):
        properties = ", ".join(map(str, resource.get("propertyPaths") or []))
        detail = f"{resource.get('templatePath', '')} {resource.get('logicalId', '')}"
        path += f" ({detail.strip()}{' ' + properties if properties else ''})"
    return f"{path}: " if path else ""


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
