"""Media types as API Gateway's binary media types take them: RFC 6838 names, with wildcards.

A media type is ``type/subtype``, each name 1 to 127 characters: a letter or digit, then letters,
digits and ``! # $ & - ^ _ . +`` (RFC 6838, section 4.2). API Gateway also takes ``*/*`` (every
type) and ``image/*`` (every subtype of a type). Parameters (``; charset=...``) are not part of a
binary media type.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator
from pydantic.json_schema import WithJsonSchema

_NAME = r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}"
MEDIA_TYPE_PATTERN = rf"^(\*/\*|{_NAME}/(\*|{_NAME}))$"
_MEDIA_TYPE = re.compile(MEDIA_TYPE_PATTERN)


def media_type_problem(value: str) -> str | None:
    """Why ``value`` is not a binary media type API Gateway takes, or None."""
    if _MEDIA_TYPE.match(value):
        return None
    if not value:
        return "an empty media type: write one such as application/pdf, or remove the entry"
    if ";" in value:
        bare = value.split(";", maxsplit=1)[0].strip()
        return f"{value!r}: write the media type without parameters, e.g. {bare!r}"
    return (
        f"{value!r} is not a media type: write type/subtype as RFC 6838 names them, e.g. "
        "application/pdf, image/* or */*"
    )


def _media_type(value: Any) -> Any:
    problem = media_type_problem(value)
    if problem:
        raise ValueError(problem)
    return value


#: A binary media type: ``type/subtype``, ``type/*`` or ``*/*``.
MediaType = Annotated[
    str,
    AfterValidator(_media_type),
    WithJsonSchema({"type": "string", "pattern": MEDIA_TYPE_PATTERN}),
]
