"""Benchmark of the token authorizer: warm call, cold import, first call, JWKS fetches.

Run: ``.venv/bin/python benchmarks/authorizer.py [--tokens N]``

- The JWKS is served from a loopback HTTP server in this process (one RSA key).
- The API key lookup goes to moto (in-process) on the first call of a container; warm calls are
  served from the container's key cache, as in Lambda.
- Logs and EMF metrics are written to /dev/null during timed sections (their cost is included).
- "bare jwt.decode" verifies the same tokens with the public key already loaded and the same
  checks (algorithm, issuer, audience, required claims, leeway).

Goals printed: warm <= 1.5x bare decode, cold import <= 1.5x ``import jwt``, one JWKS fetch per
container per cache lifespan. Timings vary with the machine; no test asserts them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CODE_ROOT = ROOT / "lambdas" / "authorizer"
ISSUER = "https://idp.bench.test/"
AUDIENCE = "api://gateway"
PREFIX = "bench-"
METHOD_ARN = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/prod/GET/items/42"
PERMISSIONS_PREFIX = "/gateway-stack/bench/permissions"


def serve_jwks(document: dict[str, Any]) -> tuple[str, list[int]]:
    fetches = [0]
    body = json.dumps(document).encode()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            return None

        def do_GET(self) -> None:
            fetches[0] += 1
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/jwks.json", fetches


@contextlib.contextmanager
def quiet_stdout() -> Iterator[None]:
    """Send fd 1 to /dev/null (Powertools writes logs and EMF there)."""
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


def environment(jwks_url: str, **extra: str) -> dict[str, str]:
    return {
        "JWT_ISSUER": ISSUER,
        "JWT_AUDIENCE": AUDIENCE,
        "JWKS_URI": jwks_url,
        "API_KEY_NAME_PREFIX": PREFIX,
        "POWERTOOLS_SERVICE_NAME": "authorizer-bench",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        **extra,
    }


def import_seconds(modules: list[str], env: dict[str, str], runs: int) -> dict[str, float]:
    """Median import time of each module, each in a fresh interpreter, taken in turns."""
    values: dict[str, list[float]] = {module: [] for module in modules}
    for _ in range(runs):
        for module in modules:
            result = subprocess.run(
                [sys.executable, "-c", IMPORT_TIMER.format(module=module)],
                cwd=CODE_ROOT,
                env={**os.environ, **env},
                capture_output=True,
                text=True,
                check=True,
            )
            values[module].append(float(result.stdout.strip().splitlines()[-1]))
    return {module: statistics.median(times) for module, times in values.items()}


IMPORT_TIMER = (
    "import time\nt = time.perf_counter()\nimport {module}\nprint(time.perf_counter() - t)"
)
FIRST_CALL = """
import json, os, sys, time
import boto3
from moto import mock_aws
mock = mock_aws()
mock.start()
boto3.client("apigateway").create_api_key(name="bench-client-a", value="k" * 30, enabled=True)
event = {"type": "TOKEN", "authorizationToken": "Bearer " + os.environ["BENCH_TOKEN"],
         "methodArn": os.environ["BENCH_ARN"]}
