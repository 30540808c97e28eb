"""A loopback HTTP server that answers as the deployed gateway would, for a plan's routes.

It follows API Gateway's order, with the gateway's own responses
(:mod:`gateway_stack.openapi.gateway_responses`): a method and path no route matches -> 404
``MISSING_AUTHENTICATION_TOKEN``; with CORS on, ``OPTIONS`` on a route's path -> the 204
preflight; a public route -> the backend; no ``Authorization`` -> 401 ``UNAUTHORIZED``; a token
other than the test client's -> 401; a route whose scopes the client lacks -> 403
``ACCESS_DENIED``; else the backend, which answers 200, or 404 for the made-up parameter value.
Every gateway response carries the allowed origin when CORS is on.

``faults`` break one route at a time, as a wrong deployment would: ``open`` (the route answers
200 without a token: a missing authorizer), ``status`` (its backend answers 502: an unreachable
load balancer), ``no-cors`` (its preflight lacks ``Access-Control-Allow-Origin``), ``slow`` (it
answers after ``SLOW_S``), ``missing`` (the stage was deployed without it).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from gateway_stack.gateway.plan import GatewayPlan, ServicePlan
from gateway_stack.openapi import Route

TOKEN = "eyJ0ZXN0IjoidG9rZW4ifQ.c2VjcmV0LXRlc3QtY2xpZW50.c2lnbmF0dXJl"
#: The test client's scopes: it may read orders, not reserve stock.
CLIENT_SCOPES = frozenset({"orders:read"})
SLOW_S = 0.6


@dataclass
class FakeGateway:
    """The server's behaviour: the plan it serves, and the faults (path -> fault)."""

    plan: GatewayPlan
    faults: dict[str, str] = field(default_factory=dict)
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    def answer(
        self, method: str, path: str, headers: Mapping[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        self.requests.append((method, path, dict(headers)))
        cors = self.plan.gateway.cors
        origin = {"Access-Control-Allow-Origin": cors.allow_origin} if cors else {}
        fault = self.faults.get(f"{method} {path}") or self.faults.get(path)
        if fault == "slow":
            time.sleep(SLOW_S)
        found = None if fault == "missing" else self._route(method, path)
        if found is None:
            return _error(404, "MISSING_AUTHENTICATION_TOKEN", "No route matches", origin)
        _service, route = found
        if method == "OPTIONS":
            headers_out = {} if fault == "no-cors" else dict(origin)
            return 204, headers_out | {"Access-Control-Allow-Methods": "GET,OPTIONS"}, b""
        if route.options.public or fault == "open":
            return self._backend(path, fault)
        authorization = headers.get("Authorization")
        if authorization is None:
            return _error(401, "UNAUTHORIZED", "Unauthorized", origin)
        if authorization != f"Bearer {TOKEN}":
            return _error(401, "UNAUTHORIZED", "Unauthorized", origin)
        if not set(route.options.scopes) <= CLIENT_SCOPES:
            return _error(403, "ACCESS_DENIED", "insufficient_scope", origin)
        return self._backend(path, fault)

    def _backend(self, path: str, fault: str | None) -> tuple[int, dict[str, str], bytes]:
        if fault == "status":
            return 502, {"Content-Type": "application/json"}, b'{"message": "Bad Gateway"}'
        if "gateway-stack-smoke" in path:
            return 404, {"Content-Type": "application/json"}, b'{"error": "no such thing"}'
        return 200, {"Content-Type": "application/json"}, b'{"items": []}'

    def _route(self, method: str, path: str) -> tuple[ServicePlan, Route] | None:
        services = sorted(self.plan.deployments[0].services, key=lambda s: -len(s.base_path))
        for service in services:
            prefix = "/" + service.base_path
            if path != prefix and not path.startswith(prefix + "/"):
                continue
            rest = path[len(prefix) :] or "/"
            for route in service.routes:
                same_method = route.method in (method, "ANY") or (
                    method == "OPTIONS" and self.plan.gateway.cors is not None
                )
                if same_method and route.matches(rest):
                    return service, route
            return None
        return None


def _error(
    status: int, kind: str, message: str, origin: dict[str, str]
) -> tuple[int, dict[str, str], bytes]:
    body = {"message": message, "type": kind, "requestId": "c0ffee"}
    return status, {"Content-Type": "application/json", **origin}, json.dumps(body).encode()


@contextmanager
def serve(gateway: FakeGateway, port: int = 0) -> Iterator[str]:
    """Serve ``gateway`` on 127.0.0.1 in a thread; yields its base URL.

    Args:
        gateway: what to answer.
        port: the port. Default: a free one.
    """

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            status, headers, body = gateway.answer(
                self.command,
                self.path.split("?")[0],
                {k.title(): v for k, v in self.headers.items()},
            )
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _answer

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the tests read the smoke command's output, not the server's."""

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
