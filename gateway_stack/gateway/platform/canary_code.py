"""The canary's code asset: its script, the smoke runner and the service's checks, put together at
synth (no Docker, no pip: the script and the runner are standard library and boto3, which the
runtime has).

CloudWatch Synthetics' Python runtimes load the script from ``python/`` in the code's zip, with
``python/`` on the import path. The bundle is:

```
python/handler.py                 lambdas/canary/handler.py
python/gateway_stack/smoke/*.py   the smoke runner itself (the package's own module, not a copy)
python/checks.json                the service's checks, from the gateway's plan
```

``python/gateway_stack/`` has no ``__init__.py``: it is a namespace package holding only
``smoke``, so ``import gateway_stack.smoke`` loads the runner and nothing else of the package.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from aws_cdk import AssetHashType
from aws_cdk import aws_synthetics as synthetics

import gateway_stack.smoke
from gateway_stack.gateway.platform.code import code_root
from gateway_stack.smoke import Check

#: The script's module and function (``python/handler.py``, ``handler``).
HANDLER = "handler.handler"
#: The checks' file name, beside the script.
CHECKS_FILE = "checks.json"
_NOT_CODE = ("__pycache__", "*.pyc", "tests")


@dataclass(frozen=True)
class CanaryBundle:
    """What goes into a canary's code asset.

    Attributes:
        script: the code root holding ``handler.py`` (``lambdas/canary``).
        runner: the smoke runner's package folder (``gateway_stack/smoke``).
        checks: the checks' JSON text.
    """

    script: Path
    runner: Path
    checks: str

    @classmethod
    def for_checks(cls, checks: Sequence[Check]) -> CanaryBundle:
        """The bundle of the project's canary script and runner with ``checks``."""
        return cls(
            script=code_root("canary"),
            runner=Path(gateway_stack.smoke.__file__).resolve().parent,
            checks=json.dumps([check.to_json() for check in checks], indent=2) + "\n",
        )

    @property
    def fingerprint(self) -> str:
        """Hash of the bundle's content (the asset's hash)."""
        digest = hashlib.sha256()
        for name, text in self._files():
            digest.update(name.encode())
            digest.update(text)
        return digest.hexdigest()

    def build(self, output: Path) -> None:
        """Write the bundle's files into ``output``."""
        for name, content in self._files():
            target = output / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)

    def _files(self) -> list[tuple[str, bytes]]:
        files = [("python/handler.py", (self.script / "handler.py").read_bytes())]
        for path in sorted(self.runner.rglob("*.py")):
            relative = path.relative_to(self.runner)
            if not any(
                part == skip or path.match(skip) for part in relative.parts for skip in _NOT_CODE
            ):
                files.append(
                    (f"python/gateway_stack/smoke/{relative.as_posix()}", path.read_bytes())
                )
        files.append((f"python/{CHECKS_FILE}", self.checks.encode()))
        return files

    def code(self) -> synthetics.Code:
        """The canary's code: this bundle, written to a folder of its own that CDK stages as the
        asset.

        Written here rather than by CDK's bundling: CDK skips bundling for the stacks a
        ``cdk deploy STACK`` leaves out (and in-memory tests), and then checks a Python canary's
        ``python/`` layout against a path that does not exist. The folder is removed when the
        process exits (the asset's copy in ``cdk.out`` is what deploys).
        """
        folder = Path(tempfile.mkdtemp(prefix="gateway-stack-canary-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        self.build(folder)
        return synthetics.Code.from_asset(
            str(folder), asset_hash=self.fingerprint, asset_hash_type=AssetHashType.CUSTOM
        )
