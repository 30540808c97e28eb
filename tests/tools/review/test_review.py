"""`make review` on crafted changes: the example against a changed copy of itself.

Each head is synthesized in-process; the CloudFormation side runs the CDK's own differ
(@aws-cdk/cloudformation-diff in node_modules), as `make review` does.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gateway_stack.assembly import CloudAssembly
from gateway_stack.tools.review import Review, review_assemblies
from gateway_stack.tools.review.report import MARKER, render_markdown
from gateway_stack.tools.route_table import Throttle
from tests import variants
from tests.conftest import ROOT
from tests.tools.review.conftest import TOOLCHAIN, Edit, edited, stack


def test_no_change_reviews_as_nothing(example_assembly: CloudAssembly) -> None:
    result = review_assemblies(example_assembly, example_assembly, TOOLCHAIN)
    assert (result.routes, result.protected) == ((), ())
    assert {s.status for s in result.stacks} == {"unchanged"}
    text = render_markdown(result)
    assert "No route changes." in text
    assert "No change: `acme-dev-platform`, `acme-dev-svc-orders`" in text


def test_a_route_added(review: Callable[[Edit], Review]) -> None:
    result = review(variants.add_route)
    (change,) = result.routes
    assert (change.kind, change.route.name) == ("added", "inventory DELETE /items/{sku}")
    assert change.route.scopes == ("inventory:admin",)
    assert change.route.urls[0] == "https://api.example.com/inventory/items/{sku}"
    inventory = stack(result, "acme-dev-svc-inventory")
    impacts = {(r.type, r.impact) for r in inventory.resources}
    assert ("AWS::ApiGateway::RestApi", "WILL_UPDATE") in impacts
    assert ("AWS::SSM::Parameter", "WILL_UPDATE") in impacts  # the permission map
    assert {s.stack for s in result.stacks if s.status != "unchanged"} == {"acme-dev-svc-inventory"}
    assert result.protected == ()
    text = render_markdown(result)
    assert "| added | inventory DELETE /items/{sku} | https://api.example.com/inventory/" in text
    assert "scopes inventory:admin" in text
    assert "- **redeploy** `Service/Api/Deployment`: deployment `ServiceApiDeployment" in text
    assert "; stage `Service/Api/DeploymentStage.dev` moves to it" in text
    assert "`AWS::ApiGateway::Stage`" not in text  # its one change is the redeployment
    assert "Body changes (the routes above)" in text


def test_a_throttle_changed(review: Callable[[Edit], Review]) -> None:
    result = review(variants.change_throttle)
    (change,) = result.routes
    assert (change.kind, change.route.name, change.aspects()) == (
        "changed",
        "orders POST /orders",
        ["throttle"],
    )
    (field,) = change.changes
    assert (field.field, field.before, field.after) == (
        "gold",
        "20/40 (plan 200/400)",
        "30/60 (plan 200/400)",
    )
    assert change.route.tiers[1].throttle == Throttle(rate_limit=30, burst_limit=60)
    orders = stack(result, "acme-dev-svc-orders")
    (membership,) = [r for r in orders.resources if r.type == "Custom::UsagePlanMembership"]
    assert [p.name for p in membership.properties] == ["Throttles"]
    assert "| changed | orders POST /orders |" in render_markdown(result)
    assert "**throttle**: gold: 20/40 (plan 200/400) → 30/60 (plan 200/400)" in (
        render_markdown(result)
    )


def open_cors_to_everyone(data: dict[str, Any]) -> None:
    data["cors"]["allow_origin"] = "*"


def test_a_cors_origin_opened_is_an_auth_change_on_every_route(
    review: Callable[[Edit], Review],
) -> None:
    result = review(open_cors_to_everyone)
    assert {change.kind for change in result.routes} == {"changed"}
    assert len(result.routes) == 12  # every route of every API
    for change in result.routes:
        (field,) = change.changes
        assert (field.aspect, field.field, field.before, field.after) == (
            "auth",
            "CORS origin",
            "https://app.example.com",
            "*",
        )


def test_a_backend_changed(review: Callable[[Edit], Review]) -> None:
    result = review(variants.change_backend)
    changed = {c.route.name: c for c in result.routes}
    # The mock answers itself: only the four routes that reach the NLB change.
    assert sorted(changed) == [
        "inventory GET /health",
        "inventory GET /items",
        "inventory GET /items/{sku}",
        "inventory POST /items/{sku}/reservations",
    ]
    for change in changed.values():
        assert change.aspects() == ["backend"]
        assert str(change.changes[0]) == (
            "NLB commerce, port 8081, timeout 5 s → NLB commerce, port 8082, timeout 5 s"
        )
    text = render_markdown(result)
    assert "| changed | 4 routes:<br>inventory GET /health<br>" in text
    # The example's stand-in NLB listens on the new port instead: listeners are not protected.
    assert result.protected == ()


def test_a_service_removed(review: Callable[[Edit], Review]) -> None:
    result = review(variants.remove_service)
    assert {(c.kind, c.route.name) for c in result.routes} == {
        ("removed", "billing ANY /"),
        ("removed", "billing ANY /{proxy+}"),
    }
    billing = stack(result, "acme-dev-svc-billing")
    assert billing.status == "removed"
    warned = {(w.type, w.action, w.replacement) for w in result.protected}
    assert warned == {
        ("AWS::ApiGateway::RestApi", "deleted when the stack is destroyed", False),
        ("AWS::ApiGateway::Stage", "deleted when the stack is destroyed", False),
        ("AWS::ApiGatewayV2::ApiMapping", "deleted when the stack is destroyed", False),
    }
    assert result.replacements == []  # removing a service is no replacement
    text = render_markdown(result)
    assert "#### `acme-dev-svc-billing`: no longer in the app" in text
    assert "`cdk deploy` does not delete it" in text
    assert "- orphan (retained: kept, no longer managed by the stack) `AWS::Logs::LogGroup`" in (
        text
    )


def test_client_keys_that_would_be_replaced_are_warnings(
    review: Callable[[Edit], Review],
    example_assembly: CloudAssembly,
    head: Any,
    tmp_path: Path,
) -> None:
    result = review(variants.rename_keys)
    keys = [w for w in result.protected if w.type == "AWS::ApiGateway::ApiKey"]
    assert {(w.logical_id, w.action, w.detail, w.replacement) for w in keys} == {
        ("UsagePlansClientsmobileappKeyEE1FE2CD", "replaced", "Name changes", True),
        ("UsagePlansClientspartnerglobexKey02B97B7F", "replaced", "Name changes", True),
    }
    assert len(result.replacements) == 2
    text = render_markdown(result)
    assert text.startswith(MARKER)
    assert "### ⚠️ Warnings: resources whose loss hurts" in text
    assert (
        "- **replaced** (Name changes): `AWS::ApiGateway::ApiKey` "
        "`UsagePlans/Clients/mobile-app/Key` in `acme-dev-platform`. API Gateway generates a new "
        "key value" in text
    )
    assert "Name `acme-dev-mobile-app` → `acme-mobile-app` (forces replacement)" in text
    # A nested change is named by its path, not shown as the whole property.
    assert "Environment.Variables.API_KEY_NAME_PREFIX `acme-dev-` → `acme-`" in text

    def cli(*flags: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "gateway_stack", "review", *flags, "--assemblies",
             str(example_assembly.directory), str(head(variants.rename_keys).directory)],
            cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip

    passing = cli("--output", str(tmp_path / "review.md"))
    assert passing.returncode == 0
    assert (tmp_path / "review.md").read_text() == passing.stdout  # short: nothing to cut
    failing = cli("--fail-on-replace")
    assert failing.returncode == 1
    assert "2 protected resources would be replaced (--fail-on-replace)" in failing.stderr
    assert "**replaced** (Name changes)" in failing.stdout


def test_a_removed_client_keeps_its_key_without_a_warning(
    review: Callable[[Edit], Review],
) -> None:
    result = review(variants.remove_client)
    platform = stack(result, "acme-dev-platform")
    (key,) = [r for r in platform.resources if r.type == "AWS::ApiGateway::ApiKey"]
    assert key.impact == "WILL_ORPHAN"  # retained: the client's key value is not destroyed
    assert result.protected == ()


def test_a_new_gateway_has_every_route_added(example_assembly: CloudAssembly) -> None:
    result = review_assemblies(CloudAssembly.empty(), example_assembly, TOOLCHAIN)
    assert {c.kind for c in result.routes} == {"added"}
    assert len(result.routes) == 12
    assert {s.status for s in result.stacks} == {"new"}
    assert result.protected == ()
    assert "**Stacks:** 4 new." in render_markdown(result)


def test_iam_changes_come_from_the_differs_summary(
    example_assembly: CloudAssembly, tmp_path: Path
) -> None:
    def widen(template: dict[str, Any]) -> dict[str, Any]:
        (policy,) = [
            r
            for k, r in template["Resources"].items()
            if r["Type"] == "AWS::IAM::Policy" and k.startswith("AuthorizerFunctionServiceRole")
        ]
        policy["Properties"]["PolicyDocument"]["Statement"].append(
            {"Effect": "Allow", "Action": "apigateway:*", "Resource": "*"}
        )
        return template

    widened = edited(example_assembly, tmp_path / "head", "acme-dev-platform", widen)
    result = review_assemblies(example_assembly, widened, TOOLCHAIN)
    platform = stack(result, "acme-dev-platform")
    assert platform.permissions_broadened
    text = render_markdown(result)
    assert "**IAM or security-group changes widen access**" in text
    assert "| + | * | Allow | apigateway:* |" in text


def orders_parameters(assembly: CloudAssembly) -> list[str]:
    found = assembly.stack("acme-dev-svc-orders")
    assert found is not None
    return list(found.template["Parameters"])


def test_parameters_and_outputs_are_listed_structured_from_the_differ(
    example_assembly: CloudAssembly, tmp_path: Path
) -> None:
    def edit(template: dict[str, Any]) -> dict[str, Any]:
        parameters = template["Parameters"]
        (acl,) = [p for p in parameters.values() if p["Default"].endswith("/waf/web-acl-arn")]
        acl["Default"] = "/gateway-stack/acme/dev/waf/other-acl-arn"
        parameters["Size"] = {"Type": "Number", "Default": 1}
        template["Outputs"] = {"ApiUrl": {"Value": "https://api.example.com/orders"}}
        return template

    head = edited(example_assembly, tmp_path / "head", "acme-dev-svc-orders", edit)
    result = review_assemblies(example_assembly, head, TOOLCHAIN)
    orders = stack(result, "acme-dev-svc-orders")
    (acl,) = [name for name in orders_parameters(head) if "wafwebaclarn" in name]
    assert {(p.name, p.change, p.type, p.ssm_parameter) for p in orders.parameters} == {
        (
            acl,
            "changed",
            "AWS::SSM::Parameter::Value<String>",
            "/gateway-stack/acme/dev/waf/other-acl-arn",
        ),
        ("Size", "added", "Number", None),
    }
    assert [(o.name, o.change, o.type) for o in orders.outputs] == [("ApiUrl", "added", None)]
    lines = render_markdown(result).splitlines()
    assert (
        "- parameters: added `Size` (Number), "
        "changed SSM parameter `/gateway-stack/acme/dev/waf/other-acl-arn`"
    ) in lines
    assert "- outputs: added `ApiUrl`" in lines
