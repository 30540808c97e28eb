"""A usage plan's per-stage throttle override, as :class:`UsagePlanMembership` takes it.

Plain data (no CDK import), so the gateway's plan can resolve overrides before any construct
exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway_stack.models.throttle import Throttle

#: The override's method key: every resource and method of the stage.
WHOLE_STAGE = "/*/*"


@dataclass(frozen=True)
class PlanThrottle:
    """Limits that replace a plan's own on some methods of this stage.

    Attributes:
        throttle: the rate and burst.
        methods: ``/<resource path>/<METHOD>`` keys (``*`` for any method); ``/*/*`` is the
            whole stage. Default: the whole stage.
    """

    throttle: Throttle
    methods: tuple[str, ...] = (WHOLE_STAGE,)


def method_key(method: str, path: str) -> str:
    """A route's key in a usage plan's throttle map: ``/items/{sku}/GET`` (ANY is ``*``)."""
    return f"{path.rstrip('/')}/{'*' if method == 'ANY' else method}"
