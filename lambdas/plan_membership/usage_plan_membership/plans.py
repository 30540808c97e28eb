"""Usage plan operations: join, leave, throttle overrides. Patch operations are built here.

Patch paths follow JSON Pointer (RFC 6901) as API Gateway documents for PatchOperation.path:
inside a reference token '~' is written '~0' and '/' is written '~1'. The resource path of a
method is one token ("/items/{sku}" -> "~1items~1{sku}"); the HTTP method is the next token.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from botocore.exceptions import ClientError

from usage_plan_membership.logs import log
from usage_plan_membership.properties import MethodThrottle, escape_pointer_token

NOT_FOUND = "NotFoundException"
BAD_REQUEST = "BadRequestException"
CONFLICT = "ConflictException"
CONFLICT_ATTEMPTS = 4  # ConflictException is not retried by botocore: concurrent plan updates
CONFLICT_BACKOFF_SECONDS = 0.5


class MembershipError(RuntimeError):
    """A failure with a message fit for the CloudFormation event (no stack trace needed)."""


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


# ---------------------------------------------------------------- patch operations
def add_stage_op(member_id: str) -> dict[str, str]:
    return {"op": "add", "path": "/apiStages", "value": member_id}


def remove_stage_op(member_id: str) -> dict[str, str]:
    return {"op": "remove", "path": "/apiStages", "value": member_id}


def throttle_path(member_id: str, resource_path: str, http_method: str) -> str:
    """``/apiStages/{apiId}:{stage}/throttle/{escaped resource path}/{httpMethod}``."""
    return (
        f"/apiStages/{escape_pointer_token(member_id)}/throttle/"
        f"{escape_pointer_token(resource_path)}/{escape_pointer_token(http_method)}"
    )


def throttle_ops(member_id: str, throttle: MethodThrottle) -> list[dict[str, str]]:
    path = throttle_path(member_id, throttle.resource_path, throttle.http_method)
    return [
        {"op": "replace", "path": f"{path}/rateLimit", "value": throttle.rate_limit},
        {"op": "replace", "path": f"{path}/burstLimit", "value": throttle.burst_limit},
    ]


def remove_throttle_op(member_id: str, throttle: MethodThrottle) -> dict[str, str]:
    return {
        "op": "remove",
        "path": throttle_path(member_id, throttle.resource_path, throttle.http_method),
    }


def is_member(plan: dict[str, Any], member_id: str) -> bool:
    return any(
        f"{stage.get('apiId')}:{stage.get('stage')}" == member_id
        for stage in plan.get("apiStages") or []
    )


# ---------------------------------------------------------------- the plans
class UsagePlans:
    """API Gateway usage plans, reached through one client; ``check_time`` guards each call."""

    def __init__(
        self,
        client: Any,
        check_time: Callable[[], None] = lambda: None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._client = client
        self._check_time = check_time
        self._sleep = sleep

    def get(self, plan_id: str) -> dict[str, Any] | None:
        """The plan, or None when it does not exist."""
        try:
            return self._client.get_usage_plan(usagePlanId=plan_id)
        except ClientError as error:
            if error_code(error) == NOT_FOUND:
                return None
            raise

    def join(self, plan_id: str, member_id: str, throttles: Iterable[MethodThrottle]) -> bool:
        """Make the stage a member (if it is not) and set its method throttles in one request.

        Returns True when this call added the membership (False: it was already a member).
        """
        self._check_time()
        plan = self.get(plan_id)
        if plan is None:
            raise MembershipError(f"usage plan {plan_id} does not exist")
        member = is_member(plan, member_id)
        operations = [] if member else [add_stage_op(member_id)]
        throttle_list = list(throttles)
        for throttle in throttle_list:
            operations.extend(throttle_ops(member_id, throttle))
        log(
            "join",
            plan=plan_id,
            member=member_id,
            already_member=member,
            throttles=[t.key for t in throttle_list],
        )
        if operations:
            self._update(plan_id, operations)
        return not member

    def leave(self, plan_id: str, member_id: str, *, forward: bool = True) -> None:
        """Remove the stage from the plan; a missing plan, API, stage or membership is fine.

        ``forward`` False (compensation after a failure) skips the time guard: best effort.
        """
        if forward:
            self._check_time()
        plan = self.get(plan_id)
        if plan is None:
            log("leave.skipped", plan=plan_id, member=member_id, reason="plan does not exist")
            return
        if not is_member(plan, member_id):
            log("leave.skipped", plan=plan_id, member=member_id, reason="not a member")
            return
        log("leave", plan=plan_id, member=member_id)
        try:
            self._update(plan_id, [remove_stage_op(member_id)])
        except ClientError as error:
            if error_code(error) not in {NOT_FOUND, BAD_REQUEST}:
                raise
            plan = self.get(plan_id)
            if plan is None or not is_member(plan, member_id):
                log("leave.skipped", plan=plan_id, member=member_id, reason="already gone")
                return
            # API Gateway refuses to name a stage whose API or stage no longer exists; the entry
            # is left for the platform team rather than failing a stack deletion over it.
            log(
                "leave.refused",
                logging.WARNING,
                plan=plan_id,
                member=member_id,
                code=error_code(error),
                message=str(error),
            )

    def remove_throttles(
        self, plan_id: str, member_id: str, throttles: Iterable[MethodThrottle]
    ) -> None:
        """Drop method overrides; each one already absent is fine."""
        operations = [remove_throttle_op(member_id, throttle) for throttle in throttles]
        if not operations:
            return
        self._check_time()
        log(
            "throttles.remove",
            plan=plan_id,
            member=member_id,
            paths=[o["path"] for o in operations],
        )
        try:
            self._update(plan_id, operations)
        except ClientError as error:
            if error_code(error) not in {NOT_FOUND, BAD_REQUEST}:
                raise
        else:
            return
        # Some override was already gone (and API Gateway applies none of a rejected request):
        # remove them one by one, keeping the ones that can still be removed.
        for operation in operations:
            try:
                self._update(plan_id, [operation])
            except ClientError as error:
                if error_code(error) not in {NOT_FOUND, BAD_REQUEST}:
                    raise
                log("throttles.remove.absent", plan=plan_id, path=operation["path"])

    def _update(self, plan_id: str, operations: list[dict[str, str]]) -> None:
        for attempt in range(1, CONFLICT_ATTEMPTS + 1):
            try:
                self._client.update_usage_plan(usagePlanId=plan_id, patchOperations=operations)
            except ClientError as error:
                if error_code(error) != CONFLICT or attempt == CONFLICT_ATTEMPTS:
                    raise
                log("update.conflict", logging.WARNING, plan=plan_id, attempt=attempt)
                self._sleep(CONFLICT_BACKOFF_SECONDS * attempt)
            else:
                log("update", plan=plan_id, operations=operations)
                return
