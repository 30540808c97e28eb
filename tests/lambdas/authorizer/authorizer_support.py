"""Helpers for the token authorizer tests: keys, tokens, a loopback JWKS server, AWS state.

The fixtures that use them live in ``conftest.py``; test modules import helpers from here.
"""

from __future__ import annotations

import base64
import copy
import json
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm, get_default_algorithms

CODE_ROOT = Path(__file__).resolve().parents[3] / "lambdas" / "authorizer"
EVENTS = Path(__file__).resolve().parent / "events"
if str(CODE_ROOT) not in sys.path:
    sys.path.insert(0, str(CODE_ROOT))

ISSUER = "https://idp.example.test/tenant-1/"
AUDIENCE = "api://gateway"
OTHER_AUDIENCE = "api://gateway-internal"
KEY_PREFIX = "acme-prod-"
REGION = "us-east-1"
ACCOUNT = "123456789012"
API_ID = "a1b2c3d4e5"
STAGE = "prod"
PERMISSIONS_PREFIX = "/gateway-stack/acme/prod/permissions"
CREDENTIALS_PREFIX = "/gateway-stack/acme/prod/credentials"


# ---------------------------------------------------------------- keys and tokens
@dataclass(frozen=True)
class Keys:
    rsa: rsa.RSAPrivateKey
    rsa_other: rsa.RSAPrivateKey  # an attacker's key (never in the JWKS)
    rsa_rotated: rsa.RSAPrivateKey  # served only after a rotation
    ec: ec.EllipticCurvePrivateKey

    def rsa_public_pem(self) -> bytes:
        return self.rsa.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def new_keys() -> Keys:
    def new_rsa() -> rsa.RSAPrivateKey:
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)

    return Keys(new_rsa(), new_rsa(), new_rsa(), ec.generate_private_key(ec.SECP256R1()))


def rsa_jwk(key: rsa.RSAPrivateKey, kid: str, alg: str | None = "RS256") -> dict[str, Any]:
    jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    jwk.update(kid=kid, use="sig")
    if alg:
        jwk["alg"] = alg
    return jwk


def ec_jwk(key: ec.EllipticCurvePrivateKey, kid: str) -> dict[str, Any]:
    jwk = ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
    jwk.update(kid=kid, use="sig", alg="ES256")
    return jwk


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def default_claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "user-123",
        "client_id": "client-a",
        "scope": "items:read items:write",
        "iat": now,
        "nbf": now - 5,
        "exp": now + 600,
        "jti": uuid.uuid4().hex,
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not _DROP}


_DROP = object()
DROP: Any = _DROP  # pass as a claim value to remove that claim


