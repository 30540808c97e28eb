"""``PlatformRef``: what a service stack needs from the platform, read from SSM at deploy time.

The platform stack publishes SSM parameters under ``/gateway-stack/<gateway>/<environment>``
(see :mod:`gateway_stack.naming`). A service stack reads them as deploy-time parameters: no
CloudFormation export ties the stacks together, so the platform can change and redeploy without
"export in use" errors, and a service team's own app needs only the gateway's name and
environment.
"""

from __future__ import annotations

import json

from aws_cdk import Annotations, Stack, Token
from aws_cdk import aws_kms as kms
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from gateway_stack.constructs.backend import BackendRef
from gateway_stack.errors import GatewayStackError
from gateway_stack.models.allowlist import Allowlist
from gateway_stack.naming import GatewayNames
from gateway_stack.openapi import AuthorizerRef

#: Context key that carries the platform's allowlist (JSON) into a service team's synth.
ALLOWLIST_CONTEXT = "gateway-stack:allowlist"


class PlatformRef(Construct):
    """A reference, by name, to one environment of a gateway's platform stack.

    Args:
        scope: parent construct (inside the service stack).
        construct_id: construct id.
        gateway: the gateway's name.
        environment: the environment's name.
    """

    def __init__(self, scope: Construct, construct_id: str, *, gateway: str, environment: str):
        super().__init__(scope, construct_id)
        self.names = GatewayNames(gateway, environment)

    def backend(self, load_balancer: str) -> BackendRef:
        """The VPC link and DNS name of a load balancer the platform publishes."""
        return BackendRef(
            vpc_link_id=self._parameter(
                self.names.load_balancer_parameter(load_balancer, "vpc-link-id")
            ),
            host=self._parameter(self.names.load_balancer_parameter(load_balancer, "dns-name")),
        )

    def authorizer(self, cache_ttl_seconds: int = 300) -> AuthorizerRef:
        """The platform's token authorizer, by ARN: its name follows the gateway's, so this needs
        no SSM read (the stack must have an explicit account and region)."""
        stack = self._explicit_stack()
        return AuthorizerRef(
            function_arn=self.names.authorizer_arn(stack.account, stack.region, stack.partition),
            cache_ttl_seconds=cache_ttl_seconds,
        )

    def plan_membership_token(self) -> str:
        """The ServiceToken of ``UsagePlanMembership``: the platform's membership function, by
        ARN (the stack must have an explicit account and region)."""
        stack = self._explicit_stack()
        return self.names.function_arn(
            self.names.plan_membership_function, stack.account, stack.region, stack.partition
        )

    def plan_id(self, tier: str) -> str:
        """The usage plan id of a tier the platform publishes."""
        return self._parameter(self.names.plan_parameter(tier))

    def web_acl_arn(self) -> str:
        """The ARN of the platform's web ACL (for ``ServiceApi.associate_web_acl``)."""
        return self._parameter(self.names.web_acl_parameter)

    def log_key(self) -> kms.IKey:
        """The KMS key the platform publishes for the gateway's log groups."""
        return kms.Key.from_key_arn(self, "LogKey", self._parameter(self.names.log_key_parameter))

    def domain_name(self) -> str:
        """The platform's main custom domain name (for ``ServiceApi.add_api_mapping``)."""
        return self._parameter(self.names.domain_name_parameter)

    def check_allowlist(self, *, base_path: str) -> None:
        """Check a base path against the allowlist the platform publishes.

        The allowlist the platform publishes in SSM (``names.allowlist_parameter``) is read from
        the context value ``gateway-stack:allowlist`` (its JSON), which a pipeline fills with
        ``cdk synth -c gateway-stack:allowlist="$(aws ssm get-parameter ... )"``. Without it, the
        check is skipped with a note: this is a courtesy to the team, not the security boundary,
        which is the CloudFormation Guard policy the platform runs before deploy.

        Raises:
            GatewayStackError: the allowlist does not allow the base path.
        """
        raw = self.node.try_get_context(ALLOWLIST_CONTEXT)
        if raw is None:
            Annotations.of(self).add_info(
                f"allowlist not checked at synth: pass -c {ALLOWLIST_CONTEXT}=<the JSON of "
                f"SSM parameter {self.names.allowlist_parameter}>"
            )
            return
        try:
            allowlist = Allowlist.model_validate_json(
                raw if isinstance(raw, str) else json.dumps(raw)
            )
        except ValueError as error:
            raise GatewayStackError(
                [f"context {ALLOWLIST_CONTEXT}: not the allowlist's JSON ({error})"]
            ) from None
        if not allowlist.allows_base_path(base_path):
            raise GatewayStackError(
                [
                    f"base path {base_path!r} is not allowed by the {self.names.gateway} "
                    f"gateway's allowlist.base_paths ({', '.join(allowlist.base_paths or [])}): "
                    "ask the platform team to add it"
                ]
            )

    def _explicit_stack(self) -> Stack:
        stack = Stack.of(self)
        if Token.is_unresolved(stack.account) or Token.is_unresolved(stack.region):
            raise GatewayStackError(
                [f"{stack.stack_name}: give the stack an explicit account and region to refer to "
                 "the platform's functions (env=Environment(account=..., region=...))"]
            )  # fmt: skip
        return stack

    def _parameter(self, name: str) -> str:
        # One CloudFormation parameter per name and stack, resolved at every deployment.
        return ssm.StringParameter.value_for_string_parameter(self, name)
