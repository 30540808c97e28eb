"""Reading a gateway file: YAML in, a validated :class:`Gateway` out, or every error at once.

The file is read by :func:`gateway_stack.yaml_source.read_yaml` (safe, limited, JSON-shaped:
docs/reading.md); the model's errors are worded by :mod:`gateway_stack.gateway.config.wording`.
Errors are reported one per line as ``<file>: <path>: <what is wrong, what is allowed>``, with
the line in the file where it can be found, e.g.::

    config/prod.yaml: services[2].base_path: must not start or end with '/' (line 41)

A file that cannot be read as plain YAML is one error, ``<file>: line N: <why>`` (or at its key
path, e.g. a key written twice).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from gateway_stack.errors import GatewayStackError
from gateway_stack.gateway.config.issues import Issue, Location, issue_line, render_issue
from gateway_stack.gateway.config.model import Gateway
from gateway_stack.gateway.config.references import REFERENCE_ERROR, check_references
from gateway_stack.gateway.config.views import (
    REGION_ERROR,
    RegionPlaces,
    added_regions,
    region_view,
)
from gateway_stack.gateway.config.wording import model_issues
from gateway_stack.models.regions import partition_of
from gateway_stack.yaml_source import YamlSourceError, read_yaml


class GatewayFileError(GatewayStackError):
    """A gateway file that cannot be used, with every problem found in it."""

    def __init__(self, path: str | Path, issues: Iterable[Issue], lines: Mapping[Location, int]):
        self.path = str(path)
        self.issues = tuple(issues)
        super().__init__(render_issue(self.path, issue, lines) for issue in self.issues)


@dataclass(frozen=True)
class GatewayFile:
    """A gateway file, read and validated.

    Attributes:
        path: the file.
        gateway: its model.
        lines: the line of each key path in the file (``("services", 2, "base_path")`` -> 41;
            where its value starts), for later checks' messages.
    """

    path: Path
    gateway: Gateway
    lines: Mapping[Location, int]


def load_gateway(path: str | Path) -> Gateway:
    """Read and validate a gateway file.

    Raises:
        GatewayFileError: the file is missing, not plain UTF-8 YAML or JSON, or breaks any
            rule of the model.
    """
    return load_gateway_file(path).gateway


def load_gateway_file(path: str | Path) -> GatewayFile:
    """Read and validate a gateway file, keeping the line of each key for later messages.

    Raises:
        GatewayFileError: the file is missing, not plain UTF-8 YAML or JSON, or breaks any
            rule of the model.
    """
    path = Path(path)
    try:
        source = read_yaml(path)
    except YamlSourceError as error:
        issue = Issue(error.loc or (), error.reason, error.line)
        raise GatewayFileError(path, [issue], {}) from None
    gateway = parse_gateway(source.data, path, source.lines, key_lines=source.key_lines)
    return GatewayFile(path, gateway, source.lines)


def parse_gateway(
    data: Any,
    path: str | Path | None = None,
    lines: Mapping[Location, int] | None = None,
    *,
    key_lines: Mapping[Location, int] | None = None,
) -> Gateway:
    """Validate already-parsed gateway data.

    Args:
        data: the parsed file.
        path: the file it came from: named in errors, and the folder that services' OpenAPI
            documents must exist in. Default: none (documents are not looked for).
        lines: the line of each key path, for errors.
        key_lines: the line of each key whose value starts on a later line, for errors about
            a key itself. Default: none (``lines`` is used).
    """
    lines = lines or {}
    issues: list[Issue] = []
    gateway: Gateway | None = None
    if not isinstance(data, Mapping):
        issues.append(Issue((), "the file must be a mapping of keys such as name, services"))
    else:
        raw = check_references(data)
        regional: list[Issue] = []
        try:
            gateway = Gateway.model_validate(data)
        except ValidationError as error:
            # The model's own reference check repeats the raw one (reported with positions);
            # keep it only when the raw data hid it (values the model normalises, e.g. spaces).
            # Likewise its check of the regions' views, which _region_issues reports in place.
            regional = _region_issues(data, [*raw, *model_issues(error.errors(), data, {})])
            details = [
                d
                for d in error.errors()
                if not (d["type"] == REFERENCE_ERROR and raw)
                and not (d["type"] == REGION_ERROR and regional)
            ]
            issues += model_issues(details, data, {**lines, **(key_lines or {})})
        issues += _without_cascades(raw, issues, data)
        # A region's own value judged in its region (its zones known) replaces the file's
        # judgment of its form at the same place.
        judged = {issue.loc for issue in regional}
        issues = [i for i in issues if not (i.loc[:1] == ("regions",) and i.loc in judged)]
        issues += regional
        if path is not None:
            issues += _missing_documents(data, Path(path).parent)
    if issues and key_lines:
        issues = [_at_region_key(issue, key_lines) for issue in issues]
    if issues:
        issues.sort(key=lambda issue: issue_line(issue, lines) or 0)
        raise GatewayFileError(path or "<gateway>", issues, lines)
    assert gateway is not None  # no issue means the model validated
    return gateway


def _at_region_key(issue: Issue, key_lines: Mapping[Location, int]) -> Issue:
    """An issue about an added region's entry as a whole (a misspelt region, the home region
    listed, a value it inherits) at the line of its key, not of the entry's first value."""
    if issue.line is None and len(issue.loc) == 2 and issue.loc[0] == "regions":
        line = key_lines.get(issue.loc)
        if line is not None:
            return replace(issue, line=line)
    return issue


