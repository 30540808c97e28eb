"""Every value of the gateway file is checked for what AWS accepts: each mistake is refused by the
model (so by ``validate``, before synth) with the file, the key path, the rule and the line."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from gateway_stack.gateway.config import Gateway, load_gateway, parse_gateway
from gateway_stack.models.cidr import cidr_problem
from gateway_stack.models.regions import partition_of, regions_by_partition
from gateway_stack.models.throttle import Throttle
from tests.gateway.config.test_config import errors_of, write

CERTIFICATE_ID = "12345678-1234-1234-1234-123456789012"
OTHER_ACCOUNT = "210987654321"


def _nlb(region: str, account: str) -> dict[str, str]:
    return {
        "arn": f"arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/net/ledger/"
        "0123456789abcdef",
        "dns_name": f"ledger-0123456789abcdef.elb.{region}.amazonaws.com",
    }


# Each case: (an edit of the example's data, the key path, the start of its message).
REFUSED = [
    pytest.param(
        lambda d: d["tiers"]["gold"].update(rate_limit=True),
        "tiers.gold.rate_limit",
        "must be a number, not true",
        id="boolean-rate",
    ),
    pytest.param(
        lambda d: d["tiers"]["bronze"]["quota"].update(limit=1e23),
        "tiers.bronze.quota.limit",
        "1e+23 is outside 1 to 2,147,483,647: API Gateway's quota limit is a 32-bit integer",
        id="quota-over-int32",
    ),
    pytest.param(
        lambda d: d["tiers"]["bronze"]["quota"].update(limit="1e23"),
        "tiers.bronze.quota.limit",
        "must be a whole number, not the text '1e23' (quoted, or a form YAML reads as text",
        id="quota-as-text",
    ),
    pytest.param(
        lambda d: d["tiers"]["bronze"]["quota"].update(limit=0),
        "tiers.bronze.quota.limit",
        "0 is outside 1 to 2,147,483,647",
        id="quota-zero",
    ),
    pytest.param(
        lambda d: d["tiers"]["gold"].update(burst_limit=0),
        "tiers.gold.burst_limit",
        "a burst of 0 lets no request through (every caller under this throttle would be "
        "answered 429): use 1 or more",
        id="burst-zero",
    ),
    pytest.param(
        lambda d: d["tiers"]["gold"].update(rate_limit=float("inf")),
        "tiers.gold.rate_limit",
        ".inf is not a number JSON can hold (JSON has no infinity or NaN): write a finite number",
        id="rate-infinite",
    ),
    pytest.param(
        lambda d: d["stage"]["throttle"].update(rate_limit=20000),
        "stage.throttle.rate_limit",
        "20,000 requests per second is over the account's throttle in the region (10,000, AWS's "
        "default): no stage, route or client can be allowed more than the account; if AWS "
        "raised it for this account, state it as account_quotas.rate_limit",
        id="rate-over-account",
    ),
    pytest.param(
        lambda d: d["tiers"]["gold"].update(burst_limit=6000),
        "tiers.gold.burst_limit",
        "a burst of 6,000 is over the account's burst in the region (5,000, AWS's default)",
        id="burst-over-account",
    ),
    pytest.param(
        lambda d: d["services"][1].update(timeout_ms=5000.7),
        "services[1].timeout_ms",
        "must be a whole number, not 5000.7",
        id="timeout-fraction",
    ),
    pytest.param(
        lambda d: d["services"][1].update(timeout_ms="5000"),
        "services[1].timeout_ms",
        "must be a whole number, not the text '5000'",
        id="timeout-text",
    ),
    pytest.param(
        lambda d: d["services"][1].update(timeout_ms=60000),
        "services[1].timeout_ms",
        "60,000 ms is outside 50 to 29,000 ms, the integration timeouts the account may set "
        "(API Gateway's default; if AWS raised this account's limit for Regional and private "
        "REST APIs, state it as account_quotas.integration_timeout_ms)",
        id="timeout-over-default",
    ),
    pytest.param(
        lambda d: (
            d.update(account_quotas={"integration_timeout_ms": 60000}),
            d["services"][1]["routes"][1].update(timeout_ms=90000),
        ),
        "services[1].routes[1].timeout_ms",
        "90,000 ms is outside 50 to 60,000 ms, the integration timeouts the account may set "
        "(as account_quotas states it)",
        id="route-timeout-over-raised",
    ),
    pytest.param(
        lambda d: d["services"][1]["routes"][1].update(timeout_ms=40),
        "services[1].routes[1].timeout_ms",
        "40 ms is outside 50 to 29,000 ms",
        id="route-timeout-under-50",
    ),
    pytest.param(
        lambda d: d.update(account_quotas={"integration_timeout_ms": 600000}),
        "account_quotas.integration_timeout_ms",
        "must be at most 300000 (got 600000)",
        id="raised-timeout-over-300s",
    ),
    pytest.param(
        lambda d: d["services"][1]["routes"][3].update(mock="false"),
        "services[1].routes[3].mock",
        "must be true or false (without quotes), not the text 'false'",
        id="mock-as-text",
    ),
    pytest.param(
        lambda d: d["clients"][0].update(enabled=0),
        "clients[0].enabled",
        "must be true or false (without quotes), not 0",
        id="enabled-as-number",
    ),
    pytest.param(
        lambda d: d["services"][0]["backend"].update(port=8080.5),
        "services[0].backend.port",
        "must be a whole number, not 8080.5",
        id="port-fraction",
    ),
    pytest.param(
        lambda d: d["services"][2].update(binary_media_types=["not a media type", ""]),
        "services[2].binary_media_types[0]",
        "'not a media type' is not a media type: write type/subtype as RFC 6838 names them, "
        "e.g. application/pdf, image/* or */*",
        id="media-type-words",
    ),
    pytest.param(
        lambda d: d["services"][2].update(binary_media_types=["application/pdf", ""]),
        "services[2].binary_media_types[1]",
        "an empty media type: write one such as application/pdf, or remove the entry",
        id="media-type-empty",
    ),
    pytest.param(
        lambda d: d["services"][2].update(binary_media_types=["text/csv; charset=utf-8"]),
        "services[2].binary_media_types[0]",
        "'text/csv; charset=utf-8': write the media type without parameters, e.g. 'text/csv'",
        id="media-type-parameters",
    ),
    pytest.param(
        lambda d: d["services"][2].update(binary_media_types=["image/png", "Image/PNG"]),
        "services[2].binary_media_types",
        "lists image/png twice",
        id="media-type-twice",
    ),
    pytest.param(
        lambda d: d["network"]["create"].update(cidr="10.40.7.9/16"),
        "network.create.cidr",
        "10.40.7.9/16 has host bits set, so it is not the start of a block: did you mean "
        "10.40.0.0/16?",
        id="cidr-host-bits",
    ),
    pytest.param(
        lambda d: d["network"]["create"].update(cidr="10.300.0.0/16"),
        "network.create.cidr",
        "'10.300.0.0/16' is not an IPv4 CIDR block such as 10.0.0.0/16",
        id="cidr-bad-address",
    ),
    pytest.param(
        lambda d: d["network"]["create"].update(cidr="10.40.0.0/12"),
        "network.create.cidr",
        "the prefix /12 is outside /16 to /28 (a VPC's IPv4 block is /16 to /28)",
        id="cidr-too-large",
    ),
    pytest.param(
        lambda d: d["network"]["create"].update(cidr="10.40.0.0/24"),
        "network.create.cidr",
        "a /24 block has no room for 2 /24 subnets (one per availability zone): use /23",
        id="cidr-no-room-for-subnets",
    ),
    pytest.param(
        lambda d: d.update(
            network={
                "vpc_id": "vpc-0a1b2c3d4e5f60718",
                "cidr": "10.8.1.0/16",
                "private_subnet_ids": ["subnet-0a1b2c3d4e5f60718"],
            }
        ),
        "network.cidr",
        "10.8.1.0/16 has host bits set, so it is not the start of a block: did you mean "
        "10.8.0.0/16?",
        id="existing-vpc-cidr-host-bits",
    ),
    pytest.param(
        lambda d: d.update(region="eu-wset-1", availability_zones=["eu-wset-1a"]),
        "region",
        "'eu-wset-1' is not an AWS region of the aws, aws-cn or aws-us-gov partition; did you "
        "mean 'eu-west-1'?",
        id="region-typo",
    ),
    pytest.param(
        lambda d: d.update(availability_zones=["eu-west-1a", "us-east-1b"]),
        "availability_zones",
        "'us-east-1b' is not an availability zone of eu-west-1 (it is a zone of us-east-1): a "
        "zone is the region's code and one letter, e.g. eu-west-1a",
        id="zone-of-another-region",
    ),
    pytest.param(
        lambda d: d["domain"].update(
            certificate_arn=f"arn:aws:acm:us-east-1:123456789012:certificate/{CERTIFICATE_ID}"
        ),
        "domain.certificate_arn",
        "the ACM certificate is in us-east-1, but the gateway is in eu-west-1: a REGIONAL "
        "custom domain name takes a certificate from ACM in its own region (us-east-1 "
        "certificates are for edge-optimized, CloudFront names); request or import the "
        "certificate in eu-west-1",
        id="certificate-in-us-east-1",
    ),
    pytest.param(
        lambda d: d["domain"]["aliases"][0].update(
            certificate_arn=f"arn:aws:acm:eu-west-1:{OTHER_ACCOUNT}:certificate/{CERTIFICATE_ID}"
        ),
        "domain.aliases[0].certificate_arn",
        f"the ACM certificate is in account {OTHER_ACCOUNT}, but the gateway deploys to "
        "123456789012: API Gateway uses certificates of the domain name's own account",
        id="certificate-of-another-account",
    ),
    pytest.param(
        lambda d: d["domain"].update(
            certificate_arn=f"arn:aws-cn:acm:eu-west-1:123456789012:certificate/{CERTIFICATE_ID}"
        ),
        "domain.certificate_arn",
        "the ACM certificate is in partition aws-cn, but the gateway's region eu-west-1 is in "
        "aws: write arn:aws:...",
        id="certificate-of-another-partition",
    ),
    pytest.param(
        lambda d: d["domain"].update(
            certificate_arn="arn:aws:iam::123456789012:server-certificate/api"
        ),
        "domain.certificate_arn",
        "not an ACM certificate ARN: expected arn:aws:acm:<region>:<account>:certificate/<uuid>",
        id="certificate-not-acm",
    ),
    pytest.param(
        lambda d: d["load_balancers"].update(ledger=_nlb("eu-west-1", OTHER_ACCOUNT)),
        "load_balancers.ledger.arn",
        f"the Network Load Balancer is in account {OTHER_ACCOUNT}, but the gateway deploys to "
        "123456789012: a REST API VPC link reaches load balancers of its own account only",
        id="nlb-of-another-account",
    ),
    pytest.param(
        lambda d: d["load_balancers"].update(ledger=_nlb("us-west-2", "123456789012")),
        "load_balancers.ledger.arn",
        "the Network Load Balancer is in us-west-2, but the gateway is in eu-west-1: a REST "
        "API VPC link reaches load balancers of its own region only",
        id="nlb-of-another-region",
    ),
    pytest.param(
        lambda d: d["load_balancers"].update(ledger=_nlb("us-west-2", "123456789012")),
        "load_balancers.ledger.dns_name",
        "the load balancer's name is in us-west-2, but the gateway is in eu-west-1",
        id="nlb-name-of-another-region",
    ),
    pytest.param(
        lambda d: d["stage"].update(
            access_log_kms_key=f"arn:aws:kms:us-east-1:123456789012:key/{CERTIFICATE_ID}"
        ),
        "stage.access_log_kms_key",
        "the KMS key is in us-east-1, but the gateway is in eu-west-1: CloudWatch Logs "
        "encrypts a log group only with a key of the log group's region",
        id="log-key-of-another-region",
    ),
    pytest.param(
        lambda d: d["monitoring"].update(
            alarm_topic_arn="arn:aws:sns:us-east-1:123456789012:pager"
        ),
        "monitoring.alarm_topic_arn",
        "the SNS topic is in us-east-1, but the gateway is in eu-west-1: CloudWatch alarms "
        "notify topics of their own region only",
        id="topic-of-another-region",
    ),
    pytest.param(
        lambda d: d["clients"][1].update(tags={"AWS:owner": "platform"}),
        "clients[1].tags",
        "the key 'AWS:owner' starts with aws:, a prefix reserved for AWS's own tags",
        id="tag-reserved-prefix",
    ),
    pytest.param(
        lambda d: d["clients"][1].update(tags={"partner": "g" * 257}),
        "clients[1].tags.partner",
        "the tag value has 257 characters: AWS allows at most 256",
        id="tag-value-too-long",
    ),
    pytest.param(
        lambda d: d["clients"][1].update(tags={"k" * 129: "v"}),
        "clients[1].tags",
        "the key 'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk...' has 129 characters: a tag key has 1 "
        "to 128",
        id="tag-key-too-long",
    ),
    pytest.param(
        lambda d: d["clients"][1].update(tags={"cost<centre>": "x"}),
        "clients[1].tags",
        "the key 'cost<centre>' has < >: in a tag key, use letters, digits, spaces and "
        "_ . : / = + - @",
        id="tag-key-characters",
    ),
    pytest.param(
        lambda d: d["clients"][1].update(tags={f"k{i}": "v" for i in range(51)}),
        "clients[1].tags",
        "51 tags: AWS allows at most 50 on a resource",
        id="too-many-tags",
    ),
    pytest.param(
        lambda d: d["services"][1]["routes"].append(42),
        "services[1].routes[5]",  # after the example's GET /health
        "a route is 'METHOD /path' (e.g. 'GET /items/{id}') or a mapping with 'route' and its "
        "settings (got 42)",
        id="route-entry-of-another-kind",
    ),
]


@pytest.mark.parametrize(("change", "where", "expected"), REFUSED)
def test_each_value_aws_would_refuse_is_refused_with_its_place(
    tmp_path: Path, gateway_data: dict[str, Any], change: Any, where: str, expected: str
) -> None:
    change(gateway_data)
    path = write(tmp_path, gateway_data)
    messages = errors_of(path)
    assert any(m.startswith(f"{path}: {where}") and f": {expected}" in m for m in messages), (
        messages
    )
    assert not any("function-after" in m or "constrained-str" in m for m in messages), messages


def test_a_refused_value_carries_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, {})
    text = Path("config/example.yaml").read_text()
    path.write_text(text.replace("    rate_limit: 200\n", "    rate_limit: true\n"))
    line = next(n for n, t in enumerate(path.read_text().splitlines(), 1) if "true" in t)
    assert errors_of(path) == [
        f"{path}: tiers.gold.rate_limit: must be a number, not true (line {line})"
    ]


@pytest.mark.parametrize(
    ("change", "check"),
    [
        pytest.param(
            lambda d: d["services"][1].update(timeout_ms=5000.0),
            lambda g: g.services[1].timeout_ms == 5000 and type(g.services[1].timeout_ms) is int,
            id="whole-float-is-a-whole-number",
        ),
        pytest.param(
            lambda d: d["services"][2].update(binary_media_types=["*/*", "image/*", "vnd.a+b/x"]),
            lambda g: g.services[2].binary_media_types == ("*/*", "image/*", "vnd.a+b/x"),
            id="media-type-wildcards",
        ),
        pytest.param(
            lambda d: (
                d.update(account_quotas={"integration_timeout_ms": 120000, "rate_limit": 25000}),
                d["services"][1].update(timeout_ms=120000),
                d["stage"]["throttle"].update(rate_limit=20000),
            ),
            lambda g: g.services[1].timeout_ms == 120000 and g.stage.throttle.rate_limit == 20000,
            id="raised-account-quotas",
        ),
        pytest.param(
            lambda d: d["domain"].update(
                certificate_arn=f"arn:aws:acm:eu-west-1:123456789012:certificate/{CERTIFICATE_ID}"
            ),
            lambda g: g.domain.certificate_arn is not None,
            id="certificate-of-the-gateway",
        ),
        pytest.param(
            lambda d: d["clients"][1].update(tags={"cost centre": "", "owner": "team@acme/x"}),
            lambda g: g.clients[1].tags["cost centre"] == "",
            id="tags-with-allowed-characters",
        ),
        pytest.param(
            lambda d: d.update(
                region="cn-north-1",
                availability_zones=["cn-north-1a", "cn-north-1b"],
                allowlist=None,
            ),
            lambda g: g.partition == "aws-cn",
            id="china-partition",
        ),
    ],
)
def test_what_aws_accepts_is_accepted(
    tmp_path: Path, gateway_data: dict[str, Any], change: Any, check: Any
) -> None:
    change(gateway_data)
    gateway = load_gateway(write(tmp_path, gateway_data))
    assert check(gateway)


def test_the_raised_timeout_reaches_the_integration(
    tmp_path: Path, gateway_data: dict[str, Any]
) -> None:
    from gateway_stack.gateway.plan import plan_gateway_file

    gateway_data["account_quotas"] = {"integration_timeout_ms": 120000}
    gateway_data["services"][1]["timeout_ms"] = 120000
    plan = plan_gateway_file(write(tmp_path, gateway_data))
    services = [stack.service for stack in plan.deployments[0].stacks if stack.service]
    (inventory,) = [service for service in services if service.name == "inventory"]
    assert inventory.definition.longest_timeout_ms == 120000


def test_regions_come_from_botocore_for_the_three_partitions() -> None:
    regions = regions_by_partition()
    assert set(regions) == {"aws", "aws-cn", "aws-us-gov"}
    assert "eu-west-1" in regions["aws"]
    assert partition_of("us-gov-west-1") == "aws-us-gov"
    assert partition_of("us-iso-east-1") is None  # not a partition the gateway deploys to


def test_cidr_blocks_of_both_versions() -> None:
    assert cidr_problem("10.0.0.0/16") is None
    assert cidr_problem("2001:db8::/56", version=6, prefixes=(0, 128)) is None
    assert cidr_problem("2001:db8::1/56", version=6, prefixes=(0, 128)) == (
        "2001:db8::1/56 has host bits set, so it is not the start of a block: did you mean "
        "2001:db8::/56?"
    )
    assert cidr_problem("10.0.0.0", version=4) == (
        "'10.0.0.0' is not a CIDR block: write the address and its prefix, e.g. 10.0.0.0/16"
    )


def test_built_in_code_a_model_has_no_target_to_judge_account_limits(
    gateway_data: dict[str, Any],
) -> None:
    # Outside a gateway file (the route table reading a template back), a throttle over the
    # default account limit is a valid throttle: only the file knows its account's limits.
    assert Throttle(rate_limit=20000, burst_limit=10000).rate_limit == 20000
    # Inside one, the same rule as from YAML, with the key path.
    data = copy.deepcopy(gateway_data)
    data["stage"]["throttle"]["rate_limit"] = 20000
    with pytest.raises(ValueError, match=r"stage\.throttle\.rate_limit"):
        Gateway.model_validate(data)
    assert parse_gateway(gateway_data).account_quotas.integration_timeout_ms == 29000
