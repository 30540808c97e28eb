"""A throttle: API Gateway's token bucket, a steady rate and a burst.

One model for every throttle of the gateway: a stage's default, one route's on the stage, a
tier's per client key (:class:`~gateway_stack.gateway.config.model.Tier` is a throttle with a
quota), a service's override of a tier, and what the route table reads back from a template.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field, field_validator

from gateway_stack.models.fields import Section
from gateway_stack.models.numbers import MAX_INT32, Number, Whole
from gateway_stack.models.target import Quotas, current_quotas, current_target


class Throttle(Section):
    """A rate and burst limit (API Gateway's token bucket).

    API Gateway refills the bucket at ``rate_limit`` requests per second and lets at most
    ``burst_limit`` requests through at once; a request that finds it empty is answered 429.
    Both are targets applied on a best-effort basis, and no throttle can lift a request rate over
    the account's own limit in the region.
    """

    rate_limit: Number = Field(
        gt=0,
        description="Steady-state requests per second (more than 0; fractions allowed; at most "
        "the account's limit in the region, 10,000 unless raised).",
    )
    burst_limit: Whole = Field(
        le=MAX_INT32,
        json_schema_extra={"minimum": 1},
        description="Burst capacity, in requests (a whole number, 1 or more; at most the "
        "account's burst in the region, 5,000 unless raised).",
    )

    @field_validator("rate_limit")
    @classmethod
    def _rate_within_account(cls, value: float) -> float:
        quotas = current_quotas()
        if current_target() is not None and value > quotas.rate_limit:
            raise ValueError(
                f"{value:,g} requests per second is over the account's throttle in the region "
                f"({quotas.rate_limit:,g}, {_whose(quotas)}): no stage, route or client can be "
                "allowed more than the account" + _raise_hint(quotas, "rate_limit")
            )
        return value

    @field_validator("burst_limit")
    @classmethod
    def _burst_within_account(cls, value: int) -> int:
        if value < 1:
            raise ValueError(
                f"a burst of {value} lets no request through (every caller under this throttle "
                "would be answered 429): use 1 or more, usually at least the rate"
            )
        quotas = current_quotas()
        if current_target() is not None and value > quotas.burst_limit:
            raise ValueError(
                f"a burst of {value:,} is over the account's burst in the region "
                f"({quotas.burst_limit:,}, {_whose(quotas)}): no stage, route or client can be "
                "allowed more than the account" + _raise_hint(quotas, "burst_limit")
            )
        return value

    def concern(self) -> str | None:
        """Why these limits may not do what they seem to (a warning, not an error), or None:
        a burst below the rate holds fewer requests than a second's worth, so clients sending
        together are answered 429 below the rate."""
        if self.burst_limit < self.rate_limit:
            return (
                f"burst_limit {self.burst_limit} is below rate_limit {self.rate_limit:g}: the "
                f"bucket holds {self.burst_limit} requests, so more than {self.burst_limit} "
                f"arriving at once are answered 429 even under {self.rate_limit:g} per second; "
                "a burst of at least the rate is the usual setting"
            )
        return None

    def __str__(self) -> str:
        """``50/100``: the rate (``0.5`` stays ``0.5``) and the burst."""
        return f"{self.rate_limit:g}/{self.burst_limit}"


def _whose(quotas: Quotas) -> str:
    return "as account_quotas states it" if quotas.declared else "AWS's default"


def _raise_hint(quotas: Quotas, key: str) -> str:
    if quotas.declared:
        return ""
    return f"; if AWS raised it for this account, state it as account_quotas.{key}"


#: The stage throttle a service API gets when nothing says otherwise: 500 requests per second,
#: bursts of 1000, for all callers together.
DEFAULT_STAGE_THROTTLE = Throttle(rate_limit=500, burst_limit=1000)


def fill_throttle(value: Any, default: Throttle) -> Any:
    """A partly given throttle (``{rate_limit: 100}``) with ``default``'s other value; anything
    else (a whole throttle, a :class:`Throttle`, a mistake for the model to report) unchanged."""
    if isinstance(value, Mapping):
        return {**default.model_dump(), **value}
    return value


def partial_throttle_schema(schema: dict[str, Any], default: Throttle) -> None:
    """Make a throttle field's JSON Schema say that each key may be left out (``default``'s).

    Used as the ``json_schema_extra`` of a field whose keys default one by one: the field holds
    the throttle's schema inline, with no required key and each key's default.
    """
    inline = Throttle.model_json_schema(mode="validation")
    inline.pop("required", None)
    if "description" in schema:
        inline.pop("description", None)
    for name, value in default.model_dump().items():
        inline["properties"][name]["default"] = value
    schema.pop("$ref", None)
    schema.pop("allOf", None)
    schema.update(inline)
