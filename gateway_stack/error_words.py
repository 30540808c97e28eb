"""pydantic's error messages in the words of a YAML file's author.

pydantic speaks of Python types ("Input should be a valid tuple", "...dictionary or instance of
Throttle"); someone writing YAML sees lists, mappings, text, numbers and true/false. Every
message here says what the value must be, then what was written (``(got 'ten')``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from gateway_stack.models.fields import PATTERN_RULES

#: What a value must be, by pydantic error type: the kinds of YAML values.
KINDS: dict[str, str] = {
    "string_type": "a string",
    "string_unicode": "a string",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "decimal_type": "a number",
    "decimal_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "dataclass_type": "a mapping",
    "list_type": "a list",
    "tuple_type": "a list",
    "set_type": "a list",
    "frozen_set_type": "a list",
    "iterable_type": "a list",
    "none_required": "empty (null)",
}


def _bound(word: str, key: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda ctx: f"must be {word} {_number(ctx.get(key))}"


def _number(value: Any) -> str:
    """``0.0`` as ``0``: a bound as the file would write it."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


#: Messages that depend on the error's context (a bound, a length, the allowed values).
_WITH_CONTEXT: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "greater_than": _bound("greater than", "gt"),
    "greater_than_equal": _bound("at least", "ge"),
    "less_than": _bound("less than", "lt"),
    "less_than_equal": _bound("at most", "le"),
    "multiple_of": _bound("a multiple of", "multiple_of"),
    "literal_error": lambda ctx: f"must be {ctx.get('expected')}",
    "enum": lambda ctx: f"must be {ctx.get('expected')}",
    "string_too_short": lambda ctx: (
        "must not be empty"
        if ctx.get("min_length") == 1
        else f"must be at least {ctx.get('min_length')} characters long"
    ),
    "string_too_long": lambda ctx: f"must be at most {ctx.get('max_length')} characters long",
    "too_short": lambda ctx: (
        "must not be empty"
        if ctx.get("min_length") == 1
        else f"must have at least {ctx.get('min_length')} items"
    ),
    "too_long": lambda ctx: f"must have at most {ctx.get('max_length')} items",
    "string_pattern_mismatch": lambda ctx: (
        f"must be {PATTERN_RULES[str(ctx.get('pattern'))]}"
        if str(ctx.get("pattern")) in PATTERN_RULES
        else f"must match the pattern {ctx.get('pattern')}"
    ),
}

#: Messages that are the model's own words (our validators), shown as they are.
_OWN_WORDS = {"value_error", "assertion_error"}


def plain_message(detail: Mapping[str, Any], *, show_input: bool = True) -> str:
    """One pydantic error detail's message in a YAML author's words, with what was written.

    ``int_parsing`` on ``'ten'`` -> ``must be a whole number (got 'ten')``; ``tuple_type`` on
    a mapping -> ``must be a list (got a mapping)``; the model's own ``ValueError`` messages
    are kept as they are. ``show_input=False`` leaves out what was written (the caller names
    it). Default: shown.
    """
    kind = str(detail["type"])
    context = detail.get("ctx") or {}
    if kind == "missing":
        return "required key is missing"
    if kind in KINDS:
        message = f"must be {KINDS[kind]}"
    elif kind in _WITH_CONTEXT:
        message = _WITH_CONTEXT[kind](context)
    else:
        message = str(detail["msg"]).removeprefix("Value error, ").removeprefix("Assertion ")
    if kind in _OWN_WORDS or not show_input:
        return message
    return message + written(detail.get("input"))


def written(value: Any) -> str:
    """`` (got ...)``: what was written, as YAML would say it (a whole mapping or list is
    only named)."""
    if value is None:
        return " (the value is empty)"
    if isinstance(value, bool):
        return f" (got {str(value).lower()})"
    if isinstance(value, Mapping):
        return " (got a mapping)"
    if isinstance(value, list | tuple):
        return " (got a list)"
    text = repr(value)
    return f" (got {text if len(text) <= 60 else text[:57] + '...'})"
