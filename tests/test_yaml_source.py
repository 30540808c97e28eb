"""Reading YAML and JSON files: plain, JSON-shaped data with lines, or one located refusal."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from gateway_stack.yaml_source import MAX_BYTES, YamlSourceError, read_yaml


def refusal(tmp_path: Path, name: str, content: str | bytes, **limits: int) -> str:
    """The message reading ``content`` as ``name`` is refused with, without the file's name."""
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(YamlSourceError) as caught:
        read_yaml(path, **limits)
    (message,) = caught.value.messages
    assert message.startswith(f"{path}: ")
    return message.removeprefix(f"{path}: ")


def alias_bomb(levels: int) -> str:
    """A YAML file of about 100 bytes a level whose aliases expand to 9**levels values."""
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        pytest.param(
            "gateway.yaml",
            "name: acme\nregion: !Ref AWS::Region\n",
            "line 2: !Ref is a CloudFormation function, and this file is plain YAML, read before "
            "any CloudFormation exists: write the region itself (e.g. eu-west-1) (the gateway "
            "writes the CloudFormation)",
            id="cloudformation-ref",
        ),
        pytest.param(
            "gateway.yaml",
            "domain:\n  name: !Sub 'api.${AWS::URLSuffix}'\n",
            "line 2: !Sub is a CloudFormation function, and this file is plain YAML, read before "
            "any CloudFormation exists: write the value itself (the gateway writes the "
            "CloudFormation)",
            id="cloudformation-sub",
        ),
        pytest.param(
            "gateway.yaml",
            "arn: !GetAtt Balancer.Arn\n",
            "line 1: !GetAtt is a CloudFormation function",
            id="cloudformation-getatt",
        ),
        pytest.param(
            "gateway.yaml",
            "name: !!python/object/apply:os.system ['true']\n",
            "line 1: !!python/object/apply:os.system: Python object tags are never read: write a "
            "plain value",
            id="python-tag",
        ),
        pytest.param(
            "gateway.yaml",
            "logo: !!binary aGVsbG8=\n",
            "line 1: !!binary values are not read: write the text as a plain string",
            id="binary",
        ),
        pytest.param(
            "gateway.yaml",
            "clients: !!set {a, b}\n",
            "line 1: !!set is not read: write a plain list or mapping",
            id="set",
        ),
        pytest.param(
            "gateway.yaml",
            "name: !Secret acme\n",
            "line 1: the tag !Secret is not read: write a plain value (text, number, "
            "true/false, null, list or mapping) without a tag",
            id="unknown-tag",
        ),
        pytest.param(
            "gateway.yaml",
            "port: !!int eighty\n",
            "line 1: 'eighty' is not an integer",
            id="explicit-int-not-an-integer",
        ),
        pytest.param(
            "gateway.yaml",
            "tiers:\n  gold:\n    rate_limit: .inf\n",
            "line 3: .inf is not a number JSON can hold (JSON has no infinity or NaN): write a "
            "finite number",
            id="infinity",
        ),
        pytest.param("gateway.yaml", "x: .NaN\n", "line 1: .NaN is not a number", id="nan"),
        pytest.param(
            "openapi.json",
            '{\n  "x": NaN\n}',
            "line 2: NaN is not a number JSON can hold",
            id="json-nan",
        ),
        pytest.param(
            "openapi.json", '{"x": 1e400}', "line 1: 1e400 is not a number", id="json-overflow"
        ),
        pytest.param(
            "gateway.yaml",
            "name: a\nservices:\n  - name: b\n    name: c\n",
            "line 4: key appears twice in the same mapping (first on line 3): keep one",
            id="duplicate-key",
        ),
        pytest.param(
            "openapi.yaml",
            "paths:\n  /a:\n    get: {}\n    get: {}\n",
            "line 4: key appears twice in the same mapping (first on line 3): keep one",
            id="duplicate-method",
        ),
        pytest.param(
            "openapi.yaml",
            "responses:\n  200: {}\n  '200': {}\n",
            "line 3: key appears twice in the same mapping (first on line 2): keep one",
            id="duplicate-code-quoted-and-not",
        ),
        pytest.param(
            "openapi.json",
            '{\n  "paths": {},\n  "paths": {}\n}',
            "line 3: key appears twice in the same object (first on line 2): keep one",
            id="json-duplicate-key",
        ),
        pytest.param(
            "gateway.yaml",
            "~: 1\n",
            "line 1: a key must not be empty or null: write a name (quote it, 'null', if you "
            "mean the word)",
            id="null-key",
        ),
        pytest.param(
            "gateway.yaml",
            "? [a, b]\n: 1\n",
            "line 1: a key must be written out as text, not a list or mapping",
            id="complex-key",
        ),
        pytest.param(
            "gateway.yaml",
            "a: &loop\n  b: *loop\n",
            "line 2: the alias *loop is inside the value of its own anchor &loop (line 1): a "
            "value cannot contain itself",
            id="self-referencing-anchor",
        ),
        pytest.param(
            "gateway.yaml",
            "a: *nowhere\n",
            "line 1: the alias *nowhere has no anchor &nowhere before it",
            id="undefined-alias",
        ),
        pytest.param(
            "gateway.yaml",
            alias_bomb(8),
            "line 7: more than 1,000,000 values with every alias expanded (aliases that repeat "
            "aliases multiply): write the values out, or use fewer aliases",
            id="alias-bomb",
        ),
        pytest.param(
            "gateway.yaml",
            "a:\n  <<: 5\n",
            "line 2: '<<' merges mappings: write '<<: *name' or '<<: [*one, *two]' with anchors "
            "of mappings",
            id="merge-of-a-scalar",
        ),
        pytest.param(
            "gateway.yaml",
            "[" * 201 + "]" * 201,
            "line 1: lists and mappings nested more than 200 levels deep: flatten the data",
            id="too-deep",
        ),
        pytest.param(
            "openapi.json",
            "[" * 201 + "]" * 201,
            "line 1: lists and mappings nested more than 200 levels deep",
            id="json-too-deep",
        ),
        pytest.param(
            "gateway.yaml",
            "name: acme\n---\nname: other\n",
            "line 2: a second YAML document ('---'): the file holds one; remove the separator or "
            "split the file",
            id="two-documents",
        ),
        pytest.param(
            "gateway.yaml",
            "services: [orders,\nname: acme\n",
            "line 3: not valid YAML: did not find expected ',' or ']' (column 1), while parsing "
            "a flow sequence on line 1",
            id="syntax",
        ),
        pytest.param(
            "gateway.yaml",
            "stage:\n\tname: dev\n",
            "line 2: not valid YAML: found character that cannot start any token (column 1), "
            "while scanning for the next token on line 2; YAML indents with spaces, not tabs",
            id="tab-indent",
        ),
        pytest.param(
            "openapi.json",
            '{"openapi": "3.0.3",}',
            "line 1: not valid JSON: Expecting property name enclosed in double quotes (column 21)",
            id="json-syntax",
        ),
        pytest.param(
            "gateway.yaml",
            "name: caf\xe9\nregion: eu-west-1\n".encode("latin-1"),
            "line 1: not UTF-8: byte 0xE9 at column 10 (byte offset 9); the file may be Latin-1 "
            "or Windows-1252: save it as UTF-8",
            id="latin-1",
        ),
        pytest.param(
            "gateway.yaml",
            "name: acme\n".encode("utf-16-le"),
            "line 1: a NUL character at column 2: the file looks like UTF-16 or a binary file, "
            "not UTF-8 text; save it as UTF-8",
            id="utf-16-without-bom",
        ),
        pytest.param(
            "openapi.json",
            '{"openapi": "3.0.3"}'.encode("utf-16-le"),
            "line 1: a NUL character at column 2",
            id="json-utf-16-without-bom",
        ),
        pytest.param(
            "gateway.yaml",
            "name: acme\n".encode("utf-16"),
            "line 1: the file is UTF-16 (or UTF-32) (it starts with a byte-order mark): save it "
            "as UTF-8",
            id="utf-16-with-bom",
        ),
        pytest.param(
            "gateway.yaml",
            "name: ac\x07me\n",
            "line 1: the control character U+0007 at column 9, which YAML does not allow: "
            "remove it",
            id="control-character",
        ),
    ],
)
def test_what_is_not_plain_data_is_refused_with_its_line(
    tmp_path: Path, name: str, content: str | bytes, expected: str
) -> None:
    assert refusal(tmp_path, name, content).startswith(expected)


