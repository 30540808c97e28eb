"""The gateway file's ``monitoring.canaries``: off by default, and each mistake named with the
file, the field and the rule."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from gateway_stack.gateway.config import GatewayFileError, load_gateway, parse_gateway

ROOT = Path(__file__).resolve().parents[3]
SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:acme/canary-AbCdEf"
TOKEN_URL = "https://login.example.com/oauth2/token"


def errors_of(tmp_path: Path, data: dict[str, Any]) -> list[str]:
    shutil.copytree(ROOT / "config" / "openapi", tmp_path / "openapi")
    path = tmp_path / "gateway.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    with pytest.raises(GatewayFileError) as caught:
        load_gateway(path)
    prefix = f"{path}: "
    assert all(message.startswith(prefix) for message in caught.value.messages)
    return [message.removeprefix(prefix) for message in caught.value.messages]


def test_canaries_are_off_unless_the_file_turns_them_on(gateway_data: dict[str, Any]) -> None:
    canaries = parse_gateway(gateway_data).monitoring.canaries
    assert canaries.enabled is False
    assert (canaries.rate_minutes, canaries.scopes) == (5, ())


def test_enabled_canaries_keep_their_settings(gateway_data: dict[str, Any]) -> None:
    gateway_data["monitoring"]["canaries"] = {
        "enabled": True,
        "rate_minutes": 15,
        "credentials_secret_arn": SECRET,
        "token_url": TOKEN_URL,
        "scopes": ["orders:read"],
    }
    canaries = parse_gateway(gateway_data).monitoring.canaries
    assert (canaries.rate_minutes, canaries.credentials_secret_arn, canaries.token_url) == (
        15,
        SECRET,
        TOKEN_URL,
    )
    assert canaries.scopes == ("orders:read",)


@pytest.mark.parametrize(
    ("canaries", "expected"),
    [
        pytest.param(
            {"enabled": True},
            "monitoring.canaries: enabled canaries need credentials_secret_arn and token_url: "
            "the canary gets its test client's token from the token URL with the secret's "
            "credentials",
            id="incomplete",
        ),
        pytest.param(
            {
                "enabled": True,
                "credentials_secret_arn": SECRET,
                "token_url": TOKEN_URL,
                "rate_minutes": 61,
            },
            "monitoring.canaries.rate_minutes: must be at most 60 (got 61)",
            id="rate-over-an-hour",
        ),
        pytest.param(
            {"rate_minutes": 0},
            "monitoring.canaries.rate_minutes: must be at least 1 (got 0)",
            id="rate-zero",
        ),
        pytest.param(
            {"credentials_secret_arn": "arn:aws:secretsmanager:eu-west-1:123456789012:acme"},
            "monitoring.canaries.credentials_secret_arn: not a Secrets Manager secret ARN: "
            "expected arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 characters>",
            id="not-a-secret",
        ),
        pytest.param(
            {"credentials_secret_arn": SECRET.replace("eu-west-1", "us-east-1")},
            "monitoring.canaries.credentials_secret_arn: the Secrets Manager secret is in "
            "us-east-1, but the gateway is in eu-west-1: the canary reads the secret from "
            "Secrets Manager in its own region; create the secret in eu-west-1 or replicate it "
            "there",
            id="secret-in-another-region",
        ),
        pytest.param(
            {"credentials_secret_arn": SECRET.replace("123456789012", "210987654321")},
            "monitoring.canaries.credentials_secret_arn: the Secrets Manager secret is in "
            "account 210987654321, but the gateway deploys to 123456789012: the canary's role "
            "reads secrets of its own account only",
            id="secret-in-another-account",
        ),
        pytest.param(
            {"credentials_secret_arn": SECRET.replace("arn:aws:", "arn:aws-cn:")},
            "monitoring.canaries.credentials_secret_arn: the Secrets Manager secret is in "
            "partition aws-cn, but the gateway's region eu-west-1 is in aws",
            id="secret-in-another-partition",
        ),
        pytest.param(
            {"token_url": "http://login.example.com/token"},
            "monitoring.canaries.token_url: must be an https:// URL",
            id="token-url-not-https",
        ),
    ],
)
def test_mistakes_name_the_field_and_the_rule(
    tmp_path: Path, gateway_data: dict[str, Any], canaries: dict[str, Any], expected: str
) -> None:
    gateway_data["monitoring"]["canaries"] = canaries
    messages = errors_of(tmp_path, gateway_data)
    assert any(m.startswith(expected) for m in messages), messages
    assert all("Traceback" not in m and "pydantic" not in m for m in messages)