def _region_issues(data: Mapping[str, Any], found: list[Issue]) -> list[Issue]:
    """The problems of each added region's view (:mod:`~gateway_stack.gateway.config.views`),
    where the file says them; none that the file's own checks (``found``) already report at the
    same place."""
    said = {(issue.loc, issue.message) for issue in found}
    issues: list[Issue] = []
    for region in added_regions(data):
        places = RegionPlaces.of(data, region)
        if (
            partition_of(region) is None
            or not places.positions
            or places.home
            or "availability_zones" not in places.given
        ):
            continue  # the model, or the routing check, says why
        view = region_view(data, region)
        raw = check_references(view)
        model: list[Issue] = []
        try:
            Gateway.model_validate(view)
        except ValidationError as error:
            details = [d for d in error.errors() if d["type"] != REFERENCE_ERROR or not raw]
            model = model_issues(details, view, {})
        for issue in [*model, *_without_cascades(raw, model, view)]:
            if (places.position(issue.loc), issue.message) in said:
                continue
            loc, message = places.relocate(issue.loc, issue.message)
            if (loc, message) not in said:
                said.add((loc, message))
                issues.append(Issue(loc, message))
    return issues


def _without_cascades(raw: list[Issue], model: list[Issue], data: Mapping[str, Any]) -> list[Issue]:
    """The raw checks' issues that are not consequences of the model's: one problem is said
    once, where it is written, in the model's words. Dropped: an issue at a place the model
    already refused (a malformed base path is not also "not allowed by the allowlist"), and one
    about a service's load balancer whose own settings the model refused."""
    refused_places = {issue.loc for issue in model}
    refused_balancers = {
        issue.loc[1]
        for issue in model
        if len(issue.loc) > 1 and issue.loc[0] == "load_balancers"  # not a missing section
    }
    services = data.get("services")
    services = services if isinstance(services, list) else []

    def balancer_of(loc: Location) -> Any:
        index = loc[1]
        service = services[index] if isinstance(index, int) and index < len(services) else None
        backend = service.get("backend") if isinstance(service, Mapping) else None
        return backend.get("load_balancer") if isinstance(backend, Mapping) else None

    return [
        issue
        for issue in raw
        if issue.loc not in refused_places
        and not (
            len(issue.loc) == 4
            and issue.loc[0] == "services"
            and issue.loc[2:] == ("backend", "load_balancer")
            and balancer_of(issue.loc) in refused_balancers
        )
    ]


def _missing_documents(data: Mapping[str, Any], folder: Path) -> list[Issue]:
    services = data.get("services")
    if not isinstance(services, list):
        return []
    return [
        Issue(
            ("services", index, "openapi"),
            f"file not found: {folder / service['openapi']}",
        )
        for index, service in enumerate(services)
        if isinstance(service, Mapping)
        and isinstance(service.get("openapi"), str)
        and not (folder / service["openapi"]).is_file()
    ]
