"""Fetching a JWKS document within a hard deadline.

The request runs on a short-lived daemon thread and the caller waits at most ``timeout`` seconds
for it, so DNS resolution, a TLS handshake, headers or a body that trickle in slowly cannot hold a
request longer than the deadline. The worker also applies the remaining time to every socket
operation and stops at the deadline, so an abandoned worker ends soon after.

Only ``GET`` on the configured URL: no redirects, status 200 only, at most ``max_bytes`` of body.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from typing import Any
from urllib.parse import urlsplit

DEFAULT_MAX_BYTES = 512 * 1024


class JwksFetchError(Exception):
    """The JWKS document could not be fetched or is not a JSON object."""


def fetch_jwks_document(
    uri: str, timeout: float, max_bytes: int = DEFAULT_MAX_BYTES
) -> dict[str, Any]:
    """Return the JSON object served at ``uri``; raise ``JwksFetchError`` within ``timeout``."""
    deadline = time.monotonic() + timeout
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def work() -> None:
        try:
            outcome["document"] = _fetch_blocking(uri, deadline, max_bytes)
        except BaseException as error:  # handed over to the waiting caller
            outcome["error"] = error
        finally:
            done.set()

    threading.Thread(target=work, name="jwks-fetch", daemon=True).start()
    if not done.wait(max(0.0, deadline - time.monotonic())):
        raise JwksFetchError("timed out")
    error = outcome.get("error")
    if error is not None:
        if isinstance(error, JwksFetchError):
            raise error
        raise JwksFetchError(type(error).__name__) from error
    return outcome["document"]


def _remaining(deadline: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise JwksFetchError("timed out")
    return remaining


def _fetch_blocking(uri: str, deadline: float, max_bytes: int) -> dict[str, Any]:
    parts = urlsplit(uri)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        import ssl

        connection = http.client.HTTPSConnection(
            parts.hostname or "",
            parts.port,
            timeout=_remaining(deadline),
            context=ssl.create_default_context(),
        )
    else:
        connection = http.client.HTTPConnection(
            parts.hostname or "", parts.port, timeout=_remaining(deadline)
        )
    try:
        connection.connect()
        sock = connection.sock
        connection.request(
            "GET",
            target,
            headers={
                "Accept": "application/json, application/jwk-set+json",
                "User-Agent": "gateway-stack-authorizer",
                "Connection": "close",
            },
        )
        sock.settimeout(_remaining(deadline))
        response = connection.getresponse()
        if response.status != 200:
            raise JwksFetchError(f"HTTP {response.status}")
        declared = response.getheader("Content-Length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            raise JwksFetchError("document too large")
        body = bytearray()
        while True:
            sock.settimeout(_remaining(deadline))
            chunk = response.read1(65536)
            if not chunk:
                break
            body += chunk
            if len(body) > max_bytes:
                raise JwksFetchError("document too large")
        _remaining(deadline)
    except (OSError, http.client.HTTPException) as error:
        raise JwksFetchError(type(error).__name__) from error
    finally:
        connection.close()
    try:
        document = json.loads(bytes(body))
    except (ValueError, RecursionError) as error:
        raise JwksFetchError("not JSON") from error
    if not isinstance(document, dict):
        raise JwksFetchError("not a JSON object")
    return document
