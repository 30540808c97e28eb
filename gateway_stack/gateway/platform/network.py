"""``GatewayNetwork``: the VPC that the gateway's own load balancers live in."""

from __future__ import annotations

from collections.abc import Sequence

from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct

from gateway_stack.gateway.config import Network


class GatewayNetwork(Construct):
    """An existing VPC imported by id and subnets, or a new one with private subnets only.

    A created VPC has private isolated subnets in each given availability zone (no NAT gateway,
    no internet gateway: internal load balancers need neither) and rejected-traffic flow logs.
    Nothing is looked up at synth time: zones and subnets come from the gateway file.

    Args:
        scope: parent construct.
        construct_id: construct id.
        network: the gateway file's ``network`` section.
        availability_zones: the zones to use (from the gateway file).
        flow_log_retention: retention of a created VPC's flow logs. Default: one month.
        log_key: the KMS key of the flow logs' log group. Default: none.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        network: Network,
        availability_zones: Sequence[str],
        flow_log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
        log_key: kms.IKey | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        #: The VPC's IPv4 CIDR, as a literal (security-group rules use it).
        self.cidr = network.vpc_cidr
        self.vpc: ec2.IVpc
        if network.create is not None:
            vpc = ec2.Vpc(
                self,
                "Vpc",
                ip_addresses=ec2.IpAddresses.cidr(network.create.cidr),
                availability_zones=list(availability_zones),
                nat_gateways=0,
                subnet_configuration=[
                    ec2.SubnetConfiguration(
                        name="private", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24
                    )
                ],
            )
            vpc.add_flow_log(
                "FlowLogs",
                destination=ec2.FlowLogDestination.to_cloud_watch_logs(
                    logs.LogGroup(
                        self,
                        "FlowLogGroup",
                        retention=flow_log_retention,
                        encryption_key=log_key,
                    )
                ),
                traffic_type=ec2.FlowLogTrafficType.REJECT,
            )
            self.vpc = vpc
            #: The private subnets that gateway-created load balancers use.
            self.subnets = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        else:
            assert network.vpc_id is not None  # the model requires it without 'create'
            self.vpc = ec2.Vpc.from_vpc_attributes(
                self,
                "Vpc",
                vpc_id=network.vpc_id,
                vpc_cidr_block=network.vpc_cidr,
                availability_zones=list(availability_zones)[: len(network.private_subnet_ids)],
                private_subnet_ids=list(network.private_subnet_ids),
            )
            self.subnets = ec2.SubnetSelection(subnets=self.vpc.private_subnets)
