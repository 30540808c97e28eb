"""Private error types. Only the handler boundary turns them into API Gateway answers."""

from __future__ import annotations


class AuthorizerError(Exception):
    """Base class; ``reason`` is a short machine-readable code that is safe to log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Unauthenticated(AuthorizerError):
    """The request carries no acceptable token: the handler answers 401 (``Unauthorized``)."""


class AccessDenied(AuthorizerError):
    """The token is genuine but may not use this API: the handler answers with a Deny policy."""


class KeyUnavailable(Unauthenticated):
    """No key from the configured JWKS can verify the token (unknown kid, IdP down, mismatch)."""


class LookupFailed(AuthorizerError):
    """An AWS lookup (API key, permission map) failed and no usable cached answer exists.

    Neither a 401 nor a Deny by itself: the decision turns it into a Deny with its reason.
    """
