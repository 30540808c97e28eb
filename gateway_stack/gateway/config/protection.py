"""The gateway file's protection settings: the AWS WAF web ACL and log encryption (its CORS
section is :class:`gateway_stack.models.cors.Cors`)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, model_validator
from pydantic.json_schema import WithJsonSchema

from gateway_stack.models.arns import KMS_KEY, arn_problem
from gateway_stack.models.fields import Section, rule
from gateway_stack.models.numbers import Switch, Whole

#: Short names of the AWS managed rule groups the web ACL can use -> their AWS names.
MANAGED_RULE_GROUPS: dict[str, str] = {
    "common": "AWSManagedRulesCommonRuleSet",
    "known_bad_inputs": "AWSManagedRulesKnownBadInputsRuleSet",
    "ip_reputation": "AWSManagedRulesAmazonIpReputationList",
    "anonymous_ip": "AWSManagedRulesAnonymousIpList",
    "sql_injection": "AWSManagedRulesSQLiRuleSet",
    "linux": "AWSManagedRulesLinuxRuleSet",
    "unix": "AWSManagedRulesUnixRuleSet",
}
RuleGroupName = Literal[
    "common", "known_bad_inputs", "ip_reputation", "anonymous_ip", "sql_injection", "linux", "unix"
]


class Waf(Section):
    """The AWS WAF web ACL in front of every service API's stage.

    One REGIONAL web ACL, in the platform stack, associated with every stage: the AWS managed
    rule groups named here (blocking what they match, except the rules in ``count_rules``) and a
    rate-based rule that blocks a client IP over ``rate_limit`` requests per window.
    """

    enabled: Switch = Field(
        True, description="Put every stage behind the web ACL. Default: on (WAF is billed)."
    )
    managed_rule_groups: tuple[RuleGroupName, ...] = Field(
        ("common", "known_bad_inputs", "ip_reputation"),
        min_length=1,
        description="AWS managed rule groups, in order of evaluation. Default: common, "
        "known_bad_inputs, ip_reputation.",
    )
    count_rules: tuple[
        Annotated[
            str,
            StringConstraints(
                pattern=rule(r"^[a-z_]+/[A-Za-z0-9_-]+$", "'<rule group>/<rule name>'")
            ),
        ],
        ...,
    ] = Field(
        (),
        description="Rules of the managed groups that only count (not block), as "
        "'<group>/<rule>', e.g. 'common/SizeRestrictions_BODY' for APIs that take bodies over "
        "8 KB. Default: none.",
    )
    rate_limit: Whole = Field(
        2000,
        ge=10,
        le=2_000_000_000,
        description="Requests one client IP may send per window before it is blocked (AWS WAF "
        "allows 10 to 2,000,000,000). Default: 2000.",
    )
    rate_window_seconds: Literal[60, 120, 300, 600] = Field(
        300, description="The rate-based rule's window: 60, 120, 300 or 600 s. Default: 300."
    )

    @model_validator(mode="after")
    def _counted_rules_in_used_groups(self) -> Waf:
        for entry in self.count_rules:
            group = entry.partition("/")[0]
            if group not in self.managed_rule_groups:
                raise ValueError(
                    f"count_rules: {entry!r} is in rule group {group!r}, which "
                    "managed_rule_groups does not list (it lists "
                    + ", ".join(self.managed_rule_groups)
                    + ")"
                )
        if len(set(self.count_rules)) != len(self.count_rules):
            raise ValueError("count_rules: lists a rule twice")
        if len(set(self.managed_rule_groups)) != len(self.managed_rule_groups):
            raise ValueError("managed_rule_groups: lists a group twice")
        return self


def _log_key(value: str) -> str:
    problem = None if value == "create" else arn_problem(value, KMS_KEY)
    if problem and problem.startswith("not a"):
        raise ValueError(f"must be 'create', or a KMS key ARN ({KMS_KEY.example})")
    if problem:
        raise ValueError(problem)
    return value


LogKey = Annotated[
    str,
    AfterValidator(_log_key),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^(create|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/\S+)$",
        }
    ),
]
