"""Bundling a Python Lambda without Docker: pip for the function's platform, then the code.

``pip install --platform manylinux2014_<arch> --only-binary=:all: --python-version <runtime>``
fetches exactly the wheels the Lambda runtime can load, whatever machine synthesizes, so no
Docker image is needed. The requirements file must pin every package the function imports
(its whole closure: the install runs with ``--no-deps``), except what the runtime provides
(boto3 and botocore with their dependencies).
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_

from gateway_stack.errors import GatewayStackError

_PLATFORMS = {
    lambda_.Architecture.ARM_64.name: "manylinux2014_aarch64",
    lambda_.Architecture.X86_64.name: "manylinux2014_x86_64",
}
#: Files and folders of a code folder that are not the function's (nor its fingerprint's).
_NOT_CODE = ("__pycache__", "*.pyc", ".pytest_cache", "tests")
#: What is not copied into the bundle: the above, and the requirements (pip installs them).
_NOT_COPIED = (*_NOT_CODE, "requirements*.txt")


@dataclass(frozen=True)
class PythonBundle:
    """A Python function's code folder bundled with its pinned requirements.

    Attributes:
        code: the folder the function's handler module is in.
        requirements: the pinned requirements file (the whole closure).
        python_version: the runtime's Python, e.g. ``3.14``.
        platform: a manylinux platform tag, e.g. ``manylinux2014_aarch64``.
    """

    code: Path
    requirements: Path
    python_version: str
    platform: str

    @classmethod
    def for_function(
        cls, code: Path, runtime: lambda_.Runtime, architecture: lambda_.Architecture
    ) -> PythonBundle:
        """The bundle for a Lambda runtime and architecture."""
        return cls(
            code=code,
            requirements=code / "requirements.txt",
            python_version=runtime.name.removeprefix("python"),
            platform=_PLATFORMS[architecture.name],
        )

    @property
    def fingerprint(self) -> str:
        """Hash of everything that goes into the bundle (the asset's hash): the target, the
        requirements and the code, not what :data:`_NOT_CODE` leaves out of the bundle."""
        digest = hashlib.sha256(f"{self.python_version}|{self.platform}".encode())
        for path in sorted(self.code.rglob("*")):
            parts = path.relative_to(self.code).parts
            if path.is_file() and not any(fnmatch(part, p) for part in parts for p in _NOT_CODE):
                digest.update(str(path.relative_to(self.code)).encode())
                digest.update(path.read_bytes())
        return digest.hexdigest()

    def build(self, output: Path) -> None:
        """Install the requirements for the target platform into ``output``, then the code."""
        command = [
            sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            "--no-deps", "--only-binary=:all:", "--no-compile",
            "--platform", self.platform, "--implementation", "cp",
            "--python-version", self.python_version,
            "--target", str(output), "--requirement", str(self.requirements),
        ]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise GatewayStackError(
                [f"bundling {self.code}: pip could not install {self.requirements} for "
                 f"{self.platform}, Python {self.python_version}:", result.stderr.strip()[-2000:]]
            )  # fmt: skip
        shutil.copytree(
            self.code, output, dirs_exist_ok=True, ignore=shutil.ignore_patterns(*_NOT_COPIED)
        )

    def bundling_options(self, image: DockerImage) -> BundlingOptions:
        """CDK bundling options: local bundling, which always succeeds or raises, so CDK never
        falls back to ``image`` (Docker)."""
        return BundlingOptions(image=image, local=_LocalBundling(self))


@jsii.implements(ILocalBundling)
class _LocalBundling:
    def __init__(self, bundle: PythonBundle):
        self._bundle = bundle

    def try_bundle(self, output_dir: str, *, image: DockerImage, **_: object) -> bool:
        self._bundle.build(Path(output_dir))
        return True


def bundled_code(
    code: Path, runtime: lambda_.Runtime, architecture: lambda_.Architecture
) -> lambda_.Code:
    """The function's asset: its code folder with its requirements, bundled locally."""
    bundle = PythonBundle.for_function(code, runtime, architecture)
    return lambda_.Code.from_asset(
        str(code),
        asset_hash=bundle.fingerprint,
        asset_hash_type=AssetHashType.CUSTOM,
        bundling=bundle.bundling_options(runtime.bundling_image),
    )
