"""Fixtures: the loaded handler, a loopback ResponseURL, and a moto world of stacks and plans.

moto's CloudFormation creates ``AWS::ApiGateway::RestApi`` resources and lists them with their
physical ids, so the ownership check runs against moto, not a fake. moto does not implement the
usage plan throttle paths: the tests of those use botocore's Stubber (test_throttles.py).
"""

from __future__ import annotations

import json
import logging
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from membership_support import (
    REGION,
    FakeContext,
    Invoke,
    RecordingSession,
    ResponseServer,
    World,
    assert_response_shape,
    load_event,
    load_handler,
    shared_session,
    write_loopback_certificate,
)

load_handler()  # registers ``usage_plan_membership`` so test modules can import from it

SERVICE_STACK = "gw-dev-svc-items"
OTHER_STACK = "gw-dev-svc-orders"


def _template(api_name: str) -> str:
    return json.dumps(
        {
            "Resources": {
                "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": api_name}},
                "Topic": {"Type": "AWS::SNS::Topic"},
            }
        }
    )


@pytest.fixture(scope="session")
def handler_module() -> ModuleType:
    return load_handler()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The loopback server's self-signed certificate and key files."""
    return write_loopback_certificate(tmp_path_factory.mktemp("response-url"))


@pytest.fixture
def trust_loopback(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """HTTPS clients (crhelper's) trust the loopback certificate, and only it."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)


@pytest.fixture(scope="session")
def server_session(certificate: tuple[Path, Path]) -> Iterator[ResponseServer]:
    server = ResponseServer(certificate)
    yield server
    server.close()


@pytest.fixture
def server(server_session: ResponseServer, trust_loopback: None) -> ResponseServer:
    server_session.reset()
    return server_session


@pytest.fixture(autouse=True)
def logging_levels() -> Iterator[None]:
    """crhelper sets the root and botocore loggers' levels on every event: restored after."""
    names = ("", "boto", "boto3", "botocore", "urllib3", "crhelper")
    levels = {name: logging.getLogger(name).level for name in names}
    yield
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def clients(handler_module: ModuleType, monkeypatch: pytest.MonkeyPatch, aws_env: None) -> Any:
    """The handler's client holder, emptied, creating its clients from the shared session."""
    monkeypatch.setattr(sys.modules["usage_plan_membership.clients"], "new_session", shared_session)
    handler_module.CLIENTS.reset()
    yield handler_module.CLIENTS
    handler_module.CLIENTS.reset()


@pytest.fixture
def sessions(clients: Any, monkeypatch: pytest.MonkeyPatch) -> list[RecordingSession]:
    """Every session the handler's client holder creates from now on, recording its clients."""
    created: list[RecordingSession] = []

    def new_session() -> RecordingSession:
        created.append(RecordingSession(shared_session()))
        return created[-1]

    monkeypatch.setattr(sys.modules["usage_plan_membership.clients"], "new_session", new_session)
    clients.reset()
    return created


def _service(cloudformation: Any, apigateway: Any, stack_name: str) -> tuple[str, str]:
    stack_id = cloudformation.create_stack(
        StackName=stack_name, TemplateBody=_template(stack_name)
    )["StackId"]
    resources = cloudformation.list_stack_resources(StackName=stack_id)["StackResourceSummaries"]
    (api_id,) = [
        r["PhysicalResourceId"]
        for r in resources
        if r["ResourceType"] == "AWS::ApiGateway::RestApi"
    ]
    root = apigateway.get_resources(restApiId=api_id)["items"][0]["id"]
    apigateway.put_method(
        restApiId=api_id, resourceId=root, httpMethod="GET", authorizationType="NONE"
    )
    apigateway.put_integration(restApiId=api_id, resourceId=root, httpMethod="GET", type="MOCK")
    for stage in ("prod", "v2"):
        apigateway.create_deployment(restApiId=api_id, stageName=stage)
    return stack_id, api_id


@pytest.fixture
def world(clients: Any) -> Iterator[World]:
    from moto import mock_aws

    with mock_aws():
        session = shared_session()
        apigateway = session.client("apigateway")
        cloudformation = session.client("cloudformation")
        stack_id, api_id = _service(cloudformation, apigateway, SERVICE_STACK)
        other_stack_id, other_api_id = _service(cloudformation, apigateway, OTHER_STACK)
        plans = {
            name: apigateway.create_usage_plan(name=f"gw-dev-{name}")["id"]
            for name in ("bronze", "silver", "gold")
        }
        yield World(
            apigateway,
            cloudformation,
            stack_id,
            api_id,
            other_stack_id,
            other_api_id,
            plans["bronze"],
            plans["silver"],
            plans["gold"],
        )


@pytest.fixture
def invoke(handler_module: ModuleType, server: ResponseServer) -> Invoke:
    """Run the handler on an event; assert exactly one well-formed PUT for it; return its body."""

    def run(event: dict[str, Any], context: FakeContext | None = None) -> dict[str, Any]:
        before = len(server.puts)
        result = handler_module.handler(event, context or FakeContext())
        assert result is None
        puts = server.puts[before:]
        assert len(puts) == 1, f"expected exactly one response, got {len(puts)}"
        assert puts[0].path.startswith(f"/cloudformation-response/{event['RequestId']}?")
        assert_response_shape(puts[0].body, event)
        return puts[0].body

    return run


@pytest.fixture
def event_for(world: World, server: ResponseServer) -> Callable[..., dict[str, Any]]:
    """``events/<name>.json`` filled in with this world's ids and the loopback ResponseURL."""

    def make(name: str, **extra: str) -> dict[str, Any]:
        request_id = extra.pop("REQUEST_ID", None) or str(uuid.uuid4())
        return load_event(
            name,
            REQUEST_ID=request_id,
            RESPONSE_URL=server.url(request_id),
            **world.values(**extra),
        )

    return make
