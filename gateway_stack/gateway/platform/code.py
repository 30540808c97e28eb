"""Where the Lambda functions' code roots are: ``lambdas/<name>`` beside the package in a
checkout, and inside the installed package (``gateway_stack/lambdas/<name>``) from a wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[2]
#: The folders looked in, in order: the installed package's copy, then the checkout's.
_SEARCHED = (_PACKAGE / "lambdas", _PACKAGE.parent / "lambdas")


def code_root(name: str) -> Path:
    """The code root of the function ``name`` (``authorizer``, ``plan_membership``).

    Raises:
        FileNotFoundError: neither the package nor the checkout holds it (a broken install).
    """
    for folder in _SEARCHED:
        if (folder / name / "handler.py").is_file():
            return folder / name
    searched = " and ".join(str(folder / name) for folder in _SEARCHED)
    raise FileNotFoundError(
        f"the {name} function's code is in neither {searched}: reinstall gateway-stack"
    )