@dataclass
class TokenFactory:
    keys: Keys

    def rsa(self, claims: dict[str, Any] | None = None, **headers: Any) -> str:
        headers.setdefault("kid", "rsa-1")
        return jwt.encode(
            claims if claims is not None else default_claims(),
            self.keys.rsa,
            algorithm=headers.pop("alg", "RS256"),
            headers=headers,
        )

    def ec(self, claims: dict[str, Any] | None = None, **headers: Any) -> str:
        headers.setdefault("kid", "ec-1")
        return jwt.encode(
            claims if claims is not None else default_claims(),
            self.keys.ec,
            algorithm="ES256",
            headers=headers,
        )

    def signed_with(self, key: Any, alg: str, claims: dict[str, Any], **headers: Any) -> str:
        return jwt.encode(claims, key, algorithm=alg, headers=headers)

    def signed_raw(
        self, header: dict[str, Any], claims: Any, key: Any = None, *, pad: bool = False
    ) -> str:
        """Sign exactly these JSON segments (no PyJWT validation of header or claims)."""
        alg = header.get("alg", "RS256")
        segments = [b64url(json.dumps(part).encode()) for part in (header, claims)]
        if pad:
            segments = [s + "=" * (-len(s) % 4) for s in segments]
        signing_input = ".".join(segments).encode()
        algorithm = get_default_algorithms()[alg]
        signature = algorithm.sign(signing_input, key if key is not None else self.keys.rsa)
        last = b64url(signature)
        return ".".join([*segments, last + ("=" * (-len(last) % 4) if pad else "")])

    def raw(self, header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
        segments = [
            b64url(json.dumps(header).encode()),
            b64url(json.dumps(claims).encode()),
            b64url(signature),
        ]
        return ".".join(segments)


# ---------------------------------------------------------------- loopback JWKS server
@dataclass
class JwksState:
    """What the loopback IdP serves; tests flip ``mode`` and ``document``."""

    document: dict[str, Any] = field(default_factory=dict)
    mode: str = "ok"  # ok | error | hang | slow | html | empty
    fetches: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    release: threading.Event = field(default_factory=threading.Event)


class JwksServer:
    def __init__(self) -> None:
        self.state = JwksState()
        state = self.state

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output quiet
                return None

            def do_GET(self) -> None:
                with state.lock:
                    state.fetches += 1
                    mode, document = state.mode, copy.deepcopy(state.document)
                if mode == "hang":
                    state.release.wait(15)
                    return
                if mode == "error":
                    self.send_response(500)
                    self.end_headers()
                    return
                if mode == "slow":  # headers at once, then the body one byte at a time
                    body = json.dumps(document).encode()
                    self.send_response(200)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    for byte in body:
                        if state.release.wait(0.2):
                            return
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                    return
                body = (
                    b"<html>maintenance</html>"
                    if mode == "html"
                    else json.dumps({"keys": []} if mode == "empty" else document).encode()
                )
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/.well-known/jwks.json"

    def reset(self, document: dict[str, Any]) -> None:
        self.state.release.set()  # free handlers still hanging from an earlier test
        with self.state.lock:
            self.state.document = document
            self.state.mode = "ok"
            self.state.fetches = 0
        self.state.release = threading.Event()

    def set_mode(self, mode: str) -> None:
        with self.state.lock:
            self.state.mode = mode

    def close(self) -> None:
        self.state.release.set()
        self.server.shutdown()
        self.server.server_close()

    @property
    def fetches(self) -> int:
        with self.state.lock:
            return self.state.fetches


# ---------------------------------------------------------------- environment and handler
def base_environment(jwks_url: str) -> dict[str, str]:
    return {
        "JWT_ISSUER": ISSUER,
        "JWT_AUDIENCE": f"{AUDIENCE}, {OTHER_AUDIENCE}",
        "JWKS_URI": jwks_url,
        "API_KEY_NAME_PREFIX": KEY_PREFIX,
        "JWKS_TIMEOUT_SECONDS": "0.5",
        "POWERTOOLS_TRACE_DISABLED": "1",
        "POWERTOOLS_METRICS_NAMESPACE": "GatewayStack/AuthorizerTests",
        "POWERTOOLS_SERVICE_NAME": "authorizer-tests",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
    }


_UNSET_FOR_TESTS = (
    "JWT_ALGORITHMS",
    "CLIENT_ID_CLAIM",
    "SCOPES_CLAIM",
    "PERMISSIONS_PARAMETER_PREFIX",
    "JWKS_MIN_REFRESH_SECONDS",
    "JWKS_CACHE_SECONDS",
    "API_KEY_CACHE_SECONDS",
    "API_KEY_NEGATIVE_CACHE_SECONDS",
    "AWS_PROFILE",
    "TOKEN_HEADER",
    "TOKEN_QUERY_PARAMETER",
    "BASIC_CREDENTIALS_PARAMETER_PREFIX",
    "BASIC_CREDENTIALS_CACHE_SECONDS",
    "BASIC_VERIFIED_CACHE_SECONDS",
    "BASIC_MAX_FAILURES",
    "BASIC_FAILURE_WINDOW_SECONDS",
    "AWS_ENDPOINT_URL",
)


_SHARED_SESSION: list[Any] = []


def shared_boto3_session() -> Any:
    """One boto3 session for the whole test run: service models load once, not per test."""
    if not _SHARED_SESSION:
        import boto3
        import moto  # noqa: F401 - registers its botocore hooks before the session

        _SHARED_SESSION.append(boto3.session.Session(region_name=REGION))
    return _SHARED_SESSION[0]


_CLIENTS: dict[str, Any] = {}


def shared_client(service: str) -> Any:
    """Test-side clients (moto intercepts them whenever a ``mock_aws`` is active)."""
    if service not in _CLIENTS:
        _CLIENTS[service] = shared_boto3_session().client(service)
    return _CLIENTS[service]


def fresh_handler() -> ModuleType:
    """Import ``handler`` and its package anew, so every module-level cache starts empty."""
    for name in list(sys.modules):
        if name in {"handler", "token_authorizer"} or name.startswith("token_authorizer."):
            del sys.modules[name]
    import handler

    sys.modules["token_authorizer.aws_clients"].new_session = shared_boto3_session
    return handler


@dataclass
class AuthorizerHarness:
    """A freshly imported handler plus helpers to call it and to shape AWS state."""

    module: ModuleType
    tokens: TokenFactory

    def call(self, token: str | None, method_arn: str | None = None, **event: Any) -> Any:
        payload = load_event("token_event.json")
        payload["authorizationToken"] = f"Bearer {token}" if token is not None else None
        if method_arn is not None:
            payload["methodArn"] = method_arn
        payload.update(event)
        return self.module.handler(payload, LambdaContextStub())

    def raw(self, event: Any) -> Any:
        return self.module.handler(event, LambdaContextStub())

    def use_clock(self, clock: ManualClock) -> ManualClock:
        """Run the JWKS cache, the API-key store and the permission store on ``clock``, so that
        a test moves time by hand: a slow call on a busy machine then cannot end a cache period
        or a cooldown the test relies on. (Test-only: it sets the stores' clocks directly.)"""
        module = self.module
        module.JWKS._clock = clock
        stores = [module.API_KEYS] + ([module.PERMISSIONS] if module.PERMISSIONS else [])
        if module.BASIC is not None:
            stores.append(module.BASIC._store)
            module.BASIC.clock = clock
            module.BASIC._limiter.clock = clock
        for store in stores:
            store._cache.clock = clock
            store._last_good.clock = clock
        return clock

    def request(self, **event: Any) -> Any:
        """Call the handler with the REQUEST event fixture, its fields replaced by ``event``."""
        payload = load_event("request_event.json")
        payload.update(event)
        return self.module.handler(payload, LambdaContextStub())


class ManualClock:
    """A monotonic clock that moves only when told to."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_authorizer(
    monkeypatch: pytest.MonkeyPatch, jwks_url: str, tokens: TokenFactory, **env: str | None
) -> AuthorizerHarness:
    for name in _UNSET_FOR_TESTS:
        monkeypatch.delenv(name, raising=False)
    for name, value in {**base_environment(jwks_url), **env}.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    return AuthorizerHarness(fresh_handler(), tokens)


class LambdaContextStub:
    function_name = "gateway-authorizer"
    memory_limit_in_mb = 256
    invoked_function_arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:gateway-authorizer"
    aws_request_id = "00000000-0000-0000-0000-000000000000"


# ---------------------------------------------------------------- AWS state (moto)
@dataclass
class ApiKeys:
    def client(self) -> Any:
        return shared_client("apigateway")

    def create(self, client_id: str, *, value: str | None = None, enabled: bool = True) -> str:
        value = value or f"key-{client_id}-{uuid.uuid4().hex}"
        self.client().create_api_key(name=KEY_PREFIX + client_id, value=value, enabled=enabled)
        return value


@dataclass
class PermissionMaps:
    def client(self) -> Any:
        return shared_client("ssm")

    def publish(self, routes: list[dict[str, Any]] | str, api_id: str = API_ID) -> None:
        value = routes if isinstance(routes, str) else json.dumps({"version": 1, "routes": routes})
        self.client().put_parameter(
            Name=f"{PERMISSIONS_PREFIX}/{api_id}", Value=value, Type="String", Overwrite=True
        )


#: Cheap scrypt parameters for most tests (the command's defaults cost ~50 ms per hash).
FAST_SCRYPT = {"n": 2**10, "r": 1, "p": 1}


@dataclass
class BasicCredentials:
    """Clients' Basic records in (moto's) SSM, hashed by the credentials command's own code."""

    def client(self) -> Any:
        return shared_client("ssm")

    def store(self, client_id: str, *secrets: str, cost: dict[str, int] | None = None) -> None:
        from gateway_stack.tools.credentials import hash_secret, render_record

        hashes = [hash_secret(secret.encode(), **(cost or FAST_SCRYPT)) for secret in secrets]
        self.put_raw(client_id, render_record(hashes))

    def put_raw(self, client_id: str, value: str) -> None:
        self.client().put_parameter(
            Name=f"{CREDENTIALS_PREFIX}/{client_id}",
            Value=value,
            Type="SecureString",
            Overwrite=True,
        )

    def delete(self, client_id: str) -> None:
        self.client().delete_parameter(Name=f"{CREDENTIALS_PREFIX}/{client_id}")


