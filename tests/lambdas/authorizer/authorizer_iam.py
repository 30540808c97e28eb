"""A small IAM-style evaluator for execute-api policies, written independently of the code.

``*`` matches any run of characters (``/`` included), ``?`` one character; an explicit Deny
overrides any Allow; no matching Allow means deny.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=4096)
def _compile(pattern: str) -> re.Pattern[str]:
    parts = []
    for char in pattern:
        parts.append(".*" if char == "*" else "." if char == "?" else re.escape(char))
    return re.compile("".join(parts), re.DOTALL)


def resource_matches(pattern: str, arn: str) -> bool:
    return _compile(pattern).fullmatch(arn) is not None


def evaluate(response: dict[str, Any], arn: str) -> bool:
    """True when the authorizer response lets a request for ``arn`` through."""
    allowed = False
    for statement in response["policyDocument"]["Statement"]:
        assert statement["Action"] == "execute-api:Invoke"
        resources = statement["Resource"]
        if isinstance(resources, str):
            resources = [resources]
        if any(resource_matches(r, arn) for r in resources):
            if statement["Effect"] == "Deny":
                return False
            if statement["Effect"] == "Allow":
                allowed = True
    return allowed
