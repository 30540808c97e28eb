"""Benchmark of Basic credentials in the authorizer: cold (scrypt) and cached verification.

Run: ``.venv/bin/python benchmarks/basic_auth.py [--clients N] [--calls N]``

- Records are written to moto (in-process) with the credentials command's own hashing
  (``gateway_stack.tools.credentials.hash_secret``) at its default cost.
- "cold": a credential this container has not verified yet, its SSM record already cached
  (the scrypt and the decision); baseline: a bare ``hashlib.scrypt`` at the same cost, timed in
  turns with it.
- "cold, record read too": the same, the record read from moto's SSM as well.
- "cached": a credential verified before (HMAC-SHA256 of the value, the record's fingerprint);
  baseline: the warm call of a bearer JWT through the same handler, timed in turns with it
  (goal: a cached Basic call is no slower than a warm JWT call).

Timings vary with the machine; no test asserts them.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from authorizer import (
    CODE_ROOT,
    METHOD_ARN,
    PREFIX,
    _environment,
    _event,
    _fresh_handler,
    _ms,
    _token,
    environment,
    quiet_stdout,
    serve_jwks,
)

CREDENTIALS_PREFIX = "/gateway-stack/bench/prod/credentials"


def _basic_event(client: str, secret: str) -> dict[str, Any]:
    value = base64.b64encode(f"{client}:{secret}".encode()).decode()
    return {
        "type": "REQUEST",
        "methodArn": METHOD_ARN,
        "headers": {"Authorization": f"Basic {value}"},
        "multiValueHeaders": {"Authorization": [f"Basic {value}"]},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=12, help="cold verifications (scrypt)")
    parser.add_argument("--calls", type=int, default=2000, help="cached calls")
    options = parser.parse_args()

    import boto3
    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa
    from jwt.algorithms import RSAAlgorithm
    from moto import mock_aws

    from gateway_stack.tools.credentials import (
        SCRYPT_N,
        SCRYPT_P,
        SCRYPT_R,
        hash_secret,
        new_secret,
        render_record,
    )

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = {**RSAAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": "k1", "alg": "RS256"}
    jwks_url, _ = serve_jwks({"keys": [jwk]})
    os.environ.update(environment(jwks_url))
    sys.path.insert(0, str(CODE_ROOT))
    token = _token(jwt, key)
    clients = [f"partner-{index:03d}" for index in range(options.clients * 2 + 1)]
    secrets_by_client = {client: new_secret() for client in clients}
    with mock_aws(), _environment(BASIC_CREDENTIALS_PARAMETER_PREFIX=CREDENTIALS_PREFIX):
        ssm, apigateway = boto3.client("ssm"), boto3.client("apigateway")
        apigateway.create_api_key(name=PREFIX + "client-a", value="v" * 30, enabled=True)
        for client, secret in secrets_by_client.items():
            apigateway.create_api_key(name=PREFIX + client, value=f"{client}-key" * 3, enabled=True)
            ssm.put_parameter(
                Name=f"{CREDENTIALS_PREFIX}/{client}",
                Value=render_record([hash_secret(secret.encode())]),
                Type="SecureString",
            )
        handler = _fresh_handler()
        with quiet_stdout():
            handler.handler(_event(token), None)  # JWKS fetched, the JWT client's key cached
            for client in clients:
                handler.API_KEYS.get(client)  # every client's API key cached, as when warm
            rows = _measure(
                handler, secrets_by_client, token, options, (SCRYPT_N, SCRYPT_R, SCRYPT_P)
            )
    _print(rows, options)


def _measure(
    handler: Any,
    secrets_by_client: dict[str, str],
    token: str,
    options: Any,
    cost: tuple[int, int, int],
) -> list[tuple[str, str, str]]:
    n, r, p = cost
    clock = time.perf_counter
    clients = list(secrets_by_client)
    store = handler.BASIC._store
    cold, scrypt = [], []
    for client in clients[: options.clients]:  # record cached, verification not
        store.get(client)
        event = _basic_event(client, secrets_by_client[client])
        started = clock()
        response = handler.handler(event, None)
        middle = clock()
        hashlib.scrypt(b"x" * 43, salt=b"s" * 16, n=n, r=r, p=p, maxmem=64 * 2**20, dklen=32)
        scrypt.append(clock() - middle)
        cold.append(middle - started)
        assert response["policyDocument"]["Statement"][0]["Effect"] == "Allow"
    with_read = []
    for client in clients[options.clients : options.clients * 2]:
        event = _basic_event(client, secrets_by_client[client])
        started = clock()
        handler.handler(event, None)
        with_read.append(clock() - started)
    cached_client = clients[-1]
    cached_event = _basic_event(cached_client, secrets_by_client[cached_client])
    handler.handler(cached_event, None)
    jwt_event = _event(token)
    cached, warm_jwt = [], []
    for _ in range(options.calls):
        started = clock()
        handler.handler(cached_event, None)
        middle = clock()
        handler.handler(jwt_event, None)
        cached.append(middle - started)
        warm_jwt.append(clock() - middle)
    cold_s, scrypt_s = statistics.median(cold), statistics.median(scrypt)
    cached_s, jwt_s = statistics.median(cached), statistics.median(warm_jwt)
    return [
        ("cold: Basic, new credential", _ms(cold_s), f"{cold_s / scrypt_s:.2f}x bare scrypt"),
        ("cold baseline: bare hashlib.scrypt", _ms(scrypt_s), f"n={n} r={r} p={p}, 16 MiB"),
        (
            "cold: Basic, record read too",
            _ms(statistics.median(with_read)),
            f"{statistics.median(with_read) / scrypt_s:.2f}x bare scrypt (moto SSM, in-process)",
        ),
        (
            "cached: Basic, verified before",
            _ms(cached_s),
            f"{cached_s / jwt_s:.2f}x warm JWT call (goal <= 1.0x); {cold_s / cached_s:.0f}x"
            " faster than cold",
        ),
        ("cached baseline: warm JWT call", _ms(jwt_s), "same handler, RS256, in turns"),
        ("scrypt runs", str(handler.BASIC.hash_count), f"{options.calls} cached calls added none"),
    ]


def _print(rows: list[tuple[str, str, str]], options: Any) -> None:
    version = sys.version.split()[0]
    print(
        f"Basic credentials benchmark ({options.clients} cold, {options.calls} cached calls,"
        f" Python {version}; medians)"
    )
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for name, value, note in rows:
        print(f"  {name:<{widths[0]}}  {value:>{widths[1]}}  {note}")


if __name__ == "__main__":
    main()
