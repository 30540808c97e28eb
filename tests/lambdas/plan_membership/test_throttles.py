"""Exact UpdateUsagePlan calls (botocore Stubber): throttle overrides, escaping, error paths.

moto does not implement ``/apiStages/{apiId}:{stage}/throttle/...``, so these tests pin the
requests themselves. Every expected call is listed in order; any other call fails the test.
"""

from __future__ import annotations

import datetime
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.stub import Stubber
from membership_support import Invoke, load_event, shared_session

API_ID = "a1b2c3d4e5"
MEMBER = f"{API_ID}:prod"
BRONZE, SILVER, GOLD = "bronze1", "silver1", "gold111"
STACK_ID = (
    "arn:aws:cloudformation:us-east-1:123456789012:stack/gw-dev-svc-items/"
    "1d6a7b40-0000-4000-8000-000000000001"
)
STAGE_PATH = f"/apiStages/{MEMBER}/throttle"


@dataclass
class Stubs:
    apigateway: Stubber
    cloudformation: Stubber

    def owned(self) -> None:
        self.cloudformation.add_response(
            "list_stack_resources",
            {
                "StackResourceSummaries": [
                    {
                        "LogicalResourceId": "ItemsApi1234",
                        "PhysicalResourceId": API_ID,
                        "ResourceType": "AWS::ApiGateway::RestApi",
                        "LastUpdatedTimestamp": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
                        "ResourceStatus": "CREATE_COMPLETE",
                    }
                ]
            },
            {"StackName": STACK_ID},
        )

    def plan(self, plan_id: str, *members: str) -> None:
        stages = [{"apiId": m.split(":")[0], "stage": m.split(":")[1]} for m in members]
        self.apigateway.add_response(
            "get_usage_plan",
            {"id": plan_id, "name": plan_id, "apiStages": stages},
            {"usagePlanId": plan_id},
        )

    def plan_missing(self, plan_id: str) -> None:
        self.apigateway.add_client_error(
            "get_usage_plan",
            "NotFoundException",
            "Invalid Usage Plan ID specified",
            404,
            expected_params={"usagePlanId": plan_id},
        )

    def update(self, plan_id: str, operations: list[dict[str, str]]) -> None:
        self.apigateway.add_response(
            "update_usage_plan",
            {"id": plan_id},
            {"usagePlanId": plan_id, "patchOperations": operations},
        )

    def update_error(
        self, plan_id: str, operations: list[dict[str, str]], code: str, status: int = 400
    ) -> None:
        self.apigateway.add_client_error(
            "update_usage_plan",
            code,
            f"{code} from the stub",
            status,
            expected_params={"usagePlanId": plan_id, "patchOperations": operations},
        )


@pytest.fixture
def stubs(clients: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Stubs]:
    monkeypatch.setattr(sys.modules["usage_plan_membership.plans"], "CONFLICT_BACKOFF_SECONDS", 0)
    session = shared_session()
    apigateway, cloudformation = session.client("apigateway"), session.client("cloudformation")
    clients.override("apigateway", apigateway)
    clients.override("cloudformation", cloudformation)
    with Stubber(apigateway) as api_stub, Stubber(cloudformation) as cfn_stub:
        yield Stubs(api_stub, cfn_stub)
        api_stub.assert_no_pending_responses()
        cfn_stub.assert_no_pending_responses()


def _event(name: str, server: Any, **values: str) -> dict[str, Any]:
    request_id = values.pop("REQUEST_ID", "6a1f0c2e-0000-4000-8000-000000000002")
    return load_event(
        name,
        REQUEST_ID=request_id,
        RESPONSE_URL=server.url(request_id),
        STACK_ID=STACK_ID,
        API_ID=API_ID,
        OTHER_API_ID="z9y8x7w6v5",
        BRONZE=BRONZE,
        SILVER=SILVER,
        GOLD=GOLD,
        **values,
    )


def rate(path: str, value: str) -> dict[str, str]:
    return {"op": "replace", "path": f"{STAGE_PATH}/{path}/rateLimit", "value": value}


def burst(path: str, value: str) -> dict[str, str]:
    return {"op": "replace", "path": f"{STAGE_PATH}/{path}/burstLimit", "value": value}


ADD = {"op": "add", "path": "/apiStages", "value": MEMBER}
REMOVE = {"op": "remove", "path": "/apiStages", "value": MEMBER}


