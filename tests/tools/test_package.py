"""The installable package: a wheel built from the repository, installed in a fresh venv outside
the checkout, synthesizes a service team's app and a platform team's gateway through the real CLI.

The journey is one test (a few minutes: pip installs aws-cdk-lib from its cache, each synth
bundles the authorizer), so that pytest-xdist cannot split it over two workers and make the venv
twice; each step is a function below, which a failure's traceback names.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.synth.cli import CDK, ROOT

PYPROJECT = ROOT / "pyproject.toml"
#: What the build reads: pyproject.toml names README.md (the long description), the package and
#: the Lambda code roots.
BUILD_SOURCES = ("pyproject.toml", "README.md", "gateway_stack", "lambdas")
_NOT_SHIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", "tests", ".pytest_cache")


def _folders_of_modules(root: Path) -> set[tuple[str, ...]]:
    """The folders under ``root`` (itself included) that hold a module, as path parts; tests and
    caches excluded."""
    return {
        path.parent.relative_to(root).parts
        for path in root.rglob("*.py")
        if not {"__pycache__", "tests"} & set(path.relative_to(root).parts)
    }


def test_pyproject_lists_every_folder_of_modules_as_a_package() -> None:
    """The packages are listed (the code roots are mapped from lambdas/, which find cannot do):
    a folder of modules left out of the list would be left out of the wheel."""
    listed = set(tomllib.loads(PYPROJECT.read_text())["tool"]["setuptools"]["packages"])
    on_disk = {".".join(("gateway_stack", *p)) for p in _folders_of_modules(ROOT / "gateway_stack")}
    on_disk |= {
        ".".join(("gateway_stack", "lambdas", *p))
        for p in _folders_of_modules(ROOT / "lambdas")
        if p  # lambdas/ itself holds no module
    }
    assert listed == on_disk, (
        f"{PYPROJECT}: [tool.setuptools] packages must list every folder of modules "
        f"(add {sorted(on_disk - listed)}, remove {sorted(listed - on_disk)})"
    )


@dataclass(frozen=True)
class Installed:
    """The built wheel and the fresh venv it is installed in, outside the checkout."""

    wheel: Path
    venv: Path
    work: Path

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    def environment(self) -> dict[str, str]:
        """The Makefile's PATH with the fresh venv in place of the repository's: its Python (what
        ``python3 app.py`` runs) first, then the pinned Node.js and the repository's CDK CLI."""
        path = os.pathsep.join(
            [str(self.venv / "bin"), str(ROOT / ".venv" / "node-bin"), str(CDK.parent)]
            + [p for p in os.environ["PATH"].split(os.pathsep) if not p.startswith(str(ROOT))]
        )
        environment = {
            k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}
        }
        return {
            **environment,
            "PATH": path,
            "CDK_DISABLE_CLI_TELEMETRY": "true",
            "CDK_DISABLE_VERSION_CHECK": "true",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        }

    def run(self, command: list[str | Path], cwd: Path) -> subprocess.CompletedProcess[str]:
        """Run ``command`` in ``cwd`` with :meth:`environment`; fail the test if it fails."""
        result = subprocess.run(
            [str(part) for part in command],
            cwd=cwd,
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
        return result

    def synth(self, app: Path, *context: str) -> Path:
        """``cdk synth`` of the app in ``app`` through the real CLI; its cloud assembly."""
        output = app / "cdk.out"
        options = [item for pair in (("--context", c) for c in context) for item in pair]
        self.run([CDK, "synth", "--quiet", "--no-notices", "--output", output, *options], app)
        return output


def _run(command: list[str | Path], cwd: Path) -> None:
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel, built from the repository's sources (copied, so the build writes nothing into
    the checkout and no stale build/ file can ship), installed in a fresh venv with its
    dependencies pinned by constraints.txt."""
    work = tmp_path_factory.mktemp("package")
    source, wheels = work / "source", work / "wheels"
    source.mkdir()
    for name in BUILD_SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=_NOT_SHIPPED)
        else:
            shutil.copy2(ROOT / name, source / name)
    build = [sys.executable, "-m", "pip", "wheel", ".", "--quiet", "--no-deps"]
    _run([*build, "--no-build-isolation", "-w", wheels], source)
    (wheel,) = wheels.glob("gateway_stack-*.whl")

    venv = work / "venv"
    _run([sys.executable, "-m", "venv", venv], work)
    pip = [venv / "bin" / "python", "-m", "pip", "install", "--quiet"]
    _run([*pip, "--disable-pip-version-check", wheel, "-c", ROOT / "constraints.txt"], work)
    return Installed(wheel=wheel, venv=venv, work=work)


@pytest.mark.slow
def test_a_wheel_installed_outside_the_checkout_builds_a_teams_app_and_a_whole_gateway(
    installed: Installed,
) -> None:
    _check_the_wheel_carries_the_lambda_code_roots_and_the_starter(installed)
    _check_the_installed_package_is_the_one_used(installed)
    _check_a_service_teams_app_synthesizes(installed)
    _check_an_init_folder_synthesizes_its_starter_and_the_example_gateway(installed)


def _check_the_wheel_carries_the_lambda_code_roots_and_the_starter(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    shipped = {n.removeprefix("gateway_stack/") for n in names if n.startswith("gateway_stack/")}
    code = {
        f"lambdas/{path.relative_to(ROOT / 'lambdas').as_posix()}"
        for path in (ROOT / "lambdas").rglob("*")
        if path.is_file()
        and (path.suffix == ".py" or path.name.startswith("requirements"))
        and not {"tests", "__pycache__"} & set(path.parts)
    }
    assert "lambdas/authorizer/handler.py" in code
    assert "lambdas/plan_membership/handler.py" in code
    assert {n for n in shipped if n.startswith("lambdas/")} == code
    assert not [n for n in names if "__pycache__" in n or "/tests/" in n]
    assert {"tools/starter/Makefile", "tools/starter/gateway.yaml", "py.typed"} <= shipped


def _check_the_installed_package_is_the_one_used(installed: Installed) -> None:
    """Run outside the checkout, the fresh venv imports the installed package, whose code roots
    are its own; the app's ``python3`` is that venv's."""
    result = installed.run(
        [
            installed.python,
            "-c",
            "import gateway_stack; from gateway_stack.gateway.platform.code import code_root; "
            "print(gateway_stack.__file__); print(code_root('authorizer'))",
        ],
        installed.work,
    )
    package_file, authorizer = (Path(line) for line in result.stdout.splitlines())
    site_packages = next((installed.venv / "lib").glob("python3.*/site-packages"))
    assert package_file == site_packages / "gateway_stack" / "__init__.py"
    assert authorizer == site_packages / "gateway_stack" / "lambdas" / "authorizer"
    assert not list(site_packages.glob("__editable__*"))
    python3 = shutil.which("python3", path=installed.environment()["PATH"])
    assert python3 == str(installed.venv / "bin" / "python3")


def _check_a_service_teams_app_synthesizes(installed: Installed) -> None:
    app = installed.work / "service_team_app"
    shutil.copytree(ROOT / "examples" / "service_team_app", app, ignore=_NOT_SHIPPED)
    assembly = installed.synth(app)
    template = json.loads((assembly / "acme-dev-svc-catalog.template.json").read_text())
    types = {resource["Type"] for resource in template["Resources"].values()}
    assert {"AWS::ApiGateway::RestApi", "Custom::UsagePlanMembership"} <= types


def _check_an_init_folder_synthesizes_its_starter_and_the_example_gateway(
    installed: Installed,
) -> None:
    folder = installed.work / "our-gateway"
    printed = installed.run(
        [installed.python, "-m", "gateway_stack", "init", folder], installed.work
    )
    assert "make synth" in printed.stdout

    # The starter's own gateway file (the cdk.json context's).
    starter = installed.synth(folder)
    assert (starter / "mygateway-dev-platform.template.json").is_file()
    assert (starter / "mygateway-dev-svc-hello.template.json").is_file()
    shutil.rmtree(starter)

    # The whole example gateway, its document beside it.
    shutil.copy2(ROOT / "config" / "example.yaml", folder / "example.yaml")
    (folder / "openapi").mkdir()
    shutil.copy2(ROOT / "config" / "openapi" / "orders.yaml", folder / "openapi" / "orders.yaml")
    assembly = installed.synth(folder, "gateway=example.yaml")
    stacks = ("platform", "svc-orders", "svc-inventory", "svc-billing")
    for stack in stacks:
        assert (assembly / f"acme-dev-{stack}.template.json").is_file(), stack

    # The authorizer's asset is bundled from the installed package's code root.
    platform = json.loads((assembly / "acme-dev-platform.template.json").read_text())
    (function,) = [
        resource
        for resource in platform["Resources"].values()
        if resource["Type"] == "AWS::Lambda::Function"
        and resource["Properties"].get("Handler") == "handler.handler"
        and "Authorizer" in resource["Metadata"]["aws:cdk:path"]
    ]
    asset = assembly / function["Metadata"]["aws:asset:path"]
    installed_root = next((installed.venv / "lib").glob("python3.*/site-packages"))
    code = installed_root / "gateway_stack" / "lambdas" / "authorizer"
    assert (asset / "handler.py").read_bytes() == (code / "handler.py").read_bytes()
    assert (asset / "token_authorizer" / "authorize.py").is_file()
    assert (asset / "jwt").is_dir()  # its pinned requirements, installed for the Lambda
    (membership,) = [
        resource
        for resource in platform["Resources"].values()
        if resource["Type"] == "AWS::Lambda::Function"
        and "UsagePlans/Membership" in resource["Metadata"]["aws:cdk:path"]
    ]
    membership_asset = assembly / membership["Metadata"]["aws:asset:path"]
    membership_code = installed_root / "gateway_stack" / "lambdas" / "plan_membership"
    assert (membership_asset / "handler.py").read_bytes() == (
        membership_code / "handler.py"
    ).read_bytes()
