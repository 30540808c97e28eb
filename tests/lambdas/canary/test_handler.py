"""The canary's script, run from its bundle against loopback servers: a token endpoint, a gateway,
and Secrets Manager (moto, in process) holding the test client's credentials.

What cannot run here is the Synthetics runtime itself (its wrapper, its Lambda, its artifacts):
docs/canaries.md says what that leaves unverified.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import parse_qs

import boto3
import pytest
from moto import mock_aws

from gateway_stack.gateway.platform.canary_code import CanaryBundle
from gateway_stack.smoke import Check

REGION = "eu-west-1"
CLIENT_ID = "canary-client"
CLIENT_SECRET = "s3cret/with+odd=chars"
TOKEN = "tok-7f3a9c-never-shown"


class _Answers(BaseHTTPRequestHandler):
    """A token endpoint (POST /token) and a gateway route (GET /orders/items)."""

    gateway_ok = True  # False: the route answers 200 to callers without a token

    def do_POST(self) -> None:
        body = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        form_encoded = CLIENT_SECRET.replace("/", "%2F").replace("+", "%2B").replace("=", "%3D")
        expected = base64.b64encode(f"{CLIENT_ID}:{form_encoded}".encode()).decode()
        if (
            self.path != "/token"
            or self.headers["Authorization"] != f"Basic {expected}"
            or body.get("grant_type") != ["client_credentials"]
            or body.get("scope") != ["orders:read"]
        ):
            self._send(401, {"error": "invalid_client"})
            return
        self._send(200, {"access_token": TOKEN, "token_type": "Bearer", "expires_in": 300})

    def do_GET(self) -> None:
        if self.path != "/orders/items":
            self._send(404, {"message": "Not Found"})
        elif self.headers.get("Authorization") == f"Bearer {TOKEN}":
            self._send(200, {"items": []})
        elif self.server.gateway_ok:  # type: ignore[attr-defined]
            self._send(401, {"message": "Unauthorized"})
        else:  # a wrong deployment that lets anyone in, and echoes what it got
            self._send(200, {"items": [], "echo": self.headers.get("Authorization")})

    def _send(self, status: int, data: dict[str, Any]) -> None:
        body = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        """Quiet: the tests read the answers, not the server's request log."""


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    httpd.gateway_ok = True  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _checks(base: str) -> list[Check]:
    url = f"{base}/orders/items"
    return [
        Check(
            name="orders GET /items without a token",
            method="GET",
            url=url,
            expect_status=(401,),
            expect_json_error=True,
        ),
        Check(name="orders GET /items with the test client's token", method="GET", url=url,
              credentials="token"),
    ]  # fmt: skip


@pytest.fixture
def canary(
    server: ThreadingHTTPServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[], Any]]:
    """The bundled script, loaded from its bundle, with its secret in moto and its settings in
    the environment, as the canary's are."""
    base = f"http://127.0.0.1:{server.server_address[1]}"
    CanaryBundle.for_checks(_checks(base)).build(tmp_path)
    spec = importlib.util.spec_from_file_location("canary_handler", tmp_path / "python/handler.py")
    assert spec is not None
    assert spec.loader is not None
    module: ModuleType = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "TOKEN_URL": f"{base}/token",
        "TOKEN_SCOPES": "orders:read",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        secret = boto3.client("secretsmanager", region_name=REGION).create_secret(
            Name="acme/canary",
            SecretString=json.dumps({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}),
        )
        monkeypatch.setenv("CREDENTIALS_SECRET_ARN", secret["ARN"])
        yield lambda: module.handler({}, None)


def test_a_gateway_that_answers_as_its_file_says_passes(canary: Callable[[], Any]) -> None:
    assert canary() == {"checks": 2, "passed": 2}


def test_a_wrong_answer_fails_the_run_naming_the_route_and_never_the_token(
    canary: Callable[[], Any], server: ThreadingHTTPServer
) -> None:
    server.gateway_ok = False  # type: ignore[attr-defined]
    with pytest.raises(Exception, match=r"1 of 2 checks failed") as raised:
        canary()
    message = str(raised.value)
    assert type(raised.value).__name__ == "CanaryFailure"
    assert "- orders GET /items without a token: expected 401, got 200" in message
    assert "with the test client's token" not in message  # that check passed
    assert TOKEN not in message
    assert CLIENT_SECRET not in message


def test_a_token_endpoint_that_refuses_fails_the_run_without_the_credentials(
    canary: Callable[[], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOKEN_SCOPES", "admin")  # the endpoint answers 401 invalid_client
    with pytest.raises(Exception, match=r"the token endpoint http://127\.0\.0\.1:\d+/token "
                       r"refused the test client: HTTP 401") as raised:  # fmt: skip
        canary()
    assert CLIENT_SECRET not in str(raised.value)
    assert CLIENT_ID not in str(raised.value)


def test_a_token_endpoint_that_redirects_is_refused_and_the_credentials_go_nowhere_else(
    canary: Callable[[], Any], server: ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str | None] = []

    class Elsewhere(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self._answer()

        def do_GET(self) -> None:
            self._answer()

        def _answer(self) -> None:
            seen.append(self.headers.get("Authorization"))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            """Quiet: the test reads what arrived, not the server's request log."""

    class Redirect(Elsewhere):
        def do_POST(self) -> None:
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{other.server_address[1]}/token")
            self.end_headers()

    other = ThreadingHTTPServer(("127.0.0.1", 0), Elsewhere)
    redirecting = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    for one in (other, redirecting):
        threading.Thread(target=one.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("TOKEN_URL", f"http://127.0.0.1:{redirecting.server_address[1]}/t")
        with pytest.raises(Exception, match=r"refused the test client: HTTP 302"):
            canary()
    finally:
        for one in (other, redirecting):
            one.shutdown()
            one.server_close()
    assert seen == []


def test_a_secret_without_the_credentials_fails_the_run_without_its_value(
    canary: Callable[[], Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    client = boto3.client("secretsmanager", region_name=REGION)
    arn = client.create_secret(Name="acme/other", SecretString='{"user": "x", "pw": "hunter2"}')
    monkeypatch.setenv("CREDENTIALS_SECRET_ARN", arn["ARN"])
    with pytest.raises(Exception, match="is not a JSON object with string client_id and "
                       "client_secret") as raised:  # fmt: skip
        canary()
    assert "hunter2" not in str(raised.value)


def test_the_bundle_runs_the_runner_it_carries_with_nothing_else_on_the_path(
    tmp_path: Path,
) -> None:
    """In a fresh interpreter that sees only the bundle (no site-packages), the script imports
    the runner from the bundle and reads its checks."""
    checks = _checks("https://api.example.com")
    CanaryBundle.for_checks(checks).build(tmp_path)
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import handler, gateway_stack.smoke as s; "
        "print(s.__file__); print(len(handler.load_checks(handler.CHECKS_FILE)))"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", script, str(tmp_path / "python")],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    )  # fmt: skip
    runner, count = done.stdout.split()
    assert Path(runner).is_relative_to(tmp_path / "python" / "gateway_stack" / "smoke")
    assert int(count) == len(checks)
