"""``ApiDomain``: the public custom domain names in front of every service API."""

from __future__ import annotations

from typing import Any

import jsii
from aws_cdk import RemovalPolicy, Stack, Token
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as targets
from aws_cdk import aws_s3 as s3
from constructs import Construct

from gateway_stack.gateway.config.domain import Domain, DomainName, MutualTls
from gateway_stack.gateway.plan import RegionRouting


class ApiDomain(Construct):
    """A REGIONAL custom domain per name (the main one and each alias), ready for API mappings.

    Each name gets: its hosted zone (imported by id and name, or created and retained: the
    parent zone delegates to its name servers), an ACM certificate
    validated by DNS in that zone (or an imported one, by ARN: ACM renews either without anyone
    touching a console), an API Gateway domain name with the chosen TLS 1.2-or-newer policy,
    dual-stack (IPv4 and IPv6), optional mutual TLS, and Route 53 A and AAAA alias records.
    Service stacks map their base paths onto every name (``ServiceApi.add_api_mapping``).

    In one region of a multi-region gateway (``routing``), the main name's and each alias's A
    and AAAA records are latency records (``Region`` = the stack's region) or failover records
    (``Failover`` = PRIMARY or SECONDARY), with the region's code as ``SetIdentifier`` and
    ``health_check`` as ``HealthCheckId`` and ``EvaluateTargetHealth`` on: Route 53 answers
    with this region's API Gateway domain only while the check is healthy (and API Gateway is
    available in the region). The region's own name
    (``routing.regional_name``) gets its own domain, certificate and simple records, last.

    Args:
        scope: parent construct (the platform stack).
        construct_id: construct id.
        domain: the gateway file's ``domain`` section.
        routing: how DNS reaches this region of a multi-region gateway. Default: none (one
            region: simple records).
        health_check: the region's health check; required with ``routing``. Default: none.

    Raises:
        ValueError: ``routing`` without ``health_check``, or with mutual TLS (Route 53's
            checkers present no client certificate), or in a stack without a region.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        domain: Domain,
        routing: RegionRouting | None = None,
        health_check: route53.IHealthCheck | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        self.domain = domain
        self.routing = routing
        #: API Gateway domain names by custom domain name, main name first (then the aliases,
        #: then the region's own name).
        self.domain_names: dict[str, apigw.DomainName] = {}
        #: Hosted zones by custom domain name.
        self.zones: dict[str, route53.IHostedZone] = {}
        routed: dict[str, Any] = {}
        if routing is not None:
            routed = self._routed(routing, health_check)
        for name in domain.names:
            self._add(name, domain, routed)
        if routing is not None:
            self._add(routing.regional_name, domain, {})

    @property
    def names(self) -> list[str]:
        """Every custom domain name, main name first."""
        return list(self.domain_names)

    def _routed(
        self, routing: RegionRouting, health_check: route53.IHealthCheck | None
    ) -> dict[str, Any]:
        """The routing options of the main name's and the aliases' records."""
        if health_check is None:
            raise ValueError("ApiDomain.health_check: routed records need the region's check")
        if self.domain.mtls is not None:
            raise ValueError(
                "ApiDomain.routing: mutual TLS (domain.mtls) cannot be health checked: Route "
                "53's checkers present no client certificate"
            )
        options: dict[str, Any] = {
            "set_identifier": routing.set_identifier,
            "health_check": health_check,
        }
        if routing.policy == "failover":
            if routing.failover is None:
                raise ValueError("ApiDomain.routing: failover records need PRIMARY or SECONDARY")
            options["failover"] = route53.Failover[routing.failover]
        else:
            region = Stack.of(self).region
            if Token.is_unresolved(region):
                raise ValueError(
                    "ApiDomain.routing: latency records need the stack's region (give the "
                    "stack an env)"
                )
            options["region"] = region
        return options

    def _add(self, name: DomainName, domain: Domain, routed: dict[str, Any]) -> None:
        scope = Construct(self, name.name)
        zone = _zone(scope, name)
        certificate = (
            acm.Certificate.from_certificate_arn(scope, "Certificate", name.certificate_arn)
            if name.certificate_arn
            else acm.Certificate(
                scope,
                "Certificate",
                domain_name=name.name,
                validation=acm.CertificateValidation.from_dns(zone),
            )
        )
        domain_name = apigw.DomainName(
            scope,
            "DomainName",
            domain_name=name.name,
            certificate=certificate,
            endpoint_type=apigw.EndpointType.REGIONAL,
            security_policy=getattr(apigw.SecurityPolicy, domain.security_policy),
            mtls=_mtls(scope, domain.mtls) if domain.mtls else None,
            endpoint_access_mode=getattr(apigw.EndpointAccessMode, domain.endpoint_access_mode)
            if domain.enhanced_policy
            else None,
        )
        cfn = domain_name.node.default_child
        cfn.add_property_override("EndpointConfiguration.IpAddressType", "dualstack")
        alias: route53.IAliasRecordTarget = targets.ApiGatewayDomain(domain_name)
        if routed:
            alias = _EvaluatedTarget(alias)
        target = route53.RecordTarget.from_alias(alias)
        route53.ARecord(scope, "A", zone=zone, record_name=name.name, target=target, **routed)
        route53.AaaaRecord(scope, "AAAA", zone=zone, record_name=name.name, target=target, **routed)
        self.domain_names[name.name] = domain_name
        self.zones[name.name] = zone


@jsii.implements(route53.IAliasRecordTarget)
class _EvaluatedTarget:
    """An alias target whose record also follows the target's own health
    (``EvaluateTargetHealth``): the CDK refuses failover alias records without it, and with an
    API Gateway domain it fails the record when API Gateway itself is unavailable in the region
    (API Gateway developer guide, "Configure custom health checks for DNS failover")."""

    def __init__(self, target: route53.IAliasRecordTarget) -> None:
        self._target = target

    def bind(
        self, record: route53.IRecordSet, zone: route53.IHostedZone | None = None
    ) -> route53.AliasRecordTargetConfig:
        """The wrapped target's alias, with ``EvaluateTargetHealth`` on."""
        config = self._target.bind(record, zone)
        return route53.AliasRecordTargetConfig(
            dns_name=config.dns_name,
            hosted_zone_id=config.hosted_zone_id,
            evaluate_target_health=True,
        )


def _zone(scope: Construct, name: DomainName) -> route53.IHostedZone:
    if name.hosted_zone_id is None:
        zone = route53.PublicHostedZone(scope, "Zone", zone_name=name.hosted_zone_name)
        # Its name servers are delegated to from the parent zone, by hand: a new zone would
        # get new ones and break the delegation, so the zone outlives the stack.
        zone.apply_removal_policy(RemovalPolicy.RETAIN)
        return zone
    return route53.HostedZone.from_hosted_zone_attributes(
        scope, "Zone", hosted_zone_id=name.hosted_zone_id, zone_name=name.hosted_zone_name
    )


def _mtls(scope: Construct, mtls: MutualTls) -> apigw.MTLSConfig:
    bucket, _, key = mtls.truststore_uri.removeprefix("s3://").partition("/")
    return apigw.MTLSConfig(
        bucket=s3.Bucket.from_bucket_name(scope, "Truststore", bucket),
        key=key,
        version=mtls.truststore_version,
    )
