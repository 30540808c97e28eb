"""The ``methodArn`` of a TOKEN authorizer event, parsed and validated."""

from __future__ import annotations

import re
from typing import NamedTuple

from token_authorizer.errors import Unauthenticated

#: HTTP verbs API Gateway REST APIs route (``ANY`` reaches the authorizer as the real verb).
HTTP_VERBS: tuple[str, ...] = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
MAX_METHOD_ARN_CHARS = 1600  # API Gateway answers 414 beyond this

_METHOD_ARN = re.compile(
    r"arn:(?P<partition>aws(?:-[a-z]+){0,3}):execute-api:"
    r"(?P<region>[a-z]{2}(?:-[a-z]+)+-\d{1,2}):"
    r"(?P<account>\d{12}):"
    r"(?P<api_id>[a-z0-9]{10})/"
    r"(?P<stage>[A-Za-z0-9_\-]{1,128})/"
    r"(?P<verb>" + "|".join(HTTP_VERBS) + r")/"
    r"(?P<path>[^\x00-\x1f\x7f]*)",
)


class MethodArn(NamedTuple):
    """``arn:{partition}:execute-api:{region}:{account}:{api_id}/{stage}/{verb}/{path}``.

    (A NamedTuple rather than a frozen dataclass: built on every call, it is cheaper.)
    """

    partition: str
    region: str
    account: str
    api_id: str
    stage: str
    verb: str
    path: str

    @property
    def stage_prefix(self) -> str:
        """The ARN up to and including ``{stage}/``; policy resources append ``VERB/path``."""
        return (
            f"arn:{self.partition}:execute-api:{self.region}:{self.account}:"
            f"{self.api_id}/{self.stage}/"
        )

    @property
    def route_string(self) -> str:
        """``VERB/path`` as it appears after the stage in the ARN (root is ``GET/``)."""
        return f"{self.verb}/{self.path}"


def parse_method_arn(value: object) -> MethodArn:
    """Parse ``value`` or raise ``Unauthenticated("bad_method_arn")``."""
    if not isinstance(value, str) or len(value) > MAX_METHOD_ARN_CHARS:
        raise Unauthenticated("bad_method_arn")
    match = _METHOD_ARN.fullmatch(value)
    if match is None:
        raise Unauthenticated("bad_method_arn")
    return MethodArn(*match.groups())
