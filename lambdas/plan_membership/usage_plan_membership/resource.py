"""The answer to CloudFormation, through crhelper's ``CfnResource`` (PyPI ``crhelper``).

crhelper does the plumbing: it dispatches Create, Update and Delete to the lifecycle, turns any
exception into FAILED with its message, sends the response body (an HTTPS PUT with an empty
Content-Type to the pre-signed ResponseURL, retried on connection errors), and arms a timer that
sends FAILED ("Execution timed out") before the function times out.

``MembershipResource`` adds what crhelper leaves to its user, and nothing else:

- **one answer per event**: whichever of crhelper's timer and the normal path sends first wins,
  the other is dropped (crhelper itself would send both), and a Create that succeeds after the
  timer answered FAILED is undone (``Lifecycle.abandon``);
- **the time**: crhelper's timer fires 0.5 s before the end of the time the context reports; the
  context it is given reports ``TIMEOUT_RESERVE_SECONDS`` less, so FAILED goes out about 5 s
  before the function times out, and no AWS call starts with less than ``CALL_MARGIN_SECONDS``
  left (nor once the answer is sent);
- **the physical id of a failure** (``failure_physical_id``, put into the body crhelper sends),
  and a reason that names the log stream and fits crhelper's 256 characters keeping its
  beginning (crhelper keeps the end).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError
from crhelper import FAILED, CfnResource
from crhelper.utils import _send_response  # crhelper's PUT: the default of CfnResource._send

from usage_plan_membership.clients import AwsClients
from usage_plan_membership.lifecycle import Lifecycle, Outcome, failure_physical_id
from usage_plan_membership.logs import log, logger
from usage_plan_membership.plans import MembershipError

#: Time taken from what crhelper sees: its timer (0.5 s before the end) answers with ~5 s left.
TIMEOUT_RESERVE_SECONDS = 4.5
#: No AWS call starts with less time than this left.
CALL_MARGIN_SECONDS = 10.0
#: When the context cannot tell the time left (local runs).
DEFAULT_BUDGET_SECONDS = 300.0
#: crhelper replaces a longer reason by its last 240 characters.
MAX_REASON_CHARS = 256
HANDLED_REQUEST_TYPES = ("Create", "Update", "Delete")

# crhelper logs the whole event, and the ResponseURL (a credential for the response object), at
# DEBUG: whatever the root logger's level, its loggers never go below INFO.
logging.getLogger("crhelper").setLevel(logging.INFO)


class DeadlineExceededError(MembershipError):
    """Too little time is left to start another AWS call and still answer."""


class ReportedFailure(Exception):
    """A failure crhelper reports as FAILED; its message is the reason."""


def remaining_seconds_of(context: Any) -> Callable[[], float]:
    """The seconds left of the invocation, from the Lambda context (or a default budget)."""
    started = time.monotonic()
    get_remaining = getattr(context, "get_remaining_time_in_millis", None)
    if callable(get_remaining):
        return lambda: get_remaining() / 1000.0
    return lambda: DEFAULT_BUDGET_SECONDS - (time.monotonic() - started)


@dataclass(frozen=True)
class ReservedTimeContext:
    """The Lambda context as crhelper sees it: ``reserve_seconds`` less time left.

    Attributes:
        context: the invocation's Lambda context; every other attribute is read from it.
        reserve_seconds: the time hidden from crhelper.
    """

    context: Any
    reserve_seconds: float

    def get_remaining_time_in_millis(self) -> int:
        """The context's remaining time less the reserve, never below zero."""
        remaining = remaining_seconds_of(self.context)()
        return max(0, int((remaining - self.reserve_seconds) * 1000))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.context, name)


def failure_reason(reason: str, log_stream: str | None) -> str:
    """``reason (log stream …)`` within ``MAX_REASON_CHARS``, cut at its end if need be."""
    suffix = f" (log stream {log_stream})" if log_stream else ""
    if len(suffix) > MAX_REASON_CHARS // 2:
        suffix = ""
    room = MAX_REASON_CHARS - len(suffix)
    if len(reason) > room:
        reason = reason[: room - 3] + "..."
    return reason + suffix


