"""A synthesized cloud assembly (``cdk.out``), read generically: stacks, templates and values.

What ``make routes`` and ``make review`` show comes from here: the templates that will deploy,
not the gateway file. Nothing in this module knows a resource the gateway creates; it follows
CloudFormation's own references (``Ref``, ``Fn::Join``, ``Fn::GetAtt``) and SSM parameters
published by one stack and read by another as ``AWS::SSM::Parameter::Value`` parameters.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from gateway_stack.errors import GatewayStackError

STACK_ARTIFACT = "aws:cloudformation:stack"
NESTED_ASSEMBLY = "cdk:cloud-assembly"
ASSET_MANIFEST = "cdk:asset-manifest"
SSM_PARAMETER_TYPE = "AWS::SSM::Parameter::Value"


class AssemblyError(GatewayStackError):
    """``cdk.out`` is missing or is not a cloud assembly."""


@dataclass(frozen=True)
class StackTemplate:
    """One stack of the assembly.

    Attributes:
        name: the stack's name.
        template: the CloudFormation template, parsed.
        path: the template file.
        account: the stack's account (``unknown-account`` when environment-agnostic).
        region: the stack's region (``unknown-region`` when environment-agnostic).
        assets: the stack's asset manifest (``<artifact id>.assets.json`` in the stack's own
            assembly folder), when it has one.
    """

    name: str
    template: dict[str, Any]
    path: Path
    account: str = "unknown-account"
    region: str = "unknown-region"
    assets: Path | None = None

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        """Logical id -> resource."""
        resources: dict[str, dict[str, Any]] = self.template.get("Resources", {})
        return resources

    def of_type(self, resource_type: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """``(logical id, resource)`` of every resource of one type, in template order."""
        for logical_id, resource in self.resources.items():
            if resource.get("Type") == resource_type:
                yield logical_id, resource

    def parameter(self, logical_id: str) -> dict[str, Any] | None:
        """A template parameter, or None."""
        parameter: dict[str, Any] | None = self.template.get("Parameters", {}).get(logical_id)
        return parameter


@dataclass(frozen=True)
class CloudAssembly:
    """Every CloudFormation stack of a cloud assembly, nested assemblies (Stages) included.

    Attributes:
        directory: the assembly's folder.
        stacks: the stacks, in the manifest's order.
    """

    directory: Path
    stacks: tuple[StackTemplate, ...]
    _published: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def empty(cls) -> CloudAssembly:
        """An assembly without stacks (the base of a gateway that does not exist yet)."""
        return cls(Path(), ())

    @classmethod
    def read(cls, directory: Path) -> CloudAssembly:
        """Read ``directory/manifest.json`` and every stack template it lists.

        Raises:
            AssemblyError: there is no manifest (nothing was synthesized there).
        """
        stacks = tuple(_stacks(Path(directory)))
        published: dict[str, Any] = {}
        for stack in stacks:
            for _, resource in stack.of_type("AWS::SSM::Parameter"):
                properties = resource.get("Properties", {})
                if isinstance(properties.get("Name"), str):  # names known at synth only
                    published[properties["Name"]] = (stack, properties.get("Value"))
        return cls(Path(directory), stacks, published)

    def stack(self, name: str) -> StackTemplate | None:
        """The stack named ``name``, or None."""
        return next((s for s in self.stacks if s.name == name), None)

    def published(self, name: str) -> tuple[StackTemplate, Any] | None:
        """The stack that creates SSM parameter ``name``, and the parameter's value there."""
        found: tuple[StackTemplate, Any] | None = self._published.get(name)
        return found

    def asset_file(self, stack: StackTemplate, object_key: Any) -> Path | None:
        """The file behind an S3 object key of one of the stack's file assets (e.g. an OpenAPI
        body too large to inline), from the stack's asset manifest."""
        if not isinstance(object_key, str) or stack.assets is None or not stack.assets.is_file():
            return None
        for asset in json.loads(stack.assets.read_text()).get("files", {}).values():
            keys = {d.get("objectKey") for d in asset.get("destinations", {}).values()}
            if object_key in keys:
                return stack.assets.parent / asset["source"]["path"]
        return None

    def api_body(self, stack: StackTemplate, properties: dict[str, Any]) -> dict[str, Any]:
        """A REST API's OpenAPI body: its inline ``Body`` (an object, or JSON or YAML text), else
        the asset file its ``BodyS3Location`` names; ``{}`` when there is none to read."""
        body = properties.get("Body")
        if isinstance(body, str):
            body = yaml.safe_load(body)  # JSON is YAML
        location = properties.get("BodyS3Location")
        if body is None and isinstance(location, dict):
            path = self.asset_file(stack, location.get("Key"))
            if path is not None and path.is_file():
                text = path.read_text()
                body = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
        return body if isinstance(body, dict) else {}

    def ssm_name(self, stack: StackTemplate, value: Any) -> str | None:
        """The SSM parameter name behind ``{"Ref": <SSM-typed template parameter>}``."""
        if not (isinstance(value, dict) and isinstance(value.get("Ref"), str)):
            return None
        parameter = stack.parameter(value["Ref"]) or {}
        if str(parameter.get("Type", "")).startswith(SSM_PARAMETER_TYPE):
            default = parameter.get("Default")
            return default if isinstance(default, str) else None
        return None

    def resolve(self, stack: StackTemplate, value: Any) -> tuple[StackTemplate, Any]:
        """Follow an SSM-typed parameter to the value its publishing stack writes, once.

        Returns ``(stack, value)``: where the value now lives (references in it are that
        stack's), and the value; unchanged when it is not such a parameter, or the parameter
        is published outside this assembly.
        """
        name = self.ssm_name(stack, value)
        found = self.published(name) if name else None
        return found if found is not None else (stack, value)

    def describe(self, stack: StackTemplate, value: Any) -> str:
        """A value as a reviewer reads it: literals as they are, SSM parameters resolved to
        their published literal (else ``<ssm:/name>``), other references as ``<LogicalId>``."""
        if isinstance(value, str | int | float | bool):
            return str(value)
        if not isinstance(value, dict) or len(value) != 1:
            return json.dumps(value, separators=(",", ":"), sort_keys=True)
        function, argument = next(iter(value.items()))
        if function == "Ref":
            return self._describe_ref(stack, str(argument))
        if function == "Fn::Join" and isinstance(argument, list) and len(argument) == 2:
            return str(argument[0]).join(self.describe(stack, part) for part in argument[1])
        if function == "Fn::GetAtt":
            target = argument if isinstance(argument, list) else str(argument).split(".", 1)
            return f"<{'.'.join(str(part) for part in target)}>"
        if function == "Fn::Sub" and isinstance(argument, str):
            return argument
        return json.dumps(value, separators=(",", ":"), sort_keys=True)

    def _describe_ref(self, stack: StackTemplate, target: str) -> str:
        pseudo = {
            "AWS::Region": stack.region,
            "AWS::AccountId": stack.account,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
        }
        if target in pseudo:
            return pseudo[target]
        name = self.ssm_name(stack, {"Ref": target})
        if name is not None:
            found = self.published(name)
            if found is not None and isinstance(found[1], str):
                return found[1]
            return f"<ssm:{name}>"
        return f"<{target}>"


