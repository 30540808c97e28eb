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
from gateway_stack.provenance import SYNTH_AGAIN, Provenance, ProvenanceError

STACK_ARTIFACT = "aws:cloudformation:stack"
NESTED_ASSEMBLY = "cdk:cloud-assembly"
ASSET_MANIFEST = "cdk:asset-manifest"
SSM_PARAMETER_TYPE = "AWS::SSM::Parameter::Value"


class AssemblyError(GatewayStackError):
    """``cdk.out`` is missing, is not a cloud assembly, or is damaged (one line, saying what to
    run)."""


def read_json(path: Path, what: str, *, listed: bool = True) -> Any:
    """A JSON file of the assembly, parsed; ``listed``: a file the manifest names (default),
    which the message says when it is missing.

    Raises:
        AssemblyError: the file is missing, unreadable or not JSON (one line).
    """
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        missing = f"missing (the manifest lists this {what})" if listed else f"no such {what}"
        raise AssemblyError([f"{path}: {missing}: {SYNTH_AGAIN}"]) from None
    except json.JSONDecodeError as error:
        raise AssemblyError(
            [f"{path}: damaged {what}: not JSON at line {error.lineno}, column {error.colno} "
             f"(truncated?): {SYNTH_AGAIN}"]
        ) from None  # fmt: skip
    except (OSError, UnicodeDecodeError) as error:
        reason = "not UTF-8 text" if isinstance(error, UnicodeDecodeError) else error.strerror
        raise AssemblyError([f"{path}: unreadable {what} ({reason}): {SYNTH_AGAIN}"]) from None


def _object(value: Any, path: Path, what: str) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an :class:`AssemblyError`."""
    if not isinstance(value, dict):
        kinds = {list: "a list", str: "a string", bool: "a boolean", int: "a number"}
        kind = "null" if value is None else kinds.get(type(value), "a number")
        raise AssemblyError([f"{path}: damaged {what}: {kind}, not an object: {SYNTH_AGAIN}"])
    return value


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
        resources = self.template.get("Resources", {})
        if not isinstance(resources, dict):
            return {}
        return {key: value for key, value in resources.items() if isinstance(value, dict)}

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
        provenance: the gateway file it was synthesized from, when the gateway app recorded it
            (:mod:`gateway_stack.provenance`). Default: none.
    """

    directory: Path
    stacks: tuple[StackTemplate, ...]
    provenance: Provenance | None = None
    _published: dict[tuple[str, str, str], Any] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def empty(cls) -> CloudAssembly:
        """An assembly without stacks (the base of a gateway that does not exist yet)."""
        return cls(Path(), ())

    @classmethod
    def read(cls, directory: Path) -> CloudAssembly:
        """Read ``directory/manifest.json`` and every stack template it lists.

        Raises:
            AssemblyError: there is no manifest (nothing was synthesized there), or the
                manifest, a template or the provenance record is damaged (one line).
        """
        try:
            provenance = Provenance.read(Path(directory))
        except ProvenanceError as error:
            raise AssemblyError(error.messages) from None
        stacks = tuple(_stacks(Path(directory)))
        published: dict[tuple[str, str, str], Any] = {}
        for stack in stacks:
            for _, resource in stack.of_type("AWS::SSM::Parameter"):
                properties = resource.get("Properties", {})
                if isinstance(properties.get("Name"), str):  # names known at synth only
                    key = (stack.account, stack.region, properties["Name"])
                    published[key] = (stack, properties.get("Value"))
        return cls(Path(directory), stacks, provenance, published)

    @classmethod
    def read_built_from(cls, directory: Path, gateway: str | Path | None) -> CloudAssembly:
        """:meth:`read`, refusing an assembly not synthesized from ``gateway`` by the gateway
        app, or synthesized before the gateway file or one of its documents changed.

        Args:
            directory: the assembly's folder.
            gateway: the gateway file it must be of; ``None`` accepts any file the app
                recorded (still refusing a stale one), and an assembly with no record.

        Raises:
            AssemblyError: as :meth:`read`, or the assembly is of another file, stale, or has
                no record while ``gateway`` is given.
        """
        assembly = cls.read(directory)
        if assembly.provenance is None:
            if gateway is None:
                return assembly
            raise AssemblyError(
                [f"{directory}: no record of the gateway file it was synthesized from (another "
                 f"app, or an older gateway-stack): synthesize it (make synth GATEWAY={gateway})"]
            )  # fmt: skip
        try:
            assembly.provenance.check(Path(directory), gateway)
        except ProvenanceError as error:
            raise AssemblyError(error.messages) from None
        return assembly

    @property
    def built_from(self) -> str:
        """One line for the reader: which gateway file the assembly was synthesized from."""
        if self.provenance is None:
            return f"{self.directory}: synthesized by another app (no gateway file recorded)"
        if self.provenance.selective:  # the other services' stacks were not built, not removed
            return (
                f"{self.directory}: synthesized from {self.provenance.gateway}, "
                f"{self.provenance.selection}: the other services' stacks were not built"
            )
        return f"{self.directory}: synthesized from {self.provenance.gateway}"

    def stack(self, name: str) -> StackTemplate | None:
        """The stack named ``name``, or None."""
        return next((s for s in self.stacks if s.name == name), None)

    @property
    def regions(self) -> tuple[str, ...]:
        """Every region the stacks deploy to, in the order of their first stack in the
        manifest (from each stack artifact's ``environment``; ``unknown-region`` for an
        environment-agnostic stack)."""
        return tuple(dict.fromkeys(stack.region for stack in self.stacks))

    def stacks_in(self, region: str) -> tuple[StackTemplate, ...]:
        """The stacks that deploy to ``region``, in the manifest's order."""
        return tuple(stack for stack in self.stacks if stack.region == region)

    def published(self, name: str, near: StackTemplate) -> tuple[StackTemplate, Any] | None:
        """The stack that creates SSM parameter ``name`` in ``near``'s account and region (SSM
        parameters are regional: each region of a gateway publishes the same names), and the
        parameter's value there; None when no stack of that environment creates it."""
        found: tuple[StackTemplate, Any] | None = self._published.get(
            (near.account, near.region, name)
        )
        return found

    def asset_file(self, stack: StackTemplate, object_key: Any) -> Path | None:
        """The file behind an S3 object key of one of the stack's file assets (e.g. an OpenAPI
        body too large to inline), from the stack's asset manifest."""
        if not isinstance(object_key, str) or stack.assets is None or not stack.assets.is_file():
            return None
        manifest = _object(
            read_json(stack.assets, "asset manifest"), stack.assets, "asset manifest"
        )
        for asset in _object(manifest.get("files", {}), stack.assets, "asset manifest").values():
            if not isinstance(asset, dict):
                continue
            destinations = asset.get("destinations", {})
            keys = {d.get("objectKey") for d in destinations.values() if isinstance(d, dict)}
            source = asset.get("source", {})
            if object_key in keys and isinstance(source, dict) and "path" in source:
                return stack.assets.parent / str(source["path"])
        return None

    def api_body(self, stack: StackTemplate, properties: dict[str, Any]) -> dict[str, Any]:
        """A REST API's OpenAPI body: its inline ``Body`` (an object, or JSON or YAML text), else
        the asset file its ``BodyS3Location`` names; ``{}`` when there is none to read."""
        body = properties.get("Body")
        if isinstance(body, str):
            body = _yaml(body, stack.path, "inline OpenAPI body")  # JSON is YAML
        location = properties.get("BodyS3Location")
        if body is None and isinstance(location, dict):
            path = self.asset_file(stack, location.get("Key"))
            if path is not None and path.is_file():
                if path.suffix == ".json":
                    body = read_json(path, "OpenAPI body asset")
                else:
                    body = _yaml(path.read_text(encoding="utf-8"), path, "OpenAPI body asset")
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
        """Follow an SSM-typed parameter to the value its publishing stack writes, once: the
        stack of ``stack``'s own account and region (a deploy-time parameter reads its region's
        SSM).

        Returns ``(stack, value)``: where the value now lives (references in it are that
        stack's), and the value; unchanged when it is not such a parameter, or the parameter
        is published outside this assembly.
        """
        name = self.ssm_name(stack, value)
        found = self.published(name, stack) if name else None
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
            found = self.published(name, stack)
            if found is not None and isinstance(found[1], str):
                return found[1]
            return f"<ssm:{name}>"
        return f"<{target}>"


