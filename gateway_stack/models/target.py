"""Where a gateway file deploys, while it is being validated: its account, region and the
account's API Gateway quotas there.

Some values are right or wrong only against the gateway's own account and region: a REGIONAL
certificate must be in the gateway's region, a load balancer in its account and region, a
throttle within the account's limit. Those values sit deep in the file (``domain``, a tier, a
route), and each is checked by its own field's validator, so that an error names that field and
its line. :func:`deploying_to` makes the gateway's target known to those validators while the
``Gateway`` model validates (pydantic validates a model's fields in one call, in one thread);
:func:`current_target` reads it. Outside a gateway file (a model built in code, a throttle
read back from a template) there is no target: the account, region and throttle checks are
skipped, and integration timeouts are judged by API Gateway's default ceiling.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

#: API Gateway's default REST integration timeout ceiling (raisable for Regional and private
#: APIs since June 2024, up to 300,000 ms).
DEFAULT_INTEGRATION_TIMEOUT_MS = 29_000
MAX_RAISED_INTEGRATION_TIMEOUT_MS = 300_000
MIN_INTEGRATION_TIMEOUT_MS = 50
#: API Gateway's default account-level throttle per region (requests per second, burst).
DEFAULT_ACCOUNT_RATE_LIMIT = 10_000
DEFAULT_ACCOUNT_BURST_LIMIT = 5_000


@dataclass(frozen=True)
class Quotas:
    """The account's API Gateway quotas in the region that values are checked against.

    Attributes:
        rate_limit: account-level steady-state requests per second. Default: 10,000.
        burst_limit: account-level burst. Default: 5,000.
        integration_timeout_ms: the longest integration timeout allowed. Default: 29,000.
        declared: whether the gateway file states them (messages say how to when not).
            Default: no.
    """

    rate_limit: float = DEFAULT_ACCOUNT_RATE_LIMIT
    burst_limit: int = DEFAULT_ACCOUNT_BURST_LIMIT
    integration_timeout_ms: int = DEFAULT_INTEGRATION_TIMEOUT_MS
    declared: bool = False


@dataclass(frozen=True)
class Target:
    """The account and region a gateway file deploys to, as far as the file states them.

    Attributes:
        account: the 12-digit account id, or None when the file's is missing or malformed.
        region: the region code, or None when the file's is missing or not a known region.
        partition: the region's partition (aws, aws-cn, aws-us-gov), or None.
        zones: how many availability zones the file lists. Default: 0.
        quotas: the account's quotas in the region. Default: AWS's defaults.
    """

    account: str | None
    region: str | None
    partition: str | None
    zones: int = 0
    quotas: Quotas = field(default_factory=Quotas)


_TARGET: ContextVar[Target | None] = ContextVar("gateway_stack_target", default=None)


@contextmanager
def deploying_to(target: Target) -> Iterator[Target]:
    """Make ``target`` the current one for the validators run inside the ``with`` block."""
    token = _TARGET.set(target)
    try:
        yield target
    finally:
        _TARGET.reset(token)


def current_target() -> Target | None:
    """The gateway file's target while it validates, else None (a model built in code)."""
    return _TARGET.get()


def current_quotas() -> Quotas:
    """The quotas values are checked against: the gateway file's, else AWS's defaults."""
    target = _TARGET.get()
    return target.quotas if target is not None else Quotas()
