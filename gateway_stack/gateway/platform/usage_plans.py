"""``UsagePlans``: tiers as usage plans, clients' API keys, and the stage-membership function.

Each tier is a usage plan (its throttle and quota apply per client key). Each client has one API
key, named ``<prefix><client id>`` as the authorizer looks it up, with no value in any template
(API Gateway generates it), linked to its tier's plan. The key's logical id comes from the client
id alone: moving a client to another tier replaces only the link, never the key, so the value the
client's traffic is metered under never changes.

A usage plan lists its API stages inside the plan resource, so service stacks cannot add their
stage to it in CloudFormation. Instead, this construct hosts one function (``lambdas/
plan_membership``) that service stacks call through a ``Custom::UsagePlanMembership`` resource of
their own: adding or removing a service touches no other stack. See docs/plan-membership.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from gateway_stack.constructs.nag import acknowledge
from gateway_stack.gateway.config import Client, Tier
from gateway_stack.gateway.platform.bundling import bundled_code
from gateway_stack.gateway.platform.code import code_root
from gateway_stack.naming import GatewayNames

MEMBERSHIP_CODE = code_root("plan_membership")
MEMBERSHIP_RUNTIME = lambda_.Runtime.PYTHON_3_14
MEMBERSHIP_ARCHITECTURE = lambda_.Architecture.ARM_64


class UsagePlans(Construct):
    """Usage plans per tier, an API key per client, and the stage-membership function.

    Args:
        scope: parent construct (the platform stack).
        construct_id: construct id.
        names: the gateway environment's names.
        tiers: the gateway file's tiers by name.
        clients: the gateway file's clients.
        key_name_prefix: the prefix of every key's name (the authorizer's API_KEY_NAME_PREFIX).
        log_retention: retention of the membership function's logs. Default: three months.
        log_key: the KMS key of the membership function's log group. Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        names: GatewayNames,
        tiers: Mapping[str, Tier],
        clients: Sequence[Client],
        key_name_prefix: str,
        log_retention: logs.RetentionDays = logs.RetentionDays.THREE_MONTHS,
        log_key: kms.IKey | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.names = names
        self.log_key = log_key
        plans_scope = Construct(self, "Tiers")
        #: Usage plans by tier name.
        self.plans: dict[str, apigw.UsagePlan] = {
            name: self._plan(plans_scope, name, tier) for name, tier in tiers.items()
        }
        clients_scope = Construct(self, "Clients")
        #: API keys by client id.
        self.keys: dict[str, apigw.CfnApiKey] = {}
        for client in clients:
            self.add_client(clients_scope, client, key_name_prefix)
        self.membership_function = self._membership_function(log_retention)

    def add_client(self, scope: Construct, client: Client, prefix: str) -> apigw.CfnApiKey:
        """The client's API key, linked to its tier's plan."""
        client_scope = Construct(scope, client.id)
        key = apigw.CfnApiKey(
            client_scope,
            "Key",
            name=f"{prefix}{client.id}",
            enabled=client.enabled,
            customer_id=client.customer_id,
            description=client.description or f"API key of client {client.id}",
            tags=[{"key": k, "value": v} for k, v in sorted(client.tags.items())] or None,
        )
        key.apply_removal_policy(RemovalPolicy.RETAIN)  # a deleted key's value is gone for good
        apigw.CfnUsagePlanKey(
            client_scope,
            "Plan",
            key_id=key.ref,
            key_type="API_KEY",
            usage_plan_id=self.plans[client.tier].usage_plan_id,
        )
        self.keys[client.id] = key
        return key

    def _plan(self, scope: Construct, name: str, tier: Tier) -> apigw.UsagePlan:
        quota = None
        if tier.quota is not None:
            quota = apigw.QuotaSettings(
                limit=tier.quota.limit,
                period=getattr(apigw.Period, tier.quota.period),
                offset=tier.quota.offset,
            )
        return apigw.UsagePlan(
            scope,
            name,
            name=f"{self.names.prefix}-{name}",
            description=f"Tier {name} of gateway {self.names.gateway} ({self.names.environment})",
            throttle=apigw.ThrottleSettings(
                rate_limit=tier.rate_limit, burst_limit=tier.burst_limit
            ),
            quota=quota,
        )

    def _membership_function(self, log_retention: logs.RetentionDays) -> lambda_.Function:
        stack = Stack.of(self)
        log_group = logs.LogGroup(
            self,
            "MembershipLogs",
            retention=log_retention,
            encryption_key=self.log_key,
            removal_policy=RemovalPolicy.RETAIN,
        )
        function = lambda_.Function(
            self,
            "Membership",
            function_name=self.names.plan_membership_function,
            description="Adds service stages to the gateway's usage plans (custom resource)",
            runtime=MEMBERSHIP_RUNTIME,
            architecture=MEMBERSHIP_ARCHITECTURE,
            handler="handler.handler",
            # With its pinned requirements (crhelper), bundled without Docker like the authorizer.
            code=bundled_code(MEMBERSHIP_CODE, MEMBERSHIP_RUNTIME, MEMBERSHIP_ARCHITECTURE),
            timeout=Duration.minutes(2),
            memory_size=256,
            retry_attempts=0,  # CloudFormation's event must be answered once, not retried
            log_group=log_group,
        )
        plans_arn = f"arn:{stack.partition}:apigateway:{stack.region}::/usageplans/*"
        stacks_arn = stack.format_arn(
            service="cloudformation",
            resource="stack",
            # This region's service stacks: an added region's names carry the region.
            resource_name=f"{self.names.qualified_prefix}-svc-*/*",
        )
        function.add_to_role_policy(
            iam.PolicyStatement(
                sid="JoinAndLeavePlans",
                actions=["apigateway:GET", "apigateway:PATCH"],
                resources=[plans_arn],
            )
        )
        function.add_to_role_policy(
            iam.PolicyStatement(
                sid="CheckTheStackOwnsTheApi",
                actions=["cloudformation:ListStackResources"],
                resources=[stacks_arn],
            )
        )
        acknowledge(
            function,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AWSLambdaBasicExecutionRole]",
            "The AWS-managed basic execution policy lets the function write to its own log "
            "group; it is the policy Lambda documents for that and nothing more.",
        )
        acknowledge(
            function,
            f"AwsSolutions-IAM5[Resource::{plans_arn}]",
            "Plan ids are generated by API Gateway; the function may read and patch only "
            "usage plans (the stage-membership operations), not keys or APIs.",
        )
        acknowledge(
            function,
            f"AwsSolutions-IAM5[Resource::{stacks_arn}]",
            "Service stacks are added over time; the function only lists the resources of this "
            "gateway's service stacks, to check that a stack enrols its own API.",
        )
        return function
