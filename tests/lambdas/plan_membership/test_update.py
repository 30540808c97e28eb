"""Update: plans added and removed in place; a new api or stage replaces the resource."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from membership_support import Invoke, World


def _created(world: World, event_for: Callable[..., dict[str, Any]], invoke: Invoke) -> None:
    assert invoke(event_for("create"))["Status"] == "SUCCESS"


def test_update_adds_new_plans_and_leaves_dropped_ones(
    world: World, event_for: Callable[..., dict[str, Any]], invoke: Invoke
) -> None:
    _created(world, event_for, invoke)

    body = invoke(event_for("update_plans"))  # [bronze, gold] -> [gold, silver]

    assert body["Status"] == "SUCCESS"
    assert body["PhysicalResourceId"] == f"{world.api_id}:prod"
    assert world.members(world.bronze) == []
    assert world.members(world.gold) == [f"{world.api_id}:prod"]
    assert world.members(world.silver) == [f"{world.api_id}:prod"]


def test_update_rollback_restores_the_old_plans(
    world: World, event_for: Callable[..., dict[str, Any]], invoke: Invoke
) -> None:
    _created(world, event_for, invoke)
    forward = event_for("update_plans")
    invoke(forward)
    rollback = event_for("update_plans")  # CloudFormation swaps the properties on rollback
    rollback["ResourceProperties"], rollback["OldResourceProperties"] = (
        forward["OldResourceProperties"],
        forward["ResourceProperties"],
    )

    assert invoke(rollback)["Status"] == "SUCCESS"

    assert world.members(world.bronze) == [f"{world.api_id}:prod"]
    assert world.members(world.gold) == [f"{world.api_id}:prod"]
    assert world.members(world.silver) == []


def test_update_of_the_stage_replaces_then_cleanup_delete_removes_the_old_once(
    world: World, event_for: Callable[..., dict[str, Any]], invoke: Invoke
) -> None:
    _created(world, event_for, invoke)
    old, new = f"{world.api_id}:prod", f"{world.api_id}:v2"

    body = invoke(event_for("update_stage"))  # prod in [bronze, gold] -> v2 in [gold, silver]

    assert body["Status"] == "SUCCESS"
    assert body["PhysicalResourceId"] == new  # a new id: CloudFormation deletes the old one
    assert world.members(world.bronze) == [old]  # untouched until the cleanup Delete
    assert world.members(world.gold) == [old, new]
    assert world.members(world.silver) == [new]

    cleanup = event_for("delete")  # old id, old properties
    assert invoke(cleanup)["Status"] == "SUCCESS"

    assert world.members(world.bronze) == []
    assert world.members(world.gold) == [new]
    assert world.members(world.silver) == [new]

    again = event_for("delete")  # a repeated Delete finds nothing to remove, and succeeds
    assert invoke(again)["Status"] == "SUCCESS"
    assert world.members(world.gold) == [new]


def test_update_of_the_stage_rolled_back_deletes_the_new_and_keeps_the_old(
    world: World, event_for: Callable[..., dict[str, Any]], invoke: Invoke
) -> None:
    _created(world, event_for, invoke)
    old, new = f"{world.api_id}:prod", f"{world.api_id}:v2"
    update = event_for("update_stage")
    invoke(update)

    # The stack update fails elsewhere: in rollback cleanup CloudFormation deletes the new one.
    delete_new = event_for("delete")
    delete_new["PhysicalResourceId"] = new
    delete_new["ResourceProperties"] = update["ResourceProperties"]
    assert invoke(delete_new)["Status"] == "SUCCESS"

    assert world.members(world.bronze) == [old]
    assert world.members(world.gold) == [old]
    assert world.members(world.silver) == []


def test_update_to_an_api_the_stack_does_not_declare_fails_and_changes_nothing(
    world: World, event_for: Callable[..., dict[str, Any]], invoke: Invoke
) -> None:
    _created(world, event_for, invoke)
    event = event_for("update_foreign_api")

    body = invoke(event)

    assert body["Status"] == "FAILED"
    # a replacement that failed: the id is the recognisable one, so a Delete of it is a no-op
    assert body["PhysicalResourceId"] == f"plan-membership-failed-{event['RequestId']}"
    assert "may only enrol its own API" in body["Reason"]
    assert world.members(world.gold) == [f"{world.api_id}:prod"]
    assert world.members(world.bronze) == [f"{world.api_id}:prod"]


def test_update_in_place_is_refused_when_the_stack_no_longer_declares_the_api(
    world: World, event_for: Callable[..., dict[str, Any]], invoke: Invoke
) -> None:
    _created(world, event_for, invoke)
    event = event_for("update_plans", STACK_ID=world.other_stack_id)

    body = invoke(event)

    assert body["Status"] == "FAILED"
    assert body["PhysicalResourceId"] == f"{world.api_id}:prod"  # in place: keep the id
    assert world.members(world.bronze) == [f"{world.api_id}:prod"]
    assert world.members(world.silver) == []


@pytest.mark.parametrize(("stage", "in_place"), [("prod", True), ("v2", False)])
def test_update_with_invalid_properties_fails_and_changes_nothing(
    world: World,
    event_for: Callable[..., dict[str, Any]],
    invoke: Invoke,
    stage: str,
    in_place: bool,
) -> None:
    _created(world, event_for, invoke)
    event = event_for("update_plans")
    event["ResourceProperties"]["StageName"] = stage
    event["ResourceProperties"]["UsagePlanIds"] = f"{world.gold},{world.silver}"

    body = invoke(event)

    assert body["Status"] == "FAILED"
    assert body["Reason"].startswith("invalid properties: UsagePlanIds must be a list")
    failed = f"plan-membership-failed-{event['RequestId']}"
    # in place: CloudFormation keeps the resource; a replacement's id must make Delete a no-op
    assert body["PhysicalResourceId"] == (f"{world.api_id}:prod" if in_place else failed)
    assert world.members(world.bronze) == [f"{world.api_id}:prod"]
    assert world.members(world.silver) == []


def test_update_with_unreadable_old_properties_still_applies_the_new_ones(
    world: World, event_for: Callable[..., dict[str, Any]], invoke: Invoke
) -> None:
    _created(world, event_for, invoke)
    event = event_for("update_plans")
    event["OldResourceProperties"]["Throttles"] = "{not json"

    body = invoke(event)

    assert body["Status"] == "SUCCESS"
    assert world.members(world.silver) == [f"{world.api_id}:prod"]
    assert world.members(world.bronze) == []  # the old plan ids were still readable
