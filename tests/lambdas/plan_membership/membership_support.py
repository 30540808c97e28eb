"""Helpers for the usage-plan membership tests: code loading, a loopback ResponseURL, events.

The function's code is loaded from ``lambdas/plan_membership`` by file location, without putting
that directory on ``sys.path``: the authorizer's tests import a top-level ``handler`` too.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import ssl
import sys
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

CODE_ROOT = Path(__file__).resolve().parents[3] / "lambdas" / "plan_membership"
EVENTS = Path(__file__).resolve().parent / "events"
PACKAGE = "usage_plan_membership"
HANDLER_ALIAS = "plan_membership_handler"
REGION = "us-east-1"
ACCOUNT = "123456789012"
FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:gw-dev-plan-membership"
RESPONSE_KEYS = {
    "Status",
    "Reason",
    "PhysicalResourceId",
    "StackId",
    "RequestId",
    "LogicalResourceId",
    "NoEcho",
    "Data",
}


# ---------------------------------------------------------------- the code under test
def _load(name: str, path: Path, package_dir: Path | None = None) -> ModuleType:
    locations = [str(package_dir)] if package_dir else None
    spec = importlib.util.spec_from_file_location(name, path, submodule_search_locations=locations)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_handler() -> ModuleType:
    """The ``handler`` module (as ``plan_membership_handler``) and its package, loaded once."""
    if HANDLER_ALIAS not in sys.modules:
        if PACKAGE not in sys.modules:
            _load(PACKAGE, CODE_ROOT / PACKAGE / "__init__.py", CODE_ROOT / PACKAGE)
        _load(HANDLER_ALIAS, CODE_ROOT / "handler.py")
    return sys.modules[HANDLER_ALIAS]


_SESSION: list[Any] = []


def shared_session() -> Any:
    """One boto3 session for the run: service models load once, not per test."""
    if not _SESSION:
        import boto3
        import moto  # noqa: F401 - registers its botocore hooks before the session

        _SESSION.append(boto3.session.Session(region_name=REGION))
    return _SESSION[0]


class RecordingSession:
    """A boto3 session that records the service of every client created from it."""

    def __init__(self, session: Any) -> None:
        self._session = session
        self.services: list[str] = []

    def client(self, service: str, **options: Any) -> Any:
        self.services.append(service)
        return self._session.client(service, **options)


# ---------------------------------------------------------------- the pre-signed ResponseURL
def write_loopback_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, as PEM files: (certificate, key).

    crhelper sends the response over HTTPS only; the tests trust this certificate through
    ``SSL_CERT_FILE`` (which ``ssl.create_default_context`` reads), as a real client trusts S3's.
    """
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    identifier = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(identifier, critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(identifier),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    certificate_file, key_file = folder / "loopback.pem", folder / "loopback.key"
    certificate_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return certificate_file, key_file


@dataclass
class Put:
    path: str
    headers: dict[str, str]  # names in lower case
    body: dict[str, Any]


@dataclass
class ServerState:
    puts: list[Put] = field(default_factory=list)
    other_methods: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class ResponseServer:
    """A loopback HTTPS server standing in for S3's pre-signed URL; records every PUT body.

    Args:
        certificate: the server's certificate and key files (``write_loopback_certificate``).
        port: the port to listen on; 0 (the default) for any free one.
    """

    def __init__(self, certificate: tuple[Path, Path], port: int = 0) -> None:
        state = ServerState()
        self.state = state

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length)
                headers = {name.lower(): value for name, value in self.headers.items()}
                with state.lock:
                    state.puts.append(Put(self.path, headers, json.loads(raw)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:
                state.other_methods.append("GET")
                self.send_response(405)
                self.end_headers()

            do_POST = do_GET

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                return None

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*map(str, certificate))
        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def url(self, request_id: str) -> str:
        return response_url(self.port, request_id)

    def reset(self) -> None:
        with self.state.lock:
            self.state.puts.clear()
            self.state.other_methods.clear()

    @property
    def puts(self) -> list[Put]:
        with self.state.lock:
            return list(self.state.puts)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def response_url(port: int, request_id: str) -> str:
    """A pre-signed-looking ResponseURL on the loopback address."""
    return f"https://127.0.0.1:{port}/cloudformation-response/{request_id}?X-Amz-Signature=sig"


def free_port() -> int:
    """A loopback port nothing listens on (yet)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# ---------------------------------------------------------------- Lambda context and events
@dataclass
class FakeContext:
    remaining_ms: float = 300_000.0
    log_stream_name: str = "2026/01/01/[$LATEST]0123456789abcdef"
    invoked_function_arn: str = FUNCTION_ARN
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def get_remaining_time_in_millis(self) -> int:
        return int(self.remaining_ms)


def load_event(name: str, **values: str) -> dict[str, Any]:
    """``events/<name>.json`` with each ``${KEY}`` replaced by ``values[KEY]``.

    ``REQUEST_ID`` defaults to a fresh UUID; the other keys must all be given.
    """
    text = (EVENTS / f"{name}.json").read_text()
    values.setdefault("REQUEST_ID", str(uuid.uuid4()))
    for key, value in values.items():
        text = text.replace("${" + key + "}", value)
    assert "${" not in text, f"unfilled placeholder in {name}.json: {text}"
    return json.loads(text)


def assert_response_shape(body: dict[str, Any], event: dict[str, Any]) -> None:
    assert set(body) == RESPONSE_KEYS
    assert body["Status"] in {"SUCCESS", "FAILED"}
    assert isinstance(body["Reason"], str)
    assert body["Reason"]
    assert isinstance(body["PhysicalResourceId"], str)
    assert body["PhysicalResourceId"]
    assert body["StackId"] == event["StackId"]
    assert body["RequestId"] == event["RequestId"]
    assert body["LogicalResourceId"] == event["LogicalResourceId"]
    assert body["NoEcho"] is False
    assert body["Data"] == {}


# ---------------------------------------------------------------- the moto world
@dataclass
class World:
    """Two service stacks (each with its REST API) and three usage plans, in moto."""

    apigateway: Any
    cloudformation: Any
    stack_id: str
    api_id: str
    other_stack_id: str
    other_api_id: str
    bronze: str
    silver: str
    gold: str

    def members(self, plan_id: str) -> list[str]:
        plan = self.apigateway.get_usage_plan(usagePlanId=plan_id)
        return [f"{s['apiId']}:{s['stage']}" for s in plan.get("apiStages", [])]

    def add_member(self, plan_id: str, member: str) -> None:
        self.apigateway.update_usage_plan(
            usagePlanId=plan_id,
            patchOperations=[{"op": "add", "path": "/apiStages", "value": member}],
        )

    def values(self, **extra: str) -> dict[str, str]:
        return {
            "STACK_ID": self.stack_id,
            "API_ID": self.api_id,
            "OTHER_API_ID": self.other_api_id,
            "BRONZE": self.bronze,
            "SILVER": self.silver,
            "GOLD": self.gold,
            **extra,
        }


Invoke = Callable[..., dict[str, Any]]
