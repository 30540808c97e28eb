"""``AuthorizerFunction``: the shared token authorizer Lambda, in the platform stack.

One function serves every service API; each API has its own TOKEN authorizer resource (written
into its OpenAPI body) pointing at this function. The function is named after the gateway and
environment, so service APIs can refer to it by ARN at synth time without any cross-stack
reference. See ``lambdas/authorizer`` for the code and ``docs/authorizer.md`` for its contract.
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from gateway_stack.constructs.nag import acknowledge
from gateway_stack.gateway.config import Auth
from gateway_stack.gateway.platform.bundling import bundled_code
from gateway_stack.gateway.platform.code import code_root
from gateway_stack.naming import GatewayNames

#: The authorizer's code root (what the Lambda packages).
CODE = code_root("authorizer")
RUNTIME = lambda_.Runtime.PYTHON_3_14


class AuthorizerFunction(Construct):
    """The token authorizer: Python, arm64, bundled without Docker, least privilege.

    It may read API keys (``apigateway:GET`` on ``/apikeys``), read the permission maps under the
    gateway's SSM path, and write its own logs and traces; nothing else. API Gateway may invoke
    it for any authorizer of this account and region's REST APIs (so a new service API needs no
    change here).

    Args:
        scope: parent construct (the platform stack).
        construct_id: construct id.
        names: the gateway environment's names.
        auth: the gateway file's ``auth`` section.
        api_key_name_prefix: the prefix of every client's API key name.
        log_retention: how long the function's logs are kept. Default: three months.
        reserved_concurrency: reserved concurrent executions. Default: none (account pool).
        architecture: the function's architecture. Default: arm64.
        log_key: the KMS key of the function's log group. Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        names: GatewayNames,
        auth: Auth,
        api_key_name_prefix: str,
        log_retention: logs.RetentionDays = logs.RetentionDays.THREE_MONTHS,
        reserved_concurrency: int | None = None,
        architecture: lambda_.Architecture = lambda_.Architecture.ARM_64,
        log_key: kms.IKey | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        self.names = names
        self.auth = auth
        self.log_group = logs.LogGroup(
            self,
            "Logs",
            retention=log_retention,
            encryption_key=log_key,
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.function = lambda_.Function(
            self,
            "Function",
            function_name=names.authorizer_function,
            description=f"Token authorizer of gateway {names.gateway} ({names.environment})",
            runtime=RUNTIME,
            architecture=architecture,
            handler="handler.handler",
            code=bundled_code(CODE, RUNTIME, architecture),
            memory_size=512,
            timeout=Duration.seconds(10),
            reserved_concurrent_executions=reserved_concurrency,
            tracing=lambda_.Tracing.ACTIVE,
            log_group=self.log_group,
            environment={
                "JWT_ISSUER": auth.issuer,
                "JWT_AUDIENCE": ",".join(auth.audience),
                "JWKS_URI": auth.jwks_uri,
                "CLIENT_ID_CLAIM": auth.client_id_claim,
                "API_KEY_NAME_PREFIX": api_key_name_prefix,
                "PERMISSIONS_PARAMETER_PREFIX": names.permissions_path,
                # Its metrics are on the dashboards and in the alarms (constructs.monitoring).
                "POWERTOOLS_SERVICE_NAME": names.authorizer_function,
                "POWERTOOLS_METRICS_NAMESPACE": names.authorizer_metrics_namespace,
                # The answer holds the client's API key: no traced method may record it, not
                # only the handler (whose decorator says so too).
                "POWERTOOLS_TRACER_CAPTURE_RESPONSE": "false",
            },
        )
        self.function.add_to_role_policy(
            iam.PolicyStatement(
                sid="ReadClientApiKeys",
                actions=["apigateway:GET"],
                resources=[f"arn:{stack.partition}:apigateway:{stack.region}::/apikeys"],
            )
        )
        permission_maps = stack.format_arn(
            service="ssm", resource="parameter", resource_name=f"{names.permissions_path}/*"[1:]
        )
        self.function.add_to_role_policy(
            iam.PolicyStatement(
                sid="ReadPermissionMaps", actions=["ssm:GetParameter"], resources=[permission_maps]
            )
        )
        self.function.add_permission(
            "InvokedByApiGatewayAuthorizers",
            principal=iam.ServicePrincipal("apigateway.amazonaws.com"),
            source_arn=stack.format_arn(
                service="execute-api", resource="*", resource_name="authorizers/*"
            ),
        )
        acknowledge(
            self.function,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AWSLambdaBasicExecutionRole]",
            "The AWS-managed basic execution policy lets the function write to its own log "
            "group; it is the policy Lambda documents for that and nothing more.",
        )
        acknowledge(
            self.function,
            "AwsSolutions-IAM5[Resource::*]",
            "X-Ray's PutTraceSegments and PutTelemetryRecords support no resource-level "
            "permissions; active tracing needs them on '*'.",
        )
        acknowledge(
            self.function,
            f"AwsSolutions-IAM5[Resource::{permission_maps}]",
            "Each service API publishes its permission map under its API id, known only when "
            "the API is created: the function reads any map under the gateway's own path.",
        )
