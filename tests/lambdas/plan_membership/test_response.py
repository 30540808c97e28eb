"""The reply to CloudFormation through crhelper: shape, exactly once, always (errors, timeouts),
no secrets."""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from membership_support import (
    RESPONSE_KEYS,
    FakeContext,
    Invoke,
    ResponseServer,
    World,
    free_port,
    response_url,
)


def _lifecycle() -> Any:
    return sys.modules["usage_plan_membership.lifecycle"].Lifecycle


def _resource_module() -> ModuleType:
    return sys.modules["usage_plan_membership.resource"]


def test_the_response_is_one_put_with_the_standard_body(
    world: World, event_for: Callable[..., dict[str, Any]], server: ResponseServer, invoke: Invoke
) -> None:
    event = event_for("create")

    body = invoke(event)

    (put,) = server.puts
    assert set(body) == RESPONSE_KEYS
    assert body == {
        "Status": "SUCCESS",
        "Reason": f"{world.api_id}:prod created: member of 2 usage plan(s)",
        "PhysicalResourceId": f"{world.api_id}:prod",
        "StackId": world.stack_id,
        "RequestId": event["RequestId"],
        "LogicalResourceId": "ItemsPlanMembership",
        "NoEcho": False,
        "Data": {},
    }
    assert put.headers.get("content-type") == ""  # the URL is pre-signed without a type
    assert int(put.headers["content-length"]) == len(json.dumps(body).encode())
    assert server.state.other_methods == []


@pytest.mark.parametrize(
    ("event_name", "keeps_the_id"),
    [("create", False), ("update_plans", True), ("delete", True)],
    ids=["create: failed id", "update in place: member id", "delete: member id"],
)
def test_an_unexpected_exception_still_sends_failed(
    world: World,
    event_for: Callable[..., dict[str, Any]],
    invoke: Invoke,
    monkeypatch: pytest.MonkeyPatch,
    *,
    event_name: str,
    keeps_the_id: bool,
) -> None:
    def explode(self: Any, event: Any) -> Any:
        raise KeyError("surprise")

    monkeypatch.setattr(_lifecycle(), "process", explode)
    event = event_for(event_name)

    body = invoke(event)

    assert body["Status"] == "FAILED"
    assert body["Reason"].startswith("unexpected error: KeyError: 'surprise'")
    assert "log stream 2026/01/01/[$LATEST]0123456789abcdef" in body["Reason"]
    failed = f"plan-membership-failed-{event['RequestId']}"
    # an in-place Update or a Delete keeps the resource's id: the rollback (or retry) needs it
    assert body["PhysicalResourceId"] == (f"{world.api_id}:prod" if keeps_the_id else failed)


