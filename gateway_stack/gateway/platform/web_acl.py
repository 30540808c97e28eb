"""``GatewayWebAcl``: the AWS WAF web ACL in front of every service API's stage."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from gateway_stack.gateway.config.protection import MANAGED_RULE_GROUPS, Waf

#: Name of the rate-based rule, and of its CloudWatch metric (with the ACL's name as prefix).
RATE_RULE = "rate-limit-per-ip"


class GatewayWebAcl(Construct):
    """A REGIONAL AWS WAF web ACL for API Gateway stages.

    Rules, in order: the AWS managed rule groups of ``settings`` (what they match is blocked,
    except the rules listed in ``count_rules``, which only count), then a rate-based rule that
    blocks a client IP sending more than ``rate_limit`` requests per window. What no rule blocks
    is allowed. Every rule publishes CloudWatch metrics and samples requests.

    The platform stack makes one and publishes its ARN; each service stack associates its stage
    with it (:meth:`.ServiceApi.associate_web_acl`), so adding a
    service does not change the web ACL.

    Args:
        scope: the parent construct.
        construct_id: the construct's id.
        name: the web ACL's name (and prefix of its metric names).
        settings: the rule groups, counted rules and rate limit. Default: :class:`Waf` defaults
            (common rules, known bad inputs, IP reputation; 2000 requests per 5 minutes per IP).
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, name: str, settings: Waf | None = None
    ) -> None:
        super().__init__(scope, construct_id)
        settings = settings or Waf()
        self.settings = settings
        rules = [
            _managed_rule(name, group, priority, _counted(settings.count_rules, group))
            for priority, group in enumerate(settings.managed_rule_groups)
        ]
        rules.append(
            wafv2.CfnWebACL.RuleProperty(
                name=RATE_RULE,
                priority=len(rules),
                action=wafv2.CfnWebACL.RuleActionProperty(block={}),
                statement=wafv2.CfnWebACL.StatementProperty(
                    rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                        limit=settings.rate_limit,
                        aggregate_key_type="IP",
                        evaluation_window_sec=settings.rate_window_seconds,
                    )
                ),
                visibility_config=_visibility(f"{name}-{RATE_RULE}"),
            )
        )
        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            name=name,
            scope="REGIONAL",
            description="In front of every stage of the gateway service APIs",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            rules=rules,
            visibility_config=_visibility(name),
        )

    @property
    def web_acl_arn(self) -> str:
        """The web ACL's ARN."""
        return self.web_acl.attr_arn


def _managed_rule(
    acl: str, group: str, priority: int, counted: Sequence[str]
) -> wafv2.CfnWebACL.RuleProperty:
    aws_name = MANAGED_RULE_GROUPS[group]
    return wafv2.CfnWebACL.RuleProperty(
        name=aws_name,
        priority=priority,
        override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
        statement=wafv2.CfnWebACL.StatementProperty(
            managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                vendor_name="AWS",
                name=aws_name,
                rule_action_overrides=[
                    wafv2.CfnWebACL.RuleActionOverrideProperty(
                        name=rule,
                        action_to_use=wafv2.CfnWebACL.RuleActionProperty(count={}),
                    )
                    for rule in counted
                ]
                or None,
            )
        ),
        visibility_config=_visibility(f"{acl}-{aws_name}"),
    )


def _counted(count_rules: Sequence[str], group: str) -> list[str]:
    """The rules of ``group`` that ``count_rules`` (``<group>/<rule>``) lists."""
    return [rule for g, _, rule in (e.partition("/") for e in count_rules) if g == group]


def _visibility(metric_name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True,
        metric_name=metric_name,
        sampled_requests_enabled=True,
    )
