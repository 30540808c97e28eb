"""A smoke check and its result: one request, what the gateway should answer, what it answered.

A :class:`Check` is plain data (JSON in, JSON out): the smoke command builds the checks from the
gateway plan and runs them; the synthetic canary gets the same list as JSON in its asset and runs
it with the same runner (:func:`gateway_stack.smoke.run_checks`). This module imports nothing but
the standard library: it is part of the canary's code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

#: The values of :attr:`Check.credentials`.
CREDENTIALS = ("none", "token")


@dataclass(frozen=True)
class Check:
    """One request and the answer the deployed gateway should give to it.

    Attributes:
        name: what the check is, for people: ``"orders GET /orders/{id} without a token"``.
        method: the HTTP method (``GET``, ``OPTIONS``, ...).
        url: the full URL, ``https://api.example.com/orders/orders/1``.
        headers: extra request headers (``Origin``, ``Access-Control-Request-Method``, a
            ``Host`` for a region's name). Default: none. Never the token: see ``credentials``.
        credentials: ``"none"`` (no ``Authorization`` header) or ``"token"`` (the runner adds
            ``Authorization: Bearer <token>`` with the token it is given). Default: ``"none"``.
        expect_status: the statuses that pass. Default: ``(200,)``.
        expect_json_error: the body must be the gateway's JSON error, an object with a string
            ``message``. Default: ``False``.
        expect_cors_origin: the ``Access-Control-Allow-Origin`` the answer must carry.
            Default: ``None`` (not checked).
        max_latency_ms: the slowest answer that passes, in milliseconds. Default: ``3000``.
        reject_error_types: the gateway error ``type`` values that fail the check even with a
            status that passes: a 404 the backend sends passes, the gateway's "no route" 404
            (``MISSING_AUTHENTICATION_TOKEN``) does not. Default: none.
    """

    name: str
    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    credentials: str = "none"
    expect_status: tuple[int, ...] = (200,)
    expect_json_error: bool = False
    expect_cors_origin: str | None = None
    max_latency_ms: int = 3000
    reject_error_types: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.credentials not in CREDENTIALS:
            raise ValueError(
                f"check {self.name!r}: credentials is {self.credentials!r}; "
                f"it is one of {', '.join(CREDENTIALS)}"
            )
        if not self.url.startswith(("https://", "http://")):
            raise ValueError(f"check {self.name!r}: url {self.url!r} is not an http(s) URL")
        if not self.expect_status:
            raise ValueError(f"check {self.name!r}: expect_status names no status")
        if any(name.lower() == "authorization" for name in self.headers):
            raise ValueError(
                f"check {self.name!r}: headers holds an Authorization header; "
                "a check asks for the token with credentials: token"
            )

    def to_json(self) -> dict[str, Any]:
        """The check as a JSON object (:meth:`from_json` reads it back)."""
        return {
            "name": self.name,
            "method": self.method,
            "url": self.url,
            "headers": dict(self.headers),
            "credentials": self.credentials,
            "expect_status": list(self.expect_status),
            "expect_json_error": self.expect_json_error,
            "expect_cors_origin": self.expect_cors_origin,
            "max_latency_ms": self.max_latency_ms,
            "reject_error_types": list(self.reject_error_types),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Check:
        """A check from :meth:`to_json`'s object; missing keys take their defaults.

        Raises:
            ValueError: a key is missing or of the wrong type, naming the check and the key.
        """
        name = data.get("name")
        if not isinstance(name, str):
            raise ValueError("a check's name is missing or not a string")
        for key in ("method", "url"):
            if not isinstance(data.get(key), str):
                raise ValueError(f"check {name!r}: {key} is missing or not a string")
        headers = data.get("headers", {})
        if not isinstance(headers, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in headers.items()
        ):
            raise ValueError(f"check {name!r}: headers is not an object of strings")
        statuses = data.get("expect_status", [200])
        if not isinstance(statuses, list) or not all(
            isinstance(s, int) and not isinstance(s, bool) for s in statuses
        ):
            raise ValueError(f"check {name!r}: expect_status is not a list of integers")
        origin = data.get("expect_cors_origin")
        if origin is not None and not isinstance(origin, str):
            raise ValueError(f"check {name!r}: expect_cors_origin is not a string")
        latency = data.get("max_latency_ms", 3000)
        if not isinstance(latency, int) or isinstance(latency, bool) or latency <= 0:
            raise ValueError(f"check {name!r}: max_latency_ms is not a positive integer")
        rejected = data.get("reject_error_types", [])
        if not isinstance(rejected, list) or not all(isinstance(t, str) for t in rejected):
            raise ValueError(f"check {name!r}: reject_error_types is not a list of strings")
        return cls(
            name=name,
            method=data["method"],
            url=data["url"],
            headers=dict(headers),
            credentials=str(data.get("credentials", "none")),
            expect_status=tuple(statuses),
            expect_json_error=bool(data.get("expect_json_error", False)),
            expect_cors_origin=origin,
            max_latency_ms=latency,
            reject_error_types=tuple(rejected),
        )


@dataclass(frozen=True)
class Result:
    """What came back for one :class:`Check`.

    Attributes:
        check: the check.
        status: the answer's status; ``None`` when no answer came (refused, timed out, TLS).
        latency_ms: from sending the request to the end of the answer's body, in milliseconds.
        ok: the answer is what the check expects.
        problem: each way the answer differs from the check's expectation, ``"; "``-separated
            (``"expected 401, got 200"``); empty when ``ok``.
        detail: what else came, for the report: the gateway error's ``message`` and ``type``,
            the ``Access-Control-Allow-Origin``. Default: empty.
    """

    check: Check
    status: int | None
    latency_ms: float
    ok: bool
    problem: str
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        """The result as a JSON object (the check as :meth:`Check.to_json` writes it)."""
        return {
            "check": self.check.to_json(),
            "status": self.status,
            "latency_ms": round(self.latency_ms, 1),
            "ok": self.ok,
            "problem": self.problem,
            "detail": self.detail,
        }
