"""``BackendRef``: how a service API reaches its service - a VPC link and the NLB's DNS name."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from constructs import Construct


@dataclass(frozen=True)
class BackendRef:
    """A service's backend as its API reaches it: a VPC link and the NLB's DNS name.

    Either value may be a deploy-time token (an SSM parameter the platform publishes: see
    :meth:`PlatformRef.backend`).

    Attributes:
        vpc_link_id: id of the REST API VPC link that targets the NLB.
        host: the NLB's DNS name.
    """

    vpc_link_id: str
    host: str

    @classmethod
    def from_network_load_balancer(
        cls,
        scope: Construct,
        construct_id: str,
        load_balancer: elbv2.INetworkLoadBalancer,
        *,
        vpc_link_name: str | None = None,
    ) -> BackendRef:
        """A VPC link of the service's own to its internal NLB.

        For a service team whose NLB the platform does not publish, where the platform allows
        it (its deploy boundary denies VPC links by default; its Guard policy admits a stack's
        own VPC link only to an NLB in ``allowlist.backends.arns``). Each VPC link counts
        against the 20 per account and region (checked on the assembly by ``synth_cleanly``):
        prefer the platform's shared one.

        Args:
            scope: where the VPC link goes.
            construct_id: the VPC link's construct id.
            load_balancer: the service's internal Network Load Balancer.
            vpc_link_name: the VPC link's name. Default: one CloudFormation generates.
        """
        link = apigw.VpcLink(
            scope, construct_id, vpc_link_name=vpc_link_name, targets=[load_balancer]
        )
        return cls(vpc_link_id=link.vpc_link_id, host=load_balancer.load_balancer_dns_name)