def _yaml(text: str, path: Path, what: str) -> Any:
    """YAML (or JSON) text of the assembly, parsed; an :class:`AssemblyError` when it is not."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise AssemblyError(
            [f"{path}: damaged {what}: not YAML or JSON{where}: {SYNTH_AGAIN}"]
        ) from None


def _stacks(directory: Path) -> Iterator[StackTemplate]:
    manifest_path = directory / "manifest.json"
    if not manifest_path.is_file():
        raise AssemblyError(
            [f"{directory}: no cloud assembly here (no manifest.json): synthesize first "
             "(make synth)"]
        )  # fmt: skip
    what = "cloud assembly manifest"
    manifest = _object(read_json(manifest_path, what), manifest_path, what)
    artifacts = _object(manifest.get("artifacts", {}), manifest_path, what)
    for artifact_id, entry in artifacts.items():
        artifact = _object(entry, manifest_path, what)
        properties = _object(artifact.get("properties", {}), manifest_path, what)
        if artifact.get("type") == NESTED_ASSEMBLY:
            yield from _stacks(directory / str(properties.get("directoryName", artifact_id)))
        elif artifact.get("type") == STACK_ARTIFACT:
            if not isinstance(properties.get("templateFile"), str):
                raise AssemblyError(
                    [f"{manifest_path}: damaged {what}: stack {artifact_id} names no template "
                     f"file: {SYNTH_AGAIN}"]
                )  # fmt: skip
            path = directory / properties["templateFile"]
            _, _, where = str(artifact.get("environment", "")).partition("aws://")
            account, _, region = where.partition("/")
            yield StackTemplate(
                name=str(properties.get("stackName", artifact_id)),
                template=_object(read_json(path, "stack template"), path, "stack template"),
                path=path,
                account=account or "unknown-account",
                region=region or "unknown-region",
                assets=_asset_manifest(directory, artifacts, artifact.get("dependencies", [])),
            )


def _asset_manifest(directory: Path, artifacts: dict[str, Any], dependencies: Any) -> Path | None:
    """The asset manifest among a stack artifact's dependencies (its file is relative to the
    folder of the manifest that lists it)."""
    for dependency in dependencies if isinstance(dependencies, list) else []:
        artifact = artifacts.get(dependency)
        if not isinstance(artifact, dict) or not isinstance(artifact.get("properties"), dict):
            continue
        if artifact.get("type") == ASSET_MANIFEST and "file" in artifact.get("properties", {}):
            return directory / artifact["properties"]["file"]
    return None
