"""Send the checks, one request each, and compare each answer with its check.

Plain ``http.client`` (standard library: the canary runs this code): no redirect is followed
(a 3xx is the answer, compared like any other), TLS certificates and host names are verified
(``ssl.create_default_context``), each request has a timeout, and one run sends at most
:data:`MAX_REQUESTS` requests. The token is sent only as ``Authorization: Bearer <token>`` on the
checks that ask for it and never appears in a result: any text that could hold it is masked.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import time
from collections.abc import Sequence
from urllib.parse import urlsplit

from gateway_stack.smoke.check import Check, Result

#: The most requests one run sends: a smoke run, not a load test.
MAX_REQUESTS = 200
#: The most of an answer's body read (a gateway error is a few hundred bytes).
MAX_BODY_BYTES = 64 * 1024
#: What replaces the token in any text a result carries.
MASK = "***"


def run_checks(
    checks: Sequence[Check], token: str | None, *, timeout_s: float = 10.0
) -> list[Result]:
    """Send each check's request, in order, and return a result each.

    Args:
        checks: the checks (at most :data:`MAX_REQUESTS`).
        token: the test client's token for the checks with ``credentials="token"``; ``None``
            fails those checks without sending them.
        timeout_s: each request's timeout, in seconds (to connect, and to read the answer).
            Default: 10.

    Raises:
        ValueError: more than :data:`MAX_REQUESTS` checks, or a timeout that is not positive.
    """
    if len(checks) > MAX_REQUESTS:
        raise ValueError(f"{len(checks)} checks: a smoke run sends at most {MAX_REQUESTS} requests")
    if timeout_s <= 0:
        raise ValueError(f"timeout_s is {timeout_s}; it is a positive number of seconds")
    context = ssl.create_default_context()
    return [_run_one(check, token, timeout_s, context) for check in checks]


def _run_one(check: Check, token: str | None, timeout_s: float, context: ssl.SSLContext) -> Result:
    headers = dict(check.headers)
    if check.credentials == "token":
        if not token:
            return Result(check, None, 0.0, False, "not sent: the check needs a token, none given")
        headers["Authorization"] = f"Bearer {token}"
    parts = urlsplit(check.url)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    if parts.scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            parts.netloc, timeout=timeout_s, context=context
        )
    else:
        connection = http.client.HTTPConnection(parts.netloc, timeout=timeout_s)
    started = time.monotonic()
    try:
        connection.request(check.method, path, headers=headers)
        response = connection.getresponse()
        body = _read_body(response, started + timeout_s)
        latency_ms = (time.monotonic() - started) * 1000
    except (OSError, http.client.HTTPException, TimeoutError) as error:
        latency_ms = (time.monotonic() - started) * 1000
        problem = f"no answer: {_describe(error, timeout_s)}"
        return Result(check, None, latency_ms, False, _mask(problem, token))
    finally:
        connection.close()
    origin = response.getheader("Access-Control-Allow-Origin")
    if token:  # masked before any part of the answer is quoted (a quote is cut, a mask is not)
        body = body.replace(token.encode(), MASK.encode())
    problems, detail = _compare(check, response.status, body, origin, latency_ms)
    return Result(
        check,
        response.status,
        latency_ms,
        not problems,
        _mask("; ".join(problems), token),
        _mask(detail, token),
    )


def _read_body(response: http.client.HTTPResponse, deadline: float) -> bytes:
    """The answer's body, up to :data:`MAX_BODY_BYTES`; a body still coming at the deadline is
    a timeout (a socket timeout alone bounds each read, not the whole body)."""
    chunks: list[bytes] = []
    size = 0
    while size < MAX_BODY_BYTES:
        if time.monotonic() > deadline:
            raise TimeoutError("the answer's body did not arrive in time")
        chunk = response.read1(MAX_BODY_BYTES - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _compare(
    check: Check, status: int, body: bytes, origin: str | None, latency_ms: float
) -> tuple[list[str], str]:
    problems: list[str] = []
    if status not in check.expect_status:
        problems.append(f"expected {statuses(check.expect_status)}, got {status}")
    error = _gateway_error(body)
    if check.expect_json_error and error is None:
        problems.append(
            'expected the gateway\'s JSON error body {"message": ...}, got '
            + (_excerpt(body) or "an empty body")
        )
    if error is not None and error[1] in check.reject_error_types:
        problems.append(f"the gateway answered itself: {error[1]} {json.dumps(error[0])}")
    if check.expect_cors_origin is not None and origin != check.expect_cors_origin:
        problems.append(
            f"expected Access-Control-Allow-Origin: {check.expect_cors_origin}, got "
            + (origin if origin is not None else "no such header")
        )
    if latency_ms > check.max_latency_ms:
        problems.append(
            f"answered in {latency_ms:.0f} ms, over the {check.max_latency_ms} ms maximum"
        )
    detail = []
    if error is not None:
        message, kind = error
        detail.append(f"message {json.dumps(message)}" + (f" ({kind})" if kind else ""))
    if origin is not None:
        detail.append(f"Access-Control-Allow-Origin: {origin}")
    return problems, ", ".join(detail)


def statuses(codes: Sequence[int]) -> str:
    """Statuses as people read them: ``401``, ``200 or 204``, ``200-299``,
    ``200-499 but 401, 403, 429``."""
    runs: list[list[int]] = []
    for code in sorted(set(codes)):
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    if len(runs) > 2:  # a range with holes: 200-499 but 401, 403, 429
        holes = [str(c) for c in range(runs[0][0], runs[-1][1] + 1) if c not in codes]
        return f"{runs[0][0]}-{runs[-1][1]} but {', '.join(holes)}"
    parts = [str(a) if a == b else f"{a}-{b}" for a, b in runs]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]


def _gateway_error(body: bytes) -> tuple[str, str] | None:
    """The gateway's error as its ``message`` and ``type`` (empty when it has none), or
    ``None`` when the body is not a JSON object with a string ``message``."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("message"), str):
        return None
    kind = data.get("type")
    return data["message"], kind if isinstance(kind, str) else ""


def _excerpt(body: bytes, limit: int = 80) -> str:
    text = body.decode("utf-8", errors="replace").strip().replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "..."


def _describe(error: BaseException, timeout_s: float) -> str:
    if isinstance(error, socket.timeout | TimeoutError):
        return f"timed out after {timeout_s:g} s"
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"TLS certificate not trusted ({error.verify_message})"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, socket.gaierror):
        return "the host name does not resolve"
    return str(error) or type(error).__name__


def _mask(text: str, token: str | None) -> str:
    return text.replace(token, MASK) if token else text
