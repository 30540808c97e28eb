"""ARNs of existing resources the gateway file names, checked against the gateway's own account,
region and partition.

An ARN is ``arn:<partition>:<service>:<region>:<account>:<resource>``. Each kind of ARN the file
takes is described once (:class:`ArnKind`): its service, the form of its resource, and whether
AWS needs it in the gateway's region and account. :func:`arn_problem` says what is wrong with one,
against the gateway's target (:mod:`gateway_stack.models.target`) while a gateway file validates,
or its form alone for a model built in code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gateway_stack.models.target import current_target

_ARN = re.compile(
    r"^arn:(?P<partition>aws(-cn|-us-gov)?):(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):"
    r"(?P<account>\d{12}|):(?P<resource>.+)$"
)


@dataclass(frozen=True)
class ArnKind:
    """One kind of ARN the gateway file takes.

    Attributes:
        what: what the ARN names, in messages ("ACM certificate").
        service: its service in the ARN ("acm").
        resource: a regular expression of its resource part.
        example: an example of the whole ARN, in messages.
        same_region: why AWS needs it in the gateway's region, or "" when it need not be.
        same_account: why it must be in the gateway's account, or "" when it need not be.
    """

    what: str
    service: str
    resource: str
    example: str
    same_region: str = ""
    same_account: str = ""


CERTIFICATE = ArnKind(
    what="ACM certificate",
    service="acm",
    resource=r"certificate/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    example="arn:aws:acm:<region>:<account>:certificate/<uuid>",
    same_region="a REGIONAL custom domain name takes a certificate from ACM in its own region "
    "(us-east-1 certificates are for edge-optimized, CloudFront names); request or import the "
    "certificate in {region}",
    same_account="API Gateway uses certificates of the domain name's own account; request or "
    "import it in {account}",
)
NETWORK_LOAD_BALANCER = ArnKind(
    what="Network Load Balancer",
    service="elasticloadbalancing",
    resource=r"loadbalancer/net/[A-Za-z0-9-]{1,32}/[0-9a-f]{16}",
    example="arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/net/<name>/<16 hex "
    "digits>",
    same_region="a REST API VPC link reaches load balancers of its own region only",
    same_account="a REST API VPC link reaches load balancers of its own account only",
)
KMS_KEY = ArnKind(
    what="KMS key",
    service="kms",
    resource=r"key/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})",
    example="arn:aws:kms:<region>:<account>:key/<id>",
    same_region="CloudWatch Logs encrypts a log group only with a key of the log group's region",
)
SNS_TOPIC = ArnKind(
    what="SNS topic",
    service="sns",
    resource=r"[A-Za-z0-9_-]{1,256}",
    example="arn:aws:sns:<region>:<account>:<topic name> (not FIFO)",
    same_region="CloudWatch alarms notify topics of their own region only",
)
SECRET = ArnKind(
    what="Secrets Manager secret",
    service="secretsmanager",
    resource=r"secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}",
    example="arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>",
    same_region="the canary reads the secret from Secrets Manager in its own region; create the "
    "secret in {region} or replicate it there",
    same_account="the canary's role reads secrets of its own account only (another account's "
    "would need a resource policy and a shared KMS key); create the secret in {account}",
)


def arn_problem(arn: str, kind: ArnKind) -> str | None:
    """What is wrong with ``arn`` as a ``kind``, or None.

    The form is always checked; the partition, region and account against the gateway file's
    while one validates (:func:`~gateway_stack.models.target.current_target`).
    """
    match = _ARN.match(arn)
    if (
        match is None
        or match["service"] != kind.service
        or not match["region"]
        or not match["account"]
        or not re.fullmatch(kind.resource, match["resource"])
    ):
        # an ACM, an SNS, a KMS, a Secrets Manager
        article = "an" if kind.what[0] in "AEIOS" and kind.what[1].isupper() else "a"
        return f"not {article} {kind.what} ARN: expected {kind.example}"
    target = current_target()
    if target is None:
        return None
    if target.partition is not None and match["partition"] != target.partition:
        return (
            f"the {kind.what} is in partition {match['partition']}, but the gateway's region "
            f"{target.region} is in {target.partition}: write arn:{target.partition}:..."
        )
    if kind.same_region and target.region is not None and match["region"] != target.region:
        return (
            f"the {kind.what} is in {match['region']}, but the gateway is in {target.region}: "
            + kind.same_region.format(region=target.region, account=target.account)
        )
    if kind.same_account and target.account is not None and match["account"] != target.account:
        return (
            f"the {kind.what} is in account {match['account']}, but the gateway deploys to "
            f"{target.account}: "
            + kind.same_account.format(region=target.region, account=target.account)
        )
    return None
