"""``ApiGatewayAccount``: the region's API Gateway settings that let stages write logs."""

from __future__ import annotations

from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_iam as iam
from constructs import Construct

from gateway_stack.constructs.nag import acknowledge


class ApiGatewayAccount(Construct):
    """The CloudWatch Logs role of API Gateway in this account and region.

    ``AWS::ApiGateway::Account`` is a per-region singleton: a stage cannot enable execution
    logging until it is set, and every stack that sets it overwrites the others. So the platform
    stack owns it once, and service APIs never create their own (the
    ``@aws-cdk/aws-apigateway:disableCloudWatchRole`` flag is on in ``cdk.json``).

    Args:
        scope: parent construct (the platform stack).
        construct_id: construct id.
    """

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.role = iam.Role(
            self,
            "CloudWatchRole",
            description="Lets API Gateway write execution and access logs to CloudWatch Logs",
            assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name(
                    "service-role/AmazonAPIGatewayPushToCloudWatchLogs"
                )
            ],
        )
        acknowledge(
            self.role,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AmazonAPIGatewayPushToCloudWatchLogs]",
            "AmazonAPIGatewayPushToCloudWatchLogs is the AWS-maintained policy documented for API "
            "Gateway's account-level logging role; it tracks the log actions the service needs.",
        )
        self.account = apigw.CfnAccount(self, "Account", cloud_watch_role_arn=self.role.role_arn)
