"""The one error type a user of the gateway app sees: messages, never a stack trace."""

from __future__ import annotations

from collections.abc import Iterable


class GatewayStackError(Exception):
    """A problem the user must fix, as one or more messages that name the file, field and rule.

    The app prints ``messages`` one per line and exits 1; library users catch this type.
    """

    def __init__(self, messages: Iterable[str]):
        self.messages: tuple[str, ...] = tuple(messages)
        super().__init__("\n".join(self.messages))
