"""The check runner (the smoke command's and the canary's): real HTTP to a loopback server."""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import json
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from gateway_stack.smoke import MAX_REQUESTS, Check, run_checks
from gateway_stack.smoke.runner import statuses

Answer = tuple[int, dict[str, str], bytes]
TOKEN = "header.c2VjcmV0.sig"


@pytest.fixture
def server() -> Iterator[tuple[str, dict[str, Callable[[dict[str, str]], Answer]]]]:
    """A server answering each path with the function the test puts in its routes."""
    routes: dict[str, Callable[[dict[str, str]], Answer]] = {}

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            status, headers, body = routes[self.path](dict(self.headers.items()))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            # the client may have given up first (a timeout test)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        do_GET = do_OPTIONS = _answer

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", routes
    httpd.shutdown()
    httpd.server_close()


def error(status: int, message: str, **headers: str) -> Answer:
    return status, headers, json.dumps({"message": message, "type": "UNAUTHORIZED"}).encode()


def test_a_matching_answer_passes_and_says_what_came(server) -> None:
    url, routes = server
    routes["/a"] = lambda _: error(401, "Unauthorized", **{"Access-Control-Allow-Origin": "*"})
    check = Check(
        "a", "GET", f"{url}/a", expect_status=(401,), expect_json_error=True, expect_cors_origin="*"
    )
    (result,) = run_checks([check], None)
    assert result.ok
    assert result.status == 401
    assert result.problem == ""
    assert result.detail == (
        'message "Unauthorized" (UNAUTHORIZED), Access-Control-Allow-Origin: *'
    )


def test_each_difference_is_named(server) -> None:
    url, routes = server

    def slow_html(_: dict[str, str]) -> Answer:
        time.sleep(0.3)
        return 200, {}, b"<html>welcome</html>"

    routes["/a"] = slow_html
    check = Check(
        "a",
        "GET",
        f"{url}/a",
        expect_status=(401,),
        expect_json_error=True,
        expect_cors_origin="https://app.example.com",
        max_latency_ms=100,
    )
    (result,) = run_checks([check], None)
    assert not result.ok
    problems = result.problem.split("; ")
    assert problems[0] == "expected 401, got 200"
    assert problems[1] == (
        'expected the gateway\'s JSON error body {"message": ...}, got <html>welcome</html>'
    )
    assert problems[2] == (
        "expected Access-Control-Allow-Origin: https://app.example.com, got no such header"
    )
    assert problems[3].startswith("answered in ")
    assert problems[3].endswith(" ms, over the 100 ms maximum")


def test_the_token_goes_in_the_authorization_header_only_when_asked(server) -> None:
    url, routes = server
    seen: list[str | None] = []

    def echo(headers: dict[str, str]) -> Answer:
        seen.append(headers.get("Authorization"))
        return 418, {}, json.dumps({"message": f"bad {headers.get('Authorization')}"}).encode()

    routes["/a"] = echo
    with_token = Check("with", "GET", f"{url}/a", credentials="token")
    without = Check("without", "GET", f"{url}/a")
    results = run_checks([with_token, without], TOKEN)
    assert seen == [f"Bearer {TOKEN}", None]
    # the server echoed the token back: no result carries it
    assert "Bearer ***" in results[0].detail
    assert all(TOKEN not in json.dumps(r.to_json()) for r in results)


def test_a_token_echoed_in_a_long_body_is_masked_before_the_body_is_quoted(server) -> None:
    url, routes = server
    routes["/a"] = lambda headers: (403, {}, f"debug: got {headers['Authorization']}".encode())
    check = Check("a", "GET", f"{url}/a", credentials="token", expect_status=(403,),
                  expect_json_error=True)  # fmt: skip
    long_token = "eyJhbGciOiJSUzI1NiJ9." + "SECRETPAYLOAD" * 8
    (result,) = run_checks([check], long_token)
    assert "got debug: got Bearer ***" in result.problem
    assert long_token[:20] not in json.dumps(result.to_json())


