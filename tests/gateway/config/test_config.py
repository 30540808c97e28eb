"""The gateway file: the example loads, and each kind of mistake gets a message naming it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from gateway_stack.gateway.config import Gateway, GatewayFileError, load_gateway, parse_gateway
from gateway_stack.gateway.config.schema import render_schema

ROOT = Path(__file__).resolve().parents[3]


def write(tmp_path: Path, data: Any, name: str = "gateway.yaml") -> Path:
    """The data as a gateway file beside a copy of the example's OpenAPI documents."""
    if not (tmp_path / "openapi").exists():
        shutil.copytree(ROOT / "config" / "openapi", tmp_path / "openapi")
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def errors_of(path: Path) -> list[str]:
    with pytest.raises(GatewayFileError) as caught:
        load_gateway(path)
    return list(caught.value.messages)


def test_example_loads_with_its_services_tiers_and_clients() -> None:
    gateway = load_gateway(ROOT / "config" / "example.yaml")
    assert [s.name for s in gateway.services] == ["orders", "inventory", "billing"]
    assert [s.base_path for s in gateway.services] == ["orders", "inventory", "billing/v2"]
    assert gateway.services_on("commerce") == gateway.services[:2]
    assert set(gateway.tiers) == {"bronze", "gold"}
    assert gateway.stage_name == "dev"


def test_defaults_are_filled_in(gateway_data: dict[str, Any]) -> None:
    del gateway_data["stage"]
    del gateway_data["auth"]["cache_ttl_seconds"]
    gateway = parse_gateway(gateway_data)
    assert gateway.stage.throttle.rate_limit == 500
    assert gateway.stage.throttle.burst_limit == 1000
    assert gateway.stage.access_log_retention_days == 90
    assert gateway.auth.cache_ttl_seconds == 300
    assert gateway.cloudwatch_role is True


