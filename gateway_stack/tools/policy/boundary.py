"""The IAM permissions boundary a platform puts on service teams' deployment roles.

The Guard rules check what a template asks for; this boundary caps what a service team's
CloudFormation execution role can do at all, whatever the template says (bootstrap the service
team's CDK environment with ``cdk bootstrap --custom-permissions-boundary <policy name>``).

Within API Gateway, a service team may write only REST APIs (and their stages, deployments,
gateway responses) and API mappings on the gateway's own domain names: not domain
names, VPC links, usage plans, API keys or the account's CloudWatch role. It may not write the
SSM parameters the platform publishes, DNS records or certificates, nor change the platform's web
ACL (it may associate its stages with it), its KMS keys (the log key and the alarm topic's, by
alias), its alarm topic or its alarms (the authorizer's, by exact name: a service's own alarms
share the ``<gateway>-<environment>-`` prefix); roles it creates must carry this same boundary,
and it cannot remove a boundary. In a multi-region gateway it may also not create, change, tag or
delete Route 53 health checks, nor touch the alarm each region's health check watches
(``<gateway>-<environment>-authorizer-region-health``): the platform's DNS records follow them.

What it does not do: isolate service teams from each other. Every role under it may write any
REST API of the account, any mapping on the gateway's names and any permission map; give each
team its own account (the usual answer), or add tag conditions per team.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gateway_stack.naming import GatewayNames

#: API Gateway's write actions (IAM authorizes API Gateway management by HTTP verb).
APIGATEWAY_WRITES = ("apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE")
#: Prefixes under the gateway's SSM path that only the platform writes.
PLATFORM_PARAMETERS = (
    "domain/*",
    "load-balancers/*",
    "allowlist",
    "authorizer/*",
    "plans/*",
    "waf/*",
    "logs/*",
)
#: What the platform's alarms are named after the authorizer function's name
#: (:class:`~gateway_stack.constructs.monitoring.alarms.AuthorizerAlarms`).
AUTHORIZER_ALARMS = ("failures", "throttles")
#: The alarm a multi-region gateway's health checks watch, after the authorizer function's name
#: (:func:`~gateway_stack.gateway.platform.monitoring.authorizer_health_alarm`).
REGION_HEALTH_ALARM = "region-health"


def platform_alarm_names(names: GatewayNames, *, multi_region: bool) -> list[str]:
    """The names of the platform's alarms in each region: the authorizer's failures and
    throttles alarms and, in a multi-region gateway, the alarm its health checks watch. The
    names are the same in every region (the function's name is).

    Args:
        names: the gateway environment's names.
        multi_region: whether the gateway has more than one region (required, no default).
    """
    suffixes = (*AUTHORIZER_ALARMS, REGION_HEALTH_ALARM) if multi_region else AUTHORIZER_ALARMS
    return [f"{names.authorizer_function}-{suffix}" for suffix in suffixes]


def service_deploy_boundary(
    names: GatewayNames,
    *,
    account: str,
    region: str,
    domain_names: Sequence[str],
    boundary_name: str,
    partition: str = "aws",
    other_regions: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    """The permissions boundary policy document for service teams' deployment roles.

    One document per account: IAM is global, so a multi-region gateway's one boundary names
    every region's API Gateway, SSM, WAF and SNS ARNs (each region's API mappings only on that
    region's names).

    Args:
        names: the gateway environment's names.
        account: the account the boundary is created in.
        region: the gateway's (home) region.
        domain_names: the custom domain names services map on in ``region``.
        boundary_name: the managed policy's name (roles created must carry it).
        partition: the region's partition. Default: ``aws``.
        other_regions: a multi-region gateway's added regions, each with the domain names
            services map on there (the gateway's names and the region's own). Default: none.
    """
    regions = {region: domain_names, **(other_regions or {})}
    boundary_arn = f"arn:{partition}:iam::{account}:policy/{boundary_name}"
    writable = []
    parameters = []
    web_acls = []
    topics = []
    alarms = []
    alarm_names = platform_alarm_names(names, multi_region=len(regions) > 1)
    for where, names_there in regions.items():
        apigw = f"arn:{partition}:apigateway:{where}::"
        writable += [f"{apigw}/restapis", f"{apigw}/restapis/*", f"{apigw}/tags/*"]
        writable += [
            arn
            for name in names_there
            for arn in (
                f"{apigw}/domainnames/{name}/apimappings",
                f"{apigw}/domainnames/{name}/apimappings/*",
            )
        ]
        path = f"arn:{partition}:ssm:{where}:{account}:parameter{names.parameter_path}"
        parameters += [f"{path}/{prefix}" for prefix in PLATFORM_PARAMETERS]
        web_acls.append(
            f"arn:{partition}:wafv2:{where}:{account}:regional/webacl/{names.web_acl}/*"
        )
        topics.append(names.topic_arn(names.alarm_topic, account, where, partition))
        alarms += [f"arn:{partition}:cloudwatch:{where}:{account}:alarm:{n}" for n in alarm_names]
    one = len(regions) == 1  # a single region's document keeps its single ARNs as strings
    document: dict[str, Any] = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "CeilingTheRolesOwnPolicyNarrows",
                "Effect": "Allow",
                "Action": "*",
                "Resource": "*",
            },
            {
                "Sid": "ApiGatewayWritesOnlyOwnApisAndMappingsOnTheGateway",
                "Effect": "Deny",
                "Action": list(APIGATEWAY_WRITES),
                "NotResource": writable,
            },
            {
                "Sid": "NoWritesToThePlatformsParameters",
                "Effect": "Deny",
                "Action": [
                    "ssm:PutParameter",
                    "ssm:DeleteParameter",
                    "ssm:DeleteParameters",
                    "ssm:LabelParameterVersion",
                    "ssm:AddTagsToResource",
                    "ssm:RemoveTagsFromResource",
                ],
                "Resource": parameters,
            },
            {
                "Sid": "NoChangesToThePlatformsWebAcl",
                "Effect": "Deny",
                "Action": [
                    "wafv2:UpdateWebACL",
                    "wafv2:DeleteWebACL",
                    "wafv2:PutLoggingConfiguration",
                ],
                "Resource": web_acls[0] if one else web_acls,
            },
            {
                "Sid": "NoChangesToThePlatformsKeys",
                "Effect": "Deny",
                "Action": [
                    "kms:ScheduleKeyDeletion",
                    "kms:DisableKey",
                    "kms:DisableKeyRotation",
                    "kms:PutKeyPolicy",
                    "kms:UpdateAlias",
                    "kms:DeleteAlias",
                ],
                "Resource": "*",
                "Condition": {
                    "ForAnyValue:StringEquals": {
                        "kms:ResourceAliases": [
                            f"alias/{names.log_key_alias}",
                            f"alias/{names.alarm_topic}",
                        ]
                    }
                },
            },
            {
                "Sid": "NoChangesToThePlatformsAlarmTopic",
                "Effect": "Deny",
                "Action": [
                    "sns:DeleteTopic",
                    "sns:SetTopicAttributes",
                    "sns:AddPermission",
                    "sns:RemovePermission",
                    "sns:PutDataProtectionPolicy",
                ],
                "Resource": topics[0] if one else topics,
            },
            {
                "Sid": "NoChangesToThePlatformsAlarms",
                "Effect": "Deny",
                "Action": [
                    "cloudwatch:PutMetricAlarm",
                    "cloudwatch:DeleteAlarms",
                    "cloudwatch:SetAlarmState",
                    "cloudwatch:DisableAlarmActions",
                ],
                "Resource": alarms,
            },
            {
                "Sid": "NoDnsOrCertificates",
                "Effect": "Deny",
                "Action": [
                    "route53:ChangeResourceRecordSets",
                    "route53:CreateHostedZone",
                    "route53:DeleteHostedZone",
                    "acm:RequestCertificate",
                    "acm:ImportCertificate",
                    "acm:DeleteCertificate",
                ],
                "Resource": "*",
            },
            {
                "Sid": "NewRolesCarryThisBoundary",
                "Effect": "Deny",
                "Action": ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
                "Resource": "*",
                "Condition": {"StringNotEquals": {"iam:PermissionsBoundary": boundary_arn}},
            },
            {
                "Sid": "NoBoundaryEscape",
                "Effect": "Deny",
                "Action": [
                    "iam:DeleteRolePermissionsBoundary",
                    "iam:CreatePolicyVersion",
                    "iam:DeletePolicy",
                    "iam:DeletePolicyVersion",
                    "iam:SetDefaultPolicyVersion",
                ],
                "Resource": [boundary_arn, f"arn:{partition}:iam::*:role/*"],
            },
        ],
    }
    if not one:  # the health checks of a multi-region gateway's DNS routing
        document["Statement"] += _health_checks(partition)
    return document


def _health_checks(partition: str) -> list[dict[str, Any]]:
    """A multi-region gateway's statements on Route 53 health checks: their ids are random, so
    no name singles out the platform's; CreateHealthCheck takes no resource (Service
    Authorization Reference, Route 53), so it is denied on every resource."""
    return [
        {
            "Sid": "NoChangesToHealthChecks",
            "Effect": "Deny",
            "Action": [
                "route53:UpdateHealthCheck",
                "route53:DeleteHealthCheck",
                "route53:ChangeTagsForResource",
            ],
            "Resource": f"arn:{partition}:route53:::healthcheck/*",
        },
        {
            "Sid": "NoNewHealthChecks",
            "Effect": "Deny",
            "Action": "route53:CreateHealthCheck",
            "Resource": "*",
        },
    ]
