"""Reading a service's OpenAPI document: YAML habits become JSON data, or a located refusal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gateway_stack.openapi import OpenApiDocumentError, load_document

DOCUMENT = """\
openapi: 3.0.3
info: {title: people, version: '1'}
paths:
  /people:
    get:
      responses:
        200:
          description: a person
          content:
            application/json:
              schema:
                type: object
                properties:
                  born: {type: string, format: date, example: 1981-12-15}
"""


def test_response_codes_and_dates_written_as_yaml_habits_read_as_json(tmp_path: Path) -> None:
    path = tmp_path / "people.yaml"
    path.write_text(DOCUMENT)
    document = load_document(path)
    responses = document["paths"]["/people"]["get"]["responses"]
    assert list(responses) == ["200"]
    born = responses["200"]["content"]["application/json"]["schema"]["properties"]["born"]
    assert born["example"] == "1981-12-15"
    json.dumps(document)  # what synth does with it


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            ("    get:\n", "    get:\n      x-amazon-apigateway-integration: !Sub '${Uri}'\n"),
            "/paths/~1people/get/x-amazon-apigateway-integration: !Sub is a CloudFormation "
            "function, and this file is plain YAML, read before any CloudFormation exists: write "
            "the value itself (the gateway writes the CloudFormation) (line 6)",
            id="cloudformation-tag",
        ),
        pytest.param(
            ("  /people:\n", "  /people:\n    get: {}\n"),
            "/paths/~1people/get: key appears twice in the same mapping (first on line 5): keep "
            "one (line 6)",
            id="two-get-keys",
        ),
        pytest.param(
            ("example: 1981-12-15", "example: .inf"),
            "/paths/~1people/get/responses/200/content/application~1json/schema/properties/born/"
            "example: .inf is not a number JSON can hold (JSON has no infinity or NaN): write a "
            "finite number (line 14)",
            id="infinity",
        ),
        pytest.param(
            ("info:", "info: &info\n  x: *info\ninfo2:"),
            "/info/x: the alias *info is inside the value of its own anchor &info (line 2): a "
            "value cannot contain itself (line 3)",
            id="self-referencing-anchor",
        ),
        pytest.param(
            ("paths:\n", "paths:\n\t/x: {}\n"),
            "line 4: not valid YAML: found character that cannot start any token (column 1), "
            "while scanning for the next token on line 4; YAML indents with spaces, not tabs",
            id="tab",
        ),
    ],
)
def test_what_is_not_plain_data_is_refused_at_its_pointer_and_line(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    path = tmp_path / "people.yaml"
    path.write_text(DOCUMENT.replace(*change, 1))
    with pytest.raises(OpenApiDocumentError) as caught:
        load_document(path)
    assert caught.value.messages == (f"{path}: {expected}",)


def test_a_latin_1_document_is_refused_with_where(tmp_path: Path) -> None:
    path = tmp_path / "people.yaml"
    path.write_bytes(DOCUMENT.replace("a person", "une personne née").encode("latin-1"))
    with pytest.raises(OpenApiDocumentError) as caught:
        load_document(path)
    assert caught.value.messages == (
        f"{path}: line 8: not UTF-8: byte 0xE9 at column 38 (byte offset 145); the file may "
        "be Latin-1 or Windows-1252: save it as UTF-8",
    )


def test_a_json_document_with_escaped_slashes_tabs_and_surrogate_pairs_reads(
    tmp_path: Path,
) -> None:
    path = tmp_path / "people.json"
    path.write_text(
        '{\n\t"openapi": "3.0.3",\n\t"info": {"title": "\\ud83d\\udc4d", "version": "1"},\n'
        '\t"paths": {"\\/people": {"get": {"responses": {"200": {"description": "ok"}}}}}\n}\n'
    )
    document = load_document(path)
    assert document["info"]["title"] == "\U0001f44d"
    assert list(document["paths"]) == ["/people"]
