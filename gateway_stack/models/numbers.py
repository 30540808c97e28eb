"""Numbers and switches as a YAML author writes them: each of the right kind, or refused.

pydantic's lax mode reads ``true`` as the number 1, ``"5000"`` and ``5000.7`` as whole numbers
(the first converted, the second refused only for its fraction) and ``"no"`` as false. In a gateway
file each of those is a mistake: ``rate_limit: true`` would be a plan of 1 request per second. The
types here take only the kind the setting means, and say what was written instead:

* :data:`Whole` - an integer. A float with no fraction (``5000.0``) is read as the integer; a
  fraction, a string, a boolean, infinity or NaN is refused.
* :data:`Number` - an integer or a finite float; a string, a boolean, infinity or NaN is refused.
* :data:`Switch` - ``true`` or ``false``, nothing else (not ``"false"``, ``0`` or ``"yes"``).

Ranges stay with each field (``Field(ge=..., le=...)``), so the JSON Schema carries them.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import BeforeValidator

#: The largest value of an API Gateway "Integer" (a signed 32-bit integer in its API model):
#: usage-plan quota limits, throttle bursts.
MAX_INT32 = 2_147_483_647


def _written(value: Any) -> str:
    """How the value reads in the file: ``true``, ``the text '5000'``, ``5000.7``."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return f"the text {value!r}"
        return (
            f"the text {value!r} (quoted, or a form YAML reads as text: write the digits "
            "without quotes, e.g. 100000)"
        )
    if value is None:
        return "an empty value"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)


def whole_number(value: Any) -> Any:
    """``value`` as an integer when it is one; a ``ValueError`` naming what it is otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be a whole number, not {_written(value)}")
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"must be a finite whole number, not {value}")
        if not value.is_integer():
            raise ValueError(f"must be a whole number, not {value:g}")
        return int(value)
    return value


def number(value: Any) -> Any:
    """``value`` when it is a finite number; a ``ValueError`` naming what it is otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"must be a number, not {_written(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"must be a finite number, not {value}")
    return value


def switch(value: Any) -> Any:
    """``value`` when it is ``true`` or ``false``; a ``ValueError`` naming what it is otherwise."""
    if not isinstance(value, bool):
        shown = f"the text {value!r}" if isinstance(value, str) else _written(value)
        raise ValueError(f"must be true or false (without quotes), not {shown}")
    return value


#: An integer, written as one.
Whole = Annotated[int, BeforeValidator(whole_number)]
#: An integer or a finite decimal number, written as one.
Number = Annotated[float, BeforeValidator(number)]
#: ``true`` or ``false``.
Switch = Annotated[bool, BeforeValidator(switch)]
