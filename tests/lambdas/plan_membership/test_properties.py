"""Parsing ResourceProperties: ids, throttle values, method specs and their escaping."""

from __future__ import annotations

import ast
import sys
from typing import Any

import pytest
from membership_support import CODE_ROOT
from usage_plan_membership.plans import throttle_path
from usage_plan_membership.properties import (
    InvalidPropertiesError,
    escape_pointer_token,
    format_burst_limit,
    format_rate_limit,
    parse_membership,
    split_method,
)

BASE = {"ServiceToken": "arn", "RestApiId": "a1b2c3d4e5", "StageName": "prod"}


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("/items/{sku}/GET", ("/items/{sku}", "GET")),
        ("/GET", ("/", "GET")),
        ("/*/*", ("/*", "*")),
        ("/items/{proxy+}/ANY", ("/items/{proxy+}", "ANY")),
    ],
)
def test_method_specs_split_at_the_last_slash(spec: str, expected: tuple[str, str]) -> None:
    assert split_method(spec) == expected


@pytest.mark.parametrize("spec", ["items/GET", "/items/get", "/items//GET", "/items/", "", 3])
def test_malformed_method_specs_are_refused(spec: Any) -> None:
    with pytest.raises(InvalidPropertiesError):
        split_method(spec)


@pytest.mark.parametrize(
    ("resource_path", "method", "path"),
    [
        ("/items/{sku}", "GET", "/apiStages/a1b2c3d4e5:prod/throttle/~1items~1{sku}/GET"),
        ("/", "GET", "/apiStages/a1b2c3d4e5:prod/throttle/~1/GET"),
        ("/*", "*", "/apiStages/a1b2c3d4e5:prod/throttle/~1*/*"),
        ("/a~b/c", "POST", "/apiStages/a1b2c3d4e5:prod/throttle/~1a~0b~1c/POST"),
    ],
)
def test_throttle_paths_escape_the_resource_path_as_one_pointer_token(
    resource_path: str, method: str, path: str
) -> None:
    assert throttle_path("a1b2c3d4e5:prod", resource_path, method) == path


def test_escaping_replaces_tilde_before_slash() -> None:
    assert escape_pointer_token("~1/") == "~01~1"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("10", "10"), (10, "10"), ("10.0", "10"), ("10.50", "10.5"), (2.5, "2.5"), ("1e3", "1000")],
)
def test_rate_limits_are_sent_in_canonical_form(value: Any, expected: str) -> None:
    assert format_rate_limit(value, "rateLimit") == expected


@pytest.mark.parametrize(("value", "expected"), [("10", "10"), (10, "10"), ("10.0", "10")])
def test_burst_limits_are_whole_numbers(value: Any, expected: str) -> None:
    assert format_burst_limit(value, "burstLimit") == expected


@pytest.mark.parametrize("value", ["abc", "-1", -1, True, None, "nan", "inf", [1]])
def test_bad_numbers_are_refused(value: Any) -> None:
    with pytest.raises(InvalidPropertiesError):
        format_rate_limit(value, "rateLimit")


def test_a_fractional_burst_limit_is_refused() -> None:
    with pytest.raises(InvalidPropertiesError, match="whole number"):
        format_burst_limit("10.5", "burstLimit")


def test_membership_dedupes_plans_and_accepts_throttles_as_json_text() -> None:
    membership = parse_membership(
        {
            **BASE,
            "UsagePlanIds": ["gold111", "bronze1", "gold111"],
            "Throttles": '{"gold111": {"rateLimit": "1", "burstLimit": "2", "methods": ["/GET"]}}',
        }
    )

    assert membership.plan_ids == ("gold111", "bronze1")
    assert membership.member_id == "a1b2c3d4e5:prod"
    (throttle,) = membership.throttles_for("gold111")
    assert (throttle.key, throttle.rate_limit, throttle.burst_limit) == ("/GET", "1", "2")
    assert membership.throttles_for("bronze1") == ()


def test_a_plan_takes_groups_of_methods_with_different_limits() -> None:
    groups = [
        {"rateLimit": 50, "burstLimit": 100, "methods": ["/*/*"]},
        {"rateLimit": 5, "burstLimit": 10, "methods": ["/orders/POST"]},
    ]
    membership = parse_membership(
        {**BASE, "UsagePlanIds": ["gold111"], "Throttles": {"gold111": groups}}
    )
    found = {t.key: (t.rate_limit, t.burst_limit) for t in membership.throttles_for("gold111")}
    assert found == {"/*/*": ("50", "100"), "/orders/POST": ("5", "10")}
    groups[1]["methods"] = ["/*/*"]
    with pytest.raises(InvalidPropertiesError, match="repeats"):
        parse_membership({**BASE, "UsagePlanIds": ["gold111"], "Throttles": {"gold111": groups}})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"RestApiId": "abc/def"}, "RestApiId must be"),
        ({"RestApiId": None}, "RestApiId must be"),
        ({"StageName": "prod:x"}, "StageName must be"),
        ({"UsagePlanIds": ["ok1", "bad:id"]}, "invalid plan id"),
        ({"UsagePlanIds": "gold111"}, "must be a list"),
        ({"Throttles": {"gold111": {"rateLimit": 1, "burstLimit": 1}}}, "methods must be"),
        (
            {
                "Throttles": {
                    "gold111": {"rateLimit": 1, "burstLimit": 1, "methods": ["/GET"], "x": 1}
                }
            },
            "unknown keys: x",
        ),
        (
            {
                "Throttles": {
                    "gold111": {"rateLimit": 1, "burstLimit": 1, "methods": ["/a/GET"] * 2}
                }
            },
            "repeats",
        ),
        ({"Throttles": {"gold111": {"burstLimit": 1, "methods": ["/GET"]}}}, "rateLimit"),
        ({"Throttles": "{oops"}, "not valid JSON"),
        ({"Throttles": ["gold111"]}, "must map usage plan ids"),
    ],
)
def test_invalid_properties_name_the_problem(change: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidPropertiesError, match=message):
        parse_membership({**BASE, "UsagePlanIds": ["gold111"], **change})


def test_the_code_imports_only_the_standard_library_boto3_and_its_pinned_packages() -> None:
    pinned = {
        line.split("==")[0].strip().lower()
        for line in (CODE_ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert pinned == {"crhelper"}
    runtime = {"boto3", "botocore"}  # what the Lambda runtime provides
    allowed = set(sys.stdlib_module_names) | runtime | pinned | {"usage_plan_membership"}
    for path in sorted(CODE_ROOT.rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed, f"{path.name} imports {name}"
