"""``ServiceCanary``: a CloudWatch Synthetics canary running a service's smoke checks on a schedule,
its artifacts bucket, its role, and the alarm on its success (``docs/canaries.md``)."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import ArnFormat, Duration, Stack
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_synthetics as synthetics
from constructs import Construct

from gateway_stack.constructs.nag import acknowledge
from gateway_stack.gateway.config.monitoring import Canaries
from gateway_stack.gateway.platform.canary_code import HANDLER, CanaryBundle
from gateway_stack.smoke import Check

#: The newest Python runtime aws-cdk-lib 2.275.0 offers (Python 3.11, like the runner's floor).
RUNTIME = synthetics.Runtime.SYNTHETICS_PYTHON_SELENIUM_7_0
#: Days the artifacts bucket keeps a run's artifacts, and Synthetics its run records.
ARTIFACT_DAYS = 30


class ServiceCanary(Construct):
    """A canary that runs ``checks`` every ``settings.rate_minutes`` with a test client's token,
    and alarms when a run fails.

    * the canary (``AWS::Synthetics::Canary``, :data:`RUNTIME`) named ``canary_name``: its code
      is :class:`CanaryBundle` (the script ``lambdas/canary/handler.py``, the smoke runner, the
      checks as JSON); it reads the test client's credentials from
      ``settings.credentials_secret_arn`` and gets a token from ``settings.token_url``;
    * its artifacts bucket: S3-managed encryption (the Python runtimes cannot set an artifact
      encryption mode, so the bucket's default applies, and SSE-S3 needs no key grant for the
      canary nor for people reading results), public access blocked, TLS only, each object
      expiring after :data:`ARTIFACT_DAYS` days;
    * its role: write to its bucket, its own log groups, metrics in the ``CloudWatchSynthetics``
      namespace, and read the one secret;
    * :attr:`alarm` (named ``<canary_name>-canary``): the canary's ``SuccessPercent`` below 100
      over two runs' time, or no run at all in that time, notifies ``topic``. A Route 53
      ``CLOUDWATCH_METRIC`` health check can watch it (:attr:`success_metric` is the metric).

    Args:
        scope: parent construct (the service's stack).
        construct_id: construct id.
        canary_name: the canary's name (lowercase letters, digits, ``-``, ``_``).
        checks: the service's smoke checks.
        settings: the gateway file's ``monitoring.canaries`` (enabled, with its secret and token
            URL).
        topic: the alarm topic.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        canary_name: str,
        checks: Sequence[Check],
        settings: Canaries,
        topic: sns.ITopic,
    ) -> None:
        super().__init__(scope, construct_id)
        if settings.credentials_secret_arn is None or settings.token_url is None:
            raise ValueError(f"canary {canary_name}: needs a credentials secret and a token URL")
        if not checks:
            raise ValueError(f"canary {canary_name}: has no check to run")
        stack = Stack.of(self)
        self.bucket = s3.Bucket(
            self,
            "Artifacts",
            encryption=s3.BucketEncryption.S3_MANAGED,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            enforce_ssl=True,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(ARTIFACT_DAYS))],
        )
        acknowledge(
            self.bucket,
            "AwsSolutions-S1",
            "The bucket holds only this canary's own run artifacts (logs and results, no "
            "token), written by the canary's role alone and expiring after "
            f"{ARTIFACT_DAYS} days; CloudTrail records access to it, and a second bucket of "
            "access logs per canary would cost more than the artifacts themselves.",
        )
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Runs the canary {canary_name}",
        )
        log_groups = stack.format_arn(
            service="logs",
            resource="log-group",
            resource_name=f"/aws/lambda/cwsyn-{canary_name}-*",
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        statements = [
            iam.PolicyStatement(
                actions=["s3:PutObject"], resources=[self.bucket.arn_for_objects("*")]
            ),
            iam.PolicyStatement(
                actions=["s3:GetBucketLocation"], resources=[self.bucket.bucket_arn]
            ),
            iam.PolicyStatement(actions=["s3:ListAllMyBuckets"], resources=["*"]),
            iam.PolicyStatement(
                actions=["cloudwatch:PutMetricData"],
                resources=["*"],
                conditions={"StringEquals": {"cloudwatch:namespace": "CloudWatchSynthetics"}},
            ),
            iam.PolicyStatement(
                actions=["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[log_groups],
            ),
            iam.PolicyStatement(
                actions=["secretsmanager:GetSecretValue"],
                resources=[settings.credentials_secret_arn],
            ),
        ]
        for statement in statements:
            self.role.add_to_principal_policy(statement)
        acknowledge(
            self.role,
            "AwsSolutions-IAM5[Resource::*]",
            "s3:ListAllMyBuckets and cloudwatch:PutMetricData support no resource-level "
            "permissions; Synthetics needs the first, and the second is limited to the "
            "CloudWatchSynthetics namespace by condition.",
        )
        bucket_id = stack.get_logical_id(self.bucket.node.default_child)  # type: ignore[arg-type]
        acknowledge(
            self.role,
            f"AwsSolutions-IAM5[Resource::<{bucket_id}.Arn>/*]",
            "Synthetics names each run's artifacts under a prefix of its own (date, run id): "
            "the canary may write objects anywhere in its own artifacts bucket, nowhere else.",
        )
        acknowledge(
            self.role,
            f"AwsSolutions-IAM5[Resource::{log_groups}]",
            "Synthetics creates the canary's function as cwsyn-<canary name>-<generated id>: "
            "the role writes to that function's log groups only.",
        )
        self.canary = synthetics.Canary(
            self,
            "Canary",
            canary_name=canary_name,
            runtime=RUNTIME,
            test=synthetics.Test.custom(
                code=CanaryBundle.for_checks(checks).code(), handler=HANDLER
            ),
            schedule=synthetics.Schedule.rate(Duration.minutes(settings.rate_minutes)),
            artifacts_bucket_location=synthetics.ArtifactsBucketLocation(bucket=self.bucket),
            role=self.role,
            environment_variables={
                "CREDENTIALS_SECRET_ARN": settings.credentials_secret_arn,
                "TOKEN_URL": settings.token_url,
                "TOKEN_SCOPES": " ".join(settings.scopes),
            },
            success_retention_period=Duration.days(ARTIFACT_DAYS),
            failure_retention_period=Duration.days(ARTIFACT_DAYS),
            provisioned_resource_cleanup=True,
        )
        window = Duration.minutes(2 * settings.rate_minutes)
        #: The canary's SuccessPercent (average over two runs' time): the health checks' signal.
        self.success_metric = self.canary.metric_success_percent(
            period=window, statistic=cw.Stats.AVERAGE
        )
        self.alarm = cw.Alarm(
            self,
            "Alarm",
            alarm_name=f"{canary_name}-canary",
            alarm_description=(
                f"The canary {canary_name} failed a run (a smoke check did not get its answer, "
                "or no token), or did not run, within the last "
                f"{2 * settings.rate_minutes} minutes: see its runs in CloudWatch Synthetics"
            ),
            metric=self.success_metric,
            threshold=100,
            comparison_operator=cw.ComparisonOperator.LESS_THAN_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cw.TreatMissingData.BREACHING,
        )
        action = actions.SnsAction(topic)
        self.alarm.add_alarm_action(action)
        self.alarm.add_ok_action(action)
