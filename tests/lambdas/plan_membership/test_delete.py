"""Delete: removes the membership; a no-op for whatever is already absent or not ours."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from membership_support import Invoke, RecordingSession, World


def test_delete_removes_the_stage_from_every_listed_plan(
    world: World, event_for: Callable[..., dict[str, Any]], invoke: Invoke
) -> None:
    invoke(event_for("create"))
    world.add_member(world.gold, f"{world.other_api_id}:prod")

    body = invoke(event_for("delete"))

    assert body["Status"] == "SUCCESS"
    assert body["PhysicalResourceId"] == f"{world.api_id}:prod"
    assert world.members(world.bronze) == []
    assert world.members(world.gold) == [f"{world.other_api_id}:prod"]


def test_delete_never_creates_the_cloudformation_client(
    world: World,
    event_for: Callable[..., dict[str, Any]],
    invoke: Invoke,
    sessions: list[RecordingSession],
) -> None:
    """Delete runs no ownership check: a container that only deletes needs API Gateway only."""
    world.add_member(world.bronze, f"{world.api_id}:prod")

    body = invoke(event_for("delete"))

    assert body["Status"] == "SUCCESS"
    assert world.members(world.bronze) == []
    (session,) = sessions
    assert session.services == ["apigateway"]


def test_delete_when_the_stage_is_not_a_member(
    world: World, event_for: Callable[..., dict[str, Any]], invoke: Invoke
) -> None:
    # moto raises a Python error on removing a non-member: success proves no remove was sent
    body = invoke(event_for("delete"))

    assert body["Status"] == "SUCCESS"
    assert world.members(world.gold) == []


def test_delete_when_a_plan_no_longer_exists(
    world: World, event_for: Callable[..., dict[str, Any]], invoke: Invoke
) -> None:
    invoke(event_for("create"))
    world.apigateway.delete_usage_plan(usagePlanId=world.bronze)

    body = invoke(event_for("delete"))

    assert body["Status"] == "SUCCESS"
    assert world.members(world.gold) == []


def test_delete_after_a_failed_create_is_a_no_op(
    world: World, event_for: Callable[..., dict[str, Any]], invoke: Invoke
) -> None:
    # the foreign API's stage is a member by its own right: the refused Create must not touch it
    world.add_member(world.gold, f"{world.other_api_id}:prod")
    failed = invoke(event_for("create_foreign_api"))
    assert failed["Status"] == "FAILED"

    body = invoke(event_for("delete_after_failed_create", PHYSICAL_ID=failed["PhysicalResourceId"]))

    assert body["Status"] == "SUCCESS"
    assert body["PhysicalResourceId"] == failed["PhysicalResourceId"]
    assert world.members(world.gold) == [f"{world.other_api_id}:prod"]


def test_delete_never_acts_on_an_id_that_does_not_match_its_properties(
    world: World, event_for: Callable[..., dict[str, Any]], invoke: Invoke
) -> None:
    world.add_member(world.gold, f"{world.other_api_id}:prod")

    body = invoke(
        event_for("delete_after_failed_create", PHYSICAL_ID=f"{world.api_id}:prod")
    )  # properties name the other API: not an id this function issued for them

    assert body["Status"] == "SUCCESS"
    assert world.members(world.gold) == [f"{world.other_api_id}:prod"]


def test_delete_with_unusable_plan_ids_succeeds_without_removing(
    world: World, event_for: Callable[..., dict[str, Any]], invoke: Invoke
) -> None:
    event = event_for("delete")
    event["ResourceProperties"]["UsagePlanIds"] = "not-a-list"

    body = invoke(event)

    assert body["Status"] == "SUCCESS"
    assert "nothing removed" in body["Reason"]
