"""The bundled asset: built the way the CDK app builds it, it imports and answers CloudFormation.

The function runs on arm64 with Python 3.14; this machine may differ, so the test bundles the same
way (pip for a manylinux platform, --no-deps, the pinned closure) for this machine's architecture
and Python, then runs the bundle in a fresh interpreter that sees only the bundle and what the
Lambda runtime provides (boto3 and botocore), and checks the answer its crhelper sends to the
loopback ResponseURL.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from membership_support import CODE_ROOT, REGION, ResponseServer, load_event

from tests.lambdas.bundles import build_bundle, link_runtime_libraries

SCRIPT = """
import json, sys, handler, crhelper

class Context:
    log_stream_name = "bundle-test"
    def get_remaining_time_in_millis(self):
        return 60_000

handler.handler(json.loads(sys.argv[1]), Context())
print(json.dumps({"handler": handler.__file__, "crhelper": crhelper.__file__}))
"""


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_bundle(CODE_ROOT, tmp_path_factory.mktemp("bundle"))


@pytest.fixture(scope="module")
def runtime_libraries(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return link_runtime_libraries(tmp_path_factory.mktemp("runtime"))


def test_bundle_holds_the_code_and_crhelper_only(bundle: Path) -> None:
    names = {p.name for p in bundle.iterdir()}
    assert {"handler.py", "usage_plan_membership", "crhelper"} <= names
    assert not names & {"boto3", "botocore", "requirements.txt", "__pycache__", "tests"}
    assert not (bundle / "usage_plan_membership" / "cfn_response.py").exists()


def test_the_bundled_function_answers_through_its_crhelper(
    bundle: Path,
    runtime_libraries: Path,
    certificate: tuple[Path, Path],
    server: ResponseServer,
) -> None:
    request_id = str(uuid.uuid4())
    event = load_event(
        "create",
        REQUEST_ID=request_id,
        RESPONSE_URL=server.url(request_id),
        STACK_ID=f"arn:aws:cloudformation:{REGION}:123456789012:stack/gw-dev-svc-items/1",
        API_ID="a1b2c3d4e5",
        BRONZE="bronze1",
        GOLD="gold1",
    )
    event["ResourceProperties"]["UsagePlanIds"] = "not-a-list"  # fails before any AWS call
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "PYTHON"))},
        "AWS_REGION": REGION,  # both set in Lambda: crhelper reads the first, boto3 the second
        "AWS_DEFAULT_REGION": REGION,
        "SSL_CERT_FILE": str(certificate[0]),
        "PYTHONPATH": f"{bundle}{os.pathsep}{runtime_libraries}",
    }
    result = subprocess.run(
        [sys.executable, "-S", "-c", SCRIPT, json.dumps(event)],
        cwd=bundle, env=environment, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    files = json.loads(result.stdout.strip().splitlines()[-1])
    assert files["handler"].startswith(str(bundle))
    assert files["crhelper"].startswith(str(bundle))  # the bundled crhelper, not this venv's
    (put,) = server.puts
    assert put.path.startswith(f"/cloudformation-response/{request_id}?")
    assert put.body["Status"] == "FAILED"
    assert put.body["Reason"].startswith("invalid properties: UsagePlanIds must be a list")
    assert put.body["Reason"].endswith("(log stream bundle-test)")
    assert put.body["PhysicalResourceId"] == f"plan-membership-failed-{request_id}"
