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


class Throttle(Section):
    """A rate and burst limit (API Gateway's token bucket).

    API Gateway refills the bucket at ``rate_limit`` requests per second and lets at most
    ``burst_limit`` requests through at once; a request that finds it empty is answered 429.
    Both are targets applied on a best-effort basis, and no throttle can lift a request rate over
    the account's own limit in the region.
    """

    rate_limit: float = Field(
        gt=0,
        allow_inf_nan=False,
        description="Steady-state requests per second (more than 0; fractions allowed).",
    )
    burst_limit: int = Field(
        ge=0, description="Burst capacity, in requests (a whole number, 0 or more)."
    )

    @field_validator("rate_limit", "burst_limit", mode="before")
    @classmethod
    def _not_a_boolean(cls, value: Any) -> Any:
        # pydantic would read true as 1: in a limit it is a mistake, not a number.
        if isinstance(value, bool):
            raise ValueError(f"a number, not {str(value).lower()}")
        return value

    def __str__(self) -> str:
        """``50/100``: the rate (``0.5`` stays ``0.5``) and the burst."""
        return f"{self.rate_limit:g}/{self.burst_limit}"


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
