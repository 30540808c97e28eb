"""An operation's ``x-gateway-stack`` object: the route settings a service team may give it
(:class:`~gateway_stack.openapi.routes.RouteOptions`), every value of the type it must have."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from gateway_stack.models.fields import described
from gateway_stack.models.throttle import Throttle
from gateway_stack.openapi.integration import MAX_INTEGRATION_TIMEOUT_MS, check_timeout
from gateway_stack.openapi.pointers import short
from gateway_stack.openapi.routes import RouteOptions

#: The settings an operation's ``x-gateway-stack`` may hold.
OPTION_KEYS = frozenset({"mock", "throttle", "cache_ttl_seconds", "timeout_ms", "scopes"})


class OptionError(ValueError):
    """An ``x-gateway-stack`` setting that is wrong, and its key."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


def route_options(
    extension: Any, timeout_limit_ms: int = MAX_INTEGRATION_TIMEOUT_MS
) -> RouteOptions:
    """An operation's ``x-gateway-stack`` object as :class:`RouteOptions`, every value of the
    type it must have (``"false"`` is not a boolean, ``5000.7`` not a whole number).

    Args:
        extension: the ``x-gateway-stack`` value (``None`` when the operation has none).
        timeout_limit_ms: the longest ``timeout_ms`` allowed: the account's integration timeout
            ceiling. Default: API Gateway's 29,000 ms.

    Raises:
        OptionError: a setting is unknown or of the wrong type or range.
    """
    if extension is None:
        return RouteOptions()
    if not isinstance(extension, dict):
        raise OptionError("", "must be a mapping of " + ", ".join(sorted(OPTION_KEYS)))
    unknown = set(extension) - OPTION_KEYS
    if unknown:
        raise OptionError(
            "",
            f"unknown setting {', '.join(sorted(map(str, unknown)))}; allowed: "
            + ", ".join(sorted(OPTION_KEYS)),
        )
    throttle = extension.get("throttle")
    if throttle is not None:
        if not isinstance(throttle, dict):
            raise OptionError("throttle", "a mapping of rate_limit and burst_limit")
        try:
            throttle = Throttle.model_validate(throttle)
        except ValidationError as error:
            raise OptionError("throttle", described(error)) from None
    timeout = _whole_number(extension.get("timeout_ms"), "timeout_ms", "milliseconds")
    if timeout is not None:
        try:
            check_timeout(timeout, "timeout_ms", timeout_limit_ms)
        except ValueError as error:
            raise OptionError("timeout_ms", str(error).removeprefix("timeout_ms: ")) from None
    scopes = extension.get("scopes", ())
    if not isinstance(scopes, list | tuple) or not all(isinstance(s, str) for s in scopes):
        raise OptionError("scopes", f"a list of scope names, not {short(scopes)}")
    mock = extension.get("mock", False)
    if not isinstance(mock, bool):
        raise OptionError("mock", f"true or false, not {short(mock)}")
    ttl = _whole_number(extension.get("cache_ttl_seconds"), "cache_ttl_seconds", "seconds")
    try:
        return RouteOptions(
            throttle=throttle,
            cache_ttl_seconds=ttl,
            timeout_ms=timeout,
            scopes=tuple(scopes),
            mock=mock,
        )
    except ValueError as error:
        raise OptionError("cache_ttl_seconds", str(error).split(": ", 1)[-1]) from None


def options_extension(options: RouteOptions) -> dict[str, Any]:
    """:class:`RouteOptions` written back as ``x-gateway-stack`` (for route lists)."""
    extension: dict[str, Any] = {"mock": options.mock, "scopes": list(options.scopes)}
    if options.throttle is not None:
        extension["throttle"] = {
            "rate_limit": options.throttle.rate_limit,
            "burst_limit": options.throttle.burst_limit,
        }
    if options.cache_ttl_seconds is not None:
        extension["cache_ttl_seconds"] = options.cache_ttl_seconds
    if options.timeout_ms is not None:
        extension["timeout_ms"] = options.timeout_ms
    return extension


def _whole_number(value: Any, key: str, unit: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise OptionError(key, f"a whole number of {unit}, not {short(value)}")
    return value
