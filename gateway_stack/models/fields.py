"""Field types and rules shared by the gateway file's sections.

Every rule a regular expression enforces is registered with words (:data:`PATTERN_RULES`), so an
error says what is allowed rather than quoting the expression.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)
from pydantic.json_schema import WithJsonSchema
from pydantic_core import PydanticCustomError

from gateway_stack.models.numbers import Whole
from gateway_stack.models.regions import region_problem

#: Human-readable rule of every regular expression a field must match (shown in errors).
PATTERN_RULES: dict[str, str] = {}


def rule(pattern: str, description: str) -> str:
    """Register the words for ``pattern`` that an error shows; return the pattern."""
    PATTERN_RULES[pattern] = description
    return pattern


def described(error: ValidationError) -> str:
    """A model's validation errors in one line: ``key.path: rule (got value)``, joined by ``;``."""
    parts = []
    for detail in error.errors(include_url=False):
        where = ".".join(str(part) for part in detail["loc"])
        message = str(detail["msg"]).removeprefix("Value error, ")
        if detail["type"] not in {"value_error", "missing", "extra_forbidden"}:
            message += f" (got {detail['input']!r})"
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


def worded(pattern: str, description: str) -> Any:
    """A string type that must match ``pattern``, whose error says ``description`` (in code as in
    a gateway file) rather than quoting the expression; the JSON Schema carries the pattern.

    Use it for models that constructs take in code, where no loader rewords the error.
    """
    rule(pattern, description)
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.search(value):
            raise PydanticCustomError(
                "string_pattern_mismatch",
                "must be {rule}",
                {"pattern": pattern, "rule": description},
            )
        return value

    return Annotated[
        str, AfterValidator(check), WithJsonSchema({"type": "string", "pattern": pattern})
    ]


# -- reusable field types ----------------------------------------------------------------------

#: Lower-case DNS-label-like names: used in stack names, SSM paths and resource names.
Slug = Annotated[
    str,
    StringConstraints(
        pattern=rule(
            r"^[a-z]([a-z0-9-]*[a-z0-9])?$",
            "lower-case letters, digits and hyphens; starts with a letter, ends with no hyphen",
        ),
        max_length=32,
    ),
    Field(description="Lower-case letters, digits and hyphens; starts with a letter; 1-32."),
]

AccountId = Annotated[
    str,
    StringConstraints(pattern=rule(r"^\d{12}$", "exactly 12 digits")),
    Field(description="12-digit AWS account id, quoted (account ids may start with 0)."),
]


def _known_region(value: str) -> str:
    problem = region_problem(value)
    if problem:
        raise ValueError(problem)
    return value


Region = Annotated[
    str,
    AfterValidator(_known_region),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^[a-z]{2}(-[a-z]+)+-\d+$",
            "description": "AWS region code such as eu-west-1 (of the aws, aws-cn or aws-us-gov "
            "partition).",
        }
    ),
]

Port = Annotated[Whole, Field(ge=1, le=65535, description="TCP port, 1-65535.")]

#: CloudWatch Logs accepts only these retention periods.
LOG_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731,
    1096, 1827, 2192, 2557, 2922, 3288, 3653,
)  # fmt: skip


class Section(BaseModel):
    """Base of every section: immutable, no unknown keys, no silent coercion of strings."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, str_strip_whitespace=True)


Hostname = Annotated[
    str,
    StringConstraints(
        pattern=rule(
            r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
            "a fully qualified lower-case DNS name such as api.example.com",
        ),
        max_length=253,
    ),
    Field(description="Fully qualified lower-case DNS name."),
]
