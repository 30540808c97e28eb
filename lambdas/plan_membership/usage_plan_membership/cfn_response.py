"""The reply to CloudFormation: one HTTPS PUT of a JSON body to the pre-signed ResponseURL.

``Responder.send`` sends at most once per event (the watchdog and the normal path race for it).
The URL is never logged: it grants write access to the response object.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any

from usage_plan_membership.logs import log

MAX_BODY_BYTES = 4096  # CloudFormation's limit on the response object
PUT_ATTEMPTS = 3
PUT_TIMEOUT_SECONDS = 10.0
PUT_BACKOFF_SECONDS = 1.0


def response_body(event: Mapping[str, Any], status: str, physical_id: str, reason: str) -> bytes:
    """The standard custom resource response, with the Reason cut to fit 4096 bytes."""
    body: dict[str, Any] = {
        "Status": status,
        "Reason": reason,
        "PhysicalResourceId": physical_id,
        "StackId": event.get("StackId", ""),
        "RequestId": event.get("RequestId", ""),
        "LogicalResourceId": event.get("LogicalResourceId", ""),
        "NoEcho": False,
        "Data": {},
    }
    encoded = json.dumps(body).encode()
    while len(encoded) > MAX_BODY_BYTES and body["Reason"]:
        excess = len(encoded) - MAX_BODY_BYTES
        body["Reason"] = body["Reason"][: max(0, len(body["Reason"]) - excess - 3)] + "..."
        if len(body["Reason"]) <= 3:
            body["Reason"] = ""
        encoded = json.dumps(body).encode()
    return encoded


def put(
    url: str,
    body: bytes,
    timeout: Callable[[], float],
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """PUT with an empty Content-Type (what the URL was signed for); retries transient errors."""
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in {"https", "http"}:
        raise ValueError(f"ResponseURL scheme {scheme!r} is not https")
    request = urllib.request.Request(
        url,
        data=body,
        method="PUT",
        headers={"Content-Type": "", "Content-Length": str(len(body))},
    )
    for attempt in range(1, PUT_ATTEMPTS + 1):
        try:
            with urllib.request.urlopen(request, timeout=timeout()) as reply:
                return int(reply.status)
        except urllib.error.HTTPError as error:
            if error.code < 500 or attempt == PUT_ATTEMPTS:
                raise
            log("response.retry", logging.WARNING, attempt=attempt, http_status=error.code)
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            if attempt == PUT_ATTEMPTS:
                raise
            log("response.retry", logging.WARNING, attempt=attempt, error=repr(error))
        sleep(PUT_BACKOFF_SECONDS * attempt)
    raise AssertionError("unreachable")


class Responder:
    """Sends the response for one event, exactly once whoever asks first."""

    def __init__(
        self,
        event: Mapping[str, Any],
        remaining_seconds: Callable[[], float],
        log_stream: str | None = None,
    ) -> None:
        self._event = event
        self._remaining_seconds = remaining_seconds
        self._log_stream = log_stream
        self._lock = threading.Lock()
        self.sent: tuple[str, str, str] | None = None

    def send(self, status: str, physical_id: str, reason: str) -> bool:
        """Send unless already sent; True if this call sent it. Never raises."""
        with self._lock:
            if self.sent is not None:
                log("response.suppressed", status=status, already=self.sent[0])
                return False
            self.sent = (status, physical_id, reason)
        if status != "SUCCESS" and self._log_stream:
            reason = f"{reason} (log stream {self._log_stream})"
        body = response_body(self._event, status, physical_id, reason)
        log(
            "response",
            status=status,
            physical_id=physical_id,
            reason=reason,
            request_id=self._event.get("RequestId"),
        )
        try:
            http_status = put(
                str(self._event["ResponseURL"]),
                body,
                timeout=lambda: max(1.0, min(PUT_TIMEOUT_SECONDS, self._remaining_seconds() - 1)),
            )
        except Exception as error:
            log("response.failed", logging.ERROR, error=repr(error))
        else:
            log("response.sent", http_status=http_status)
        return True
