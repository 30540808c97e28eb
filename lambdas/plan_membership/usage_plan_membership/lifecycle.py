"""What Create, Update and Delete do to the usage plans; returns the success to report.

A failure raises (``MembershipError`` with a reason fit for the event, or any other error); the
handler reports it as FAILED with ``failure_physical_id(event)``.

Physical ids: "{RestApiId}:{StageName}" for a membership we manage; ``failed_id(event)`` for a
Create (or replacing Update) that failed, so the Delete CloudFormation sends on rollback is a
no-op. Delete touches the plans only when the physical id is "{RestApiId}:{StageName}" of its
own properties, which holds for every id this function issued as a success.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from usage_plan_membership.clients import AwsClients
from usage_plan_membership.logs import log
from usage_plan_membership.ownership import require_stack_owns_api
from usage_plan_membership.plans import MembershipError, UsagePlans
from usage_plan_membership.properties import (
    InvalidPropertiesError,
    Membership,
    MethodThrottle,
    parse_membership,
    parse_plan_ids,
    raw_member_id,
)

FAILED_ID_PREFIX = "plan-membership-failed-"


@dataclass(frozen=True)
class Outcome:
    """A SUCCESS to report: the physical id and the reason."""

    physical_id: str
    reason: str


def failed_id(event: Mapping[str, Any]) -> str:
    """Recognisable, and holding no ':' it never equals the "{api}:{stage}" Delete acts on."""
    return f"{FAILED_ID_PREFIX}{event.get('RequestId', 'unknown')}"


def failure_physical_id(event: Mapping[str, Any]) -> str:
    """The id to report when processing fails: never one that would make Delete act wrongly."""
    request_type = event.get("RequestType")
    existing = event.get("PhysicalResourceId")
    if request_type == "Delete" and isinstance(existing, str) and existing:
        return existing
    in_place = raw_member_id(event.get("ResourceProperties")) == existing
    if request_type == "Update" and isinstance(existing, str) and existing and in_place:
        return existing  # in place: CloudFormation keeps the resource and rolls back
    return failed_id(event)


class Lifecycle:
    def __init__(self, clients: AwsClients, check_time: Callable[[], None]) -> None:
        self._plans = UsagePlans(clients.apigateway, check_time)
        self._clients = clients  # CloudFormation only for the ownership check: never on Delete
        self._check_time = check_time
        self._joined: tuple[str, list[str]] | None = None  # a create's member id, plans it added

    def process(self, event: Mapping[str, Any]) -> Outcome:
        request_type = event.get("RequestType")
        if request_type == "Create":
            return self._create_like(event, "created")
        if request_type == "Update":
            return self._update(event)
        if request_type == "Delete":
            return self._delete(event)
        raise MembershipError(f"unknown RequestType {request_type!r}")

    # ------------------------------------------------------------ Create
    def _create_like(self, event: Mapping[str, Any], verb: str) -> Outcome:
        """Create, and an Update that replaces the resource (new api or stage)."""
        try:
            membership = parse_membership(event.get("ResourceProperties"))
        except InvalidPropertiesError as error:
            raise MembershipError(f"invalid properties: {error}") from None
        self._require_ownership(event, membership.api_id)
        added: list[str] = []
        try:
            for plan_id in membership.plan_ids:
                if self._plans.join(
                    plan_id, membership.member_id, membership.throttles_for(plan_id)
                ):
                    added.append(plan_id)
        except Exception:
            self._compensate(membership.member_id, added)
            raise
        self._joined = (membership.member_id, added)
        return Outcome(
            membership.member_id,
            f"{membership.member_id} {verb}: member of {len(membership.plan_ids)} usage plan(s)",
        )

    def _require_ownership(self, event: Mapping[str, Any], api_id: str) -> None:
        require_stack_owns_api(
            self._clients.cloudformation, event.get("StackId", ""), api_id, self._check_time
        )

    def abandon(self) -> None:
        """Undo a successful Create whose success could not be reported (FAILED went first).

        CloudFormation then believes the Create failed and its Delete is a no-op, so what this
        Create added must go now. An in-place Update needs nothing: the rollback reverts it.
        """
        if self._joined is not None:
            member_id, added = self._joined
            log("abandon", logging.WARNING, member=member_id, plans=added)
            self._compensate(member_id, added)
            self._joined = None

    def _compensate(self, member_id: str, added: list[str]) -> None:
        """Undo the joins of a failing Create: its rollback Delete will be a no-op."""
        for plan_id in reversed(added):
            try:
                self._plans.leave(plan_id, member_id, forward=False)
            except Exception as error:  # best effort: the failure being reported matters more
                log(
                    "compensate.failed",
                    logging.ERROR,
                    plan=plan_id,
                    member=member_id,
                    error=repr(error),
                )

    # ------------------------------------------------------------ Update
    def _update(self, event: Mapping[str, Any]) -> Outcome:
        existing = str(event.get("PhysicalResourceId", ""))
        try:
            new = parse_membership(event.get("ResourceProperties"))
        except InvalidPropertiesError as error:
            raise MembershipError(f"invalid properties: {error}") from None
        if new.member_id != existing:
            # Replacement: the new id makes CloudFormation delete the old membership in its
            # cleanup phase (or delete this new one if the stack update rolls back).
            log("update.replace", old=existing, new=new.member_id)
            return self._create_like(event, "created (replacing " + existing + ")")
        old = self._old_membership(event, new)
        self._require_ownership(event, new.api_id)
        member_id = new.member_id
        for plan_id in new.plan_ids:  # joins first: a failure half-way removes nothing
            self._plans.join(plan_id, member_id, new.throttles_for(plan_id))
        for plan_id in old.plan_ids:
            if plan_id not in new.plan_ids:
                self._plans.leave(plan_id, member_id)
        for plan_id in new.plan_ids:
            if plan_id in old.plan_ids:
                kept = {t.key for t in new.throttles_for(plan_id)}
                gone = [t for t in old.throttles_for(plan_id) if t.key not in kept]
                self._plans.remove_throttles(plan_id, member_id, gone)
        return Outcome(
            member_id, f"{member_id} updated: member of {len(new.plan_ids)} usage plan(s)"
        )

    @staticmethod
    def _old_membership(event: Mapping[str, Any], new: Membership) -> Membership:
        try:
            return parse_membership(event.get("OldResourceProperties"))
        except InvalidPropertiesError as error:
            # Properties this function once accepted; should a later version reject them, the
            # update (and its rollback) must still go through: only removals are lost.
            log("update.old_properties_invalid", logging.WARNING, error=str(error))
            try:
                plan_ids = parse_plan_ids(event.get("OldResourceProperties"))
            except InvalidPropertiesError:
                plan_ids = ()
            empty: dict[str, tuple[MethodThrottle, ...]] = {}
            return Membership(new.api_id, new.stage, plan_ids, empty)

    # ------------------------------------------------------------ Delete
    def _delete(self, event: Mapping[str, Any]) -> Outcome:
        existing = str(event.get("PhysicalResourceId", ""))
        properties = event.get("ResourceProperties")
        member_id = raw_member_id(properties)
        if member_id is None or existing != member_id or existing.startswith(FAILED_ID_PREFIX):
            log("delete.noop", physical_id=existing, properties_member=member_id)
            return Outcome(existing, f"{existing}: nothing to remove")
        try:
            plan_ids = parse_plan_ids(properties)
        except InvalidPropertiesError as error:
            log("delete.noop", logging.WARNING, physical_id=existing, error=str(error))
            return Outcome(existing, f"{existing}: no valid UsagePlanIds, nothing removed")
        for plan_id in plan_ids:
            self._plans.leave(plan_id, member_id)
        return Outcome(existing, f"{existing} removed from {len(plan_ids)} usage plan(s)")