def basic(user: str, secret: str, scheme: str = "Basic") -> str:
    """An ``Authorization`` value with Basic credentials (UTF-8, RFC 7617)."""
    return f"{scheme} " + base64.b64encode(f"{user}:{secret}".encode()).decode()


# ---------------------------------------------------------------- events and assertions
def load_event(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / name).read_text())


def method_arn(verb: str = "GET", path: str = "items/42", api_id: str = API_ID) -> str:
    return f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{api_id}/{STAGE}/{verb}/{path}"


def assert_unauthorized(call: Callable[[], Any]) -> None:
    with pytest.raises(Exception) as caught:  # noqa: PT011 - the exact type is the contract
        call()
    assert type(caught.value) is Exception
    assert caught.value.args == ("Unauthorized",)


def assert_response_shape(response: Any) -> None:
    assert isinstance(response, dict)
    assert set(response) <= {"principalId", "policyDocument", "context", "usageIdentifierKey"}
    assert isinstance(response["principalId"], str)
    assert response["principalId"]
    document = response["policyDocument"]
    assert document["Version"] == "2012-10-17"
    assert document["Statement"]
    for statement in document["Statement"]:
        assert statement["Action"] == "execute-api:Invoke"
        assert statement["Effect"] in ("Allow", "Deny")
        assert statement["Resource"]
        for resource in statement["Resource"]:
            assert isinstance(resource, str)
            assert len(resource) <= 512
    for key, value in response.get("context", {}).items():
        assert isinstance(key, str)
        assert isinstance(value, (str, int, float, bool)), (key, value)
    if "usageIdentifierKey" in response:
        assert isinstance(response["usageIdentifierKey"], str)


def effect_of(response: dict[str, Any]) -> set[str]:
    return {s["Effect"] for s in response["policyDocument"]["Statement"]}
