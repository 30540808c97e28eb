"""The ``methodArn`` of a TOKEN authorizer event, validated, as Powertools' ``APIGatewayRouteArn``.

Powertools' ``parse_api_gateway_arn`` is not used to read it: it splits the ARN at every ``:``
(so a request path holding ``:``, as in ``/items/urn:isbn:1``, loses everything after it),
validates nothing (a malformed ARN raises ``IndexError`` or yields any fields at all, where API
Gateway must answer 401) and strips the path's leading ``/``. One anchored regex validates every
part instead; the parts then build Powertools' type, with the path kept as sent.
"""

from __future__ import annotations

import re

from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayRouteArn,
)

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


class MethodArn(APIGatewayRouteArn):
    """``arn:{partition}:execute-api:{region}:{account}:{api_id}/{stage}/{verb}/{path}``.

    Powertools' parsed route ARN (``partition``, ``region``, ``aws_account_id``, ``api_id``,
    ``stage``, ``http_method``, ``resource``, ``arn``), plus what the policy needs: ``path`` as
    sent (Powertools' ``resource`` drops its leading ``/``), ``stage_prefix`` and
    ``route_string``.

    Args:
        partition: the ARN's partition, e.g. ``aws``.
        region: the API's region.
        account: the API's account id (12 digits).
        api_id: the REST API id.
        stage: the stage name.
        verb: the request's HTTP verb.
        path: the request path after the verb, without its first ``/`` (root: empty).
    """

    def __init__(
        self,
        *,
        partition: str,
        region: str,
        account: str,
        api_id: str,
        stage: str,
        verb: str,
        path: str,
    ) -> None:
        super().__init__(region, account, api_id, stage, verb, path, partition)
        #: The request path after ``{verb}/`` exactly as in the ARN.
        self.path = path
        #: The ARN up to and including ``{stage}/``; policy resources append ``VERB/path``.
        self.stage_prefix = f"arn:{partition}:execute-api:{region}:{account}:{api_id}/{stage}/"

    @property
    def verb(self) -> str:
        """The request's HTTP verb (Powertools' ``http_method``, never None here)."""
        return str(self.http_method)

    @property
    def route_string(self) -> str:
        """``VERB/path`` as it appears after the stage in the ARN (root is ``GET/``)."""
        return f"{self.http_method}/{self.path}"


def parse_method_arn(value: object) -> MethodArn:
    """Parse ``value`` or raise ``Unauthenticated("bad_method_arn")``."""
    if not isinstance(value, str) or len(value) > MAX_METHOD_ARN_CHARS:
        raise Unauthenticated("bad_method_arn")
    match = _METHOD_ARN.fullmatch(value)
    if match is None:
        raise Unauthenticated("bad_method_arn")
    return MethodArn(**match.groupdict())
