"""Running CloudFormation Guard: the binary cdklabs ships in its validator package.

``cdklabs-cdk-validator-cfnguard`` (pinned in requirements.txt) is AWS's CDK plugin for Guard;
its package carries the official ``cfn-guard`` binaries for Linux and macOS. This module takes
the one for this machine out of the installed package (once, into a cache folder), so the
platform's pipeline runs exactly the pinned Guard release, with nothing downloaded at run time.
"""

from __future__ import annotations

import importlib.util
import json
import platform
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from gateway_stack.assembly import AssemblyError, CloudAssembly, StackTemplate, read_json
from gateway_stack.errors import GatewayStackError

_PLATFORMS = {
    ("Linux", "x86_64"): "ubuntu/x86_64",
    ("Linux", "aarch64"): "ubuntu/aarch64",
    ("Darwin", "x86_64"): "macos/x86_64",
    ("Darwin", "arm64"): "macos/aarch64",
}


@dataclass(frozen=True)
class GuardResult:
    """The outcome of one Guard run: passed, and what Guard printed."""

    passed: bool
    output: str


def guard_binary(cache: Path | None = None) -> Path:
    """The ``cfn-guard`` executable for this machine, from the pinned cdklabs package.

    Raises:
        GatewayStackError: the package is not installed, or has no binary for this machine.
    """
    system = (platform.system(), platform.machine())
    folder = _PLATFORMS.get(system)
    if folder is None:
        raise GatewayStackError([f"cfn-guard: no binary for {system[0]} {system[1]}"])
    # Found, not imported: importing the package would start jsii and Node.js for nothing.
    spec = importlib.util.find_spec("cdklabs.cdk_validator_cfnguard")
    if spec is None or spec.origin is None:
        raise GatewayStackError(
            ["cfn-guard: install cdklabs-cdk-validator-cfnguard (see requirements.txt)"]
        )
    package = Path(spec.origin).parent / "_jsii"
    (tarball,) = [p for p in package.iterdir() if p.name.endswith(".jsii.tgz")]
    version = tarball.name.removesuffix(".jsii.tgz").rpartition("@")[2]
    target = (cache or Path(tempfile.gettempdir())) / f"gateway-stack-cfn-guard-{version}"
    binary = target / "cfn-guard"
    if not binary.exists():
        target.mkdir(parents=True, exist_ok=True)
        with tarfile.open(tarball) as archive:
            member = archive.getmember(f"package/bin/{folder}/cfn-guard")
            extracted = archive.extractfile(member)
            assert extracted is not None
            partial = target / "cfn-guard.partial"
            partial.write_bytes(extracted.read())
            partial.chmod(0o755)
            partial.replace(binary)
    return binary


def run_guard(rules: Path, templates: list[Path]) -> GuardResult:
    """Validate ``templates`` against the Guard ``rules`` file."""
    command = [str(guard_binary()), "validate", "--rules", str(rules), "--show-summary", "fail"]
    for template in templates:
        command += ["--data", str(template)]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    output = (result.stdout + result.stderr).strip()
    if "Parsing error" in output:
        raise GatewayStackError([f"cfn-guard could not parse {rules}: {output[:400]}"])
    return GuardResult(passed=result.returncode == 0, output=output)


def inline_asset_bodies(template: Path, out: Path) -> Path:
    """A copy of ``template`` whose S3-asset OpenAPI bodies are inlined, for Guard to read.

    A body too large to inline travels as an asset (``BodyS3Location``): the stack's asset
    manifest, in the cloud assembly the template belongs to, names the file behind its key.

    Raises:
        GatewayStackError: the template is not in a cloud assembly, or the asset is not there.
    """
    body = read_json(template, "template", listed=False)
    if not isinstance(body, dict):
        raise GatewayStackError([f"{template}: not a CloudFormation template (not an object)"])
    assembly: tuple[CloudAssembly, StackTemplate | None] | None = None
    for resource in body.get("Resources", {}).values():
        properties = resource.get("Properties", {})
        if resource.get("Type") != "AWS::ApiGateway::RestApi" or "BodyS3Location" not in properties:
            continue
        if assembly is None:
            assembly = _assembly_of(template)
        read, stack = assembly
        inlined = read.api_body(stack, properties) if stack is not None else {}
        if not inlined:
            key = properties["BodyS3Location"].get("Key")
            raise GatewayStackError(
                [f"{template}: the body asset {key} is not in the stack's asset manifest"]
            )
        properties["Body"] = inlined
        del properties["BodyS3Location"]
    out.write_text(json.dumps(body))
    return out


def _assembly_of(template: Path) -> tuple[CloudAssembly, StackTemplate | None]:
    """The cloud assembly in the template's folder, and the stack whose template it is."""
    try:
        assembly = CloudAssembly.read(template.parent)
    except AssemblyError:
        raise GatewayStackError(
            [f"{template}: its OpenAPI body travels as an S3 asset, and the folder is not a cloud "
             "assembly (no manifest.json) to find the asset in"]
        ) from None  # fmt: skip
    resolved = template.resolve()
    return assembly, next((s for s in assembly.stacks if s.path.resolve() == resolved), None)