def test_a_refusal_carries_the_key_path_when_it_has_one(tmp_path: Path) -> None:
    path = tmp_path / "gateway.yaml"
    path.write_text("tiers:\n  gold:\n    rate_limit: !Ref Rate\n")
    with pytest.raises(YamlSourceError) as caught:
        read_yaml(path)
    assert (caught.value.path, caught.value.line, caught.value.loc) == (
        path,
        3,
        ("tiers", "gold", "rate_limit"),
    )


def test_an_alias_bomb_is_refused_at_once_without_expanding_it(tmp_path: Path) -> None:
    text = alias_bomb(8)  # 9**8, 43 million values with every alias expanded
    assert len(text) < 1200
    started = time.perf_counter()
    refusal(tmp_path, "gateway.yaml", text)
    assert time.perf_counter() - started < 0.5


def test_aliases_are_shared_and_counted_expanded(tmp_path: Path) -> None:
    path = tmp_path / "gateway.yaml"
    path.write_text(alias_bomb(2))  # 1 + 9 + 1 + 9*10 + 1 + 9*91 + top mapping = 922 values
    source = read_yaml(path)
    assert source.data["l2"][0] is source.data["l1"]
    assert source.data["l2"][8][8] == ["x"] * 9
    assert read_yaml(path, max_values=922).data == source.data
    assert refusal(tmp_path, "gateway.yaml", alias_bomb(2), max_values=921).startswith(
        "line 3: more than 921 values with every alias expanded"
    )