def _stacks(directory: Path) -> Iterator[StackTemplate]:
    manifest_path = directory / "manifest.json"
    if not manifest_path.is_file():
        raise AssemblyError(
            [f"{directory}: no cloud assembly here (no manifest.json): synthesize first "
             "(make synth)"]
        )  # fmt: skip
    artifacts: dict[str, Any] = json.loads(manifest_path.read_text()).get("artifacts", {})
    for artifact_id, artifact in artifacts.items():
        properties = artifact.get("properties", {})
        if artifact.get("type") == NESTED_ASSEMBLY:
            yield from _stacks(directory / properties["directoryName"])
        elif artifact.get("type") == STACK_ARTIFACT:
            path = directory / properties["templateFile"]
            _, _, where = str(artifact.get("environment", "")).partition("aws://")
            account, _, region = where.partition("/")
            yield StackTemplate(
                name=properties.get("stackName", artifact_id),
                template=json.loads(path.read_text()),
                path=path,
                account=account or "unknown-account",
                region=region or "unknown-region",
                assets=_asset_manifest(directory, artifacts, artifact.get("dependencies", [])),
            )


def _asset_manifest(directory: Path, artifacts: dict[str, Any], dependencies: Any) -> Path | None:
    """The asset manifest among a stack artifact's dependencies (its file is relative to the
    folder of the manifest that lists it)."""
    for dependency in dependencies if isinstance(dependencies, list) else []:
        artifact = artifacts.get(dependency, {})
        if artifact.get("type") == ASSET_MANIFEST and "file" in artifact.get("properties", {}):
            return directory / artifact["properties"]["file"]
    return None
