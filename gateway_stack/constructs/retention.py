"""CloudWatch Logs retention periods: the gateway file's days as CDK's ``RetentionDays``."""

from __future__ import annotations

from aws_cdk.aws_logs import RetentionDays

_BY_DAYS: dict[int, RetentionDays] = {
    1: RetentionDays.ONE_DAY,
    3: RetentionDays.THREE_DAYS,
    5: RetentionDays.FIVE_DAYS,
    7: RetentionDays.ONE_WEEK,
    14: RetentionDays.TWO_WEEKS,
    30: RetentionDays.ONE_MONTH,
    60: RetentionDays.TWO_MONTHS,
    90: RetentionDays.THREE_MONTHS,
    120: RetentionDays.FOUR_MONTHS,
    150: RetentionDays.FIVE_MONTHS,
    180: RetentionDays.SIX_MONTHS,
    365: RetentionDays.ONE_YEAR,
    400: RetentionDays.THIRTEEN_MONTHS,
    545: RetentionDays.EIGHTEEN_MONTHS,
    731: RetentionDays.TWO_YEARS,
    1096: RetentionDays.THREE_YEARS,
    1827: RetentionDays.FIVE_YEARS,
    2192: RetentionDays.SIX_YEARS,
    2557: RetentionDays.SEVEN_YEARS,
    2922: RetentionDays.EIGHT_YEARS,
    3288: RetentionDays.NINE_YEARS,
    3653: RetentionDays.TEN_YEARS,
}

#: The retention periods CloudWatch Logs accepts, in days.
RETENTION_PERIODS: tuple[int, ...] = tuple(_BY_DAYS)


def retention_days(days: int) -> RetentionDays:
    """The ``RetentionDays`` for ``days``.

    Raises:
        ValueError: CloudWatch Logs has no retention period of that many days.
    """
    try:
        return _BY_DAYS[days]
    except KeyError:
        raise ValueError(
            f"{days} days is not a CloudWatch Logs retention period; use one of "
            + ", ".join(map(str, RETENTION_PERIODS))
        ) from None
