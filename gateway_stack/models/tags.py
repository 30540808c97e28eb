"""AWS resource tags, within what AWS accepts.

Tag keys are 1 to 128 characters and values 0 to 256, of Unicode letters, digits, spaces and
``_ . : / = + - @``; a resource has at most 50 tags; keys starting with ``aws:`` (in any case)
are reserved for AWS ("Tagging AWS resources", AWS General Reference).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import AfterValidator
from pydantic.json_schema import WithJsonSchema

MAX_TAGS = 50
MAX_KEY_LENGTH = 128
MAX_VALUE_LENGTH = 256
_PUNCTUATION = set("_.:/=+-@ ")
_ALLOWED = "use letters, digits, spaces and _ . : / = + - @"


def _odd_characters(text: str) -> list[str]:
    return sorted({c for c in text if not (c.isalnum() or c.isspace() or c in _PUNCTUATION)})


def tag_key(value: Any) -> Any:
    """A tag key AWS accepts, or a ``ValueError`` saying why not (the message does not repeat
    the key: the gateway file's errors name it, "the key 'x' has ...")."""
    if not 1 <= len(value) <= MAX_KEY_LENGTH:
        raise ValueError(f"has {len(value)} characters: a tag key has 1 to {MAX_KEY_LENGTH}")
    if value.lower().startswith("aws:"):
        raise ValueError("starts with aws:, a prefix reserved for AWS's own tags")
    odd = _odd_characters(value)
    if odd:
        raise ValueError(f"has {' '.join(odd)}: in a tag key, {_ALLOWED}")
    return value


def tag_value(value: Any) -> Any:
    """A tag value AWS accepts, or a ``ValueError`` saying why not."""
    if len(value) > MAX_VALUE_LENGTH:
        raise ValueError(
            f"the tag value has {len(value)} characters: AWS allows at most {MAX_VALUE_LENGTH}"
        )
    odd = _odd_characters(value)
    if odd:
        raise ValueError(f"tag value has {' '.join(odd)}: {_ALLOWED}")
    return value


def _at_most_50(value: Mapping[str, str]) -> Mapping[str, str]:
    if len(value) > MAX_TAGS:
        raise ValueError(f"{len(value)} tags: AWS allows at most {MAX_TAGS} on a resource")
    return value


#: Tags of one resource: at most 50, each key and value as AWS accepts them.
Tags = Annotated[
    dict[Annotated[str, AfterValidator(tag_key)], Annotated[str, AfterValidator(tag_value)]],
    AfterValidator(_at_most_50),
    WithJsonSchema(
        {
            "type": "object",
            "maxProperties": MAX_TAGS,
            "propertyNames": {"minLength": 1, "maxLength": MAX_KEY_LENGTH},
            "additionalProperties": {"type": "string", "maxLength": MAX_VALUE_LENGTH},
        }
    ),
]
