"""Names that several stacks must agree on: stack names and the platform's SSM parameters.

A service stack finds what the platform publishes by name alone, at deploy time, so these names
are part of the contract between the platform and the service teams: change them only with a
migration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Root of every SSM parameter the platform publishes.
PARAMETER_ROOT = "/gateway-stack"
#: The tag the gateway app puts on each service stack (and so on its API): the service's name.
SERVICE_TAG = "gateway-stack:service"
_LOAD_BALANCER_PARAMETER = re.compile(
    rf"{PARAMETER_ROOT}/[^/]+/[^/]+/load-balancers/(?P<load_balancer>[^/]+)/[^/]+"
)
_PLAN_PARAMETER = re.compile(rf"{PARAMETER_ROOT}/[^/]+/[^/]+/plans/(?P<tier>[^/]+)/id")


@dataclass(frozen=True)
class GatewayNames:
    """The names of one environment of one gateway.

    Attributes:
        gateway: the gateway's name (``name`` in the gateway file).
        environment: the environment's name (``environment`` in the gateway file).
        region: the region that qualifies the names of what is global to an account (stack
            names, dashboards) in a multi-region gateway's added regions. Default: none (a
            single-region gateway, and a multi-region gateway's home region, keep the names
            they have always had, so adding a region never renames a deployed stack).
    """

    gateway: str
    environment: str
    region: str | None = None

    @property
    def prefix(self) -> str:
        """``<gateway>-<environment>``: the prefix of every stack and resource name."""
        return f"{self.gateway}-{self.environment}"

    @property
    def qualified_prefix(self) -> str:
        """:attr:`prefix`, with the region after it when the names are qualified by one:
        ``<gateway>-<environment>[-<region>]``. Stack and dashboard names start with it."""
        return self.prefix if self.region is None else f"{self.prefix}-{self.region}"

    def in_region(self, region: str | None) -> GatewayNames:
        """These names, qualified by ``region`` (None: unqualified)."""
        return GatewayNames(self.gateway, self.environment, region)

    @property
    def platform_stack(self) -> str:
        """The platform stack's name: ``<gateway>-<environment>[-<region>]-platform``."""
        return f"{self.qualified_prefix}-platform"

    def service_stack(self, service: str) -> str:
        """The stack name of ``service``: ``<gateway>-<environment>[-<region>]-svc-<service>``."""
        return f"{self.qualified_prefix}-svc-{service}"

    @property
    def parameter_path(self) -> str:
        """The SSM path under which the platform publishes: ``/gateway-stack/<gw>/<env>``."""
        return f"{PARAMETER_ROOT}/{self.gateway}/{self.environment}"

    def load_balancer_parameter(self, load_balancer: str, attribute: str) -> str:
        """The SSM parameter holding ``attribute`` (vpc-link-id, dns-name) of a load balancer."""
        return f"{self.parameter_path}/load-balancers/{load_balancer}/{attribute}"

    @staticmethod
    def load_balancer_of(parameter: str) -> str | None:
        """The load balancer a :meth:`load_balancer_parameter` name is of (any gateway's, any
        environment's); None for any other name."""
        match = _LOAD_BALANCER_PARAMETER.fullmatch(parameter)
        return match.group("load_balancer") if match else None

    @property
    def domain_name_parameter(self) -> str:
        """The SSM parameter holding the main custom domain name."""
        return f"{self.parameter_path}/domain/name"

    @property
    def domain_names_parameter(self) -> str:
        """The SSM parameter holding every custom domain name (a StringList, main first)."""
        return f"{self.parameter_path}/domain/names"

    @property
    def allowlist_parameter(self) -> str:
        """The SSM parameter holding the allowlist (JSON) service teams' apps check against."""
        return f"{self.parameter_path}/allowlist"

    @property
    def authorizer_parameter(self) -> str:
        """The SSM parameter holding the authorizer function's ARN."""
        return f"{self.parameter_path}/authorizer/function-arn"

    @property
    def web_acl_parameter(self) -> str:
        """The SSM parameter holding the ARN of the web ACL every stage is associated with."""
        return f"{self.parameter_path}/waf/web-acl-arn"

    @property
    def log_key_parameter(self) -> str:
        """The SSM parameter holding the ARN of the KMS key that encrypts the gateway's logs."""
        return f"{self.parameter_path}/logs/kms-key-arn"

    @property
    def log_key_alias(self) -> str:
        """The alias of the KMS key the platform creates for the gateway's logs, without
        ``alias/``: ``<gateway>-<environment>-logs``."""
        return f"{self.prefix}-logs"

    @property
    def web_acl(self) -> str:
        """The web ACL's name: ``<gateway>-<environment>``."""
        return self.prefix

    @property
    def permissions_path(self) -> str:
        """The SSM path under which each service API publishes its permission map."""
        return f"{self.parameter_path}/permissions"

    def plan_parameter(self, tier: str) -> str:
        """The SSM parameter holding the usage plan id of ``tier``."""
        return f"{self.parameter_path}/plans/{tier}/id"

    @staticmethod
    def tier_of(parameter: str) -> str | None:
        """The tier a :meth:`plan_parameter` name is of (any gateway's, any environment's);
        None for any other name."""
        match = _PLAN_PARAMETER.fullmatch(parameter)
        return match.group("tier") if match else None

    @property
    def authorizer_function(self) -> str:
        """The authorizer function's name: ``<gateway>-<environment>-authorizer``."""
        return f"{self.prefix}-authorizer"

    @property
    def plan_membership_function(self) -> str:
        """The usage-plan membership function's name."""
        return f"{self.prefix}-plan-membership"

    def function_arn(self, name: str, account: str, region: str, partition: str = "aws") -> str:
        """A function's ARN, known from names alone: no cross-stack reference needed.

        ``partition`` defaults to ``aws``.
        """
        return f"arn:{partition}:lambda:{region}:{account}:function:{name}"

    def authorizer_arn(self, account: str, region: str, partition: str = "aws") -> str:
        """The authorizer function's ARN, known from names alone (no cross-stack reference)."""
        return self.function_arn(self.authorizer_function, account, region, partition)

    # -- monitoring ------------------------------------------------------------------------

    @property
    def alarm_topic(self) -> str:
        """The name of the SNS topic the platform creates for every alarm:
        ``<gateway>-<environment>-alarms``."""
        return f"{self.prefix}-alarms"

    def topic_arn(self, name: str, account: str, region: str, partition: str = "aws") -> str:
        """An SNS topic's ARN, known from names alone: no cross-stack reference needed.

        ``partition`` defaults to ``aws``.
        """
        return f"arn:{partition}:sns:{region}:{account}:{name}"

    @property
    def dashboard(self) -> str:
        """The gateway-wide CloudWatch dashboard's name: ``<gateway>-<environment>[-<region>]``
        (dashboards are global to an account, so each region's needs its own name)."""
        return self.qualified_prefix

    @property
    def metrics_namespace(self) -> str:
        """The CloudWatch namespace of the metrics the gateway derives from its access logs:
        ``GatewayStack/<gateway>-<environment>``."""
        return f"GatewayStack/{self.prefix}"

    @property
    def authorizer_metrics_namespace(self) -> str:
        """The namespace of the authorizer's own metrics (Powertools; dimension ``service``
        is :attr:`authorizer_function`)."""
        return "GatewayStack/Authorizer"
