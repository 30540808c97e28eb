"""Protected resources that a change deletes, or gives a new logical id: the warnings, and how
a removed resource is paired with an added one (name, then equal properties, then the only one
of its type)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gateway_stack.assembly import CloudAssembly
from gateway_stack.tools.review import Review, review_assemblies
from gateway_stack.tools.review.protected import DELETED, PROTECTED
from gateway_stack.tools.review.report import render_markdown
from tests import variants
from tests.tools.review.conftest import TOOLCHAIN, Edit, edited, renamed

PLATFORM = "acme-dev-platform"
LOG_KEY, TOPIC_KEY = "LogKey15608DC4", "MonitoringAlarmTopicKey22E4A359"


def test_every_protected_type_says_what_its_deletion_costs() -> None:
    assert DELETED.keys() == PROTECTED.keys()
    assert all(DELETED[kind] != PROTECTED[kind] for kind in PROTECTED)


def test_a_domain_alias_removed_deletes_its_resources_with_a_warning_each(
    review: Callable[[Edit], Review],
) -> None:
    result = review(variants.remove_alias)
    warned = sorted((w.stack, w.type, w.action, w.replacement) for w in result.protected)
    services = ("acme-dev-svc-billing", "acme-dev-svc-inventory", "acme-dev-svc-orders")
    assert warned == [
        (PLATFORM, "AWS::ApiGateway::DomainName", "deleted", False),
        (PLATFORM, "AWS::CertificateManager::Certificate", "deleted", False),
        (PLATFORM, "AWS::Route53::RecordSet", "deleted", False),
        (PLATFORM, "AWS::Route53::RecordSet", "deleted", False),
        *((service, "AWS::ApiGatewayV2::ApiMapping", "deleted", False) for service in services),
    ]
    assert all("apiexamplenet" in w.logical_id for w in result.protected)
    # What the loss costs, not what a replacement would.
    assert {w.reason for w in result.protected} == {DELETED[w.type] for w in result.protected}
    assert result.replacements == []  # removing an alias deletes on purpose: no failure
    assert {c.aspects()[0] for c in result.routes} == {"public URL"}
    text = render_markdown(result)
    assert "**7 warnings** (0 replacements)" in text
    assert (
        "- **deleted**: `AWS::ApiGatewayV2::ApiMapping` `Service/Mapping-api.example.net` in "
        "`acme-dev-svc-orders`. The base path answers 404 on that domain name." in text
    )
    assert "Every request to the name fails" in text
    assert "recreated" not in text  # replacement wording


def test_a_key_under_a_new_logical_id_is_a_replacement(
    example_assembly: CloudAssembly, tmp_path: Path
) -> None:
    """A refactor that moves a key's construct: CloudFormation would create a new key and
    orphan the old one. The differ sees an orphan and an addition; the review pairs them by
    their name."""
    old, new = "UsagePlansClientsmobileappKeyEE1FE2CD", "UsagePlansClientsmobileappApiKey0A1B2C3D"
    head = edited(example_assembly, tmp_path / "head", PLATFORM, renamed((old, new)))
    result = review_assemblies(example_assembly, head, TOOLCHAIN)
    (warning,) = result.protected
    assert (warning.logical_id, warning.action, warning.replacement, warning.detail) == (
        old,
        "replaced under a new logical id",
        True,
        f"{old} becomes {new}",
    )
    assert warning.reason == PROTECTED["AWS::ApiGateway::ApiKey"]


def key_warnings(base: CloudAssembly, head: CloudAssembly) -> set[tuple[str, str, str]]:
    result = review_assemblies(base, head, TOOLCHAIN)
    return {
        (w.logical_id, w.action, w.detail) for w in result.protected if w.type == "AWS::KMS::Key"
    }


def test_unnamed_resources_under_new_ids_pair_by_equal_properties(
    example_assembly: CloudAssembly, tmp_path: Path
) -> None:
    """Two KMS keys (no naming property) both moved: each is paired with its own copy."""
    edit = renamed((LOG_KEY, "LogsKeyAAAA0001"), (TOPIC_KEY, "TopicKeyBBBB0002"))
    head = edited(example_assembly, tmp_path / "head", PLATFORM, edit)
    assert key_warnings(example_assembly, head) == {
        (LOG_KEY, "replaced under a new logical id", f"{LOG_KEY} becomes LogsKeyAAAA0001"),
        (TOPIC_KEY, "replaced under a new logical id", f"{TOPIC_KEY} becomes TopicKeyBBBB0002"),
    }


def test_the_only_unnamed_resource_of_its_type_pairs_even_when_changed(
    example_assembly: CloudAssembly, tmp_path: Path
) -> None:
    """One key moved and changed: there is no other added key it could be."""
    edit = renamed((LOG_KEY, "LogsKeyAAAA0001"), change={"LogsKeyAAAA0001": {"Description": "x"}})
    head = edited(example_assembly, tmp_path / "head", PLATFORM, edit)
    assert key_warnings(example_assembly, head) == {
        (LOG_KEY, "replaced under a new logical id", f"{LOG_KEY} becomes LogsKeyAAAA0001"),
    }


def test_two_changed_unnamed_resources_are_not_guessed_at(
    example_assembly: CloudAssembly, tmp_path: Path
) -> None:
    """Two keys moved and changed: no pairing is certain, so none is made (the old keys are
    retained: orphaned, no warning)."""
    edit = renamed(
        (LOG_KEY, "LogsKeyAAAA0001"),
        (TOPIC_KEY, "TopicKeyBBBB0002"),
        change={"LogsKeyAAAA0001": {"Description": "x"}, "TopicKeyBBBB0002": {"Description": "y"}},
    )
    head = edited(example_assembly, tmp_path / "head", PLATFORM, edit)
    assert key_warnings(example_assembly, head) == set()
