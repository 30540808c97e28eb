"""Helpers that read CloudWatch dashboards and alarms out of synthesized templates."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk.assertions import Template


def dashboards(template: Template) -> dict[str, dict[str, Any]]:
    """Every dashboard of a template, by name, with its body parsed.

    Deploy-time values in the body (the region, alarm ARNs) read as ``${Ref}`` or
    ``${Resource.Attribute}``.
    """
    found = {}
    for resource in template.find_resources("AWS::CloudWatch::Dashboard").values():
        properties = resource["Properties"]
        found[properties["DashboardName"]] = json.loads(_text(properties["DashboardBody"]))
    return found


def widget(body: dict[str, Any], title: str) -> dict[str, Any]:
    """The properties of the one widget titled ``title``."""
    (found,) = [w["properties"] for w in body["widgets"] if w["properties"].get("title") == title]
    return found


def titles(body: dict[str, Any]) -> list[str]:
    """The widgets' titles, in order (text widgets have none)."""
    return [w["properties"]["title"] for w in body["widgets"] if "title" in w["properties"]]


def lines(properties: dict[str, Any]) -> list[dict[str, Any]]:
    """A graph's visible lines: ``{"metric": (namespace, name, dimensions), "stat", "label"}`` for
    a metric, ``{"expression", "label"}`` for an expression."""
    found = []
    for entry in properties["metrics"]:
        *names, options = entry if isinstance(entry[-1], dict) else (*entry, {})
        if options.get("visible") is False:
            continue
        if names:
            namespace, metric_name, *dimensions = names
            pairs = dict(zip(dimensions[::2], dimensions[1::2], strict=True))
            found.append(
                {
                    "metric": (namespace, metric_name, pairs),
                    "stat": options.get("stat"),
                    "label": options.get("label"),
                }
            )
        else:
            found.append({"expression": options["expression"], "label": options.get("label")})
    return found


def alarms(template: Template) -> dict[str, dict[str, Any]]:
    """Every alarm's properties, by alarm name."""
    return {
        resource["Properties"]["AlarmName"]: resource["Properties"]
        for resource in template.find_resources("AWS::CloudWatch::Alarm").values()
    }


def expression(alarm: dict[str, Any]) -> str:
    """The expression an alarm on metric math evaluates."""
    (returned,) = [m for m in alarm["Metrics"] if m.get("ReturnData", True)]
    return returned["Expression"]


def inputs(alarm: dict[str, Any]) -> dict[str, tuple[str, str, dict[str, str], str]]:
    """The metrics an alarm's expression reads: id -> (namespace, name, dimensions, stat)."""
    found = {}
    for entry in alarm["Metrics"]:
        if "MetricStat" in entry:
            stat = entry["MetricStat"]
            metric = stat["Metric"]
            dimensions = {d["Name"]: d["Value"] for d in metric.get("Dimensions", [])}
            found[entry["Id"]] = (
                metric["Namespace"],
                metric["MetricName"],
                dimensions,
                stat["Stat"],
            )
    return found


def _text(body: Any) -> str:
    if isinstance(body, str):
        return body
    separator, parts = body["Fn::Join"]
    return separator.join(part if isinstance(part, str) else _token(part) for part in parts)


def _token(value: dict[str, Any]) -> str:
    if "Ref" in value:
        return "${" + value["Ref"] + "}"
    return "${" + ".".join(value["Fn::GetAtt"]) + "}"
