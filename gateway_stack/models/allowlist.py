"""The platform's allowlist: which base paths services may register and which load balancers
they may reach. The gateway file's ``allowlist`` section, the allowlist the platform publishes in
SSM for service teams' own apps, and the Guard policy all read this one model.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from pydantic import Field

from gateway_stack.models.fields import Section


class BackendAllowlist(Section):
    """Load balancers services may reach. One match of any list allows a load balancer."""

    arns: tuple[str, ...] = Field(
        (), description="NLB ARN patterns ('*' matches any run of characters)."
    )
    dns_names: tuple[str, ...] = Field((), description="NLB DNS name patterns.")
    vpc_ids: tuple[str, ...] = Field(
        (), description="VPCs whose gateway-created load balancers are allowed."
    )


class Allowlist(Section):
    """Base paths and backends services may use. Leave a list out to allow anything."""

    base_paths: tuple[str, ...] | None = Field(
        None,
        description="Allowed base paths; '*' matches within one segment (billing/v*). "
        "Default: any.",
    )
    backends: BackendAllowlist | None = Field(
        None, description="Allowed load balancers. Default: any."
    )

    def allows_base_path(self, base_path: str) -> bool:
        """True if ``base_path`` matches one of :attr:`base_paths` (segment by segment)."""
        if self.base_paths is None:
            return True
        return any(base_path_matches(pattern, base_path) for pattern in self.base_paths)


def base_path_matches(pattern: str, base_path: str) -> bool:
    """Whether ``base_path`` matches ``pattern``, whose ``*`` stays within a segment."""
    want, have = pattern.split("/"), base_path.split("/")
    return len(want) == len(have) and all(
        fnmatchcase(h, w) for w, h in zip(want, have, strict=True)
    )