def test_a_path_inside_an_alias_has_the_line_of_the_alias(tmp_path: Path) -> None:
    path = tmp_path / "gateway.yaml"
    path.write_text("base: &b\n  limits:\n    rate: 1\ncopy: *b\n")
    source = read_yaml(path)
    assert source.line_of(("base", "limits", "rate")) == 3
    assert source.line_of(("copy", "limits", "rate")) == 4
    assert source.line_of(("absent",)) == 1  # the top mapping's


def test_keys_are_strings_as_written(tmp_path: Path) -> None:
    path = tmp_path / "openapi.yaml"
    path.write_text("on: push\nyes: 1\n200: ok\n404: missing\n1.5: f\nnull_: 0\n2020-01-01: d\n")
    assert list(read_yaml(path).data) == [
        "on",
        "yes",
        "200",
        "404",
        "1.5",
        "null_",
        "2020-01-01",
    ]


def test_values_are_json_types_with_dates_and_times_as_written(tmp_path: Path) -> None:
    path = tmp_path / "openapi.yaml"
    path.write_text(
        "born: 1981-12-15\nat: 2001-12-14t21:59:43.10-05:00\nport: 0x50\nrate: 1.5\n"
        "on: yes\nnothing: ~\ntext: !!str 12\n"
    )
    assert read_yaml(path).data == {
        "born": "1981-12-15",
        "at": "2001-12-14t21:59:43.10-05:00",
        "port": 80,
        "rate": 1.5,
        "on": True,  # YAML 1.1, as PyYAML's safe loader reads it
        "nothing": None,
        "text": "12",
    }


def test_merge_keys_apply_and_may_be_overridden(tmp_path: Path) -> None:
    path = tmp_path / "gateway.yaml"
    path.write_text(
        "bronze: &bronze {rate_limit: 10, burst_limit: 20}\n"
        "silver: &silver {burst_limit: 30, quota: 5}\n"
        "gold:\n  <<: [*silver, *bronze]\n  rate_limit: 200\n"
    )
    source = read_yaml(path)
    assert source.data["gold"] == {"burst_limit": 30, "quota": 5, "rate_limit": 200}
    assert source.lines[("gold", "rate_limit")] == 5
    assert source.lines[("gold", "quota")] == 4  # the '<<' line


def test_lines_of_keys_and_items(tmp_path: Path) -> None:
    path = tmp_path / "gateway.yaml"
    path.write_text("name: acme\nservices:\n  - name: orders\n    port: 80\n  - name: stock\n")
    assert read_yaml(path).lines == {
        (): 1,
        ("name",): 1,
        ("services",): 3,  # where its value starts (its key's line is in key_lines)
        ("services", 0): 3,
        ("services", 0, "name"): 3,
        ("services", 0, "port"): 4,
        ("services", 1): 5,
        ("services", 1, "name"): 5,
    }


def test_json_is_read_with_json_rules_and_lines(tmp_path: Path) -> None:
    path = tmp_path / "openapi.json"
    path.write_text(
        '{\n\t"paths": {\n\t\t"\\/orders": {"get": {}}\n\t},\n'
        '\t"x": ["\\ud83d\\ude00", 1E3, 1e2, -0.5, true, null],\n\t"k\\"ey": 1\n}\n'
    )
    source = read_yaml(path)
    assert source.data == {
        "paths": {"/orders": {"get": {}}},
        "x": ["\U0001f600", 1000.0, 100.0, -0.5, True, None],
        'k"ey': 1,
    }
    assert source.lines[("paths",)] == 2
    assert source.lines[("paths", "/orders", "get")] == 3
    assert source.lines[("x", 5)] == 5
    assert source.lines[('k"ey',)] == 6


def test_yaml_flow_style_is_not_mistaken_for_json(tmp_path: Path) -> None:
    path = tmp_path / "gateway.yaml"
    path.write_text("{name: acme, zones: [a, b]}\n")
    assert read_yaml(path).data == {"name": "acme", "zones": ["a", "b"]}


def test_a_utf8_byte_order_mark_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "gateway.yaml"
    path.write_bytes(b"\xef\xbb\xbfname: caf\xc3\xa9\n")
    assert read_yaml(path).data == {"name": "café"}


def test_an_empty_file_is_no_data(tmp_path: Path) -> None:
    path = tmp_path / "gateway.yaml"
    path.write_text("# nothing yet\n")
    assert (read_yaml(path).data, read_yaml(path).lines) == (None, {})


def test_a_file_over_the_size_limit_is_not_read(tmp_path: Path) -> None:
    assert MAX_BYTES == 8 * 1024 * 1024
    message = refusal(tmp_path, "gateway.yaml", "name: acme\n" * 10, max_bytes=100)
    assert message == (
        "larger than 100 bytes, the most that is read: split the file or leave out what the "
        "gateway does not need"
    )


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(YamlSourceError) as caught:
        read_yaml(tmp_path / "absent.yaml")
    assert caught.value.messages == (
        f"{tmp_path / 'absent.yaml'}: cannot read the file: No such file or directory",
    )
    assert caught.value.line is None
