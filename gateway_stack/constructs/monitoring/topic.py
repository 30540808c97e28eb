"""``AlarmTopic``: the SNS topic every alarm of a gateway environment notifies.

Service stacks never import it: they know its ARN from its name (:func:`alarm_topic_arn`), or
the gateway file names an existing topic.
"""

from __future__ import annotations

from aws_cdk import ArnFormat, Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

from gateway_stack.naming import GatewayNames


class AlarmTopic(Construct):
    """An SNS topic for CloudWatch alarms: encrypted with its own KMS key, TLS only.

    CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key (its key policy
    cannot be changed), so the topic has a customer-managed key, rotated yearly, whose policy
    lets CloudWatch use it for this account's alarms; the topic's policy lets this account's
    alarms publish and refuses any request without TLS. Subscribe people and tools to
    :attr:`topic` (outside the gateway, or with ``topic.add_subscription``).

    Args:
        scope: parent construct (the platform stack).
        construct_id: construct id.
        topic_name: the topic's name (``GatewayNames.alarm_topic``).
    """

    def __init__(self, scope: Construct, construct_id: str, *, topic_name: str) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        alarms = {
            "StringEquals": {"aws:SourceAccount": stack.account},
            "ArnLike": {
                "aws:SourceArn": stack.format_arn(
                    service="cloudwatch",
                    resource="alarm",
                    resource_name="*",
                    arn_format=ArnFormat.COLON_RESOURCE_NAME,  # arn:...:alarm:<name>
                )
            },
        }
        cloudwatch = iam.ServicePrincipal("cloudwatch.amazonaws.com")
        self.key = kms.Key(
            self,
            "Key",
            alias=f"alias/{topic_name}",  # the platform's IAM boundary protects it by alias
            description=f"Encrypts the SNS topic {topic_name} (CloudWatch alarms)",
            enable_key_rotation=True,
            pending_window=Duration.days(30),
        )
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsEncrypt",
                principals=[cloudwatch],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],  # in a key policy, "*" is this key
                conditions=alarms,
            )
        )
        self.topic = sns.Topic(
            self,
            "Topic",
            topic_name=topic_name,
            display_name=topic_name,
            master_key=self.key,
            enforce_ssl=True,
        )
        self.topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsPublish",
                principals=[cloudwatch],
                actions=["sns:Publish"],
                resources=[self.topic.topic_arn],
                conditions=alarms,
            )
        )

    @property
    def topic_arn(self) -> str:
        """The topic's ARN."""
        return self.topic.topic_arn


def alarm_topic_arn(names: GatewayNames, scope: Construct) -> str:
    """The ARN of the topic :class:`AlarmTopic` creates for ``names``, in ``scope``'s account
    and region: known from the name alone, so no stack imports it."""
    stack = Stack.of(scope)
    return names.topic_arn(names.alarm_topic, stack.account, stack.region, stack.partition)
