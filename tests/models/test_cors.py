"""The one CORS model: the gateway file's ``cors`` section and ``ServiceApi``'s ``cors`` are the
same object, checked by the same rules, with messages in words."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from gateway_stack.gateway.config import GatewayFileError, parse_gateway
from gateway_stack.models.cors import Cors
from gateway_stack.openapi import Cors as OpenApiCors
from gateway_stack.openapi.gateway_responses import gateway_responses


def test_the_gateway_file_holds_the_model_the_api_takes(gateway_data: dict[str, Any]) -> None:
    assert OpenApiCors is Cors
    gateway_data["cors"] = {"allow_origin": "https://app.example.com"}
    cors = parse_gateway(gateway_data).cors
    assert cors == Cors(allow_origin="https://app.example.com")
    assert cors is not None
    assert (cors.allow_headers, cors.max_age_seconds) == (("Authorization", "Content-Type"), 600)
    responses = gateway_responses(cors)
    headers = responses["UNAUTHORIZED"]["responseParameters"]
    assert headers["gatewayresponse.header.Access-Control-Allow-Origin"] == (
        "'https://app.example.com'"
    )


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {"allow_origin": "https://app.example.com/login"},
            "allow_origin\n  must be '*' or an origin such as https://app.example.com (scheme, "
            "host, optional port; no path)",
        ),
        (
            {"allow_origin": "*", "allow_headers": ["X-Ok", "Bad Header"]},
            "allow_headers.1\n  must be a header name: letters, digits and '-'",
        ),
        ({"allow_origin": "*", "allow_headers": []}, "allow_headers\n  Tuple should have at least"),
        ({"allow_origin": "*", "max_age_seconds": 86401}, "max_age_seconds\n  Input should be"),
    ],
)
def test_settings_that_would_break_a_static_header_are_refused_in_words(
    values: dict[str, Any], expected: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        Cors(**values)
    assert expected in str(caught.value)


def test_the_gateway_file_reports_the_same_rule_with_the_key_path(
    gateway_data: dict[str, Any],
) -> None:
    gateway_data["cors"] = {"allow_origin": "https://app.example.com/login"}
    with pytest.raises(GatewayFileError) as caught:
        parse_gateway(gateway_data)
    assert caught.value.messages == (
        "<gateway>: cors.allow_origin: must be '*' or an origin such as https://app.example.com "
        "(scheme, host, optional port; no path) (got 'https://app.example.com/login')",
    )
