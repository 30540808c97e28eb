"""Commands that read cdk.out: they say which gateway file it was synthesized from, and refuse
one of another file, one older than its files, or a damaged one, in one line with their exit
code (never a traceback)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from gateway_stack.provenance import PROVENANCE_FILE, Provenance
from gateway_stack.tools.cli import main
from tests.conftest import ROOT

#: The smallest assembly the route table reads: one stack, one API with one route, one stage.
TEMPLATE = {
    "Resources": {
        "Api": {
            "Type": "AWS::ApiGateway::RestApi",
            "Properties": {
                "Name": "acme-dev-orders",
                "Body": {"openapi": "3.0.3", "paths": {"/orders": {"get": {}}}},
            },
        },
        "Stage": {
            "Type": "AWS::ApiGateway::Stage",
            "Properties": {"RestApiId": {"Ref": "Api"}, "StageName": "dev"},
        },
    }
}
MANIFEST = {
    "version": "48.0.0",
    "artifacts": {
        "acme-dev-svc-orders": {
            "type": "aws:cloudformation:stack",
            "environment": "aws://123456789012/eu-west-1",
            "properties": {"templateFile": "acme-dev-svc-orders.template.json"},
        }
    },
}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder (the current one) with the example gateway file, its document, another
    gateway file, and a cdk.out synthesized (as recorded) from the example."""
    shutil.copytree(ROOT / "config", tmp_path / "config")
    shutil.copy(ROOT / "config" / "example.yaml", tmp_path / "config" / "other.yaml")
    out = tmp_path / "cdk.out"
    out.mkdir()
    (out / "manifest.json").write_text(json.dumps(MANIFEST))
    (out / "acme-dev-svc-orders.template.json").write_text(json.dumps(TEMPLATE))
    gateway = tmp_path / "config" / "example.yaml"
    Provenance.of(gateway, [tmp_path / "config" / "openapi" / "orders.yaml"], tmp_path).write(out)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out, captured.err


def test_routes_say_which_gateway_file_cdk_out_is_of(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "routes", "--gateway", "config/example.yaml")
    assert code == 0
    assert "| GET |" in out
    assert err == "cdk.out: synthesized from config/example.yaml\n"


def test_routes_refuse_cdk_out_of_another_gateway_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "routes", "--gateway", "config/other.yaml")
    assert (code, out) == (1, "")
    assert err == (
        "cdk.out: synthesized from config/example.yaml, not config/other.yaml: synthesize it "
        "first (make synth GATEWAY=config/other.yaml)\n1 error.\n"
    )


def test_summary_refuses_cdk_out_of_another_gateway_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "summary", "--gateway", "config/other.yaml")
    assert code == 1
    assert "cdk.out: synthesized from config/example.yaml, not config/other.yaml" in err


@pytest.mark.parametrize("edited", ["config/example.yaml", "config/openapi/orders.yaml"])
def test_an_edit_after_the_synth_makes_cdk_out_out_of_date(
    project: Path, capsys: pytest.CaptureFixture[str], edited: str
) -> None:
    with (project / edited).open("a") as file:
        file.write("# edited after the synth\n")
    code, out, err = run(capsys, "routes", "--gateway", "config/example.yaml")
    assert (code, out) == (1, "")
    assert err == (
        f"cdk.out: out of date: {edited} changed since it was synthesized from "
        "config/example.yaml: synthesize again (make synth GATEWAY=config/example.yaml)\n"
        "1 error.\n"
    )


def test_an_assembly_without_a_record_is_refused_only_when_a_gateway_file_is_expected(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "cdk.out" / PROVENANCE_FILE).unlink()  # a service team's app, or an older synth
    code, _, err = run(capsys, "routes")
    assert code == 0
    assert err == "cdk.out: synthesized by another app (no gateway file recorded)\n"
    code, _, err = run(capsys, "routes", "--gateway", "config/example.yaml")
    assert code == 1
    assert err.startswith("cdk.out: no record of the gateway file it was synthesized from")


def truncate(path: Path) -> None:
    path.write_text(path.read_text()[:40])


DAMAGE: dict[str, tuple[Any, str]] = {
    "truncated manifest": (
        lambda out: truncate(out / "manifest.json"),
        "cdk.out/manifest.json: damaged cloud assembly manifest: not JSON at line 1, column 37 "
        "(truncated?): synthesize again (make synth)",
    ),
    "[] manifest": (
        lambda out: (out / "manifest.json").write_text("[]"),
        "cdk.out/manifest.json: damaged cloud assembly manifest: a list, not an object: "
        "synthesize again (make synth)",
    ),
    "missing template": (
        lambda out: (out / "acme-dev-svc-orders.template.json").unlink(),
        "cdk.out/acme-dev-svc-orders.template.json: missing (the manifest lists this stack "
        "template): synthesize again (make synth)",
    ),
    "truncated template": (
        lambda out: truncate(out / "acme-dev-svc-orders.template.json"),
        "cdk.out/acme-dev-svc-orders.template.json: damaged stack template: not JSON at line 1, "
        "column 32 (truncated?): synthesize again (make synth)",
    ),
    "truncated record": (
        lambda out: truncate(out / PROVENANCE_FILE),
        "cdk.out/gateway-stack.json: damaged record of the gateway file: not JSON at line 3, "
        "column 10 (truncated?): synthesize again (make synth)",
    ),
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_damaged_cdk_out_is_one_line_for_each_command(
    project: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    harm, message = DAMAGE[damage]
    harm(project / "cdk.out")
    for argv in (["routes"], ["summary"]):
        assert run(capsys, *argv) == (1, "", f"{message}\n1 error.\n"), argv
    # review: 2 is "no review could be made" (1 is kept for replacements found)
    good = project / "good.out"
    good.mkdir()
    (good / "manifest.json").write_text(json.dumps({"version": "48.0.0", "artifacts": {}}))
    code, out, err = run(capsys, "review", "--assemblies", "good.out", "cdk.out")
    assert (code, out) == (2, "")
    assert err.endswith(f"{message}\n1 error; no review was made.\n")


def test_policy_refuses_templates_of_another_gateway_files_cdk_out(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = "cdk.out/acme-dev-svc-orders.template.json"
    argv = ["policy", "--gateway", "config/other.yaml", "--out", "policy", template]
    code, _, err = run(capsys, *argv)
    assert code == 1
    assert err.endswith(
        "cdk.out: synthesized from config/example.yaml, not config/other.yaml: synthesize it "
        "first (make synth GATEWAY=config/other.yaml)\n1 error.\n"
    )
    truncate(project / template)
    code, _, err = run(capsys, "policy", "--gateway", "config/example.yaml", "--out", "policy",
                       template)  # fmt: skip
    assert code == 1
    assert err.endswith(
        f"{template}: damaged stack template: not JSON at line 1, column 32 (truncated?): "
        "synthesize again (make synth)\n1 error.\n"
    )