def test_create_joins_and_sets_throttles_in_one_request_per_plan(
    stubs: Stubs, server: Any, invoke: Invoke
) -> None:
    stubs.owned()
    stubs.plan(BRONZE)
    stubs.update(BRONZE, [ADD, rate("~1/GET", "5"), burst("~1/GET", "10")])
    stubs.plan(GOLD)
    stubs.update(
        GOLD,
        [
            ADD,
            rate("~1items~1{sku}/GET", "50.5"),
            burst("~1items~1{sku}/GET", "100"),
            rate("~1*/*", "50.5"),
            burst("~1*/*", "100"),
        ],
    )

    body = invoke(_event("create_throttles", server))

    assert body["Status"] == "SUCCESS"
    assert body["PhysicalResourceId"] == MEMBER


def test_create_when_already_a_member_sends_only_the_throttles(
    stubs: Stubs, server: Any, invoke: Invoke
) -> None:
    stubs.owned()
    stubs.plan(BRONZE, MEMBER)
    stubs.update(BRONZE, [rate("~1/GET", "5"), burst("~1/GET", "10")])
    stubs.plan(GOLD, "q1w2e3r4t5:prod", MEMBER)
    stubs.update(
        GOLD,
        [
            rate("~1items~1{sku}/GET", "50.5"),
            burst("~1items~1{sku}/GET", "100"),
            rate("~1*/*", "50.5"),
            burst("~1*/*", "100"),
        ],
    )

    assert invoke(_event("create_throttles", server))["Status"] == "SUCCESS"


def test_create_already_member_without_throttles_sends_no_update(
    stubs: Stubs, server: Any, invoke: Invoke
) -> None:
    stubs.owned()
    stubs.plan(BRONZE, MEMBER)
    stubs.plan(GOLD, MEMBER)

    assert invoke(_event("create", server))["Status"] == "SUCCESS"


# update_throttles.json: gold keeps /items/{sku}/GET with new limits, drops /*/* and /orders~v1/POST
KEPT_OVERRIDE = [rate("~1items~1{sku}/GET", "20"), burst("~1items~1{sku}/GET", "40")]
DROPPED_OVERRIDES = [
    {"op": "remove", "path": f"{STAGE_PATH}/~1*/*"},
    {"op": "remove", "path": f"{STAGE_PATH}/~1orders~0v1/POST"},  # '~' is '~0'
]


def test_update_replaces_kept_overrides_and_removes_the_dropped_ones(
    stubs: Stubs, server: Any, invoke: Invoke
) -> None:
    stubs.owned()
    stubs.plan(GOLD, MEMBER)
    stubs.update(GOLD, KEPT_OVERRIDE)
    stubs.update(GOLD, DROPPED_OVERRIDES)

    body = invoke(_event("update_throttles", server))

    assert body["Status"] == "SUCCESS"
    assert body["PhysicalResourceId"] == MEMBER


def test_update_removes_overrides_one_by_one_when_one_is_already_gone(
    stubs: Stubs, server: Any, invoke: Invoke
) -> None:
    first, second = DROPPED_OVERRIDES
    stubs.owned()
    stubs.plan(GOLD, MEMBER)
    stubs.update(GOLD, KEPT_OVERRIDE)
    stubs.update_error(GOLD, DROPPED_OVERRIDES, "BadRequestException")
    stubs.update_error(GOLD, [first], "NotFoundException", 404)  # removed by hand earlier
    stubs.update(GOLD, [second])

    assert invoke(_event("update_throttles", server))["Status"] == "SUCCESS"


def test_update_retries_a_conflicting_plan_update(
    stubs: Stubs, server: Any, invoke: Invoke
) -> None:
    stubs.owned()
    stubs.plan(GOLD, MEMBER)
    stubs.update_error(GOLD, KEPT_OVERRIDE, "ConflictException", 409)
    stubs.update(GOLD, KEPT_OVERRIDE)
    stubs.update(GOLD, DROPPED_OVERRIDES)

    assert invoke(_event("update_throttles", server))["Status"] == "SUCCESS"


