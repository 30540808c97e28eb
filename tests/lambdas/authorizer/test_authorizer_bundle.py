"""The bundled asset: built the way the CDK app builds it, it imports and answers.

The function runs on arm64 with Python 3.14; this machine is x86_64 with another Python, so the
test bundles the same way (pip for a manylinux platform, --no-deps, the pinned closure) for this
machine's architecture and Python, then runs the bundle in a fresh interpreter that sees only the
bundle and what the Lambda runtime provides (boto3 and botocore), against a loopback JWKS and a
moto server standing in for API Gateway.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.lambdas.authorizer.authorizer_support import (
    CODE_ROOT,
    KEY_PREFIX,
    REGION,
    JwksServer,
    TokenFactory,
    base_environment,
    method_arn,
)
from tests.lambdas.bundles import build_bundle, link_runtime_libraries

SCRIPT = """
import json, sys, handler
out = {"files": handler.__file__, "jwt": sys.modules["jwt"].__file__}
try:
    handler.handler({"type": "TOKEN", "authorizationToken": "Bearer x.y.z",
                     "methodArn": sys.argv[2]}, None)
    out["bad"] = "no exception"
except Exception as error:
    out["bad"] = str(error)
out["good"] = handler.handler({"type": "TOKEN", "authorizationToken": "Bearer " + sys.argv[1],
                               "methodArn": sys.argv[2]}, None)
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_bundle(CODE_ROOT, tmp_path_factory.mktemp("bundle"))


@pytest.fixture(scope="module")
def runtime_libraries(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return link_runtime_libraries(tmp_path_factory.mktemp("runtime"))


@pytest.fixture(scope="module")
def moto_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def test_bundle_holds_the_code_and_pinned_packages_only(bundle: Path) -> None:
    names = {p.name for p in bundle.iterdir()}
    assert {
        "handler.py",
        "token_authorizer",
        "jwt",
        "cryptography",
        "aws_lambda_powertools",
    } <= names
    assert not names & {"boto3", "botocore", "requirements.txt", "__pycache__"}


def test_bundled_handler_imports_and_answers(
    bundle: Path,
    runtime_libraries: Path,
    moto_server: str,
    jwks_server: JwksServer,
    tokens: TokenFactory,
) -> None:
    import boto3

    client = boto3.client(
        "apigateway", region_name=REGION, endpoint_url=moto_server,
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip
    key = client.create_api_key(name=f"{KEY_PREFIX}client-a", enabled=True)
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTHON"))},
        **base_environment(jwks_server.url),
        "AWS_ENDPOINT_URL": moto_server,
        "PYTHONPATH": f"{bundle}{os.pathsep}{runtime_libraries}",
    }
    result = subprocess.run(
        [sys.executable, "-S", "-c", SCRIPT, tokens.rsa(), method_arn()],
        cwd=bundle, env=environment, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    answer: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["files"].startswith(str(bundle))
    assert answer["jwt"].startswith(str(bundle))  # the bundled PyJWT, not this venv's
    assert answer["bad"] == "Unauthorized"
    good = answer["good"]
    assert good["usageIdentifierKey"] == key["value"]
    assert good["context"]["clientId"] == "client-a"
    assert {s["Effect"] for s in good["policyDocument"]["Statement"]} == {"Allow"}