def test_a_failure_to_create_clients_still_sends_failed(
    handler_module: ModuleType,
    world: World,
    event_for: Callable[..., dict[str, Any]],
    invoke: Invoke,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_client(service: str) -> Any:
        raise RuntimeError(f"no {service} client")

    monkeypatch.setattr(handler_module.CLIENTS, "get", no_client)

    body = invoke(event_for("delete"))

    assert body["Status"] == "FAILED"
    assert "no apigateway client" in body["Reason"]


def test_an_unknown_request_type_fails(
    world: World, event_for: Callable[..., dict[str, Any]], invoke: Invoke
) -> None:
    event = event_for("create")
    event["RequestType"] = "Replace"

    body = invoke(event)

    assert body["Status"] == "FAILED"
    assert "unknown RequestType 'Replace'" in body["Reason"]
    assert body["PhysicalResourceId"] == f"plan-membership-failed-{event['RequestId']}"


def test_the_timeout_is_answered_before_the_end_and_the_late_result_is_dropped(
    handler_module: ModuleType,
    world: World,
    event_for: Callable[..., dict[str, Any]],
    server: ResponseServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = threading.Event()
    original = _lifecycle().process

    def slow(self: Any, event: Any) -> Any:
        release.wait(5)
        return original(self, event)

    monkeypatch.setattr(_lifecycle(), "process", slow)
    monkeypatch.setattr(_resource_module(), "TIMEOUT_RESERVE_SECONDS", 0.3)
    monkeypatch.setattr(_resource_module(), "CALL_MARGIN_SECONDS", 0.0)
    event = event_for("create")
    context = FakeContext(remaining_ms=1_000)  # crhelper's timer fires after 1 - 0.3 - 0.5 s

    worker = threading.Thread(target=handler_module.handler, args=(event, context))
    worker.start()
    deadline = time.monotonic() + 5
    while not server.puts and time.monotonic() < deadline:
        time.sleep(0.02)
    release.set()
    worker.join(10)

    assert not worker.is_alive()
    (put,) = server.puts  # the normal path finished later: its response was suppressed
    assert put.body["Status"] == "FAILED"
    assert put.body["Reason"].startswith("Execution timed out (log stream ")  # crhelper's words
    assert put.body["PhysicalResourceId"] == f"plan-membership-failed-{event['RequestId']}"
    # once FAILED is sent, no further change is made: the rollback's Delete will be a no-op
    assert world.members(world.bronze) == []
    assert world.members(world.gold) == []


def test_a_create_that_succeeds_after_the_timeout_was_answered_is_undone(
    handler_module: ModuleType,
    world: World,
    *,
    event_for: Callable[..., dict[str, Any]],
    server: ResponseServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    world.add_member(world.gold, f"{world.api_id}:prod")  # there before: must stay
    original = _lifecycle().process

    def late(self: Any, event: Any) -> Any:
        outcome = original(self, event)  # joins bronze, finds gold already joined
        deadline = time.monotonic() + 5
        while not server.puts and time.monotonic() < deadline:  # the timer answers now
            time.sleep(0.02)
        return outcome

    monkeypatch.setattr(_lifecycle(), "process", late)
    monkeypatch.setattr(_resource_module(), "TIMEOUT_RESERVE_SECONDS", 0.5)  # fires after 1 s
    monkeypatch.setattr(_resource_module(), "CALL_MARGIN_SECONDS", 0.0)

    with caplog.at_level(logging.INFO, logger="plan_membership"):
        handler_module.handler(event_for("create"), FakeContext(remaining_ms=2_000))

    (put,) = server.puts
    assert put.body["Status"] == "FAILED"
    assert put.body["Reason"].startswith("Execution timed out")
    assert '"action": "abandon"' in caplog.text
    assert world.members(world.bronze) == []  # added by this Create: undone
    assert world.members(world.gold) == [f"{world.api_id}:prod"]


def test_no_aws_call_starts_when_too_little_time_is_left(
    world: World, event_for: Callable[..., dict[str, Any]], invoke: Invoke
) -> None:
    body = invoke(event_for("create"), FakeContext(remaining_ms=9_000))

    assert body["Status"] == "FAILED"
    assert "less than 10 s of the function's time left" in body["Reason"]
    assert world.members(world.bronze) == []


def test_a_response_url_that_refuses_the_connection_is_retried_until_it_answers(
    handler_module: ModuleType,
    world: World,
    event_for: Callable[..., dict[str, Any]],
    certificate: tuple[Path, Path],
    trust_loopback: None,
) -> None:
    port = free_port()
    event = event_for("create")
    event["ResponseURL"] = response_url(port, event["RequestId"])
    worker = threading.Thread(target=handler_module.handler, args=(event, FakeContext()))
    worker.start()
    time.sleep(0.5)  # the first PUT has been refused by now: crhelper waits 2 s to retry
    late = ResponseServer(certificate, port=port)
    try:
        worker.join(15)
        assert not worker.is_alive()
        (put,) = late.puts
    finally:
        late.close()
    assert put.body["Status"] == "SUCCESS"
    assert put.body["PhysicalResourceId"] == f"{world.api_id}:prod"
    assert world.members(world.bronze) == [f"{world.api_id}:prod"]


def test_an_event_without_response_url_is_logged_not_raised(
    handler_module: ModuleType, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="plan_membership"):
        assert handler_module.handler({"RequestType": "Create"}, FakeContext()) is None
    assert '"action": "event.unusable"' in caplog.text


def test_an_event_without_the_fields_of_an_answer_is_logged_not_raised(
    handler_module: ModuleType,
    world: World,
    event_for: Callable[..., dict[str, Any]],
    server: ResponseServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    event = event_for("create")
    del event["StackId"]

    with caplog.at_level(logging.INFO, logger="plan_membership"):
        assert handler_module.handler(event, FakeContext()) is None

    assert '"action": "event.unusable"' in caplog.text
    assert '"missing": ["StackId"]' in caplog.text
    assert server.puts == []
    assert world.members(world.bronze) == []


def test_a_long_reason_is_cut_at_its_end_and_names_the_log_stream(
    world: World,
    event_for: Callable[..., dict[str, Any]],
    invoke: Invoke,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    membership_error = sys.modules["usage_plan_membership.plans"].MembershipError

    def verbose(self: Any, event: Any) -> Any:
        raise membership_error("usage plan gold: " + "x" * 10_000)

    monkeypatch.setattr(_lifecycle(), "process", verbose)

    body = invoke(event_for("create"))

    assert body["Status"] == "FAILED"
    assert len(body["Reason"]) <= 256  # crhelper would keep only the last 240 characters
    assert body["Reason"].startswith("usage plan gold: xxx")
    assert body["Reason"].endswith("... (log stream 2026/01/01/[$LATEST]0123456789abcdef)")


def test_the_logs_never_hold_the_response_url(
    world: World,
    event_for: Callable[..., dict[str, Any]],
    invoke: Invoke,
    caplog: pytest.LogCaptureFixture,
) -> None:
    event = event_for("update_plans")
    invoke(event_for("create"))

    with caplog.at_level(logging.DEBUG):  # crhelper logs the URL at DEBUG: never emitted
        invoke(event)

    assert "X-Amz-Signature" not in caplog.text
    assert "cloudformation-response" not in caplog.text
    assert any(record.name.startswith("crhelper") for record in caplog.records)
    actions = [
        json.loads(record.getMessage())["action"]
        for record in caplog.records
        if record.name == "plan_membership"
    ]
    assert actions[0] == "event"
    assert {"ownership.ok", "join", "leave", "update", "response", "response.sent"} <= set(actions)
