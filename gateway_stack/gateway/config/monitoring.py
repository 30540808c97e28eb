"""The gateway file's ``monitoring`` section and each service's ``alarms`` override.

``monitoring.alarms`` holds the alarm thresholds every service gets
(:class:`~gateway_stack.models.alarms.AlarmThresholds`, the model ``ServiceMonitoring`` takes); a
service's ``alarms`` holds the same thresholds, each optional (left out: the gateway's value), and
``enabled: false`` to switch that service's alarms off. What each alarm measures is in
``docs/monitoring.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field, field_validator, model_validator

from gateway_stack.gateway.config.issues import Issue
from gateway_stack.models.alarms import AlarmOverrides, AlarmThresholds, Requests
from gateway_stack.models.arns import SECRET, SNS_TOPIC, arn_problem
from gateway_stack.models.fields import Section, rule
from gateway_stack.models.numbers import Switch, Whole

#: An SNS topic ARN (standard topics only: CloudWatch alarms do not publish to FIFO topics).
SNS_TOPIC_ARN = rule(
    r"^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:[A-Za-z0-9_-]{1,256}$",
    "an SNS topic ARN, arn:aws:sns:<region>:<12-digit account>:<topic name> (not FIFO)",
)


class ServiceAlarms(AlarmOverrides):
    """One service's alarms: ``enabled: false`` switches them off; any threshold given replaces
    the gateway's (``monitoring.alarms``) for this service."""

    enabled: Switch = Field(True, description="Create this service's alarms. Default: yes.")

    def over(self, defaults: AlarmThresholds) -> AlarmThresholds:
        """The thresholds in force: ``defaults`` with this service's values on top
        (:meth:`AlarmThresholds.with_overrides`).

        Raises:
            pydantic.ValidationError: the merged ``datapoints_to_alarm`` exceeds
                ``evaluation_periods``.
        """
        return defaults.with_overrides(self)


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


#: A Secrets Manager secret ARN.
SECRET_ARN = rule(
    r"^arn:aws[a-z-]*:secretsmanager:[a-z]{2}(-[a-z]+)+-\d+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+-"
    r"[A-Za-z0-9]{6}$",
    "a Secrets Manager secret ARN, arn:aws:secretsmanager:<region>:<12-digit account>:secret:"
    "<name>-<6 characters>",
)


class Canaries(Section):
    """Synthetic canaries (CloudWatch Synthetics): one per service, in the service's stack, running
    the smoke checks on a schedule with a test client's token (``docs/canaries.md``).

    The canary gets its token by OAuth2's client-credentials grant: it reads ``client_id`` and
    ``client_secret`` from the secret (a JSON object) and posts to ``token_url`` with HTTP Basic
    client authentication.
    """

    enabled: Switch = Field(
        False, description="A canary per service. Default: off (each canary costs per run)."
    )
    rate_minutes: Whole = Field(
        5,
        ge=1,
        le=60,
        description="Minutes between runs, 1-60 (CloudWatch Synthetics' rate schedules). "
        "Default: 5.",
    )
    credentials_secret_arn: str | None = Field(
        None,
        json_schema_extra={"pattern": SECRET_ARN},
        description="Existing Secrets Manager secret (in the gateway's account and region) "
        'holding the test client\'s credentials as JSON: {"client_id": ..., '
        '"client_secret": ...}. Required when enabled.',
    )
    token_url: str | None = Field(
        None,
        pattern=rule(r"^https://\S+$", "an https:// URL"),
        description="The identity provider's OAuth2 token endpoint (client-credentials grant). "
        "Required when enabled.",
    )
    scopes: tuple[str, ...] = Field(
        (),
        description="Scopes the canary asks the token endpoint for (its 'scope' parameter). "
        "Default: none (the client's default scopes).",
    )

    @field_validator("credentials_secret_arn")
    @classmethod
    def _secret(cls, value: str | None) -> str | None:
        problem = arn_problem(value, SECRET) if value is not None else None
        if problem:
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _complete(self) -> Canaries:
        if self.enabled:
            missing = [
                key for key in ("credentials_secret_arn", "token_url") if getattr(self, key) is None
            ]
            if missing:
                raise ValueError(
                    f"enabled canaries need {' and '.join(missing)}: the canary gets its test "
                    "client's token from the token URL with the secret's credentials"
                )
        return self


class Monitoring(Section):
    """Dashboards and alarms of the whole gateway."""

    dashboards: Switch = Field(
        True,
        description="A gateway-wide dashboard in the platform stack and one per service in its "
        "stack. Default: on.",
    )
    alarm_topic_arn: str | None = Field(
        None,
        json_schema_extra={"pattern": SNS_TOPIC_ARN},
        description="Existing SNS topic every alarm notifies. Default: the platform stack "
        "creates '<name>-<environment>-alarms' (KMS-encrypted, TLS only).",
    )
    alarms: AlarmThresholds = Field(
        default_factory=AlarmThresholds,
        description="Every service's alarm thresholds (a service's 'alarms' overrides them).",
    )
    authorizer_alarms: AuthorizerThresholds = Field(
        default_factory=AuthorizerThresholds,
        description="Alarms on the shared authorizer function.",
    )
    canaries: Canaries = Field(
        default_factory=Canaries,
        description="Synthetic canaries running the smoke checks on a schedule. Default: off.",
    )

    @field_validator("alarm_topic_arn")
    @classmethod
    def _topic(cls, value: str | None) -> str | None:
        problem = arn_problem(value, SNS_TOPIC) if value is not None else None
        if problem:
            raise ValueError(problem)
        return value


def alarm_issues(data: Mapping[str, Any]) -> list[Issue]:
    """Services whose alarm periods contradict each other once merged with the gateway's
    ``monitoring.alarms`` (each section is consistent on its own): checked on the raw file, so
    the error carries the service's line."""
    monitoring = data.get("monitoring")
    defaults = monitoring.get("alarms") if isinstance(monitoring, Mapping) else None
    defaults = defaults if isinstance(defaults, Mapping) else {}
    fields = AlarmThresholds.model_fields
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
