"""AWS regions and availability zones, from botocore's endpoint data.

The list of regions is not written by hand: it is the ``regions`` of the ``aws``, ``aws-cn`` and
``aws-us-gov`` partitions in ``botocore/data/endpoints.json``, which boto3 installs (botocore is
pinned in ``constraints.txt``; a newer botocore knows newer regions). The gateway deploys to
those three partitions only. An availability zone name is its region's code and one letter
(``eu-west-1a``); which letters a region has is account-specific, so only that form is checked.
"""

from __future__ import annotations

import difflib
import json
import re
from functools import cache
from importlib import resources

#: The partitions the gateway deploys to.
PARTITIONS = ("aws", "aws-cn", "aws-us-gov")


@cache
def regions_by_partition() -> dict[str, tuple[str, ...]]:
    """Each partition's region codes, from botocore's ``endpoints.json``."""
    data = json.loads(resources.files("botocore").joinpath("data/endpoints.json").read_text())
    return {
        partition["partition"]: tuple(sorted(partition["regions"]))
        for partition in data["partitions"]
        if partition["partition"] in PARTITIONS
    }


def partition_of(region: str) -> str | None:
    """The partition of a known region code, or None."""
    for partition, regions in regions_by_partition().items():
        if region in regions:
            return partition
    return None


def region_problem(region: str) -> str | None:
    """Why ``region`` is not a region the gateway can deploy to, with the nearest known one, or
    None when it is one."""
    if partition_of(region) is not None:
        return None
    known = [r for regions in regions_by_partition().values() for r in regions]
    close = difflib.get_close_matches(region, known, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else f"; the regions are {', '.join(known)}"
    return f"{region!r} is not an AWS region of the aws, aws-cn or aws-us-gov partition{hint}"


def zone_problem(zone: str, region: str) -> str | None:
    """Why ``zone`` is not an availability zone name of ``region`` (its code and one letter),
    or None."""
    if re.fullmatch(re.escape(region) + r"[a-z]", zone):
        return None
    hint = ""
    match = re.fullmatch(r"(.+)([a-z])", zone)
    if match and partition_of(match.group(1)) is not None:
        hint = f" (it is a zone of {match.group(1)})"
    return (
        f"{zone!r} is not an availability zone of {region}{hint}: a zone is the region's code "
        f"and one letter, e.g. {region}a"
    )
