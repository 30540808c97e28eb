"""Lambda entry point of the ``Custom::UsagePlanMembership`` provider (``handler.handler``).

CloudFormation invokes this function directly (no Provider framework), so it replies itself:
exactly one PUT to the event's ResponseURL, whatever happens, before the function times out.
A watchdog thread sends FAILED shortly before the timeout if the work has not finished; AWS
calls are not started once less than ``CALL_MARGIN_SECONDS`` remain.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from botocore.exceptions import ClientError
from usage_plan_membership.cfn_response import Responder
from usage_plan_membership.clients import AwsClients
from usage_plan_membership.lifecycle import (
    FAILED,
    SUCCESS,
    Lifecycle,
    failed_id,
    failure_physical_id,
)
from usage_plan_membership.logs import log, logger
from usage_plan_membership.plans import MembershipError

CLIENTS = AwsClients()  # once per container
WATCHDOG_MARGIN_SECONDS = 5.0  # FAILED is sent when this much time is left
CALL_MARGIN_SECONDS = 10.0  # no AWS call starts with less time than this left
DEFAULT_BUDGET_SECONDS = 300.0  # when the context cannot tell (local runs)
LOGGED_PROPERTIES = ("RestApiId", "StageName", "UsagePlanIds", "Throttles")


class DeadlineExceededError(MembershipError):
    """Too little time is left to start another AWS call and still reply."""


def remaining_seconds_of(context: Any) -> Callable[[], float]:
    started = time.monotonic()
    get_remaining = getattr(context, "get_remaining_time_in_millis", None)
    if callable(get_remaining):
        return lambda: get_remaining() / 1000.0
    return lambda: DEFAULT_BUDGET_SECONDS - (time.monotonic() - started)


def handler(event: Mapping[str, Any], context: Any) -> None:
    if not isinstance(event, Mapping) or not event.get("ResponseURL"):
        log(
            "event.unusable",
            logging.ERROR,
            keys=sorted(map(str, event)) if isinstance(event, Mapping) else [],
        )
        return
    remaining = remaining_seconds_of(context)
    responder = Responder(event, remaining, getattr(context, "log_stream_name", None))
    try:
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
        on_failure = failure_physical_id(event)
    except Exception as error:  # nothing may keep the stack waiting for an answer
        responder.send(FAILED, failed_id(event), f"unreadable event: {error!r}")
        return
    watchdog = threading.Timer(
        max(0.0, remaining() - WATCHDOG_MARGIN_SECONDS),
        lambda: responder.send(
            FAILED, on_failure, "timed out before the usage plans were updated; see the logs"
        ),
    )
    watchdog.daemon = True
    watchdog.start()
    try:
        _process(event, responder, remaining, on_failure)
    finally:
        watchdog.cancel()


def _process(
    event: Mapping[str, Any],
    responder: Responder,
    remaining: Callable[[], float],
    on_failure: str,
) -> None:
    def check_time() -> None:
        if responder.sent is not None:
            raise DeadlineExceededError("the response was already sent (the watchdog fired)")
        if remaining() < CALL_MARGIN_SECONDS:
            raise DeadlineExceededError(
                f"less than {CALL_MARGIN_SECONDS:.0f} s of the function's time left"
            )

    try:
        lifecycle = Lifecycle(CLIENTS, check_time)
        outcome = lifecycle.process(event)
    except MembershipError as error:
        log("failed", logging.WARNING, error=str(error))
        responder.send(FAILED, on_failure, str(error))
    except ClientError as error:
        log("failed", logging.ERROR, error=str(error))
        responder.send(FAILED, on_failure, f"AWS error: {error}")
    except Exception as error:
        logger.exception("unexpected error")
        responder.send(FAILED, on_failure, f"unexpected error: {type(error).__name__}: {error}")
    else:
        if not responder.send(SUCCESS, outcome.physical_id, outcome.reason):
            lifecycle.abandon()  # FAILED went first: undo what a Create added


def _loggable(properties: Any) -> Any:
    if not isinstance(properties, Mapping):
        return properties
    return {name: properties[name] for name in LOGGED_PROPERTIES if name in properties}
