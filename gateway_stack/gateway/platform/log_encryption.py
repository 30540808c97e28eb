"""``LogEncryptionKey``: a KMS key that CloudWatch Logs may use for the gateway's log groups."""

from __future__ import annotations

from aws_cdk import ArnFormat, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from constructs import Construct


class LogEncryptionKey(Construct):
    """A customer-managed KMS key for the log groups of one gateway environment.

    The key rotates yearly and is retained when removed from the app (deleting it would make
    every log it encrypted unreadable). Its policy lets CloudWatch Logs of the stack's region
    use it, and only for log groups of the stack's account and region (the
    ``kms:EncryptionContext:aws:logs:arn`` condition), as the CloudWatch Logs documentation
    asks.

    Args:
        scope: the parent construct (the platform stack).
        construct_id: the construct's id.
        alias: the key's alias, without ``alias/``.
    """

    def __init__(self, scope: Construct, construct_id: str, *, alias: str) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.key = kms.Key(
            self,
            "Key",
            alias=f"alias/{alias}",
            description="Encrypts the gateway's CloudWatch Logs log groups",
            enable_key_rotation=True,
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchLogsOfThisAccountAndRegion",
                principals=[iam.ServicePrincipal(f"logs.{stack.region}.amazonaws.com")],
                actions=[
                    "kms:Encrypt*",
                    "kms:Decrypt*",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:Describe*",
                ],
                resources=["*"],
                conditions={
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": stack.format_arn(
                            service="logs",
                            resource="log-group",
                            resource_name="*",
                            arn_format=ArnFormat.COLON_RESOURCE_NAME,
                        )
                    }
                },
            )
        )

    @property
    def key_arn(self) -> str:
        """The key's ARN."""
        return self.key.key_arn
