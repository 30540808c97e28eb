"""Smoke checks: calls to a deployed gateway and the answers its gateway file promises.

Standard library only: the smoke command (``python -m gateway_stack smoke``) and the synthetic
canary run this same code. :class:`Check` is one request and its expected answer,
:func:`run_checks` sends them and returns a :class:`Result` each.
"""

from __future__ import annotations

from gateway_stack.smoke.check import Check, Result
from gateway_stack.smoke.runner import MAX_REQUESTS, run_checks

__all__ = ["MAX_REQUESTS", "Check", "Result", "run_checks"]
