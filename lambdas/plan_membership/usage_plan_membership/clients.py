"""boto3 clients created lazily, once per container, with short timeouts and standard retries.

Worst case per AWS call: 3 attempts x (2 s connect + 5 s read) plus standard-mode backoff.
"""

from __future__ import annotations

from typing import Any

CONNECT_TIMEOUT_SECONDS = 2.0
READ_TIMEOUT_SECONDS = 5.0
MAX_ATTEMPTS = 3  # the first call and two retries ("standard" retry mode)


def new_session() -> Any:
    """A boto3 session (a seam: tests share one so service models load once)."""
    import boto3

    return boto3.session.Session()


class AwsClients:
    """One boto3 session, and one client per service name from it, for the life of the container.

    Both are created on first use. ``override`` is the seam for tests (a Stubber-wrapped or fake
    client per service).
    """

    def __init__(self) -> None:
        self._session: Any = None
        self._clients: dict[str, Any] = {}

    def get(self, service: str) -> Any:
        client = self._clients.get(service)
        if client is None:
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

    @property
    def apigateway(self) -> Any:
        return self.get("apigateway")

    @property
    def cloudformation(self) -> Any:
        return self.get("cloudformation")

    def override(self, service: str, client: Any) -> None:
        self._clients[service] = client

    def reset(self) -> None:
        """Forget the session and every client (tests)."""
        self._session = None
        self._clients.clear()
