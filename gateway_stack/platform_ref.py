"""``PlatformRef``: what a service stack needs from the platform, read from SSM at deploy time.

The platform stack publishes SSM parameters under ``/gateway-stack/<gateway>/<environment>``
(see :mod:`gateway_stack.naming`). A service stack reads them as deploy-time parameters: no
CloudFormation export ties the stacks together, so the platform can change and redeploy without
"export in use" errors, and a service team's own app needs only the gateway's name and
environment.
"""

from __future__ import annotations

from aws_cdk import aws_ssm as ssm
from constructs import Construct

from .naming import GatewayNames
from .service_api import BackendRef


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

    def _parameter(self, name: str) -> str:
        # One CloudFormation parameter per name and stack, resolved at every deployment.
        return ssm.StringParameter.value_for_string_parameter(self, name)