class MembershipResource(CfnResource):
    """crhelper's custom resource, answering each ``Custom::UsagePlanMembership`` event once.

    One instance per container (crhelper creates boto3 clients of its own when built, for a
    polling mode this function does not use). Logging: crhelper sets the root logger to INFO and
    botocore's loggers to WARNING.

    Args:
        clients: the boto3 clients the lifecycle uses (created on first use).
    """

    def __init__(self, clients: AwsClients) -> None:
        super().__init__(
            json_logging=False, log_level="INFO", boto_level="WARNING", sleep_on_delete=0
        )
        self._clients = clients
        self._lock = threading.Lock()
        #: The status sent for the current event, None until it is sent.
        self.sent: str | None = None
        self._request: Mapping[str, Any] = {}
        self._log_stream: str | None = None
        self._remaining: Callable[[], float] = lambda: DEFAULT_BUDGET_SECONDS
        self._lifecycle: Lifecycle | None = None
        self._outcome: Outcome | None = None
        for register in (self.create, self.update, self.delete):
            register(self._on_event)

    def __call__(self, event: Mapping[str, Any], context: Any) -> None:
        """Answer one event (crhelper never raises); undo a Create answered FAILED first."""
        self.sent = None
        self._request = event
        self._log_stream = getattr(context, "log_stream_name", None)
        self._remaining = remaining_seconds_of(context)
        self._lifecycle = None
        self._outcome = None
        super().__call__(event, ReservedTimeContext(context, TIMEOUT_RESERVE_SECONDS))
        if self._outcome is not None and self.sent == FAILED and self._lifecycle is not None:
            self._lifecycle.abandon()  # FAILED went first: undo what a Create added

    def _on_event(self, event: Mapping[str, Any], context: Any) -> str:
        """Create, Update or Delete: the physical id of the success, or a ``ReportedFailure``."""
        self._lifecycle = Lifecycle(self._clients, self._check_time)
        try:
            outcome = self._lifecycle.process(event)
        except MembershipError as error:
            log("failed", logging.WARNING, error=str(error))
            raise ReportedFailure(str(error)) from None
        except ClientError as error:
            log("failed", logging.ERROR, error=str(error))
            raise ReportedFailure(f"AWS error: {error}") from None
        except Exception as error:
            logger.exception("unexpected error")
            raise ReportedFailure(f"unexpected error: {type(error).__name__}: {error}") from None
        self._outcome = outcome
        self.Reason = outcome.reason
        return outcome.physical_id

    def _check_time(self) -> None:
        if self.sent is not None:
            raise DeadlineExceededError("the response was already sent (the time ran out)")
        if self._remaining() < CALL_MARGIN_SECONDS:
            raise DeadlineExceededError(
                f"less than {CALL_MARGIN_SECONDS:.0f} s of the function's time left"
            )

    def _send(self, status: str | None = None, reason: str = "", **options: Any) -> None:
        """crhelper's send, at most once per event, with the failure's id and reason.

        crhelper calls it from its timer thread (timeout) and at the end of the event. A FAILED
        answer always carries ``failure_physical_id(event)``, decided here whatever crhelper's
        ``PhysicalResourceId`` holds at that moment (the normal path may be setting it).
        """
        if status is None:  # the end of the event: what the lifecycle left in Status and Reason
            status, reason = self.Status, str(self.Reason)
        with self._lock:
            if self.sent is not None:
                log("response.suppressed", status=status, already=self.sent)
                return
            self.sent = status
        physical_id = str(self.PhysicalResourceId)
        if status == FAILED:
            physical_id = failure_physical_id(self._request)
            request_type = self._request.get("RequestType")
            if request_type not in HANDLED_REQUEST_TYPES:  # crhelper found no function for it
                reason = f"unknown RequestType {request_type!r}"
            reason = failure_reason(reason, self._log_stream)
        log(
            "response",
            status=status,
            physical_id=physical_id,
            reason=reason,
            request_id=self._request.get("RequestId"),
        )

        def send_response(url: str, body: dict[str, Any], ssl_verify: Any) -> None:
            _send_response(url, {**body, "PhysicalResourceId": physical_id}, ssl_verify)

        super()._send(status, reason, send_response=send_response, **options)
        log("response.sent", status=status)
