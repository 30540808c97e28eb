"""The generated OpenAPI document and the private integration's own checks."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from gateway_stack.openapi import PrivateIntegration, proxy_document


def test_proxy_document_is_valid_openapi() -> None:
    validate(proxy_document("orders", PrivateIntegration(port=8080)))


def test_integration_timeout_defaults_to_api_gateways_ceiling() -> None:
    integration = PrivateIntegration(port=8080).for_path("/")
    assert integration["timeoutInMillis"] == 29_000
    assert "requestParameters" not in integration


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"port": 0}, r"PrivateIntegration.port: 0 is not a TCP port \(1-65535\)"),
        ({"port": 80, "timeout_ms": 49}, r"PrivateIntegration.timeout_ms: 49 is outside"),
        ({"port": 80, "timeout_ms": 29_001}, r"PrivateIntegration.timeout_ms: 29001 is outside"),
    ],
)
def test_bad_integration_settings_are_refused(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PrivateIntegration(**kwargs)
