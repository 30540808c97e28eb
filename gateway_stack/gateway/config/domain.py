"""The gateway file's ``domain`` section: the public names in front of every service API."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from gateway_stack.models.arns import CERTIFICATE, arn_problem
from gateway_stack.models.fields import Hostname, Section, rule

#: REGIONAL security policies (TLS 1.2 or newer), as API Gateway names them.
SecurityPolicyName = Literal[
    "TLS_1_2",
    "TLS13_1_3_2025_09",
    "TLS13_1_3_FIPS_2025_09",
    "TLS13_1_2_PQ_2025_09",
    "TLS13_1_2_PFS_PQ_2025_09",
]


class DomainName(Section):
    """One public name of the gateway, in a Route 53 hosted zone."""

    name: Hostname = Field(description="The custom domain name, e.g. api.example.com.")
    hosted_zone_name: Hostname = Field(description="The hosted zone's name, e.g. example.com.")
    hosted_zone_id: str | None = Field(
        None,
        pattern=rule(
            r"^Z[A-Z0-9]{1,31}$", "a Route 53 hosted zone id: Z and upper-case letters or digits"
        ),
        description="The hosted zone's id. Default: the platform stack creates the zone (then "
        "delegate it to the name servers it publishes).",
    )
    certificate_arn: str | None = Field(
        None,
        description="An existing ACM certificate that covers the name, in the gateway's "
        "account and region (a REGIONAL name). Default: one is created and validated by DNS in "
        "the hosted zone.",
    )

    @field_validator("certificate_arn")
    @classmethod
    def _certificate_arn(cls, value: str | None) -> str | None:
        problem = arn_problem(value, CERTIFICATE) if value is not None else None
        if problem:
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _name_in_zone(self) -> DomainName:
        if self.name != self.hosted_zone_name and not self.name.endswith(
            "." + self.hosted_zone_name
        ):
            raise ValueError(
                f"name {self.name!r} is not inside hosted zone {self.hosted_zone_name!r}"
            )
        return self


class MutualTls(Section):
    """Mutual TLS: clients must present a certificate signed by the truststore's CAs."""

    truststore_uri: str = Field(
        pattern=rule(r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/\S+$", "an s3://bucket/key URI"),
        description="S3 URI of the PEM truststore, e.g. s3://acme-truststore/api.pem.",
    )
    truststore_version: str | None = Field(
        None, description="The truststore object's S3 version. Default: the latest."
    )


class Domain(DomainName):
    """The gateway's custom domain (and any aliases): REGIONAL, TLS 1.2 or newer."""

    security_policy: SecurityPolicyName = Field(
        "TLS_1_2",
        description="TLS security policy: TLS_1_2 or one of the TLS 1.3 policies. "
        "Default: TLS_1_2.",
    )
    endpoint_access_mode: Literal["STRICT", "BASIC"] = Field(
        "STRICT",
        description="With a TLS 1.3 (enhanced) policy: STRICT refuses requests whose TLS "
        "server name and Host do not match the domain; BASIC does not. Default: STRICT.",
    )
    aliases: tuple[DomainName, ...] = Field(
        (), description="More names for the same gateway, each with its zone and certificate."
    )
    mtls: MutualTls | None = Field(None, description="Mutual TLS. Default: off.")

    @model_validator(mode="after")
    def _mtls_needs_tls_1_2(self) -> Domain:
        if self.mtls is not None and self.security_policy != "TLS_1_2":
            raise ValueError(
                f"mtls cannot be used with security_policy {self.security_policy}: API Gateway "
                "supports mutual TLS only with TLS_1_2 (its enhanced policies exclude it)"
            )
        return self

    @model_validator(mode="after")
    def _distinct_names(self) -> Domain:
        names = [self.name, *(alias.name for alias in self.aliases)]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"domain names must differ: {', '.join(repeated)} appears twice")
        return self

    @property
    def enhanced_policy(self) -> bool:
        """True for the TLS 1.3 policies (which take an endpoint access mode)."""
        return self.security_policy != "TLS_1_2"

    @property
    def names(self) -> tuple[DomainName, ...]:
        """The main name and its aliases."""
        return (self, *self.aliases)
