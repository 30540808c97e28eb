"""The gateway file's JSON Schema, generated from the model, for editors and CI linters."""

from __future__ import annotations

import json
from typing import Any

from gateway_stack.gateway.config.model import Gateway


def gateway_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a gateway file."""
    schema = Gateway.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Gateway Stack gateway file",
        **schema,
    }


def render_schema() -> str:
    """The schema as the committed file holds it (sorted keys, two-space indent, newline)."""
    return json.dumps(gateway_schema(), indent=2, sort_keys=True) + "\n"
