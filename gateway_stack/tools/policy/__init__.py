"""The platform's deploy-time policy for service stacks (CloudFormation Guard)."""

from gateway_stack.tools.policy.guard import (
    GuardResult,
    guard_binary,
    inline_asset_bodies,
    run_guard,
)
from gateway_stack.tools.policy.rules import PLATFORM_ONLY, service_stack_rules

__all__ = [
    "PLATFORM_ONLY",
    "GuardResult",
    "guard_binary",
    "inline_asset_bodies",
    "run_guard",
    "service_stack_rules",
]