def test_model_is_immutable(gateway_data: dict[str, Any]) -> None:
    gateway = parse_gateway(gateway_data)
    with pytest.raises(Exception, match="frozen"):
        gateway.name = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            lambda d: d["services"][2].update(nmae="x"),
            "services[2].nmae: unknown key 'nmae' (did you mean 'name'?); allowed here: name, "
            "base_path, backend, openapi",
            id="unknown-key",
        ),
        pytest.param(
            lambda d: d["services"][1]["backend"].update(port="http"),
            "services[1].backend.port: must be a whole number, not the text 'http'",
            id="wrong-type",
        ),
        pytest.param(
            lambda d: d["services"][0].pop("base_path"),
            "services[0].base_path: required key is missing",
            id="missing-field",
        ),
        pytest.param(
            lambda d: d["services"][2].update(name="orders"),
            "services[2].name: duplicate service name 'orders': services[0] has it already",
            id="duplicate-service",
        ),
        pytest.param(
            lambda d: d["clients"][1].update(tier="silver"),
            "clients[1].tier: unknown tier 'silver'; declared tiers: bronze, gold",
            id="unknown-tier",
        ),
        pytest.param(
            lambda d: d["services"][2].update(base_path="/billing/v2/"),
            "services[2].base_path: must not start or end with '/'",
            id="base-path-slashes",
        ),
        pytest.param(
            lambda d: d["services"][2].update(base_path="billing//v2"),
            "services[2].base_path: segment '' is not allowed",
            id="base-path-empty-segment",
        ),
        pytest.param(
            lambda d: d["services"][2].update(base_path="billing/v2?x"),
            "services[2].base_path: segment 'v2?x' is not allowed",
            id="base-path-characters",
        ),
        pytest.param(
            lambda d: d["services"][0]["backend"].update(port=70000),
            "services[0].backend.port: must be at most 65535 (got 70000)",
            id="port-out-of-range",
        ),
        pytest.param(
            lambda d: d["services"][0]["backend"].update(port=0),
            "services[0].backend.port: must be at least 1 (got 0)",
            id="port-zero",
        ),
        pytest.param(
            lambda d: d["load_balancers"].update(
                legacy={
                    "arn": "arn:aws:elasticloadbalancing:eu-west-1:123:loadbalancer/app/x/1",
                    "dns_name": "x.elb.eu-west-1.amazonaws.com",
                }
            ),
            "load_balancers.legacy.arn: not a Network Load Balancer ARN",
            id="malformed-arn",
        ),
        pytest.param(
            lambda d: d["services"][0]["backend"].update(load_balancer="nope"),
            "services[0].backend.load_balancer: unknown load balancer 'nope'; declared under "
            "load_balancers: billing, commerce",
            id="unknown-load-balancer",
        ),
        pytest.param(
            lambda d: d.update(account=123456789012),
            "account: write the account id in quotes",
            id="unquoted-account",
        ),
        pytest.param(
            lambda d: d.update(name="Acme_1"),
            "name: must be lower-case letters, digits and hyphens; starts with a letter, ends "
            "with no hyphen (got 'Acme_1')",
            id="bad-name",
        ),
        pytest.param(
            lambda d: d.update(availability_zones=["us-east-1a"]),
            "availability_zones: 'us-east-1a' is not an availability zone of eu-west-1",
            id="zone-of-other-region",
        ),
        pytest.param(
            lambda d: d["stage"].update(access_log_retention_days=42),
            "stage.access_log_retention_days: not a CloudWatch Logs retention period; use one of",
            id="log-retention",
        ),
        pytest.param(
            lambda d: d["domain"].update(name="api.other.org"),
            "domain: name 'api.other.org' is not inside hosted zone 'example.com'",
            id="domain-outside-zone",
        ),
        pytest.param(
            lambda d: d["domain"].update(
                security_policy="TLS13_1_3_2025_09", mtls={"truststore_uri": "s3://acme-ts/t.pem"}
            ),
            "domain: mtls cannot be used with security_policy TLS13_1_3_2025_09",
            id="mtls-needs-tls12",
        ),
        pytest.param(
            lambda d: d["domain"].update(security_policy="TLS_1_0"),
            "domain.security_policy: must be 'TLS_1_2', 'TLS13_1_3_2025_09'",
            id="tls10-refused",
        ),
        pytest.param(
            lambda d: d["domain"]["aliases"].append(dict(d["domain"]["aliases"][0])),
            "domain: domain names must differ: api.example.net appears twice",
            id="alias-twice",
        ),
        pytest.param(
            lambda d: d["services"][2].update(base_path="payments"),
            "services[2].base_path: base path 'payments' is not allowed by allowlist.base_paths "
            "(orders, inventory, billing/v*): ask the platform team to add it",
            id="allowlist-base-path",
        ),
        pytest.param(
            lambda d: (
                d["load_balancers"].update(
                    ledger={
                        "arn": "arn:aws:elasticloadbalancing:eu-west-1:123456789012:"
                        "loadbalancer/net/ledger/0123456789abcdef",
                        "dns_name": "ledger-0123456789abcdef.elb.eu-west-1.amazonaws.com",
                    }
                ),
                d["allowlist"].update(
                    backends={"dns_names": ["orders-*.elb.eu-west-1.amazonaws.com"]}
                ),
                d["services"][2]["backend"].update(load_balancer="ledger"),
            ),
            "services[2].backend.load_balancer: load balancer 'ledger' is not allowed by "
            "allowlist.backends: neither its ARN",
            id="allowlist-backend",
        ),
        pytest.param(
            lambda d: d.update(clients=[{"id": f"c{i}", "tier": "gold"} for i in range(10_001)]),
            "clients: 10001 clients: each has an API key, and API Gateway allows 10000 per "
            "account and region (not raisable)",
            id="over-10000-keys",
        ),
        pytest.param(
            lambda d: d.update(
                tiers={f"t{i}": {"rate_limit": 1, "burst_limit": 1} for i in range(301)}
            ),
            "tiers: 301 tiers: each is a usage plan, and API Gateway allows 300 per account and "
            "region",
            id="over-300-plans",
        ),
        pytest.param(
            lambda d: d["services"][0].update(
                plan_throttles={"platinum": {"rate_limit": 1, "burst_limit": 1}}
            ),
            "services[0].plan_throttles.platinum: unknown tier 'platinum'; declared tiers: "
            "bronze, gold",
            id="override-of-unknown-tier",
        ),
        pytest.param(
            lambda d: d["tiers"]["bronze"]["quota"].update(period="WEEK", offset=7),
            "tiers.bronze.quota: offset 7 is outside 0-6 for a WEEK quota",
            id="quota-offset",
        ),
        pytest.param(
            lambda d: d["auth"].update(cache_ttl_seconds=7200),
            "auth.cache_ttl_seconds: must be at most 3600 (got 7200)",
            id="authorizer-cache-ttl",
        ),
        pytest.param(
            lambda d: d.pop("network"),
            "load_balancers.commerce.create: a created load balancer needs a 'network'",
            id="created-balancer-without-network",
        ),
        pytest.param(
            lambda d: d["network"].update(vpc_id="vpc-0123456789abcdef0"),
            "network: set exactly one of 'vpc_id' (an existing VPC) or 'create'",
            id="network-two-sources",
        ),
        pytest.param(
            lambda d: d["services"][0].update(openapi="../secrets.yaml"),
            "services[0].openapi: must be a relative path inside the gateway file's folder",
            id="openapi-outside",
        ),
        pytest.param(
            lambda d: d["services"][0].update(openapi="missing.yaml"),
            "services[0].openapi: file not found:",
            id="openapi-missing",
        ),
    ],
)
def test_each_mistake_is_named_with_file_field_and_rule(
    tmp_path: Path, gateway_data: dict[str, Any], change: Any, expected: str
) -> None:
    change(gateway_data)
    path = write(tmp_path, gateway_data)
    messages = errors_of(path)
    assert any(m.startswith(f"{path}: {expected}") for m in messages), messages