def test_a_rejected_throttle_fails_the_create_and_undoes_the_joins(
    stubs: Stubs, server: Any, invoke: Invoke
) -> None:
    stubs.owned()
    stubs.plan(BRONZE)
    stubs.update(BRONZE, [ADD, rate("~1/GET", "5"), burst("~1/GET", "10")])
    stubs.plan(GOLD)
    stubs.update_error(
        GOLD,
        [
            ADD,
            rate("~1items~1{sku}/GET", "50.5"),
            burst("~1items~1{sku}/GET", "100"),
            rate("~1*/*", "50.5"),
            burst("~1*/*", "100"),
        ],
        "BadRequestException",
    )
    stubs.plan(BRONZE, MEMBER)  # compensation: bronze was joined by this Create
    stubs.update(BRONZE, [REMOVE])
    event = _event("create_throttles", server)

    body = invoke(event)

    assert body["Status"] == "FAILED"
    assert body["PhysicalResourceId"] == f"plan-membership-failed-{event['RequestId']}"
    assert "BadRequestException" in body["Reason"]


def test_delete_sends_exactly_the_remove_operation(
    stubs: Stubs, server: Any, invoke: Invoke
) -> None:
    stubs.plan(BRONZE, MEMBER)
    stubs.update(BRONZE, [REMOVE])
    stubs.plan(GOLD, "q1w2e3r4t5:prod", MEMBER)
    stubs.update(GOLD, [REMOVE])

    assert invoke(_event("delete", server))["Status"] == "SUCCESS"


def test_delete_tolerates_a_plan_deleted_between_read_and_remove(
    stubs: Stubs, server: Any, invoke: Invoke
) -> None:
    stubs.plan(BRONZE, MEMBER)
    stubs.update_error(BRONZE, [REMOVE], "NotFoundException", 404)
    stubs.plan_missing(BRONZE)
    stubs.plan_missing(GOLD)

    assert invoke(_event("delete", server))["Status"] == "SUCCESS"


def test_delete_tolerates_a_refused_remove_of_a_stage_whose_api_is_gone(
    stubs: Stubs, server: Any, invoke: Invoke
) -> None:
    stubs.plan(BRONZE, MEMBER)
    stubs.update_error(BRONZE, [REMOVE], "BadRequestException")
    stubs.plan(BRONZE, MEMBER)  # still listed: left for the platform team, with a warning
    stubs.plan(GOLD)

    body = invoke(_event("delete", server))

    assert body["Status"] == "SUCCESS"


def test_delete_fails_on_errors_that_are_not_about_absence(
    stubs: Stubs, server: Any, invoke: Invoke
) -> None:
    stubs.plan(BRONZE, MEMBER)
    stubs.update_error(BRONZE, [REMOVE], "UnauthorizedException", 401)

    body = invoke(_event("delete", server))

    assert body["Status"] == "FAILED"
    assert body["PhysicalResourceId"] == MEMBER  # a failed Delete keeps the resource's id
    assert "UnauthorizedException" in body["Reason"]


def _summary(logical: str, physical: str, resource_type: str) -> dict[str, Any]:
    return {
        "LogicalResourceId": logical,
        "PhysicalResourceId": physical,
        "ResourceType": resource_type,
        "LastUpdatedTimestamp": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        "ResourceStatus": "CREATE_COMPLETE",
    }


def test_the_ownership_check_reads_every_page_of_stack_resources(
    stubs: Stubs, server: Any, invoke: Invoke
) -> None:
    stubs.cloudformation.add_response(
        "list_stack_resources",
        {
            "StackResourceSummaries": [_summary("Topic", "arn:aws:sns:t", "AWS::SNS::Topic")],
            "NextToken": "page-2",
        },
        {"StackName": STACK_ID},
    )
    stubs.cloudformation.add_response(
        "list_stack_resources",
        {"StackResourceSummaries": [_summary("Api", API_ID, "AWS::ApiGateway::RestApi")]},
        {"StackName": STACK_ID, "NextToken": "page-2"},
    )
    stubs.plan(BRONZE, MEMBER)
    stubs.plan(GOLD, MEMBER)

    assert invoke(_event("create", server))["Status"] == "SUCCESS"


def test_the_ownership_check_compares_physical_ids_of_rest_apis_only(
    stubs: Stubs, server: Any, invoke: Invoke
) -> None:
    stubs.cloudformation.add_response(
        "list_stack_resources",
        {
            "StackResourceSummaries": [
                _summary("NotAnApi", API_ID, "AWS::SSM::Parameter"),  # same id, other type
                _summary("Api", "z9y8x7w6v5", "AWS::ApiGateway::RestApi"),
            ]
        },
        {"StackName": STACK_ID},
    )

    body = invoke(_event("create", server))

    assert body["Status"] == "FAILED"
    assert "(its REST APIs: z9y8x7w6v5)" in body["Reason"]
