"""Alarm thresholds of a service API: one model, its defaults stated once.

:class:`AlarmThresholds` is what ``ServiceMonitoring`` takes (a service team builds it in code)
and what the gateway file's ``monitoring.alarms`` holds. :class:`AlarmOverrides` is a partial set
of the same thresholds (a service's ``alarms`` in the gateway file), merged over the gateway's
with :meth:`AlarmThresholds.with_overrides`. What each alarm measures: ``docs/monitoring.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import Field, model_validator

from gateway_stack.models.fields import Section
from gateway_stack.models.numbers import MAX_INT32, Number, Whole

#: An alarm evaluates at most one day of 5-minute periods.
MAX_EVALUATION_PERIODS = 288
#: The p99 latency that alarms, as a % of the integration timeout, when no threshold is given.
DEFAULT_LATENCY_TIMEOUT_PERCENT = 80.0

# The rules of each threshold, shared by the thresholds and the overrides.
Percent = Annotated[Number, Field(gt=0, le=100)]
Requests = Annotated[Whole, Field(ge=1, le=MAX_INT32)]
Milliseconds = Annotated[Whole, Field(ge=1, le=300_000)]
Periods = Annotated[Whole, Field(ge=1, le=MAX_EVALUATION_PERIODS)]

_LATENCY_FIELDS = ("latency_p99_timeout_percent", "latency_p99_ms")
_BOTH_LATENCIES = (
    "give latency_p99_ms (a fixed threshold) or latency_p99_timeout_percent (a share of the "
    "integration timeout), not both"
)


def datapoints_problem(evaluation_periods: int | None, datapoints_to_alarm: int | None) -> str:
    """Why ``datapoints_to_alarm`` cannot go with ``evaluation_periods``, or ``""``."""
    if (
        evaluation_periods is not None
        and datapoints_to_alarm is not None
        and datapoints_to_alarm > evaluation_periods
    ):
        return (
            f"datapoints_to_alarm ({datapoints_to_alarm}) must be at most evaluation_periods "
            f"({evaluation_periods}): an alarm looks at evaluation_periods periods and fires "
            "when datapoints_to_alarm of them breach"
        )
    return ""


class AlarmThresholds(Section):
    """Thresholds of a service API's alarms, judged over 5-minute periods.

    Rates are percentages of a period's requests; a period with fewer than ``min_requests``
    requests never breaches, so one error in one request does not page. The p99 latency
    threshold is either a share of the API's longest integration timeout
    (``latency_p99_timeout_percent``) or a fixed value (``latency_p99_ms``), not both. A value
    outside its range, both latency thresholds, or more ``datapoints_to_alarm`` than
    ``evaluation_periods`` is refused with a ``ValueError`` (pydantic's ``ValidationError``)
    naming the field and the rule.
    """

    server_error_rate_percent: Percent = Field(
        5, description="5XX responses, % of requests, that alarm. Default: 5."
    )
    client_error_rate_percent: Percent = Field(
        25, description="4XX responses, % of requests, that alarm (a spike). Default: 25."
    )
    latency_p99_timeout_percent: Percent | None = Field(
        DEFAULT_LATENCY_TIMEOUT_PERCENT,
        description="p99 latency that alarms, as a % of the API's integration timeout (its "
        "longest). Default: 80, unless latency_p99_ms is set.",
    )
    latency_p99_ms: Milliseconds | None = Field(
        None,
        description="p99 latency that alarms, in ms, instead of latency_p99_timeout_percent "
        "(not both). At most the API's integration timeout. Default: none.",
    )
    min_requests: Requests = Field(
        50, description="Requests a 5-minute period needs before any alarm judges it. Default: 50."
    )
    evaluation_periods: Periods = Field(
        3, description="5-minute periods each alarm looks at, 1-288. Default: 3."
    )
    datapoints_to_alarm: Periods = Field(
        2,
        description="Breaching periods, of evaluation_periods, that fire an alarm. Default: 2.",
    )

    @model_validator(mode="before")
    @classmethod
    def _one_latency_threshold(cls, data: Any) -> Any:
        """A fixed latency threshold replaces the default share of the timeout; both given is
        a mistake."""
        if isinstance(data, Mapping) and data.get("latency_p99_ms") is not None:
            if data.get("latency_p99_timeout_percent") is not None:
                raise ValueError(_BOTH_LATENCIES)
            return {**data, "latency_p99_timeout_percent": None}
        return data

    @model_validator(mode="after")
    def _datapoints_within_periods(self) -> AlarmThresholds:
        problem = datapoints_problem(self.evaluation_periods, self.datapoints_to_alarm)
        if problem:
            raise ValueError(problem)
        return self

    def with_overrides(self, overrides: AlarmOverrides) -> AlarmThresholds:
        """These thresholds with ``overrides``' values on top. Overrides that set either latency
        field replace this latency threshold, whichever way it is given.

        Raises:
            pydantic.ValidationError: the merged values contradict each other (more
                ``datapoints_to_alarm`` than ``evaluation_periods``).
        """
        given = overrides.given()
        merged = self.model_dump()
        if given.keys() & set(_LATENCY_FIELDS):
            for name in _LATENCY_FIELDS:
                merged[name] = None
        return AlarmThresholds.model_validate({**merged, **given})

    def latency_threshold_ms(self, integration_timeout_ms: int) -> float:
        """The p99 latency that alarms, for an API whose longest integration timeout is
        ``integration_timeout_ms``.

        Raises:
            ValueError: ``latency_p99_ms`` is over the timeout: requests would time out (504)
                before the alarm could fire.
        """
        if self.latency_p99_ms is None:
            percent = self.latency_p99_timeout_percent or DEFAULT_LATENCY_TIMEOUT_PERCENT
            return round(integration_timeout_ms * percent / 100, 1)
        if self.latency_p99_ms > integration_timeout_ms:
            raise ValueError(
                f"latency_p99_ms: {self.latency_p99_ms} ms is over the API's integration "
                f"timeout ({integration_timeout_ms} ms): requests time out before the alarm "
                f"could fire; set at most {integration_timeout_ms}"
            )
        return float(self.latency_p99_ms)


class AlarmOverrides(Section):
    """Some of :class:`AlarmThresholds`, each left out keeping the value it is merged over
    (:meth:`AlarmThresholds.with_overrides`). The same rules apply to each value given."""

    server_error_rate_percent: Percent | None = Field(
        None, description="5XX rate (%) that alarms. Default: the gateway's."
    )
    client_error_rate_percent: Percent | None = Field(
        None, description="4XX rate (%) that alarms. Default: the gateway's."
    )
    latency_p99_timeout_percent: Percent | None = Field(
        None, description="p99 latency that alarms, % of the timeout. Default: the gateway's."
    )
    latency_p99_ms: Milliseconds | None = Field(
        None, description="p99 latency that alarms, in ms. Default: the gateway's."
    )
    min_requests: Requests | None = Field(
        None, description="Requests a period needs to be judged. Default: the gateway's."
    )
    evaluation_periods: Periods | None = Field(
        None, description="5-minute periods each alarm looks at. Default: the gateway's."
    )
    datapoints_to_alarm: Periods | None = Field(
        None, description="Breaching periods that fire an alarm. Default: the gateway's."
    )

    @model_validator(mode="after")
    def _consistent(self) -> AlarmOverrides:
        if self.latency_p99_ms is not None and self.latency_p99_timeout_percent is not None:
            raise ValueError(_BOTH_LATENCIES)
        problem = datapoints_problem(self.evaluation_periods, self.datapoints_to_alarm)
        if problem:
            raise ValueError(problem)
        return self

    def given(self) -> dict[str, Any]:
        """The thresholds these overrides set (by name), without the ones left out."""
        return {
            name: getattr(self, name)
            for name in AlarmThresholds.model_fields
            if getattr(self, name) is not None
        }
