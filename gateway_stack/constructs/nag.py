"""cdk-nag's AwsSolutions pack as a CDK validation plugin, and acknowledgments with reasons.

With the plugin added, a finding fails the synth and lands in ``cdk.out/validation-report.json``.
Every acknowledgment goes through :func:`acknowledge`, which insists on a reason a reviewer can
judge; ``tests/synth`` lists them all so that none hides.
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, Stage, Validations
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct

MIN_REASON_LENGTH = 40


def add_aws_solutions_checks(stage: Stage) -> None:
    """Check every stack of ``stage`` (an App, or a Stage) against cdk-nag's AwsSolutions pack."""
    Validations.of(stage).add_plugins(AwsSolutionsChecks(stage))


def acknowledge(scope: IConstruct, rule: str, reason: str) -> None:
    """Accept the finding ``rule`` on ``scope`` and everything below it, for ``reason``.

    Raises:
        ValueError: the reason is too short to tell a reviewer why the finding is acceptable.
    """
    if len(reason.strip()) < MIN_REASON_LENGTH:
        raise ValueError(
            f"acknowledging {rule} on {scope.node.path}: give a reason a reviewer can judge "
            f"(at least {MIN_REASON_LENGTH} characters)"
        )
    Validations.of(scope).acknowledge(Acknowledgment(id=rule, reason=reason))


def validation_reason(validated_operations: int) -> str:
    """Why cdk-nag's APIG2 finding does not apply to a service API whose requests are validated
    as its document says (``validated_operations`` of its operations have something to validate):
    cdk-nag looks for ``AWS::ApiGateway::RequestValidator`` resources, and the validators live in
    the OpenAPI body."""
    reason = (
        "cdk-nag looks for AWS::ApiGateway::RequestValidator resources, but this API's "
        "validators are in its OpenAPI body (x-amazon-apigateway-request-validators), where "
        "the body's import keeps them; a separate resource would be reset by the next import. "
    )
    if validated_operations:
        return reason + (
            f"{validated_operations} operation(s) validate their body or required parameters; "
            "the others define nothing to validate against and are forwarded unchanged to the "
            "service."
        )
    return reason + (
        "No operation of this API defines a request schema or a required query string or "
        "header, so there is nothing to validate: requests are forwarded to the service."
    )
