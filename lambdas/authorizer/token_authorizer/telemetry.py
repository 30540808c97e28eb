"""Powertools logger, metrics and tracer, with defaults that never break a request.

Tracing needs the ``aws-xray-sdk`` package (pinned in requirements.txt). The X-Ray SDK imports
botocore, about 300 ms, so the tracer is built on the first invocation rather than at import
(:class:`LazyTracer`): the module's cold import stays small, and the first call pays it together
with the boto3 import its API-key lookup needs anyway. Without the SDK, or if Powertools'
``Tracer()`` fails, the authorizer runs with a no-op tracer and logs that once. botocore is
patched for X-Ray when the first AWS client is created.
"""

from __future__ import annotations

import contextlib
import importlib.util
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

COUNT = MetricUnit.Count


class NoopTracer:
    """The subset of Powertools' ``Tracer`` the authorizer uses, doing nothing."""

    disabled = True

    def capture_lambda_handler(
        self, lambda_handler: Callable[..., Any] | None = None, **_: Any
    ) -> Any:
        if lambda_handler is None:
            return lambda function: function
        return lambda_handler

    def patch(self, modules: Any = None) -> None:
        return None


def make_logger(service: str) -> Logger:
    return Logger(service=service)


def make_metrics(namespace: str, service: str) -> Metrics:
    return Metrics(namespace=namespace, service=service)


class LazyTracer:
    """A tracer built on first use: ``capture_lambda_handler`` decorates at import, traces from
    the first call on."""

    def __init__(self, service: str, logger: Any):
        self._service = service
        self._logger = logger
        self._tracer: Any = None

    @property
    def tracer(self) -> Any:
        """The real tracer (Powertools', or the no-op one), built on first access."""
        if self._tracer is None:
            self._tracer = make_tracer(self._service, self._logger)
        return self._tracer

    @property
    def disabled(self) -> bool:
        return bool(getattr(self.tracer, "disabled", True))

    def capture_lambda_handler(self, lambda_handler: Any = None, **options: Any) -> Any:
        if lambda_handler is None:
            return lambda function: self.capture_lambda_handler(function, **options)
        traced: list[Callable[..., Any]] = []

        def handler(event: Any, context: Any) -> Any:
            if not traced:
                traced.append(self.tracer.capture_lambda_handler(lambda_handler, **options))
            return traced[0](event, context)

        return handler

    def patch(self, modules: Any = None) -> None:
        self.tracer.patch(modules=modules)


def make_tracer(service: str, logger: Logger) -> Any:
    if importlib.util.find_spec("aws_xray_sdk") is None:
        logger.debug("aws-xray-sdk is not installed: tracing is disabled")
        return NoopTracer()
    from aws_lambda_powertools import Tracer

    try:
        return Tracer(service=service, auto_patch=False)
    except Exception:  # a broken tracer must not stop the authorizer
        logger.warning("the X-Ray tracer could not start: tracing is disabled")
        return NoopTracer()


def botocore_patcher(tracer: Any) -> Callable[[], None]:
    """A hook that patches botocore for X-Ray (run before the first AWS client is created)."""

    def patch() -> None:
        if getattr(tracer, "disabled", True):
            return
        with contextlib.suppress(Exception):  # tracing is best effort
            tracer.patch(modules=("botocore",))

    return patch