def test_every_error_of_a_file_is_reported_at_once_in_file_order(
    tmp_path: Path, gateway_data: dict[str, Any]
) -> None:
    gateway_data["services"][0]["backend"]["port"] = 0
    gateway_data["services"][1]["backend"]["load_balancer"] = "nowhere"
    gateway_data["services"][2]["colour"] = "blue"
    gateway_data["clients"][0]["tier"] = "platinum"
    messages = errors_of(write(tmp_path, gateway_data))
    fields = [m.split(": ")[1] for m in messages]
    assert fields == [
        "clients[0].tier",
        "services[0].backend.port",
        "services[1].backend.load_balancer",
        "services[2].colour",
    ]


def test_messages_carry_the_line_of_the_problem(tmp_path: Path) -> None:
    text = (ROOT / "config" / "example.yaml").read_text()
    broken = text.replace("base_path: billing/v2", "base_path: /billing/v2")
    path = write(tmp_path, {})
    path.write_text(broken)
    line = next(i for i, t in enumerate(broken.splitlines(), 1) if "/billing/v2" in t)
    (message,) = [m for m in errors_of(path) if "must not start or end with '/'" in m]
    assert message.endswith(f"(line {line})")


def test_a_key_given_twice_is_an_error_not_a_silent_override(tmp_path: Path) -> None:
    path = tmp_path / "gateway.yaml"
    path.write_text("name: acme\nname: other\n")
    assert errors_of(path) == [
        f"{path}: name: key appears twice in the same mapping (first on line 1): keep one (line 2)"
    ]


def test_yaml_merge_keys_are_honoured(tmp_path: Path) -> None:
    text = (ROOT / "config" / "example.yaml").read_text()
    text = text.replace("tiers:\n  bronze:\n", "tiers:\n  bronze: &bronze\n").replace(
        "  gold:\n    rate_limit: 200\n    burst_limit: 400\n",
        "  gold:\n    <<: *bronze\n    rate_limit: 200\n",
    )
    path = write(tmp_path, {})
    path.write_text(text)
    gateway = load_gateway(path)
    assert gateway.tiers["gold"].burst_limit == 20
    assert gateway.tiers["gold"].rate_limit == 200


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("services: [unclosed\n", "line 2: not valid YAML: did not find expected ',' or ']'"),
        ("- a\n- b\n", "(top level): the file must be a mapping"),
        ("", "(top level): the file must be a mapping"),
    ],
)
def test_files_that_are_not_gateway_files(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "gateway.yaml"
    path.write_text(text)
    (message,) = errors_of(path)
    assert message.startswith(f"{path}: {expected}")


def test_a_file_without_its_sections_names_each_missing_one(tmp_path: Path) -> None:
    """Missing sections (load_balancers among them) are each a message, never a crash."""
    path = tmp_path / "gateway.yaml"
    path.write_text("name: acme\n")
    messages = errors_of(path)
    assert f"{path}: load_balancers: required key is missing" in messages
    assert f"{path}: services: required key is missing" in messages


def test_missing_file(tmp_path: Path) -> None:
    (message,) = errors_of(tmp_path / "absent.yaml")
    assert "cannot read the file" in message


def test_a_gateway_built_in_code_obeys_the_same_reference_rules(
    gateway_data: dict[str, Any],
) -> None:
    gateway_data["clients"][0]["tier"] = "platinum"
    with pytest.raises(ValueError, match=r"clients\[0\]\.tier: unknown tier 'platinum'"):
        Gateway.model_validate(gateway_data)


def test_committed_json_schema_matches_the_model() -> None:
    committed = (ROOT / "config" / "gateway.schema.json").read_text()
    assert committed == render_schema(), "config/gateway.schema.json is stale: run `make schema`"


def test_the_example_validates_against_the_json_schema(example_data: dict[str, Any]) -> None:
    schema = json.loads((ROOT / "config" / "gateway.schema.json").read_text())
    jsonschema.validate(example_data, schema)
    bad = {**example_data, "colour": "blue"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
