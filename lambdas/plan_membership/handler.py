"""Lambda entry point of the ``Custom::UsagePlanMembership`` provider (``handler.handler``).

CloudFormation invokes this function directly (its ServiceToken is the function), and the answer
goes through crhelper (``usage_plan_membership/resource.py``): exactly one PUT to the event's
ResponseURL, whatever happens, before the function times out.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from typing import Any

from usage_plan_membership.clients import AwsClients
from usage_plan_membership.logs import log
from usage_plan_membership.resource import MembershipResource

CLIENTS = AwsClients()  # once per container
LOGGED_PROPERTIES = ("RestApiId", "StageName", "UsagePlanIds", "Throttles")
#: What every CloudFormation custom resource event holds; crhelper needs them all.
REQUIRED_FIELDS = ("ResponseURL", "StackId", "RequestId", "LogicalResourceId", "RequestType")


@functools.cache
def resource() -> MembershipResource:
    """crhelper's resource, built on the first event (its own boto3 clients need the region)."""
    return MembershipResource(CLIENTS)


def handler(event: Mapping[str, Any], context: Any) -> None:
    """Answer one CloudFormation event; an event that cannot be answered is logged, not raised."""
    missing = unanswerable(event)
    if missing:
        log(
            "event.unusable",
            logging.ERROR,
            missing=missing,
            keys=sorted(map(str, event)) if isinstance(event, Mapping) else [],
        )
        return
    log(
        "event",
        request_type=event.get("RequestType"),
        request_id=event.get("RequestId"),
        stack=event.get("StackId"),
        logical_id=event.get("LogicalResourceId"),
        physical_id=event.get("PhysicalResourceId"),
        properties=_loggable(event.get("ResourceProperties")),
        old_properties=_loggable(event.get("OldResourceProperties")),
    )
    resource()(event, context)


def unanswerable(event: Any) -> list[str]:
    """The fields missing for an answer (empty when the event can be answered).

    CloudFormation always sends them: an event without them was made by hand, and has no
    ResponseURL to answer to, or not one crhelper can answer to.
    """
    if not isinstance(event, Mapping):
        return list(REQUIRED_FIELDS)
    return [name for name in REQUIRED_FIELDS if not isinstance(event.get(name), str)]


def _loggable(properties: Any) -> Any:
    if not isinstance(properties, Mapping):
        return properties
    return {name: properties[name] for name in LOGGED_PROPERTIES if name in properties}
