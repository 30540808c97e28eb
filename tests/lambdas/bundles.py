"""A function's bundle built the way the CDK app builds it, for this machine, and the packages
the Lambda runtime provides beside it (the bundle tests of both code roots use these)."""

from __future__ import annotations

import platform
import sys
from pathlib import Path

from gateway_stack.gateway.platform.bundling import PythonBundle

#: What the Lambda runtime provides beside the bundle.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six")
_MACHINES = {"x86_64": "manylinux2014_x86_64", "aarch64": "manylinux2014_aarch64"}


def build_bundle(code_root: Path, target: Path) -> Path:
    """Bundle ``code_root`` into ``target`` (pip for this machine's manylinux platform and
    Python, --no-deps, the pinned closure), as the function's asset is bundled."""
    PythonBundle(
        code=code_root,
        requirements=code_root / "requirements.txt",
        python_version=f"{sys.version_info.major}.{sys.version_info.minor}",
        platform=_MACHINES[platform.machine()],
    ).build(target)
    return target


def link_runtime_libraries(folder: Path) -> Path:
    """``folder`` with only the packages the Lambda runtime provides (links to this venv's)."""
    import boto3

    site = Path(boto3.__file__).resolve().parent.parent
    for name in RUNTIME_PROVIDED:
        package = site / name if (site / name).is_dir() else site / f"{name}.py"
        (folder / package.name).symlink_to(package)
    return folder
