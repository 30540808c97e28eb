"""Service-team mode: a team's own CDK app, with the package installed, and no gateway file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.synth.cli import ROOT, cdk_synth

APP = ROOT / "examples" / "service_team_app"


def test_service_team_app_synthesizes_against_the_platform_by_name(tmp_path: Path) -> None:
    result = cdk_synth(tmp_path, gateway=None, app_dir=APP)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "feature flags are not configured" not in result.stdout + result.stderr
    template = json.loads((tmp_path / "acme-dev-svc-catalog.template.json").read_text())
    text = json.dumps(template)
    assert "Fn::ImportValue" not in text

    parameters = {p.get("Default") for p in template["Parameters"].values()}
    assert "/gateway-stack/acme/dev/load-balancers/commerce/vpc-link-id" in parameters
    assert "/gateway-stack/acme/dev/load-balancers/commerce/dns-name" in parameters

    (api,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::ApiGateway::RestApi"]
    assert api["Properties"]["Name"] == "acme-dev-catalog"
    paths = api["Properties"]["Body"]["paths"]
    reviews = paths["/products/{productId}/reviews"]["get"]["x-amazon-apigateway-integration"]
    assert reviews["type"] == "mock"
    product = paths["/products/{productId}"]["put"]["x-amazon-apigateway-integration"]
    assert product["uri"] == "http://${stageVariables.backendHost}:8090/products/{productId}"
    assert product["timeoutInMillis"] == 8000

    (membership,) = [
        r for r in template["Resources"].values() if r["Type"] == "Custom::UsagePlanMembership"
    ]
    assert membership["Properties"]["ServiceToken"] == (
        "arn:aws:lambda:eu-west-1:123456789012:function:acme-dev-plan-membership"
    )
    assert api["Properties"]["Body"]["x-amazon-apigateway-api-key-source"] == "AUTHORIZER"
    assert "/gateway-stack/acme/dev/plans/gold/id" in parameters

    # Its dashboard, and alarms that notify the platform's topic, known by name.
    dashboards = [
        r for r in template["Resources"].values() if r["Type"] == "AWS::CloudWatch::Dashboard"
    ]
    assert [d["Properties"]["DashboardName"] for d in dashboards] == ["acme-dev-catalog"]
    alarms = {
        r["Properties"]["AlarmName"]: r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::CloudWatch::Alarm"
    }
    assert sorted(alarms) == [
        "acme-dev-catalog-4xx-rate",
        "acme-dev-catalog-5xx-rate",
        "acme-dev-catalog-latency-p99",
    ]
    assert alarms["acme-dev-catalog-latency-p99"]["Threshold"] == 2000
    for alarm in alarms.values():
        assert alarm["AlarmActions"] == ["arn:aws:sns:eu-west-1:123456789012:acme-dev-alarms"]

    lint = subprocess.run(
        [
            str(Path(sys.executable).parent / "cfn-lint"),
            "--config-file",
            str(ROOT / ".cfnlintrc.yaml"),
            "--",
            str(tmp_path / "acme-dev-svc-catalog.template.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout

    # The route table reads a team's own stack alone: the domain and the plans are the
    # platform's, known by their SSM parameters only.
    from gateway_stack.tools.route_table import read_route_table

    rows = {row.name: row for row in read_route_table(tmp_path)}
    update = rows["acme-dev-catalog PUT /products/{productId}"]
    assert update.urls == (
        "https://<ssm:/gateway-stack/acme/dev/domain/name>/catalog/products/{productId}",
    )
    assert str(update.backend) == "NLB commerce, port 8090, timeout 8 s"
    assert update.scopes == ("catalog:write",)
    assert [str(tier) for tier in update.tiers] == [
        "bronze (plan not in this assembly)",
        "gold (plan not in this assembly)",
    ]