devnull = os.open(os.devnull, os.O_WRONLY)
saved = os.dup(1)
os.dup2(devnull, 1)
t0 = time.perf_counter()
import handler
t1 = time.perf_counter()
first = handler.handler(event, None)
t2 = time.perf_counter()
handler.handler(event, None)
t3 = time.perf_counter()
os.dup2(saved, 1)
assert first["policyDocument"]["Statement"][0]["Effect"] == "Allow"
print(json.dumps([t1 - t0, t2 - t1, t3 - t2]))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=1000, help="distinct tokens (warm calls)")
    parser.add_argument("--runs", type=int, default=9, help="fresh interpreters per cold timing")
    parser.add_argument("--rounds", type=int, default=5, help="warm rounds over all tokens")
    options = parser.parse_args()

    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = {**RSAAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": "k1", "alg": "RS256"}
    jwks_url, fetches = serve_jwks({"keys": [jwk]})
    tokens = [_token(jwt, key) for _ in range(options.tokens)]
    env = environment(jwks_url)
    os.environ.update(env)
    sys.path.insert(0, str(CODE_ROOT))
    public_key = key.public_key()

    def bare_decode(value: str) -> None:
        jwt.decode(
            value,
            public_key,
            algorithms=["RS256"],
            audience=[AUDIENCE],
            issuer=ISSUER,
            leeway=30,
            options={"require": ["exp", "iss", "aud", "sub"]},
        )

    warm = _warm_timings(tokens, bare_decode, options.rounds)
    warm["server_fetches"] = fetches[0]
    cold = _cold_timings(env, tokens[0], options.runs)
    _print_table(_rows(warm, cold, options, len(tokens)), len(tokens))


def _token(jwt: Any, key: Any) -> str:
    now = int(time.time())
    payload = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": f"user-{uuid.uuid4().hex[:12]}",
        "client_id": "client-a",
        "scope": "items:read",
        "iat": now,
        "exp": now + 3600,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": "k1"})


def _warm_timings(tokens: list[str], bare: Any, rounds: int) -> dict[str, Any]:
    """Three containers in this process: default, every decision logged, with a scope map."""
    import boto3
    from moto import mock_aws

    timings: dict[str, Any] = {}
    with mock_aws():
        boto3.client("apigateway").create_api_key(
            name=PREFIX + "client-a", value="v" * 30, enabled=True
        )
        handler = _fresh_handler()
        with quiet_stdout():
            handler.handler(_event(tokens[0]), None)  # the container's first call
            timings["default"] = _interleaved(handler, tokens, bare, rounds)
            decide_only = _DecisionOnly(handler)  # the same path without logs, metrics, tracer
            timings["decide"] = _interleaved(decide_only, tokens, bare, rounds)
        timings["container_fetches"] = handler.JWKS.fetch_count
        timings["containers"] = 3
        timings["calls"] = rounds * len(tokens) + 1
        debug = _environment(POWERTOOLS_LOG_LEVEL="DEBUG", POWERTOOLS_SERVICE_NAME="bench-debug")
        with debug, quiet_stdout():
            handler = _fresh_handler()  # a new service name: a new Logger at DEBUG
            handler.handler(_event(tokens[0]), None)
            timings["logged"] = _interleaved(handler, tokens, bare, rounds)
        _publish_permission_map()
        with _environment(PERMISSIONS_PARAMETER_PREFIX=PERMISSIONS_PREFIX):
            handler = _fresh_handler()
            with quiet_stdout():
                handler.handler(_event(tokens[0]), None)
                timings["scoped"] = _interleaved(handler, tokens, bare, rounds)
    return timings


def _cold_timings(env: dict[str, str], token: str, runs: int) -> dict[str, float]:
    first_env = {**env, "BENCH_TOKEN": token, "BENCH_ARN": METHOD_ARN}
    first_runs = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", FIRST_CALL],
                cwd=CODE_ROOT,
                env={**os.environ, **first_env},
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        )
        for _ in range(max(3, runs // 2))
    ]
    return {
        **import_seconds(["handler", "jwt", "boto3"], env, runs),
        "first_call": statistics.median(run[1] for run in first_runs),
        "second_call": statistics.median(run[2] for run in first_runs),
    }


def _rows(
    warm: dict[str, Any], cold: dict[str, float], options: Any, count: int
) -> list[tuple[str, str, str]]:
    handler, bare = warm["default"]
    logged, logged_bare = warm["logged"]
    scoped, scoped_bare = warm["scoped"]
    decide, decide_bare = warm["decide"]
    return [
        (
            "warm call, handler (per token)",
            _ms(handler),
            f"{handler / bare:.2f}x bare (goal <= 1.5x)",
        ),
        ("warm call, bare jwt.decode", _ms(bare), "same tokens, key already loaded"),
        (
            "warm call, decision only",
            _ms(decide),
            f"{decide / decide_bare:.2f}x bare (no telemetry)",
        ),
        ("warm call, allows logged too", _ms(logged), f"{logged / logged_bare:.2f}x bare"),
        ("warm call, with a scope map", _ms(scoped), f"{scoped / scoped_bare:.2f}x bare"),
        (
            "cold import, handler module",
            _ms(cold["handler"]),
            f"{cold['handler'] / cold['jwt']:.2f}x import jwt (goal <= 1.5x)",
        ),
        ("cold import, jwt", _ms(cold["jwt"]), f"median of {options.runs} fresh interpreters"),
        ("first call (JWKS + key lookup)", _ms(cold["first_call"]), "moto; boto3 already imported"),
        ("cold import, boto3", _ms(cold["boto3"]), "paid by the first call (lazy import)"),
        ("second call", _ms(cold["second_call"]), "same container"),
        (
            "JWKS fetches, one container",
            str(warm["container_fetches"]),
            f"{warm['calls']} calls (goal: 1 per container per lifespan); loopback saw"
            f" {warm['server_fetches']} for the {warm['containers']} containers of this run",
        ),
    ]


@contextlib.contextmanager
def _environment(**values: str) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _publish_permission_map() -> None:
    import boto3

    routes = [
        {"method": "GET", "path": "/items", "scopes": []},
        {"method": "GET", "path": "/items/{id}", "scopes": ["items:read"]},
        {"method": "PUT", "path": "/items/{id}", "scopes": ["items:write"]},
        {"method": "GET", "path": "/items/{id}/secret", "scopes": ["admin"]},
        {"method": "ANY", "path": "/admin/{proxy+}", "scopes": ["admin"]},
    ]
    boto3.client("ssm").put_parameter(
        Name=f"{PERMISSIONS_PREFIX}/a1b2c3d4e5",
        Value=json.dumps({"version": 1, "routes": routes}),
        Type="String",
    )


def _event(token: str) -> dict[str, Any]:
    return {"type": "TOKEN", "authorizationToken": f"Bearer {token}", "methodArn": METHOD_ARN}


def _fresh_handler() -> Any:
    for name in [m for m in sys.modules if m == "handler" or m.startswith("token_authorizer")]:
        del sys.modules[name]
    import handler

    return handler


class _DecisionOnly:
    def __init__(self, handler: Any) -> None:
        self._authorizer = handler.AUTHORIZER

    def handler(self, event: dict[str, Any], context: Any) -> Any:
        return self._authorizer.decide(event)


def _interleaved(handler: Any, tokens: list[str], bare: Any, rounds: int) -> tuple[float, float]:
    """Per-call seconds of the handler and of the bare decode, timed token by token in turns
    (so that a busy machine slows both alike); the median over rounds of each mean."""
    clock = time.perf_counter
    handler_times, bare_times = [], []
    for _ in range(rounds):
        handler_total = bare_total = 0.0
        for value in tokens:
            event = _event(value)
            started = clock()
            handler.handler(event, None)
            middle = clock()
            bare(value)
            handler_total += middle - started
            bare_total += clock() - middle
        handler_times.append(handler_total / len(tokens))
        bare_times.append(bare_total / len(tokens))
    return statistics.median(handler_times), statistics.median(bare_times)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.3f} ms"


def _print_table(rows: list[tuple[str, str, str]], count: int) -> None:
    version = sys.version.split()[0]
    print(f"Token authorizer benchmark ({count} distinct RS256 tokens, Python {version})")
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for name, value, note in rows:
        print(f"  {name:<{widths[0]}}  {value:>{widths[1]}}  {note}")


if __name__ == "__main__":
    main()
