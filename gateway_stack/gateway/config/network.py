"""The gateway file's ``network`` section: the VPC gateway-created load balancers live in."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints, field_validator, model_validator

from gateway_stack.models.cidr import VpcCidr
from gateway_stack.models.fields import Section, rule
from gateway_stack.models.target import current_target


class CreatedVpc(Section):
    """A VPC the gateway creates: private isolated subnets only (no NAT, no internet gateway)."""

    cidr: VpcCidr = Field(
        "10.0.0.0/16",
        description="IPv4 CIDR block of the VPC, /16 to /24 (one /24 private subnet per "
        "availability zone). Default: 10.0.0.0/16.",
    )

    @field_validator("cidr")
    @classmethod
    def _room_for_subnets(cls, value: str) -> str:
        # The created VPC has one /24 private subnet per availability zone.
        target = current_target()
        zones = max(target.zones if target is not None else 1, 1)
        prefix = int(value.rsplit("/", 1)[1])
        largest = 24 - (zones - 1).bit_length()  # the longest prefix with room for them all
        if prefix > largest:
            subnets = f"{zones} /24 subnet{'s' * (zones != 1)}"
            raise ValueError(
                f"a /{prefix} block has no room for {subnets} (one per availability zone): "
                f"use /{largest} or a shorter prefix, e.g. /16"
            )
        return value


class Network(Section):
    """Where gateway-created load balancers live: an existing VPC, or one the gateway creates.

    Either ``vpc_id`` with ``cidr`` and ``private_subnet_ids`` (one per availability zone, in
    the order of ``availability_zones``), or ``create``.
    """

    vpc_id: str | None = Field(
        None,
        pattern=rule(r"^vpc-[0-9a-f]{8,17}$", "vpc- and 8 to 17 hex digits"),
        description="Existing VPC id (vpc-...).",
    )
    cidr: VpcCidr | None = Field(
        None, description="The existing VPC's IPv4 CIDR (load balancers admit traffic from it)."
    )
    private_subnet_ids: tuple[
        Annotated[
            str,
            StringConstraints(
                pattern=rule(r"^subnet-[0-9a-f]{8,17}$", "subnet- and 8 to 17 hex digits")
            ),
        ],
        ...,
    ] = Field((), description="Private subnets of the existing VPC, one per availability zone.")
    create: CreatedVpc | None = Field(None, description="Create a VPC with these settings.")

    @model_validator(mode="after")
    def _one_source(self) -> Network:
        if (self.vpc_id is None) == (self.create is None):
            raise ValueError("set exactly one of 'vpc_id' (an existing VPC) or 'create'")
        if self.vpc_id is not None and (self.cidr is None or not self.private_subnet_ids):
            raise ValueError("an existing VPC needs 'cidr' and 'private_subnet_ids' too")
        if self.create is not None and (self.cidr is not None or self.private_subnet_ids):
            raise ValueError(
                "'cidr' and 'private_subnet_ids' describe an existing VPC: with "
                "'create', set 'create.cidr' instead"
            )
        return self

    @property
    def vpc_cidr(self) -> str:
        """The VPC's IPv4 CIDR, created or existing."""
        return self.create.cidr if self.create is not None else str(self.cidr)
