"""The ownership check: a service stack may only enrol a REST API that it declares itself.

It compares the RestApiId with the physical ids of the stack's ``AWS::ApiGateway::RestApi``
resources (ListStackResources on the calling stack, paginated). It guards against mistakes
(a copied id, another team's API); it authenticates nobody: see docs/plan-membership.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

from usage_plan_membership.logs import log
from usage_plan_membership.plans import MembershipError, error_code

REST_API_TYPE = "AWS::ApiGateway::RestApi"


def require_stack_owns_api(
    client: Any, stack_id: str, api_id: str, check_time: Callable[[], None] = lambda: None
) -> None:
    """Raise ``MembershipError`` unless the stack declares a RestApi with physical id ``api_id``."""
    if not isinstance(stack_id, str) or not stack_id:
        raise MembershipError("the event has no StackId")
    rest_apis: list[str] = []
    try:
        for page in client.get_paginator("list_stack_resources").paginate(StackName=stack_id):
            check_time()
            for resource in page.get("StackResourceSummaries", []):
                if resource.get("ResourceType") != REST_API_TYPE:
                    continue
                physical_id = resource.get("PhysicalResourceId")
                if physical_id == api_id:
                    log("ownership.ok", stack=stack_id, api=api_id)
                    return
                rest_apis.append(str(physical_id))
    except ClientError as error:
        raise MembershipError(
            f"cannot list the resources of stack {stack_id} ({error_code(error)}): {error}"
        ) from error
    log("ownership.refused", stack=stack_id, api=api_id, stack_rest_apis=rest_apis)
    raise MembershipError(
        f"RestApiId {api_id} is not an AWS::ApiGateway::RestApi of this stack "
        f"(its REST APIs: {', '.join(rest_apis) or 'none'}); a service stack may only enrol "
        "its own API in usage plans"
    )
