"""``PrivateBackend``: an internal Network Load Balancer and the VPC link that reaches it."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from constructs import Construct

from gateway_stack.constructs.nag import acknowledge
from gateway_stack.gateway.config import LoadBalancer
from gateway_stack.gateway.platform.network import GatewayNetwork


class PrivateBackend(Construct):
    """One internal NLB (existing, or created for an example) and its REST API VPC link.

    Every service on the NLB shares the one VPC link (at most 20 VPC links per account and
    region). A created NLB is internal, in the VPC's private subnets, with a TCP listener for
    each port (forwarding to an IP target group the service registers its tasks in) and a
    security group that admits those ports from inside the VPC only.

    Args:
        scope: parent construct.
        construct_id: construct id; the VPC link's name is ``<name_prefix><construct_id>``.
        load_balancer: the gateway file's entry for this NLB.
        network: where a created NLB lives; required when ``load_balancer.create``.
            Default: none.
        ports: the listener ports of a created NLB (the ports its services use). Default: none.
        name_prefix: prefix of the VPC link's name. Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        load_balancer: LoadBalancer,
        network: GatewayNetwork | None = None,
        ports: Sequence[int] = (),
        name_prefix: str = "",
    ) -> None:
        super().__init__(scope, construct_id)
        self.load_balancer: elbv2.INetworkLoadBalancer
        if load_balancer.create:
            if network is None:
                raise ValueError(f"{self.node.path}: a created load balancer needs a network")
            self.load_balancer = self._create(network, sorted(set(ports)))
            self.dns_name = self.load_balancer.load_balancer_dns_name
        else:
            assert load_balancer.arn is not None  # the model requires both without 'create'
            assert load_balancer.dns_name is not None
            self.load_balancer = elbv2.NetworkLoadBalancer.from_network_load_balancer_attributes(
                self,
                "LoadBalancer",
                load_balancer_arn=load_balancer.arn,
                load_balancer_dns_name=load_balancer.dns_name,
            )
            self.dns_name = load_balancer.dns_name
        self.vpc_link = apigw.VpcLink(
            self,
            "VpcLink",
            vpc_link_name=f"{name_prefix}{construct_id}",
            description=f"REST API VPC link to the {construct_id} load balancer",
            targets=[self.load_balancer],
        )

    def _create(self, network: GatewayNetwork, ports: list[int]) -> elbv2.NetworkLoadBalancer:
        vpc = network.vpc
        nlb = elbv2.NetworkLoadBalancer(
            self,
            "LoadBalancer",
            vpc=vpc,
            internet_facing=False,
            vpc_subnets=network.subnets,
            cross_zone_enabled=True,
            # A REST API VPC link reaches the NLB through PrivateLink, whose source addresses are
            # not the VPC's: inbound rules would refuse it. The listeners stay VPC-only otherwise.
            enforce_security_group_inbound_rules_on_private_link_traffic=False,
        )
        for port in ports:
            nlb.connections.allow_from(
                ec2.Peer.ipv4(network.cidr), ec2.Port.tcp(port), f"VPC link to port {port}"
            )
            nlb.add_listener(
                f"Port{port}",
                port=port,
                default_target_groups=[
                    elbv2.NetworkTargetGroup(
                        self,
                        f"Targets{port}",
                        vpc=vpc,
                        port=port,
                        target_type=elbv2.TargetType.IP,
                    )
                ],
            )
        acknowledge(
            nlb,
            "AwsSolutions-ELB2",
            "A gateway-created NLB is an example stand-in for a service's own load balancer; "
            "every request through the gateway is logged at the API stage.",
        )
        return nlb
