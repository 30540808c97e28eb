"""Gateway files as written by hand: YAML habits and type mistakes, each one plain, located error.

Each case edits the example file's text (as a user would) and asserts the whole message.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gateway_stack.gateway.config import GatewayFileError, load_gateway, load_gateway_file
from gateway_stack.tools.cli import main

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = (ROOT / "config" / "example.yaml").read_text()


def edited(tmp_path: Path, *changes: tuple[str, str]) -> Path:
    """The example gateway file with each ``(old, new)`` text change, beside its documents."""
    shutil.copytree(ROOT / "config" / "openapi", tmp_path / "openapi", dirs_exist_ok=True)
    text = EXAMPLE
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "gateway.yaml"
    path.write_text(text)
    return path


def line_of(path: Path, start: str) -> int:
    """The number of the first line of ``path`` that starts with ``start`` (indent aside)."""
    lines = path.read_text().splitlines()
    return next(number for number, line in enumerate(lines, 1) if line.strip().startswith(start))


def errors(path: Path) -> list[str]:
    with pytest.raises(GatewayFileError) as caught:
        load_gateway(path)
    return [message.removeprefix(f"{path}: ") for message in caught.value.messages]


@pytest.mark.parametrize(
    ("change", "expected", "at"),
    [
        pytest.param(
            ("region: eu-west-1", "region: !Ref AWS::Region"),
            "region: !Ref is a CloudFormation function, and this file is plain YAML, read before "
            "any CloudFormation exists: write the region itself (e.g. eu-west-1) (the gateway "
            "writes the CloudFormation)",
            "region:",
            id="cloudformation-tag",
        ),
        pytest.param(
            ("    rate_limit: 10\n", "    rate_limit: .inf\n"),
            "tiers.bronze.rate_limit: .inf is not a number JSON can hold (JSON has no infinity "
            "or NaN): write a finite number",
            "rate_limit: .inf",
            id="infinity",
        ),
        pytest.param(
            ("  gold:\n", "  gold: &gold\n    copy: *gold\n"),
            "tiers.gold.copy: the alias *gold is inside the value of its own anchor &gold "
            "(line 65): a value cannot contain itself",
            "copy: *gold",
            id="self-referencing-anchor",
        ),
        pytest.param(
            ("    rate_limit: 10\n", "    rate_limit: 10\n    rate_limit: 11\n"),
            "tiers.bronze.rate_limit: key appears twice in the same mapping (first on line 62): "
            "keep one",
            "rate_limit: 11",
            id="duplicate-key",
        ),
        pytest.param(
            ("    rate_limit: 10\n", "\trate_limit: 10\n"),
            "line 62: not valid YAML: found character that cannot start any token (column 1), "
            "while scanning for the next token on line 62; YAML indents with spaces, not tabs",
            None,
            id="tab",
        ),
        pytest.param(
            ("availability_zones: [eu-west-1a, eu-west-1b]", "availability_zones: eu-west-1a"),
            "availability_zones: must be a list (got 'eu-west-1a')",
            "availability_zones:",
            id="list-expected",
        ),
        pytest.param(
            ("    backend: {load_balancer: billing, port: 8443}", "    backend: billing"),
            "services[2].backend: must be a mapping (got 'billing')",
            "backend: billing",
            id="mapping-expected",
        ),
        pytest.param(
            ("tags: {partner: globex}", "tags: [partner]"),
            "clients[1].tags: must be a mapping (got a list)",
            "- {id: partner-globex",
            id="mapping-expected-list-given",
        ),
        pytest.param(
            (
                "  bronze:\n    rate_limit: 10\n    burst_limit: 20\n"
                "    quota: {limit: 100000, period: MONTH}\n",
                "  bronze:\n",
            ),
            "tiers.bronze: must be a mapping (the value is empty)",
            "bronze:",
            id="empty-value",
        ),
        pytest.param(
            ("    rate_limit: 10\n", "    rate_limit: ten\n"),
            "tiers.bronze.rate_limit: must be a number, not the text 'ten'",
            "rate_limit: ten",
            id="number-expected",
        ),
        pytest.param(
            ("timeout_ms: 5000", "timeout_ms: 5000.7"),
            "services[1].timeout_ms: must be a whole number, not 5000.7",
            "timeout_ms:",
            id="whole-number-expected",
        ),
        pytest.param(
            ("  dashboards: true", "  dashboards: maybe"),
            "monitoring.dashboards: must be true or false (without quotes), not the text 'maybe'",
            "dashboards:",
            id="boolean-expected",
        ),
        pytest.param(
            ("name: acme", "name: 42"),
            "name: must be a string (got 42)",
            "name: 42",
            id="string-expected",
        ),
        pytest.param(
            ("period: MONTH", "period: YEAR"),
            "tiers.bronze.quota.period: must be 'DAY', 'WEEK' or 'MONTH' (got 'YEAR')",
            "quota:",
            id="one-of",
        ),
        pytest.param(
            ("    rate_limit: 10\n", "    rate_limit: -1\n"),
            "tiers.bronze.rate_limit: must be greater than 0 (got -1)",
            "rate_limit: -1",
            id="bound",
        ),
        pytest.param(
            ("      - GET /items\n", "      - GET /items\n      - 5\n"),
            "services[1].routes[1]: a route is 'METHOD /path' (e.g. 'GET /items/{id}') or a "
            "mapping with 'route' and its settings (got 5)",
            "- 5",
            id="union-neither-kind",
        ),
        pytest.param(
            ("        cache_ttl_seconds: 60", "        cache_ttl: 60"),
            "services[1].routes[1].cache_ttl: unknown key 'cache_ttl' (did you mean "
            "'cache_ttl_seconds'?); allowed here: route, throttle, cache_ttl_seconds, "
            "timeout_ms, scopes, mock, example",
            "cache_ttl: 60",
            id="union-mapping-branch-key",
        ),
        pytest.param(
            ("        scopes: [inventory:reserve]", "        scopes: inventory:reserve"),
            "services[1].routes[2].scopes: must be a list (got 'inventory:reserve')",
            "scopes: inventory",
            id="union-mapping-branch-value",
        ),
        pytest.param(
            (
                "        mock: true\n        example: {warehouses: [{id: dub-1, city: Dublin}]}\n",
                "        mock: true\n",
            ),
            "services[1].routes[3]: a mock route answers with its 'example': give one",
            "- route: GET /warehouses",
            id="union-mapping-branch-validator",
        ),
        pytest.param(
            ("  gold:\n    rate_limit: 200", "  gøld:\n    rate_limit: 200"),
            "tiers: the key 'gøld' must be lower-case letters, digits and hyphens; starts with "
            "a letter, ends with no hyphen",
            "gøld:",
            id="key",
        ),
    ],
)
def test_each_mistake_is_one_plain_error_at_its_line(
    tmp_path: Path, change: tuple[str, str], expected: str, at: str | None
) -> None:
    path = edited(tmp_path, change)
    suffix = f" (line {line_of(path, at)})" if at else ""
    assert expected + suffix in errors(path)


def test_a_misspelt_section_is_one_error_without_cascades(tmp_path: Path) -> None:
    path = edited(tmp_path, ("services:\n  - name: orders", "service:\n  - name: orders"))
    assert errors(path) == [
        "service: unknown key 'service' (did you mean 'services'?); allowed here: name, "
        "environment, account, region, availability_zones, account_quotas, network, domain, "
        "allowlist, auth, "
        "stage, waf, cors, cloudwatch_role, tiers, clients, load_balancers, services, "
        f"monitoring, regions, routing (line {line_of(path, 'service:')})"
    ]


def test_services_given_as_a_mapping_do_not_make_every_route_throttle_unknown(
    tmp_path: Path,
) -> None:
    path = edited(tmp_path, ("services:\n  - name: orders", "services:\n  orders:\n    name: x"))
    messages = errors(path)
    assert messages[0].startswith("line ")  # the rest of the list no longer parses as YAML
    path = edited(tmp_path, ("services:\n  - name: orders", "services: {}\nold:\n  - name: o"))
    assert not [m for m in errors(path) if "unknown service" in m]


def test_keys_are_read_as_written_and_dates_as_text(tmp_path: Path) -> None:
    path = edited(
        tmp_path,
        ("description: The consumer mobile app", "description: 2024-02-29"),
        ("tags: {partner: globex}", "tags: {on: 'yes', 200: ok}"),
    )
    clients = load_gateway_file(path).gateway.clients
    assert clients[0].description == "2024-02-29"
    assert dict(clients[1].tags) == {"on": "yes", "200": "ok"}


def test_a_latin_1_file_is_refused_with_its_name_and_place(tmp_path: Path) -> None:
    path = edited(tmp_path)
    path.write_bytes(EXAMPLE.replace("The consumer mobile app", "L'app café").encode("latin-1"))
    line = EXAMPLE[: EXAMPLE.index("The consumer mobile app")].count("\n") + 1
    assert errors(path) == [
        f"line {line}: not UTF-8: byte 0xE9 at column 56 (byte offset "
        f"{EXAMPLE.encode().index(b'The consumer') + 9}); the file may be Latin-1 or "
        "Windows-1252: save it as UTF-8"
    ]


def test_validate_prints_the_reading_error_and_counts_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bomb = "".join(
        f"x{i}: &x{i} [{', '.join([f'*x{i - 1}' if i else 'x'] * 9)}]\n" for i in range(9)
    )
    path = edited(tmp_path, ("name: acme\n", f"name: acme\n{bomb}"))
    assert main(["validate", str(path)]) == 1
    assert capsys.readouterr().err == (
        f"{path}: line 13: more than 1,000,000 values with every alias expanded (aliases "
        "that repeat aliases multiply): write the values out, or use fewer aliases\n"
        "1 error; nothing was synthesized.\n"
    )


@pytest.mark.parametrize(
    ("change", "expected", "at"),
    [
        pytest.param(
            ("  billing: {create: true}", "  billing: {create: maybe}"),
            "load_balancers.billing.create: must be true or false (without quotes), not the "
            "text 'maybe'",
            "billing: {create: maybe}",
            id="invalid-balancer-not-also-refused-by-the-allowlist",
        ),
        pytest.param(
            ('  base_paths: [orders, inventory, "billing/v*"]', "  base_paths: orders"),
            "allowlist.base_paths: must be a list (got 'orders')",
            "base_paths:",
            id="mistyped-allowlist-refuses-no-service",
        ),
        pytest.param(
            ("    base_path: billing/v2\n", "    base_path: /billing/v2/\n"),
            "services[2].base_path: must not start or end with '/' (write 'billing/v2', not "
            "'/billing/v2/')",
            "base_path: /billing/v2/",
            id="malformed-base-path-not-also-refused-by-the-allowlist",
        ),
    ],
)
def test_a_mistyped_section_is_the_only_error(
    tmp_path: Path, change: tuple[str, str], expected: str, at: str
) -> None:
    path = edited(tmp_path, change)
    assert errors(path) == [f"{expected} (line {line_of(path, at)})"]


def test_a_balancer_the_model_refuses_is_not_also_refused_by_the_allowlist(
    tmp_path: Path,
) -> None:
    arn = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/b/0123456789abcdef"
    dns_name = "b-0123456789abcdef.elb.us-east-1.amazonaws.com"
    path = edited(
        tmp_path,
        (
            "  billing: {create: true}",
            f"  billing: {{arn: '{arn}', dns_name: {dns_name}}}",
        ),
    )
    found = errors(path)
    assert [message.split(":", 1)[0] for message in found] == [
        "load_balancers.billing.arn",
        "load_balancers.billing.dns_name",
    ]
    assert not any("allowlist.backends" in message for message in found), found