def test_a_check_that_needs_a_token_is_not_sent_without_one(server) -> None:
    url, routes = server
    routes["/a"] = lambda _: pytest.fail("sent without a token")
    (result,) = run_checks([Check("a", "GET", f"{url}/a", credentials="token")], None)
    assert result.status is None
    assert result.problem == "not sent: the check needs a token, none given"


def test_a_redirect_is_an_answer_not_followed(server) -> None:
    url, routes = server
    routes["/a"] = lambda _: (302, {"Location": f"{url}/b"}, b"")
    routes["/b"] = lambda _: pytest.fail("the redirect was followed")
    (result,) = run_checks([Check("a", "GET", f"{url}/a")], None)
    assert result.status == 302
    assert result.problem == "expected 200, got 302"


def test_no_answer_is_a_failure_with_a_reason(server) -> None:
    url, routes = server

    def hang(_: dict[str, str]) -> Answer:
        time.sleep(1.5)
        return 200, {}, b""

    routes["/hang"] = hang
    port_closed = Check("closed", "GET", "http://127.0.0.1:9/")
    (timed_out, refused) = run_checks(
        [Check("hang", "GET", f"{url}/hang"), port_closed], None, timeout_s=0.5
    )
    assert timed_out.status is None
    assert timed_out.problem == "no answer: timed out after 0.5 s"
    assert refused.problem == "no answer: connection refused"


def test_tls_is_verified(tmp_path: Path) -> None:
    """A certificate nobody trusts (self-signed, for 127.0.0.1) is a failure, not a call."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    pem = tmp_path / "server.pem"
    pem.write_bytes(
        certificate.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    called: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            called.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pem)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        (result,) = run_checks(
            [Check("tls", "GET", f"https://127.0.0.1:{httpd.server_address[1]}/")], None
        )
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert result.status is None
    assert result.problem.startswith("no answer: TLS certificate not trusted (")
    assert called == []


def test_a_run_is_bounded() -> None:
    checks = [Check(str(i), "GET", "http://127.0.0.1:9/") for i in range(MAX_REQUESTS + 1)]
    with pytest.raises(ValueError, match=f"a smoke run sends at most {MAX_REQUESTS} requests"):
        run_checks(checks, None)


def test_checks_travel_as_json() -> None:
    check = Check(
        "a",
        "OPTIONS",
        "https://api.example.com/orders/orders",
        headers={"Origin": "https://app.example.com"},
        credentials="none",
        expect_status=(204,),
        expect_cors_origin="https://app.example.com",
        max_latency_ms=500,
        reject_error_types=("MISSING_AUTHENTICATION_TOKEN",),
    )
    assert Check.from_json(json.loads(json.dumps(check.to_json()))) == check


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"method": "GET", "url": "http://x/"}, "a check's name is missing or not a string"),
        ({"name": "a", "url": "http://x/"}, "check 'a': method is missing or not a string"),
        (
            {"name": "a", "method": "GET", "url": "http://x/", "expect_status": ["200"]},
            "check 'a': expect_status is not a list of integers",
        ),
        (
            {"name": "a", "method": "GET", "url": "http://x/", "credentials": "key"},
            "check 'a': credentials is 'key'; it is one of none, token",
        ),
        (
            {"name": "a", "method": "GET", "url": "x/"},
            "check 'a': url 'x/' is not an http(s) URL",
        ),
        (
            {"name": "a", "method": "GET", "url": "http://x/", "headers": {"authorization": "t"}},
            "check 'a': headers holds an Authorization header",
        ),
    ],
)
def test_a_bad_check_is_refused_naming_it(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        Check.from_json(data)


def test_statuses_read_as_people_write_them() -> None:
    assert statuses((401,)) == "401"
    assert statuses((204, 200)) == "200 or 204"
    assert statuses(tuple(range(200, 300))) == "200-299"
    assert statuses(tuple(s for s in range(200, 500) if s not in (401, 403, 429))) == (
        "200-499 but 401, 403, 429"
    )
