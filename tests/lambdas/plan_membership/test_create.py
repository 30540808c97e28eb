"""Create: ownership check, joining every plan, idempotency, failures and their compensation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from membership_support import Invoke, RecordingSession, World


def test_create_joins_every_listed_plan(
    world: World, event_for: Callable[..., dict[str, Any]], invoke: Invoke
) -> None:
    body = invoke(event_for("create"))

    assert body["Status"] == "SUCCESS"
    assert body["PhysicalResourceId"] == f"{world.api_id}:prod"
    assert world.members(world.bronze) == [f"{world.api_id}:prod"]
    assert world.members(world.gold) == [f"{world.api_id}:prod"]
    assert world.members(world.silver) == []


def test_create_when_already_a_member_adds_nothing_twice(
    world: World, event_for: Callable[..., dict[str, Any]], invoke: Invoke
) -> None:
    # moto appends a duplicate entry on a second "add": a single entry proves no second add.
    world.add_member(world.gold, f"{world.api_id}:prod")

    body = invoke(event_for("create"))

    assert body["Status"] == "SUCCESS"
    assert world.members(world.gold) == [f"{world.api_id}:prod"]
    assert world.members(world.bronze) == [f"{world.api_id}:prod"]


def test_create_repeated_is_idempotent(
    world: World, event_for: Callable[..., dict[str, Any]], invoke: Invoke
) -> None:
    first = invoke(event_for("create"))
    second = invoke(event_for("create"))  # e.g. Lambda's retry of an asynchronous invocation

    assert first["PhysicalResourceId"] == second["PhysicalResourceId"] == f"{world.api_id}:prod"
    assert world.members(world.bronze) == [f"{world.api_id}:prod"]
    assert world.members(world.gold) == [f"{world.api_id}:prod"]


def test_create_keeps_other_members_of_the_plans(
    world: World, event_for: Callable[..., dict[str, Any]], invoke: Invoke
) -> None:
    world.add_member(world.gold, f"{world.other_api_id}:prod")

    invoke(event_for("create"))

    assert world.members(world.gold) == [f"{world.other_api_id}:prod", f"{world.api_id}:prod"]


def test_create_refuses_an_api_the_stack_does_not_declare(
    world: World, event_for: Callable[..., dict[str, Any]], invoke: Invoke
) -> None:
    event = event_for("create_foreign_api")

    body = invoke(event)

    assert body["Status"] == "FAILED"
    assert body["PhysicalResourceId"] == f"plan-membership-failed-{event['RequestId']}"
    assert f"RestApiId {world.other_api_id} is not an AWS::ApiGateway::RestApi" in body["Reason"]
    assert world.api_id in body["Reason"]  # names the stack's own API
    assert "may only enrol its own API" in body["Reason"]
    assert world.members(world.bronze) == []
    assert world.members(world.gold) == []


def test_create_fails_for_a_stack_that_does_not_exist(
    world: World, event_for: Callable[..., dict[str, Any]], invoke: Invoke
) -> None:
    gone = world.stack_id.replace("gw-dev-svc-items", "gw-dev-svc-gone")

    body = invoke(event_for("create", STACK_ID=gone))

    assert body["Status"] == "FAILED"
    assert f"cannot list the resources of stack {gone} (ValidationError)" in body["Reason"]
    assert world.members(world.bronze) == []


def test_create_with_a_missing_plan_fails_and_undoes_its_own_joins_only(
    world: World, event_for: Callable[..., dict[str, Any]], invoke: Invoke
) -> None:
    world.add_member(world.gold, f"{world.api_id}:prod")  # there before: must stay

    event = event_for("create_missing_plan")
    body = invoke(event)

    assert body["Status"] == "FAILED"
    assert body["PhysicalResourceId"] == f"plan-membership-failed-{event['RequestId']}"
    assert "usage plan nosuchplan does not exist" in body["Reason"]
    assert world.members(world.bronze) == []  # joined by this Create, then undone
    assert world.members(world.gold) == [f"{world.api_id}:prod"]


def test_create_with_invalid_properties_fails_without_calling_aws(
    world: World, event_for: Callable[..., dict[str, Any]], invoke: Invoke
) -> None:
    event = event_for("create")
    event["ResourceProperties"]["UsagePlanIds"] = f"{world.bronze},{world.gold}"

    body = invoke(event)

    assert body["Status"] == "FAILED"
    assert body["Reason"].startswith("invalid properties: UsagePlanIds must be a list")
    assert body["PhysicalResourceId"] == f"plan-membership-failed-{event['RequestId']}"
    assert world.members(world.bronze) == []


def test_create_rejects_throttles_for_a_plan_it_does_not_join(
    world: World, event_for: Callable[..., dict[str, Any]], invoke: Invoke
) -> None:
    event = event_for("create")
    event["ResourceProperties"]["Throttles"] = {
        world.silver: {"rateLimit": "1", "burstLimit": "2", "methods": ["/GET"]}
    }

    body = invoke(event)

    assert body["Status"] == "FAILED"
    assert f"Throttles names usage plan '{world.silver}'" in body["Reason"]
    assert world.members(world.gold) == []


def test_create_makes_both_clients_from_one_session_created_on_first_use(
    world: World,
    event_for: Callable[..., dict[str, Any]],
    invoke: Invoke,
    sessions: list[RecordingSession],
) -> None:
    event = event_for("create")
    assert sessions == []  # nothing before the first event needs a client

    invoke(event)
    invoke(event_for("create"))

    (session,) = sessions
    assert session.services == ["apigateway", "cloudformation"]  # each once per container
