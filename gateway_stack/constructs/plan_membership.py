"""``UsagePlanMembership``: a service's stage in the platform's usage plans, from its own stack.

A ``Custom::UsagePlanMembership`` resource whose ServiceToken is the platform's membership
function (:mod:`.usage_plans`): it adds the stage to every plan on create, follows
changes, and takes the stage out on delete. Per-tier overrides replace a tier's limits on this
stage. See docs/plan-membership.md for the function's contract.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from aws_cdk import CustomResource, Duration, Fn
from constructs import Construct

from gateway_stack.constructs.service_api import ServiceApi
from gateway_stack.models.plan_throttle import WHOLE_STAGE, PlanThrottle, method_key

__all__ = ["WHOLE_STAGE", "PlanThrottle", "UsagePlanMembership", "method_key"]


class UsagePlanMembership(Construct):
    """The stage of ``api`` in the usage plans ``plan_ids``.

    Args:
        scope: parent construct (the service stack).
        construct_id: construct id.
        api: the service API whose stage joins.
        service_token: the platform's membership function ARN.
        plan_ids: the plans to join (deploy-time values, e.g. the platform's SSM parameters).
        overrides: plan id -> the limits that replace the plan's own on this stage (the whole
            stage, or some of its methods). Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        api: ServiceApi,
        service_token: str,
        plan_ids: Sequence[str],
        overrides: Mapping[str, Sequence[PlanThrottle]] | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        properties: dict[str, object] = {
            "RestApiId": api.rest_api_id,
            "StageName": api.stage.stage_name,  # a Ref: created after the stage, deleted before
            "UsagePlanIds": list(plan_ids),
        }
        if overrides:
            # Plan ids are deploy-time values, and CloudFormation keys cannot be: the function
            # takes Throttles as a JSON string, joined here around the ids.
            parts: list[str] = ["{"]
            for index, (plan_id, groups) in enumerate(overrides.items()):
                settings = [
                    {
                        "rateLimit": group.throttle.rate_limit,
                        "burstLimit": group.throttle.burst_limit,
                        "methods": list(group.methods),
                    }
                    for group in groups
                ]
                parts += ["," if index else "", '"', plan_id, '":', json.dumps(settings)]
            parts.append("}")
            properties["Throttles"] = Fn.join("", parts)
        self.resource = CustomResource(
            self,
            "Resource",
            service_token=service_token,
            resource_type="Custom::UsagePlanMembership",
            service_timeout=Duration.minutes(5),
            properties=properties,
        )
