"""boto3 clients created lazily, once per container, with short timeouts and few retries.

boto3 is imported on first use only: a request rejected for its token never pays for it.
Worst case per AWS call: 2 attempts x (1 s connect + 2 s read) plus a short backoff.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CONNECT_TIMEOUT_SECONDS = 1.0
READ_TIMEOUT_SECONDS = 2.0
MAX_ATTEMPTS = 2  # the first call and one retry ("standard" retry mode)


def new_session() -> Any:
    """A boto3 session (a seam for tests, which share one to avoid reloading service models)."""
    import boto3

    return boto3.session.Session()


def error_code(error: BaseException) -> str:
    """The AWS error code of ``error`` (``response["Error"]["Code"]``), else its type name."""
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        if isinstance(code, str):
            return code
    return type(error).__name__


class AwsClients:
    """One boto3 session, and one client per service name from it, all created on first use.

    ``before_first_client`` runs once, before the session exists (tracer patching).
    """

    def __init__(self, before_first_client: Callable[[], None] | None = None) -> None:
        self._session: Any = None
        self._clients: dict[str, Any] = {}
        self._before_first_client = before_first_client

    def get(self, service: str) -> Any:
        client = self._clients.get(service)
        if client is None:
            if self._before_first_client is not None:
                hook, self._before_first_client = self._before_first_client, None
                hook()
            from botocore.config import Config

            config = Config(
                connect_timeout=CONNECT_TIMEOUT_SECONDS,
                read_timeout=READ_TIMEOUT_SECONDS,
                retries={"total_max_attempts": MAX_ATTEMPTS, "mode": "standard"},
            )
            if self._session is None:
                self._session = new_session()
            client = self._session.client(service, config=config)
            self._clients[service] = client
        return client
