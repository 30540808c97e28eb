"""``ApiDomain``: the public custom domain names in front of every service API."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as targets
from aws_cdk import aws_s3 as s3
from constructs import Construct

from gateway_stack.gateway.config.domain import Domain, DomainName, MutualTls


class ApiDomain(Construct):
    """A REGIONAL custom domain per name (the main one and each alias), ready for API mappings.

    Each name gets: its hosted zone (imported by id and name, or created and retained: the
    parent zone delegates to its name servers), an ACM certificate
    validated by DNS in that zone (or an imported one, by ARN: ACM renews either without anyone
    touching a console), an API Gateway domain name with the chosen TLS 1.2-or-newer policy,
    dual-stack (IPv4 and IPv6), optional mutual TLS, and Route 53 A and AAAA alias records.
    Service stacks map their base paths onto every name (``ServiceApi.add_api_mapping``).

    Args:
        scope: parent construct (the platform stack).
        construct_id: construct id.
        domain: the gateway file's ``domain`` section.
    """

    def __init__(self, scope: Construct, construct_id: str, *, domain: Domain) -> None:
        super().__init__(scope, construct_id)
        self.domain = domain
        #: API Gateway domain names by custom domain name, main name first.
        self.domain_names: dict[str, apigw.DomainName] = {}
        #: Hosted zones by custom domain name.
        self.zones: dict[str, route53.IHostedZone] = {}
        for name in domain.names:
            self._add(name, domain)

    @property
    def names(self) -> list[str]:
        """Every custom domain name, main name first."""
        return list(self.domain_names)

    def _add(self, name: DomainName, domain: Domain) -> None:
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
        target = route53.RecordTarget.from_alias(targets.ApiGatewayDomain(domain_name))
        route53.ARecord(scope, "A", zone=zone, record_name=name.name, target=target)
        route53.AaaaRecord(scope, "AAAA", zone=zone, record_name=name.name, target=target)
        self.domain_names[name.name] = domain_name
        self.zones[name.name] = zone


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
