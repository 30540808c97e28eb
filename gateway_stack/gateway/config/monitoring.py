"""The gateway file's ``monitoring`` section and each service's ``alarms`` override.

``monitoring.alarms`` holds the alarm thresholds every service gets; a service's ``alarms``
holds the same fields, each optional (left out: the gateway's value), and ``enabled: false`` to
switch that service's alarms off. What each alarm measures is in ``docs/monitoring.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import Field, model_validator

from gateway_stack.gateway.config.issues import Issue
from gateway_stack.models.fields import Section, rule

#: An SNS topic ARN (standard topics only: CloudWatch alarms do not publish to FIFO topics).
SNS_TOPIC_ARN = rule(
    r"^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:[A-Za-z0-9_-]{1,256}$",
    "an SNS topic ARN, arn:aws:sns:<region>:<12-digit account>:<topic name> (not FIFO)",
)

# Field types shared by the defaults and the per-service overrides.
Percent = Annotated[float, Field(gt=0, le=100)]
Requests = Annotated[int, Field(ge=1)]
Milliseconds = Annotated[int, Field(ge=1, le=300_000)]
#: An alarm evaluates at most one day of 5-minute periods.
Periods = Annotated[int, Field(ge=1, le=288)]


def _check_latency(section: AlarmDefaults | ServiceAlarms) -> None:
    if section.latency_p99_ms is not None and section.latency_p99_timeout_percent is not None:
        raise ValueError(
            "give latency_p99_ms (a fixed threshold) or latency_p99_timeout_percent (a share of "
            "the integration timeout), not both"
        )


def _check_datapoints(evaluation_periods: int | None, datapoints_to_alarm: int | None) -> None:
    if (
        evaluation_periods is not None
        and datapoints_to_alarm is not None
        and datapoints_to_alarm > evaluation_periods
    ):
        raise ValueError(
            f"datapoints_to_alarm ({datapoints_to_alarm}) must be at most evaluation_periods "
            f"({evaluation_periods}): an alarm looks at evaluation_periods periods and fires "
            "when datapoints_to_alarm of them breach"
        )


class AlarmDefaults(Section):
    """Alarm thresholds of every service's API (5-minute periods).

    Rates are percentages of the requests of a period; a period with fewer than
    ``min_requests`` requests never breaches, so one error in one request does not page.
    """

    server_error_rate_percent: Percent = Field(
        5, description="5XX responses, % of requests, that alarm. Default: 5."
    )
    client_error_rate_percent: Percent = Field(
        25, description="4XX responses, % of requests, that alarm (a spike). Default: 25."
    )
    latency_p99_timeout_percent: Percent | None = Field(
        None,
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

    @model_validator(mode="after")
    def _consistent(self) -> AlarmDefaults:
        _check_latency(self)
        _check_datapoints(self.evaluation_periods, self.datapoints_to_alarm)
        return self


class ServiceAlarms(Section):
    """One service's alarms: ``enabled: false`` switches them off; any threshold given replaces
    the gateway's (``monitoring.alarms``) for this service."""

    enabled: bool = Field(True, description="Create this service's alarms. Default: yes.")
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
    def _consistent(self) -> ServiceAlarms:
        _check_latency(self)
        _check_datapoints(self.evaluation_periods, self.datapoints_to_alarm)
        return self

    def over(self, defaults: AlarmDefaults) -> AlarmDefaults:
        """The thresholds in force: ``defaults`` with this service's values on top. A service
        that sets either latency field replaces the gateway's latency threshold, whichever way
        the gateway's is given.

        Raises:
            ValueError: the merged ``datapoints_to_alarm`` exceeds ``evaluation_periods``.
        """
        merged = defaults.model_dump(exclude_none=True)
        given = self.model_dump(exclude={"enabled"}, exclude_none=True)
        if given.keys() & {"latency_p99_timeout_percent", "latency_p99_ms"}:
            merged.pop("latency_p99_timeout_percent", None)
            merged.pop("latency_p99_ms", None)
        return AlarmDefaults.model_validate({**merged, **given})


class AuthorizerThresholds(Section):
    """Alarms on the shared authorizer function (in the platform stack), per 5-minute period."""

    errors: Requests = Field(
        1,
        description="Failed invocations (errors other than its 401 answers: crashes, timeouts) "
        "that alarm. Default: 1.",
    )
    throttles: Requests = Field(
        1, description="Throttled invocations (callers get 500) that alarm. Default: 1."
    )


class Monitoring(Section):
    """Dashboards and alarms of the whole gateway."""

    dashboards: bool = Field(
        True,
        description="A gateway-wide dashboard in the platform stack and one per service in its "
        "stack. Default: on.",
    )
    alarm_topic_arn: str | None = Field(
        None,
        pattern=SNS_TOPIC_ARN,
        description="Existing SNS topic every alarm notifies. Default: the platform stack "
        "creates '<name>-<environment>-alarms' (KMS-encrypted, TLS only).",
    )
    alarms: AlarmDefaults = Field(
        default_factory=AlarmDefaults,
        description="Every service's alarm thresholds (a service's 'alarms' overrides them).",
    )
    authorizer_alarms: AuthorizerThresholds = Field(
        default_factory=AuthorizerThresholds,
        description="Alarms on the shared authorizer function.",
    )


def alarm_issues(data: Mapping[str, Any]) -> list[Issue]:
    """Services whose alarm periods contradict each other once merged with the gateway's
    ``monitoring.alarms`` (each section is consistent on its own): checked on the raw file, so
    the error carries the service's line."""
    monitoring = data.get("monitoring")
    defaults = monitoring.get("alarms") if isinstance(monitoring, Mapping) else None
    defaults = defaults if isinstance(defaults, Mapping) else {}
    fields = AlarmDefaults.model_fields
    issues = []
    services = data.get("services")
    for index, service in enumerate(services if isinstance(services, list) else []):
        alarms = service.get("alarms") if isinstance(service, Mapping) else None
        if not isinstance(alarms, Mapping) or alarms.get("enabled") is False:
            continue
        merged = {
            key: alarms.get(key, defaults.get(key, fields[key].default))
            for key in ("evaluation_periods", "datapoints_to_alarm")
        }
        periods, breaching = merged["evaluation_periods"], merged["datapoints_to_alarm"]
        if isinstance(periods, int) and isinstance(breaching, int) and breaching > periods:
            issues.append(
                Issue(
                    ("services", index, "alarms"),
                    f"with monitoring.alarms, datapoints_to_alarm ({breaching}) must be at most "
                    f"evaluation_periods ({periods}): an alarm fires when datapoints_to_alarm "
                    "of evaluation_periods periods breach",
                )
            )
    return issues
