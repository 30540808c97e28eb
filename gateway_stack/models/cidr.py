"""CIDR blocks, read with :mod:`ipaddress`: a valid address and prefix, and no host bits.

``10.40.7.9/16`` is not a network: AWS would take 10.40.0.0/16, so the file says one thing and
the VPC is another. It is refused with the block it probably means.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any

from pydantic import AfterValidator
from pydantic.json_schema import WithJsonSchema

#: What the JSON Schema says of an IPv4 block (editors check the form; the model checks the rest).
IPV4_BLOCK_PATTERN = r"^(\d{1,3}\.){3}\d{1,3}/\d{1,2}$"


def cidr_problem(
    value: str, *, version: int = 4, prefixes: tuple[int, int] = (0, 32)
) -> str | None:
    """Why ``value`` is not an IPv``version`` CIDR block with a prefix within ``prefixes``, or
    None. A block with host bits set gets the block it probably means.

    Args:
        value: the block as written.
        version: 4 or 6. Default: 4.
        prefixes: the shortest and longest prefix allowed. Default: ``(0, 32)``.
    """
    kind = "IPv4" if version == 4 else "IPv6"
    example = "10.0.0.0/16" if version == 4 else "2001:db8::/56"
    if "/" not in value:
        return f"{value!r} is not a CIDR block: write the address and its prefix, e.g. {example}"
    try:
        network = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return f"{value!r} is not an {kind} CIDR block such as {example}"
    if network.version != version:
        return f"{value!r} is not an {kind} CIDR block such as {example}"
    low, high = prefixes
    if not low <= network.prefixlen <= high:
        return f"the prefix /{network.prefixlen} is outside /{low} to /{high}"
    if str(network) != value:
        return (
            f"{value} has host bits set, so it is not the start of a block: did you mean {network}?"
        )
    return None


def _vpc_block(value: Any) -> Any:
    problem = cidr_problem(value, prefixes=(16, 28))
    if problem:
        raise ValueError(problem + " (a VPC's IPv4 block is /16 to /28)" * ("prefix" in problem))
    return value


#: A VPC's IPv4 CIDR block: /16 to /28, as Amazon VPC allows.
VpcCidr = Annotated[
    str,
    AfterValidator(_vpc_block),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": IPV4_BLOCK_PATTERN,
            "description": "An IPv4 CIDR block from /16 to /28, e.g. 10.0.0.0/16.",
        }
    ),
]
