"""The gateway file's ``account_quotas``: the account's API Gateway quotas in its region, when
AWS raised them, and the target every value is checked against while the file validates.

Throttles and integration timeouts are checked against the account's quotas in the region:
API Gateway's defaults (10,000 requests per second, a burst of 5,000, integration timeouts of
50 to 29,000 ms) unless ``account_quotas`` states the raised ones (Service Quotas, "Throttle
rate", "Throttle burst rate" and "Maximum integration timeout in milliseconds"; the timeout is
raisable for Regional and private REST APIs, to at most 300,000 ms).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import suppress
from typing import Any

from pydantic import Field, ValidationError

from gateway_stack.models.fields import Section
from gateway_stack.models.numbers import MAX_INT32, Number, Whole
from gateway_stack.models.regions import partition_of
from gateway_stack.models.target import (
    DEFAULT_ACCOUNT_BURST_LIMIT,
    DEFAULT_ACCOUNT_RATE_LIMIT,
    DEFAULT_INTEGRATION_TIMEOUT_MS,
    MAX_RAISED_INTEGRATION_TIMEOUT_MS,
    Quotas,
    Target,
)


class AccountQuotas(Section):
    """The account's API Gateway quotas in the gateway's region, when AWS raised them.

    State only what Service Quotas shows for this account and region: a limit set higher than
    the account's is refused by API Gateway at deploy time (timeouts), or not honoured
    (throttles).
    """

    rate_limit: Number = Field(
        DEFAULT_ACCOUNT_RATE_LIMIT,
        gt=0,
        description="Account-level throttle rate in the region, requests per second. Default: "
        "10,000 (AWS's default in most regions).",
    )
    burst_limit: Whole = Field(
        DEFAULT_ACCOUNT_BURST_LIMIT,
        ge=1,
        le=MAX_INT32,
        description="Account-level burst in the region, in requests. Default: 5,000.",
    )
    integration_timeout_ms: Whole = Field(
        DEFAULT_INTEGRATION_TIMEOUT_MS,
        ge=DEFAULT_INTEGRATION_TIMEOUT_MS,
        le=MAX_RAISED_INTEGRATION_TIMEOUT_MS,
        description="The longest integration timeout the account may set in the region, in ms: "
        "29,000 by default; raisable for Regional and private REST APIs up to 300,000. "
        "Default: 29000.",
    )

    def quotas(self, *, declared: bool) -> Quotas:
        """These quotas, for the checks of the file's values."""
        return Quotas(
            rate_limit=self.rate_limit,
            burst_limit=self.burst_limit,
            integration_timeout_ms=self.integration_timeout_ms,
            declared=declared,
        )


def target_of(data: Any) -> Target:
    """The target a gateway file's raw data states: its account and region when they are valid
    (a wrong one is reported at its own key, and not used to judge other values), the number of
    availability zones, and ``account_quotas`` (AWS's defaults when missing or invalid)."""
    data = data if isinstance(data, Mapping) else {}
    account = data.get("account")
    region = data.get("region")
    partition = partition_of(region) if isinstance(region, str) else None
    zones = data.get("availability_zones")
    quotas = Quotas()
    given = data.get("account_quotas")
    if isinstance(given, Mapping):
        # An invalid section is reported at account_quotas; values are judged by the defaults.
        with suppress(ValidationError):
            quotas = AccountQuotas.model_validate(given).quotas(declared=True)
    return Target(
        account=account
        if isinstance(account, str) and account.isdigit() and len(account) == 12
        else None,
        region=region if partition is not None else None,
        partition=partition,
        zones=len(zones) if isinstance(zones, list | tuple) else 0,
        quotas=quotas,
    )
