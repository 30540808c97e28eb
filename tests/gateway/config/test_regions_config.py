"""A gateway file in several regions: each rule of ``regions``, ``routing`` and the services'
``regions`` refused before synth, as a user meets it: ``python -m gateway_stack validate`` on
config/multi-region.yaml edited by hand, one located error with its line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gateway_stack.gateway.config import Gateway, GatewayFileError, load_gateway
from gateway_stack.gateway.plan import plan_gateway_file
from gateway_stack.tools.cli import main

ROOT = Path(__file__).resolve().parents[3]
MULTI_REGION = (ROOT / "config" / "multi-region.yaml").read_text()
CERTIFICATE = "arn:aws:acm:{}:123456789012:certificate/12345678-1234-1234-1234-123456789012"
US_EAST_1 = "  us-east-1:\n    availability_zones: [us-east-1a, us-east-1b]\n"
#: The file's routing section, with the comments before it.
NO_ROUTING = MULTI_REGION[MULTI_REGION.index("# How DNS chooses a region") :]
#: Where an added region's own problems are: the line of its key.
ENTRY = "  us-east-1:"
COMMENTED_CERTIFICATES = (
    "    # certificate_arns: {api.example.com: arn:aws:acm:us-east-1:123456789012:certificate/...}"
)


def edited(tmp_path: Path, *changes: tuple[str, str]) -> Path:
    """config/multi-region.yaml with each ``(old, new)`` text change, beside its documents."""
    shutil.copytree(ROOT / "config" / "openapi", tmp_path / "openapi", dirs_exist_ok=True)
    text = MULTI_REGION
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "gateway.yaml"
    path.write_text(text)
    return path


def line_of(path: Path, text: str) -> int:
    """The number of the first line of ``path`` that holds ``text``."""
    lines = path.read_text().splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def validate(path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """What ``python -m gateway_stack validate`` prints on stderr, without the file's name
    and the closing count; it must refuse the file."""
    assert main(["validate", str(path)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1].endswith("nothing was synthesized.")
    return [line.removeprefix(f"{path}: ") for line in lines[:-1]]


def test_the_example_in_two_regions_validates(capsys: pytest.CaptureFixture[str]) -> None:
    path = ROOT / "config" / "multi-region.yaml"
    assert main(["validate", str(path)]) == 0
    assert capsys.readouterr().out == f"{path}: ok (3 services, 2 clients)\n"
    gateway = load_gateway(path)
    assert gateway.all_regions == ("eu-west-1", "us-east-1")
    assert gateway.services[2].regions == ("eu-west-1",)


#: (id, edits, the error, the text of its line)
REFUSALS = [
    (
        "routing-without-regions",
        [
            (US_EAST_1, ""),
            ("regions:\n", ""),
            ("    network: {create: {cidr: 10.41.0.0/16}}\n", ""),
        ],
        "routing: routing spreads clients over several regions: add 'regions' (the regions "
        "besides the home region, the top-level 'region'), or remove 'routing'",
        "policy: latency",
    ),
    (
        "regions-without-routing",
        [(NO_ROUTING, "")],
        "regions: a gateway in several regions needs 'routing': how DNS chooses a region "
        "(policy) and how it knows a region is unhealthy (health_check)",
        "  us-east-1:",
    ),
    (
        "home-region-listed",
        [(US_EAST_1, "  eu-west-1:\n    availability_zones: [eu-west-1a]\n" + US_EAST_1)],
        "regions.eu-west-1: eu-west-1 is the home region (the top-level 'region'), which "
        "holds the gateway's top-level settings: list only the other regions here",
        "  eu-west-1:",
    ),
    (
        "region-twice",
        [
            (
                US_EAST_1,
                "  us-east-1: {availability_zones: [us-east-1a]}\n"
                + US_EAST_1.replace("  us-east-1:\n", "  us-east-1:  # again\n"),
            )
        ],
        "regions.us-east-1: key appears twice in the same mapping (first on line {first}): "
        "keep one",
        "us-east-1:  # again",
    ),
    (
        "failover-with-three-regions",
        [
            ("  policy: latency", "  policy: failover"),
            (US_EAST_1, "  us-west-2: {availability_zones: [us-west-2a]}\n" + US_EAST_1),
        ],
        "routing.policy: failover sends clients to a primary region and, when it is unhealthy, "
        "to a secondary one: it needs exactly two regions, and the gateway has 3 (eu-west-1, "
        "us-west-2, us-east-1). Use latency, or list one region under 'regions'",
        "policy: failover",
    ),
    (
        "primary-not-a-region",
        [("  policy: latency", "  policy: failover\n  primary: ap-south-1")],
        "routing.primary: 'ap-south-1' is not one of the gateway's regions: eu-west-1, us-east-1",
        "primary: ap-south-1",
    ),
    (
        "primary-with-latency",
        [("  policy: latency", "  policy: latency\n  primary: us-east-1")],
        "routing.primary: only the failover policy has a primary region",
        "primary: us-east-1",
    ),
    (
        "health-route-not-public",
        [("route: inventory GET /health", "route: inventory GET /items")],
        "routing.health_check.route: GET /items is not in the public routes of service "
        "'inventory' (services[1].public_routes): Route 53's health checkers send no token and "
        "no API key, so the route must be public. Add it there (with 'security: []' in its "
        "OpenAPI document), or name a public route",
        "route: inventory GET /items",
    ),
    (
        "health-route-not-get",
        [("route: inventory GET /health", "route: inventory POST /health")],
        "routing.health_check.route: the health check sends GET requests: name a GET route, "
        "not POST /health",
        "route: inventory POST /health",
    ),
    (
        "health-service-unknown",
        [("route: inventory GET /health", "route: stock GET /health")],
        "routing.health_check.route: unknown service 'stock'; services: billing, inventory, orders",
        "route: stock GET /health",
    ),
    (
        "health-service-not-everywhere",
        [("  - name: inventory\n", "  - name: inventory\n    regions: [eu-west-1]\n")],
        "routing.health_check.route: service 'inventory' is not in us-east-1 "
        "(services[1].regions): each region's health check calls it on that region's own "
        "name, so it must be in every region",
        "route: inventory GET /health",
    ),
    (
        "service-in-an-unknown-region",
        [("regions: [eu-west-1]  ", "regions: [eu-west-1, us-west-2]  ")],
        "services[2].regions[1]: 'us-west-2' is not one of the gateway's regions: eu-west-1, "
        "us-east-1 (the top-level 'region' and the keys of 'regions')",
        "regions: [eu-west-1, us-west-2]",
    ),
    (
        "service-region-twice",
        [("regions: [eu-west-1]  ", "regions: [eu-west-1, eu-west-1]  ")],
        "services[2].regions: lists a region twice",
        "regions: [eu-west-1, eu-west-1]",
    ),
    (
        "main-name-without-zone-id",
        [("  hosted_zone_id: Z0123456789ABCDEFGHIJ\n", "")],
        "domain.hosted_zone_id: api.example.com: a gateway in several regions needs the hosted "
        "zone's id: without it, each region's platform stack would create a hosted zone of its "
        "own, and the name's records would be split between them. Create the zone once (or use "
        "an existing one) and give its id",
        "  name: api.example.com",
    ),
    (
        "alias-without-zone-id",
        [
            (
                "name: api.example.net, hosted_zone_id: Z0987654321ABCDEFGHIJ,",
                "name: api.example.net,",
            )
        ],
        "domain.aliases[0].hosted_zone_id: api.example.net: a gateway in several regions needs "
        "the hosted zone's id: without it, each region's platform stack would create a hosted "
        "zone of its own, and the name's records would be split between them. Create the zone "
        "once (or use an existing one) and give its id",
        "{name: api.example.net",
    ),
    (
        "mutual-tls",
        [
            (
                "  security_policy: TLS_1_2",
                "  mtls: {truststore_uri: s3://acme-truststore/api.pem}\n"
                "  security_policy: TLS_1_2",
            )
        ],
        "domain.mtls: mutual TLS cannot be used with several regions: Route 53's health "
        "checkers present no client certificate, so each region's health check would always "
        "fail (and a regional name without mutual TLS would be a way around it). Remove 'mtls' "
        "or keep the gateway in one region",
        "  mtls: {truststore_uri",
    ),
    (
        "zone-of-another-region",
        [("[us-east-1a, us-east-1b]", "[us-east-1a, eu-west-1b]")],
        "regions.us-east-1.availability_zones: 'eu-west-1b' is not an availability zone of "
        "us-east-1 (it is a zone of eu-west-1): a zone is the region's code and one letter, "
        "e.g. us-east-1a",
        "[us-east-1a, eu-west-1b]",
    ),
    (
        "inherited-certificate",
        [
            (
                "  hosted_zone_name: example.com\n",
                "  hosted_zone_name: example.com\n"
                f"  certificate_arn: {CERTIFICATE.format('eu-west-1')}\n",
            )
        ],
        "regions.us-east-1: domain.certificate_arn, which us-east-1 inherits from the top "
        "level: the ACM certificate is in eu-west-1, but the gateway is in us-east-1: a REGIONAL "
        "custom domain name takes a certificate from ACM in its own region (us-east-1 "
        "certificates are for edge-optimized, CloudFront names); request or import the "
        "certificate in us-east-1; set certificate_arns.api.example.com under regions.us-east-1",
        ENTRY,
    ),
    (
        "certificate-of-another-region",
        [
            (
                COMMENTED_CERTIFICATES,
                f"    certificate_arns: {{api.example.com: '{CERTIFICATE.format('us-west-2')}'}}",
            )
        ],
        "regions.us-east-1.certificate_arns.api.example.com: the ACM certificate is in "
        "us-west-2, but the gateway is in us-east-1: a REGIONAL custom domain name takes a "
        "certificate from ACM in its own region (us-east-1 certificates are for edge-optimized, "
        "CloudFront names); request or import the certificate in us-east-1",
        "certificate_arns:",
    ),
    (
        "certificate-of-an-unknown-name",
        [
            (
                COMMENTED_CERTIFICATES,
                f"    certificate_arns: {{api.example.org: '{CERTIFICATE.format('us-east-1')}'}}",
            )
        ],
        "regions.us-east-1.certificate_arns.api.example.org: 'api.example.org' is not a name "
        "of this region: the main name, an alias, or the regional name (api.example.com, "
        "api.example.net, us-east-1.api.example.com)",
        "certificate_arns:",
    ),
    (
        "inherited-load-balancer-arn",
        [
            (
                "  billing: {create: true}\n",
                "  billing:\n    arn: arn:aws:elasticloadbalancing:eu-west-1:123456789012:"
                "loadbalancer/net/billing/0123456789abcdef\n"
                "    dns_name: billing-0123456789abcdef.elb.eu-west-1.amazonaws.com\n",
            ),
            ("regions: [eu-west-1]  ", "regions: [eu-west-1, us-east-1]  "),
        ],
        "regions.us-east-1: load_balancers.billing.arn, which us-east-1 inherits from the top "
        "level: the Network Load Balancer is in eu-west-1, but the gateway is in us-east-1: a "
        "REST API VPC link reaches load balancers of its own region only; set "
        "load_balancers.billing under regions.us-east-1",
        ENTRY,
    ),
    (
        "inherited-kms-key",
        [
            (
                "access_log_kms_key: create",
                "access_log_kms_key: arn:aws:kms:eu-west-1:123456789012:key/"
                "12345678-1234-1234-1234-123456789012",
            )
        ],
        "regions.us-east-1: stage.access_log_kms_key, which us-east-1 inherits from the top "
        "level: the KMS key is in eu-west-1, but the gateway is in us-east-1: CloudWatch Logs "
        "encrypts a log group only with a key of the log group's region; set "
        "access_log_kms_key under regions.us-east-1",
        ENTRY,
    ),
    (
        "inherited-sns-topic",
        [
            (
                "  dashboards: true\n",
                "  dashboards: true\n  alarm_topic_arn: arn:aws:sns:eu-west-1:123456789012:pager\n",
            )
        ],
        "regions.us-east-1: monitoring.alarm_topic_arn, which us-east-1 inherits from the top "
        "level: the SNS topic is in eu-west-1, but the gateway is in us-east-1: CloudWatch "
        "alarms notify topics of their own region only; set alarm_topic_arn under "
        "regions.us-east-1",
        ENTRY,
    ),
    (
        "sns-topic-of-another-region",
        [
            (
                "    network: {create: {cidr: 10.41.0.0/16}}\n",
                "    network: {create: {cidr: 10.41.0.0/16}}\n"
                "    alarm_topic_arn: arn:aws:sns:eu-west-1:123456789012:pager\n",
            )
        ],
        "regions.us-east-1.alarm_topic_arn: the SNS topic is in eu-west-1, but the gateway is "
        "in us-east-1: CloudWatch alarms notify topics of their own region only",
        "alarm_topic_arn:",
    ),
    (
        "inherited-secret",
        [
            (
                "  dashboards: true\n",
                "  dashboards: true\n  canaries:\n    enabled: true\n"
                "    credentials_secret_arn: arn:aws:secretsmanager:eu-west-1:123456789012:"
                "secret:canary-AbCdEf\n    token_url: https://login.example.com/token\n",
            )
        ],
        "regions.us-east-1: monitoring.canaries.credentials_secret_arn, which us-east-1 "
        "inherits from the top level: the Secrets Manager secret is in eu-west-1, but the "
        "gateway is in us-east-1: the canary reads the secret from Secrets Manager in its own "
        "region; create the secret in us-east-1 or replicate it there; set "
        "canary_credentials_secret_arn under regions.us-east-1",
        ENTRY,
    ),
    (
        "inherited-existing-vpc",
        [
            (
                "network:\n  create:\n    cidr: 10.40.0.0/16\n",
                "network: {vpc_id: vpc-0a1b2c3d4e5f60718, cidr: 10.8.0.0/16, private_subnet_ids: "
                "[subnet-0a1b2c3d4e5f60718, subnet-0a1b2c3d4e5f60719]}\n",
            ),
            ("    network: {create: {cidr: 10.41.0.0/16}}\n", ""),
            (
                "load_balancers:\n  commerce: {create: true}\n",
                "load_balancers:\n"
                "  commerce: {arn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:"
                "loadbalancer/net/commerce/0123456789abcdef', dns_name: "
                "commerce-0123456789abcdef.elb.eu-west-1.amazonaws.com}\n",
            ),
            (
                "  billing: {create: true}\n",
                "  billing: {arn: 'arn:aws:elasticloadbalancing:"
                "eu-west-1:123456789012:loadbalancer/net/billing/0123456789abcdef', dns_name: "
                "billing-0123456789abcdef.elb.eu-west-1.amazonaws.com}\n",
            ),
            (
                "    availability_zones: [us-east-1a, us-east-1b]\n",
                "    availability_zones: [us-east-1a, us-east-1b]\n    load_balancers:\n"
                "      commerce: {arn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:"
                "loadbalancer/net/commerce/0123456789abcdef', dns_name: "
                "commerce-0123456789abcdef.elb.us-east-1.amazonaws.com}\n",
            ),
        ],
        "regions.us-east-1: the top-level network is an existing VPC (vpc-0a1b2c3d4e5f60718), "
        "which is in eu-west-1: set network under regions.us-east-1 (a VPC of us-east-1, or "
        "'create')",
        ENTRY,
    ),
    (
        "unknown-load-balancer-in-a-region",
        [
            (
                "    network: {create: {cidr: 10.41.0.0/16}}\n",
                "    network: {create: {cidr: 10.41.0.0/16}}\n"
                "    load_balancers: {stock: {create: true}}\n",
            )
        ],
        "regions.us-east-1.load_balancers.stock: unknown load balancer 'stock': a region "
        "replaces a load balancer declared under the top-level load_balancers; declared there: "
        "billing, commerce",
        "load_balancers: {stock",
    ),
    (
        "regional-name-outside-the-zone",
        [
            (
                "    # regional_name: us-east-1.api.example.com          # the default",
                "    regional_name: us-east-1.api.example.org",
            )
        ],
        "regions.us-east-1.regional_name: 'us-east-1.api.example.org' is not inside the main "
        "name's hosted zone 'example.com'",
        "regional_name: us-east-1.api.example.org",
    ),
    (
        "regional-name-taken",
        [
            (
                "    # regional_name: us-east-1.api.example.com          # the default",
                "    regional_name: eu-west-1.api.example.com",
            )
        ],
        "regions.us-east-1.regional_name: 'eu-west-1.api.example.com' is already a name of the "
        "gateway (a domain name, or another region's own name): give each region a name of its "
        "own",
        "regional_name: eu-west-1.api.example.com",
    ),
    (
        "not-a-region",
        [("  us-east-1:\n", "  us-east-9:\n")],
        "regions.us-east-9: 'us-east-9' is not an AWS region of the aws, aws-cn or aws-us-gov "
        "partition; did you mean 'us-east-2'?",
        "  us-east-9:",
    ),
    (
        "misspelt-region-is-the-primary",
        [
            ("  us-east-1:\n", "  us-east1:\n"),
            ("policy: latency", "policy: failover\n  primary: us-east-1"),
        ],
        "regions.us-east1: 'us-east1' is not an AWS region of the aws, aws-cn or aws-us-gov "
        "partition; did you mean 'us-east-1'?",
        "  us-east1:",
    ),
    (
        "empty-region-entry",
        [(US_EAST_1 + "    network: {create: {cidr: 10.41.0.0/16}}\n", "  us-east-1:\n")],
        "regions.us-east-1: must be a mapping (the value is empty)",
        "  us-east-1:",
    ),
    (
        "cidr-judged-with-the-regions-zones",
        [("cidr: 10.41.0.0/16", "cidr: 10.41.0.0/24")],
        "regions.us-east-1.network.create.cidr: a /24 block has no room for 2 /24 subnets (one "
        "per availability zone): use /23 or a shorter prefix, e.g. /16",
        "cidr: 10.41.0.0/24",
    ),
    (
        "health-route-with-a-path-parameter",
        [
            ("public_routes: [GET /health]", "public_routes: [GET /health, 'GET /items/{sku}']"),
            ("route: inventory GET /health", "route: inventory GET /items/{sku}"),
        ],
        "routing.health_check.route: GET /items/{sku} has a path parameter: Route 53's checkers "
        "request the path as written (a literal '{...}'), so the check would test a route no "
        "client calls. Name a public route with a fixed path, e.g. GET /health",
        "route: inventory GET /items/{sku}",
    ),
    (
        "region-without-services",
        [
            ("  - name: orders\n", "  - name: orders\n    regions: [eu-west-1]\n"),
            ("route: inventory GET /health", "route: stock GET /health"),
            ("  - name: inventory\n", "  - name: inventory\n    regions: [eu-west-1]\n"),
        ],
        "regions.us-east-1: no service is in us-east-1: every service's 'regions' leaves it out",
        ENTRY,
    ),
]


@pytest.mark.parametrize(
    ("changes", "expected", "at"),
    [pytest.param(changes, expected, at, id=name) for name, changes, expected, at in REFUSALS],
)
def test_each_rule_of_several_regions_is_one_located_error(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    changes: list[tuple[str, str]],
    expected: str,
    at: str,
) -> None:
    path = edited(tmp_path, *changes)
    if "{first}" in expected:
        expected = expected.format(first=line_of(path, "us-east-1: {availability_zones"))
    found = validate(path, capsys)
    assert f"{expected} (line {line_of(path, at)})" in found, "\n".join(found)
    # One problem, one error: an inherited NLB has two values of another region (its ARN and
    # its DNS name); a region without services is the health check's problem too.
    extra = [m for m in found if m != f"{expected} (line {line_of(path, at)})"]
    assert extra == [] or extra[0].startswith(
        (
            "regions.us-east-1: load_balancers.billing.dns_name, which us-east-1 inherits",
            "routing.health_check.route: unknown service 'stock'",
        )
    ), "\n".join(found)


def test_a_region_with_lower_quotas_refuses_what_the_home_region_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = edited(
        tmp_path,
        (
            'account: "123456789012"          # quoted: account ids may start with 0\n',
            'account: "123456789012"\naccount_quotas: {integration_timeout_ms: 60000}\n',
        ),
        ("    timeout_ms: 5000\n", "    timeout_ms: 45000\n"),
        (
            "    # account_quotas: {rate_limit: 10000}               # this region's quotas, "
            "when AWS raised them",
            "    account_quotas: {rate_limit: 150, burst_limit: 1000}",
        ),
    )
    assert validate(path, capsys) == [
        "stage.throttle.rate_limit: in us-east-1: 500 requests per second is over the account's "
        "throttle in the region (150, as account_quotas states it): no stage, route or client "
        "can be allowed more than the account "
        f"(line {line_of(path, 'throttle: {rate_limit: 500')})",
        "tiers.gold.rate_limit: in us-east-1: 200 requests per second is over the account's "
        "throttle in the region (150, as account_quotas states it): no stage, route or client "
        f"can be allowed more than the account (line {line_of(path, '  gold:') + 1})",
        "services[1].timeout_ms: in us-east-1: 45,000 ms is outside 50 to 29,000 ms, the "
        "integration timeouts the account may set (as account_quotas states it) "
        f"(line {line_of(path, 'timeout_ms: 45000')})",
    ]
    # The home region accepts them all: without us-east-1's own quotas, the file validates.
    path.write_text(
        path.read_text().replace("    account_quotas: {rate_limit: 150, burst_limit: 1000}\n", "")
    )
    assert main(["validate", str(path)]) == 0


def test_a_gateway_built_in_code_is_held_to_each_regions_rules(tmp_path: Path) -> None:
    data = load_gateway(ROOT / "config" / "multi-region.yaml").model_dump(mode="python")
    data["regions"]["us-east-1"]["alarm_topic_arn"] = "arn:aws:sns:eu-west-1:123456789012:pager"
    with pytest.raises(
        ValueError, match=r"in us-east-1: monitoring\.alarm_topic_arn: .*SNS topic is in eu-west-1"
    ):
        Gateway.model_validate(data)


def test_a_single_region_file_is_its_own_view() -> None:
    gateway = load_gateway(ROOT / "config" / "example.yaml")
    assert gateway.all_regions == ("eu-west-1",)
    assert gateway.in_region("eu-west-1") is gateway
    with pytest.raises(ValueError, match="'us-east-1' is not one of the gateway's regions"):
        gateway.in_region("us-east-1")


def test_an_added_regions_view_replaces_the_top_level_settings() -> None:
    gateway = load_gateway(ROOT / "config" / "multi-region.yaml")
    home, added = gateway.in_region("eu-west-1"), gateway.in_region("us-east-1")
    assert (home.region, home.availability_zones) == ("eu-west-1", ("eu-west-1a", "eu-west-1b"))
    assert [s.name for s in home.services] == ["orders", "inventory", "billing"]
    assert (added.region, added.availability_zones) == ("us-east-1", ("us-east-1a", "us-east-1b"))
    assert added.network is not None
    assert added.network.vpc_cidr == "10.41.0.0/16"
    assert [s.name for s in added.services] == ["orders", "inventory"]
    assert list(added.load_balancers) == ["commerce"]  # billing's is used by no service there
    assert added.regions is None
    assert added.routing is None
    assert all(s.regions is None for s in (*home.services, *added.services))
    # What the region does not set is the top level's.
    assert added.tiers == gateway.tiers
    assert added.domain == gateway.domain


def test_a_broken_region_entry_is_not_also_blamed_on_the_file(
    tmp_path: Path,
) -> None:
    path = edited(tmp_path, ("[us-east-1a, us-east-1b]", "[us-east-1a, us-east-1b, us-east-1b]"))
    with pytest.raises(GatewayFileError) as caught:
        load_gateway(path)
    assert [m.removeprefix(f"{path}: ") for m in caught.value.messages] == [
        "regions.us-east-1.availability_zones: lists a zone twice "
        f"(line {line_of(path, 'us-east-1b, us-east-1b')})"
    ]


def test_a_tiers_route_throttle_applies_where_its_service_is(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # gold's 'orders POST /orders' throttle: orders only in us-east-1 is no problem of the home
    # region, whose view has no orders; the added region's plan still carries the limit.
    path = edited(tmp_path, ("  - name: orders\n", "  - name: orders\n    regions: [us-east-1]\n"))
    assert main(["validate", str(path)]) == 0, capsys.readouterr().err
    plan = plan_gateway_file(path)
    home, added = plan.deployments
    assert [s.name for s in home.services] == ["inventory", "billing"]
    assert home.platform.gateway.tiers["gold"].route_throttles == {}
    gold = added.service("orders").plan_overrides["gold"]
    assert "/orders/POST" in {method for override in gold for method in override.methods}
