"""Tests of the structured-format family (``format:*``)."""

from __future__ import annotations

import csv
import io
import json
import string
import time
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from vff.constraints import ConstraintError, Verdict, all_types, from_spec, get_type, make
from vff.constraints import structured as S

FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: One typical parameter set per type (used by the metadata, hostile and random-text tests).
EXAMPLES: dict[str, dict[str, Any]] = {
    "format:json": {"kind": "object"},
    "format:json_keys": {"keys": ["name", "price"]},
    "format:json_schema": {
        "json_schema": {
            "type": "object",
            "required": ["name", "price"],
            "properties": {"name": {"type": "string"}, "price": {"type": "number"}},
        }
    },
    "format:yaml": {"required_keys": ["name"]},
    "format:toml": {"required_tables": ["server"], "required_keys": ["server.port"]},
    "format:xml": {"root": "catalog", "children": ["book"]},
    "format:csv": {"header": ["name", "price"], "rows": {"relation": "at least", "n": 1}},
    "format:markdown_table": {"header": ["Name", "Price"], "rows": {"relation": "exactly", "n": 2}},
    "format:code_block": {"language": "python", "relation": "exactly", "n": 1},
    "format:headings": {"titles": ["Introduction", "Results"], "level": 2},
    "format:numbered_list": {"relation": "exactly", "n": 3, "sequential": True},
    "format:bullet_list": {"relation": "between", "n": 2, "upper": 4, "marker": "-"},
    "format:key_value": {"keys": ["Name", "Age"], "only": True},
}
TYPES = sorted(EXAMPLES)


def check(type_id: str, params: dict[str, Any], response: str, *, loose: bool = False) -> Verdict:
    return make(type_id, params).check(response, loose=loose)


def bound(relation: str, n: int, upper: int | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {"relation": relation, "n": n}
    if upper is not None:
        params["upper"] = upper
    return params


def assert_verdict(verdict: Verdict, ok: bool, *fragments: str) -> None:
    assert verdict.ok is ok, verdict
    assert "\n" not in verdict.reason
    for fragment in fragments:
        assert fragment in verdict.reason, verdict.reason


# --------------------------------------------------------------------------- metadata


def test_every_format_type_is_covered() -> None:
    mine = [t for t in all_types() if type(t).__module__ == "vff.constraints.structured"]
    assert sorted(t.id for t in mine) == TYPES


@pytest.mark.parametrize("type_id", TYPES)
def test_metadata_and_phrasings(type_id: str) -> None:
    ctype = get_type(type_id)
    assert ctype.summary and "\n" not in ctype.summary
    assert len(ctype.phrasings) >= 3
    constraint = make(type_id, EXAMPLES[type_id])
    rendered = [constraint.describe(i) for i in range(len(ctype.phrasings))]
    assert len(set(rendered)) == len(rendered)
    for sentence in rendered:
        assert sentence.strip() and "{fence_note}" not in sentence and "None" not in sentence
    assert make(type_id, constraint.to_dict()["params"]) == constraint
    assert from_spec(json.loads(json.dumps(constraint.to_dict()))) == constraint
    hash(constraint)  # usable in sets, even with a JSON Schema dict inside


def test_phrasing_examples() -> None:
    assert make("format:json", {"kind": "object", "fence": "required"}).describe() == (
        "Your entire response must be a valid JSON object, with no other text. "
        "Put it inside a single ```json code block."
    )
    assert make("format:headings", EXAMPLES["format:headings"]).describe() == (
        'Your response must include the level-2 Markdown headings (## Title) "Introduction" '
        'and "Results", in this order.'
    )
    assert make("format:numbered_list", bound("exactly", 1)).describe(2) == (
        "Your response should contain exactly 1 numbered list item."
    )
    assert make("format:csv", {"columns": 3, "delimiter": ";"}).describe() == (
        "Your entire response must be CSV data with 3 columns, fields separated by semicolons."
    )
    schema = make("format:json_schema", {"json_schema": {"type": "array"}})
    assert schema.describe().endswith('Schema: {"type": "array"}')


# --------------------------------------------------------------------------- JSON

JSON_CASES = [
    ({}, '{"a": 1}', True, "valid JSON (an object)"),
    ({}, "  [1, 2, 3]\n", True, "an array"),
    ({}, '"just a string"', True, "a string"),
    ({"kind": "object"}, "[1, 2]", False, "expected a JSON object, found an array"),
    ({"kind": "array"}, '{"a": 1}', False, "expected a JSON array, found an object"),
    ({}, '```json\n{"a": 1}\n```', True, "an object"),
    ({}, '\n```\n{"a": 1}\n```\n', True, "an object"),
    ({}, '~~~JSON\n{"a": 1}\n~~~', True, "an object"),
    ({}, '````json\n{"a": "```"}\n````', True, "an object"),
    ({}, 'Here it is: {"a": 1}', False, "not valid JSON: Expecting value at line 1, column 1"),
    ({}, '{"a": 1}\nHope this helps!', False, "unexpected text after the JSON value at line 2"),
    ({}, '{"a": 1,}', False, "not valid JSON: Expecting property name"),
    ({}, "{'a': 1}", False, "not valid JSON"),
    ({}, '{"a": NaN}', False, "NaN is not a JSON value"),
    ({}, "-Infinity", False, "-Infinity is not a JSON value"),
    ({}, '```json\n{"a": 1}\n```\nThis object has one key.', False, "text after the code block"),
    ({}, '```json\n{"a": 1}\n', False, "JSON code block is not closed"),
    (
        {},
        '```python\n{"a": 1}\n```',
        False,
        "the response is a ```python code block, expected JSON",
    ),
    ({"fence": "required"}, '{"a": 1}', False, "must be inside a single ```json code block"),
    ({"fence": "required"}, '```json\n{"a": 1}\n```', True, "an object"),
    ({"fence": "forbidden"}, '```json\n{"a": 1}\n```', False, "wrapped in a code block"),
    ({}, '{"a": "\x00"}', False, "Invalid control character"),
    ({}, "9" * 5000, False, "not valid JSON: Exceeds the limit"),
]


@pytest.mark.parametrize(("params", "response", "ok", "reason"), JSON_CASES)
def test_json(params: dict[str, Any], response: str, ok: bool, reason: str) -> None:
    assert_verdict(check("format:json", params, response), ok, reason)


def test_json_loose_mode_drops_a_preamble() -> None:
    response = 'Here is the JSON you asked for:\n{"a": 1}'
    assert not check("format:json", {}, response).ok
    assert check("format:json", {}, response, loose=True).ok


JSON_KEYS_CASES = [
    ({"keys": ["name", "price"]}, '{"name": "x", "price": 2, "extra": 1}', True, "keys 'name'"),
    (
        {"keys": ["name", "price"]},
        '{"name": "x"}',
        False,
        "JSON object missing required key 'price'",
    ),
    ({"keys": ["a", "b"]}, "{}", False, "missing required keys 'a', 'b'"),
    ({"keys": ["name"], "only": True}, '{"name": 1, "color": 2}', False, "unexpected key 'color'"),
    ({"keys": ["name"], "only": True}, '```json\n{"name": 1}\n```', True, ""),
    ({"keys": ["name"]}, '[{"name": 1}]', False, "expected a JSON object, found an array"),
    ({"keys": ["name"]}, '{"name": 1', False, "not valid JSON"),
]


@pytest.mark.parametrize(("params", "response", "ok", "reason"), JSON_KEYS_CASES)
def test_json_keys(params: dict[str, Any], response: str, ok: bool, reason: str) -> None:
    assert_verdict(check("format:json_keys", params, response), ok, reason)


ORDER_SCHEMA = {
    "type": "object",
    "required": ["price", "items"],
    "properties": {
        "price": {"type": "number", "minimum": 0},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["sku"],
                "properties": {"sku": {"type": "string"}, "qty": {"type": "integer"}},
            },
        },
        "status": {"enum": ["open", "closed"]},
    },
    "additionalProperties": False,
}

SCHEMA_CASES = [
    ('{"price": 3, "items": [{"sku": "a", "qty": 2}]}', True, "JSON matches the schema"),
    ('```json\n{"price": 3, "items": []}\n```', True, "matches"),
    ('{"items": []}', False, "JSON missing required key 'price'"),
    (
        '{"price": 1, "items": [{"sku": "a"}, {"sku": "b"}, {"sku": "c", "qty": "x"}]}',
        False,
        "at $.items[2].qty: 'x' is not of type 'integer'",
    ),
    ('{"price": 1, "items": [{"qty": 1}]}', False, "at $.items[0]: missing required key 'sku'"),
    ('{"price": -1, "items": []}', False, "at $.price: -1 is less than the minimum of 0"),
    ('{"price": 1, "items": [], "status": "lost"}', False, "at $.status: 'lost' is not one of"),
    ('{"price": 1, "items": [], "x": 1}', False, "Additional properties are not allowed"),
    ("[1, 2]", False, "at $: [1, 2] is not of type 'object'"),
    ('{"price": 1, "items": [] ', False, "not valid JSON"),
]


@pytest.mark.parametrize(("response", "ok", "reason"), SCHEMA_CASES)
def test_json_schema(response: str, ok: bool, reason: str) -> None:
    assert_verdict(check("format:json_schema", {"json_schema": ORDER_SCHEMA}, response), ok, reason)


def test_json_schema_local_refs_and_drafts() -> None:
    schema = {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "definitions": {"pos": {"type": "integer", "minimum": 1}},
        "type": "array",
        "items": {"$ref": "#/definitions/pos"},
    }
    assert check("format:json_schema", {"json_schema": schema}, "[1, 2]").ok
    assert_verdict(
        check("format:json_schema", {"json_schema": schema}, "[1, 0]"),
        False,
        "at $[1]: 0 is less than the minimum of 1",
    )


def test_json_schema_refs_to_metaschemas_and_ids_inside_the_schema() -> None:
    meta = {"$ref": "http://json-schema.org/draft-07/schema#"}
    assert check("format:json_schema", {"json_schema": meta}, '{"type": "object"}').ok
    assert not check("format:json_schema", {"json_schema": meta}, '{"type": 5}').ok
    by_id = {
        "$id": "https://example.com/root",
        "$defs": {"n": {"$id": "https://example.com/n", "type": "integer"}},
        "items": {"$ref": "https://example.com/n"},
    }
    assert_verdict(
        check("format:json_schema", {"json_schema": by_id}, '[1, "a"]'),
        False,
        "at $[1]: 'a' is not of type 'integer'",
    )


def test_json_schema_reason_shortens_big_values() -> None:
    schema = {"type": "object"}
    verdict = check("format:json_schema", {"json_schema": schema}, json.dumps(list(range(500))))
    assert_verdict(verdict, False, "at $: an array of 500 items is not of type 'object'")
    assert len(verdict.reason) < 120


def test_json_schema_validators_are_cached_and_never_fetch(monkeypatch: pytest.MonkeyPatch) -> None:
    import urllib.request

    def no_network(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("network access")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    a = make("format:json_schema", {"json_schema": {"type": "object", "required": ["a"]}})
    b = make("format:json_schema", {"json_schema": {"required": ["a"], "type": "object"}})
    assert a == b and hash(a) == hash(b)
    before = S._schema_validator.cache_info().hits
    assert a.check('{"a": 1}').ok and b.check('{"a": 1}').ok
    assert S._schema_validator.cache_info().hits >= before + 2
    # a reference that slips past the parameter check is reported, not fetched
    sneaky = {"$id": "https://example.com/root.json", "$ref": "https://example.com/root.json#/no"}
    verdict = make("format:json_schema", {"json_schema": sneaky}).check("{}")
    assert_verdict(verdict, False, "cannot be resolved")


# --------------------------------------------------------------------------- YAML

BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]"
        for i in range(8)
    ]
)

YAML_CASES = [
    ({}, "name: Widget\nprice: 9.5\ntags: [a, b]\n", True, "valid YAML (a mapping)"),
    ({}, "- a\n- b\n", True, "a sequence"),
    ({}, "```yaml\nname: x\n```", True, "a mapping"),
    ({}, "```yml\n- 1\n```", True, "a sequence"),
    ({}, "Just a sentence of prose.", False, "expected a YAML mapping or list, found a scalar"),
    ({"kind": "any"}, "Just a sentence of prose.", True, "a scalar"),
    ({"kind": "mapping"}, "- a\n", False, "expected a YAML mapping, found a sequence"),
    ({"kind": "sequence"}, "a: 1\n", False, "expected a YAML sequence, found a mapping"),
    ({"required_keys": ["name", "age"]}, "name: x\nage: 3\n", True, ""),
    ({"required_keys": ["name", "age"]}, "name: x\n", False, "missing required key 'age'"),
    ({"required_keys": ["name"]}, "- name\n", False, "expected a YAML mapping, found a sequence"),
    ({}, "a: 1\n  b: 2\n", False, "not valid YAML: mapping values are not allowed"),
    ({}, "a: [1, 2\n", False, "not valid YAML"),
    ({}, "a: 1\n---\nb: 2\n", False, "expected a single document"),
    ({}, "a: *nowhere\n", False, "not valid YAML: alias *nowhere has no anchor &nowhere"),
    ({}, "a: !!python/object:os.system x\n", False, "not valid YAML"),
    ({}, "date: 2001-02-30\n", False, "not valid YAML"),
    ({}, "base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n", True, "a mapping"),
    ({}, BILLION_LAUGHS, False, "YAML aliases expand to more than 100,000 nodes"),
    ({}, "a: &x [1, *x]\n", False, "YAML alias *x refers to a node that contains it"),
    ({}, "a: " + "[" * 150 + "]" * 150, False, "YAML nested deeper than 100 levels"),
    ({}, "- " * 150 + "x", False, "YAML nested deeper than 100 levels"),
    ({}, "a: '\ud800'\n", False, "not valid YAML"),
    ({}, "a: \x00\n", False, "not valid YAML"),
]


@pytest.mark.parametrize(("params", "response", "ok", "reason"), YAML_CASES)
def test_yaml(params: dict[str, Any], response: str, ok: bool, reason: str) -> None:
    assert_verdict(check("format:yaml", params, response), ok, reason)


def test_yaml_anchor_limit_is_about_expansion_not_alias_count() -> None:
    many = "base: &b [1, 2]\n" + "".join(f"k{i}: *b\n" for i in range(500))
    assert check("format:yaml", {}, many).ok


# --------------------------------------------------------------------------- TOML

TOML_CASES = [
    ({}, 'title = "x"\n[server]\nport = 80\n', True, "valid TOML (2 top-level keys)"),
    ({}, "```toml\na = 1\n```", True, "valid TOML"),
    ({}, "a = ", False, "not valid TOML: Invalid value (at end of document)"),
    ({}, "This is not TOML.", False, "not valid TOML"),
    ({}, "a = 1\na = 2\n", False, "not valid TOML: Cannot overwrite a value"),
    ({"required_tables": ["server"]}, "[server]\nport = 1\n", True, ""),
    ({"required_tables": ["server"]}, "[client]\nport = 1\n", False, "TOML missing table 'server'"),
    (
        {"required_tables": ["server"]},
        "server = 1\n",
        False,
        "'server' is a value, expected a table",
    ),
    ({"required_tables": ["item"]}, "[[item]]\na = 1\n[[item]]\na = 2\n", True, ""),
    ({"required_keys": ["server.port"]}, "[server]\nport = 80\n", True, ""),
    (
        {"required_keys": ["server.host"]},
        "[server]\nport = 80\n",
        False,
        "missing key 'server.host'",
    ),
    ({"required_keys": ['"a.b".c']}, '["a.b"]\nc = 1\n', True, ""),
    ({"required_keys": ['"a.b".c']}, "[a.b]\nc = 1\n", False, "missing key"),
    ({}, "a = " + "[" * 5000, False, "TOML nested too deeply"),
    ({}, "a = " + "9" * 5000, False, "not valid TOML"),
]


@pytest.mark.parametrize(("params", "response", "ok", "reason"), TOML_CASES)
def test_toml(params: dict[str, Any], response: str, ok: bool, reason: str) -> None:
    assert_verdict(check("format:toml", params, response), ok, reason)


# --------------------------------------------------------------------------- XML

XML_BOMB = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
    ' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n'
    "]>\n<lolz>&lol3;</lolz>"
)
XXE = '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<r>&x;</r>'

XML_CASES = [
    ({}, "<a><b>text</b></a>", True, "well-formed XML, root <a>"),
    ({}, '<?xml version="1.0" encoding="UTF-8"?>\n<a/>', True, "root <a>"),
    ({}, "```xml\n<a><b/></a>\n```", True, "root <a>"),
    ({}, "<a><b></a>", False, "not well-formed XML: mismatched tag: line 1, column 8"),
    ({}, "<a/><b/>", False, "not well-formed XML: junk after document element"),
    ({}, "Here you go: <a/>", False, "not well-formed XML: syntax error"),
    ({}, "<a>&nbsp;</a>", False, "not well-formed XML: undefined entity"),
    ({"root": "catalog"}, "<catalog><book/></catalog>", True, ""),
    ({"root": "catalog"}, "<library><book/></library>", False, "root element is <library>"),
    ({"root": "feed"}, '<feed xmlns="http://www.w3.org/2005/Atom"><entry/></feed>', True, ""),
    (
        {"children": ["entry"]},
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry/></feed>',
        True,
        "",
    ),
    ({"children": ["book", "author"]}, "<c><book/><book/></c>", False, "has no child <author>"),
    ({"children": ["author"]}, "<c><book><author/></book></c>", False, "(children: <book>)"),
    ({}, XML_BOMB, False, "XML has a document type declaration (<!DOCTYPE>)"),
    ({}, XXE, False, "DTDs are not allowed"),
    ({}, "<a>\ud800</a>", False, "cannot be encoded"),
    ({}, "<a>\x00</a>", False, "not well-formed XML"),
]


@pytest.mark.parametrize(("params", "response", "ok", "reason"), XML_CASES)
def test_xml(params: dict[str, Any], response: str, ok: bool, reason: str) -> None:
    assert_verdict(check("format:xml", params, response), ok, reason)


def test_xml_bomb_is_refused_quickly() -> None:
    bomb = XML_BOMB.replace("]>", ' <!ENTITY lol9 "' + "&lol3;" * 1000 + '">\n]>')
    started = time.perf_counter()
    assert_verdict(check("format:xml", {}, bomb), False, "DTDs are not allowed")
    assert time.perf_counter() - started < 0.1


# --------------------------------------------------------------------------- CSV

CSV_CASES = [
    ({}, "name,price\nwidget,3\ngadget,4\n", True, "CSV with 2 columns and 2 data rows"),
    ({}, "```csv\na,b\n1,2\n```", True, "2 columns"),
    ({}, 'a,b\n"x, with comma",2\n"multi\nline",3\n', True, "2 data rows"),
    ({}, "a,b\n\n1,2\n\n", True, "1 data row"),
    ({}, "Here is the table you asked for", False, "row 1 has a single column"),
    ({"columns": 1}, "just,one\n", False, "row 1 (line 1) has 2 columns, expected 1"),
    ({"columns": 3}, "a,b,c\n1,2,3\n1,2,3,4\n", False, "row 3 (line 3) has 4 columns, expected 3"),
    ({}, "a,b,c\n1,2\n", False, "row 2 (line 2) has 2 columns, expected 3"),
    ({"header": ["name", "price"]}, "name, price\nx,1\n", True, ""),
    ({"header": ["name", "price"]}, "name,cost\nx,1\n", False, "header column 2 is 'cost'"),
    ({"header": ["name", "price"]}, "name,price,qty\nx,1,2\n", False, "has 3 columns, expected 2"),
    ({"rows": bound("exactly", 2)}, "a,b\n1,2\n3,4\n", True, "2 data rows"),
    (
        {"rows": bound("exactly", 3)},
        "a,b\n1,2\n3,4\n",
        False,
        "expected exactly 3 data rows, found 2",
    ),
    ({"rows": bound("exactly", 3), "has_header": False}, "a,b\n1,2\n3,4\n", True, "3 data rows"),
    ({"delimiter": ";"}, "a;b\n1;2\n", True, ""),
    ({"delimiter": "\t", "columns": 2}, "a\tb\n1\t2\n", True, ""),
    ({"delimiter": ";"}, "a,b\n1,2\n", False, "single column"),
    ({}, 'a,b\n"unclosed,2\n', False, "not valid CSV: unexpected end of data"),
    ({}, 'a,b\n"x"y,2\n', False, "not valid CSV"),
    ({}, "```csv\n```", False, "no CSV rows found"),
    ({}, "a,\x00\n\ud800,b\n", True, ""),
]


@pytest.mark.parametrize(("params", "response", "ok", "reason"), CSV_CASES)
def test_csv(params: dict[str, Any], response: str, ok: bool, reason: str) -> None:
    assert_verdict(check("format:csv", params, response), ok, reason)


# --------------------------------------------------------------------------- Markdown

TABLE = "| Name | Price |\n|------|------:|\n| a | 1 |\n| b | 2 |\n"
TABLE_CASES = [
    ({}, "Some intro.\n\n" + TABLE + "\nDone.", True, "table at line 3: 2 columns, 2 data rows"),
    ({}, "No table here, just | a pipe.", False, "no Markdown table found"),
    ({}, "| a | b |\n| c | d |\n", False, "no Markdown table found"),
    ({}, "```\n" + TABLE + "```\n", False, "no Markdown table found"),
    ({"columns": 2}, TABLE, True, ""),
    ({"columns": 3}, TABLE, False, "table at line 1: table has 2 columns, expected 3"),
    ({"header": ["Name", "Price"]}, TABLE, True, ""),
    ({"header": ["Name", "Price"]}, TABLE.replace("| Name |", "| **Name** |"), True, ""),
    ({"header": ["Name", "Cost"]}, TABLE, False, "header column 2 is 'Price', expected 'Cost'"),
    ({"header": ["Name"]}, TABLE, False, "table has 2 columns, expected 1"),
    ({"rows": bound("at least", 2)}, TABLE, True, ""),
    ({"rows": bound("at most", 1)}, TABLE, False, "expected at most 1 data row"),
    (
        {"tables": "exactly one"},
        TABLE + "\ntext\n\n" + TABLE,
        False,
        "exactly one Markdown table, found 2",
    ),
    (
        {"columns": 3},
        TABLE + "\n| a | b | c |\n|---|---|---|\n",
        True,
        "table at line 6: 3 columns",
    ),
    ({}, "> " + TABLE.replace("\n", "\n> "), True, ""),
]


@pytest.mark.parametrize(("params", "response", "ok", "reason"), TABLE_CASES)
def test_markdown_table(params: dict[str, Any], response: str, ok: bool, reason: str) -> None:
    assert_verdict(check("format:markdown_table", params, response), ok, reason)


CODE = "Here is the code:\n\n```python\nprint('hi')\n```\n\nAnd a shell line:\n\n```bash\nls\n```\n"
CODE_CASES = [
    ({}, CODE, True, "found 2 fenced code blocks"),
    ({"language": "python"}, CODE, True, "found 1 ```python code block"),
    ({"language": "py"}, CODE, True, ""),
    ({"language": "sh", "relation": "exactly", "n": 1}, CODE, True, ""),
    ({"language": "rust"}, CODE, False, "expected at least 1 ```rust code block"),
    ({"language": "rust"}, CODE, False, "(other blocks: bash, python)"),
    (
        {"relation": "exactly", "n": 3},
        CODE,
        False,
        "expected exactly 3 fenced code blocks, found 2",
    ),
    ({}, "    indented code is not fenced\n", False, "found 0"),
    ({}, "Inline `code` only.", False, "found 0"),
    ({}, "~~~\ntilde fence\n~~~\n", True, "found 1"),
    ({}, "- item\n\n  ```js\n  x\n  ```\n", True, "found 1"),
    ({"relation": "at most", "n": 0}, "no code at all", True, "found 0"),
    ({"language": "python", "only": True}, "```python\nx = 1\n```\n", True, ""),
    ({"language": "python", "only": True}, CODE, False, "text outside the code blocks at line 1"),
    ({"only": True}, "```\na\n```\n\n```\nb\n```\n", True, ""),
]


@pytest.mark.parametrize(("params", "response", "ok", "reason"), CODE_CASES)
def test_code_block(params: dict[str, Any], response: str, ok: bool, reason: str) -> None:
    assert_verdict(check("format:code_block", params, response), ok, reason)


REPORT = (
    "# Report\n\n## Introduction\n\nText.\n\n## **Methods**:\n\nMore.\n\nResults\n-------\n\nEnd.\n"
)
HEADING_CASES = [
    ({"titles": ["Introduction", "Methods", "Results"]}, REPORT, True, "in order"),
    ({"titles": ["introduction", "  RESULTS "]}, REPORT, True, ""),
    ({"titles": ["Introduction", "Methods"], "level": 2}, REPORT, True, ""),
    (
        {"titles": ["Results", "Methods"]},
        REPORT,
        False,
        "heading 'Methods' is out of order: expected after 'Results'",
    ),
    (
        {"titles": ["Report"], "level": 2},
        REPORT,
        False,
        "heading 'Report' (line 1) is level 1, expected level 2",
    ),
    (
        {"titles": ["Discussion"]},
        REPORT,
        False,
        "missing heading 'Discussion' (found headings: 'Report', 'Introduction', 'Methods:'",
    ),
    (
        {"titles": ["Introduction"]},
        "Introduction\n\nNo markup at all.",
        False,
        "found headings: none",
    ),
    ({"titles": ["Introduction"]}, "```\n# Introduction\n```", False, "missing heading"),
    ({"titles": ["Report", "Introduction", "Methods", "Results"], "only": True}, REPORT, True, ""),
    (
        {"titles": ["Introduction", "Results"], "only": True, "level": 2},
        REPORT,
        False,
        "unexpected heading 'Methods:' at line 7",
    ),
    ({"count": bound("exactly", 4)}, REPORT, True, "found 4 headings"),
    (
        {"count": bound("at least", 4), "level": 2},
        REPORT,
        False,
        "expected at least 4 level-2 headings, found 3",
    ),
    ({"count": bound("at most", 0)}, "#hashtag is not a heading", True, "found 0 headings"),
]


@pytest.mark.parametrize(("params", "response", "ok", "reason"), HEADING_CASES)
def test_headings(params: dict[str, Any], response: str, ok: bool, reason: str) -> None:
    assert_verdict(check("format:headings", params, response), ok, reason)


NUMBERED = "Steps:\n\n1. Mix\n2. Bake\n   1. nested, not counted\n3. Serve\n"
NUMBERED_CASES = [
    (bound("exactly", 3), NUMBERED, True, "found 3 numbered list items"),
    (bound("exactly", 4), NUMBERED, False, "expected exactly 4 numbered list items, found 3"),
    ({**bound("exactly", 3), "sequential": True}, NUMBERED, True, ""),
    (
        {**bound("exactly", 3), "sequential": True},
        "1. a\n2. b\n4. c\n",
        False,
        "item at line 3 is numbered 4, expected 3",
    ),
    ({**bound("exactly", 2), "sequential": True}, "0. a\n1. b\n", False, "numbered 0, expected 1"),
    (bound("exactly", 2), "1) a\n2) b\n", True, ""),
    (bound("exactly", 2), "1. a\n\nA paragraph in between.\n\n2. b\n", True, ""),
    (bound("exactly", 0), "- bullets\n- are not numbered\n", True, ""),
    (bound("exactly", 0), "Call 1. Then 2. Done", True, ""),
    (bound("at least", 1), "The year\n1999. was good", False, "found 0"),
    (bound("exactly", 2), "> 1. quoted\n> 2. list\n", True, ""),
]


@pytest.mark.parametrize(("params", "response", "ok", "reason"), NUMBERED_CASES)
def test_numbered_list(params: dict[str, Any], response: str, ok: bool, reason: str) -> None:
    assert_verdict(check("format:numbered_list", params, response), ok, reason)


BULLETS = "Notes:\n\n- one\n- two\n  - nested, not counted\n- three\n"
BULLET_CASES = [
    (bound("exactly", 3), BULLETS, True, "found 3 bullet list items"),
    (bound("at most", 2), BULLETS, False, "expected at most 2 bullet list items, found 3"),
    ({**bound("exactly", 3), "marker": "-"}, BULLETS, True, ""),
    (
        {**bound("exactly", 2), "marker": "-"},
        "- a\n* b\n",
        False,
        "item at line 2 uses '*' bullets, expected '-'",
    ),
    (bound("exactly", 2), "* a\n+ b\n", True, ""),
    (bound("exactly", 0), "1. numbered\n2. only\n", True, ""),
    (bound("exactly", 0), "---\n***\n", True, ""),
    (bound("exactly", 1), "1. item\n   - sub-bullet\n", False, "found 0"),
    (bound("exactly", 2), "-a\n-b\n", False, "found 0"),
]


@pytest.mark.parametrize(("params", "response", "ok", "reason"), BULLET_CASES)
def test_bullet_list(params: dict[str, Any], response: str, ok: bool, reason: str) -> None:
    assert_verdict(check("format:bullet_list", params, response), ok, reason)


def test_markdown_line_limit_counts_crlf_once() -> None:
    text = "- a\r\n" * (S.MAX_MARKDOWN_LINES - 1)
    assert check("format:bullet_list", bound("exactly", S.MAX_MARKDOWN_LINES - 1), text).ok
    assert_verdict(check("format:bullet_list", bound("at least", 1), text * 2), False, "too long")


def test_markdown_parses_are_shared_between_checks() -> None:
    text = "# T\n\n- a\n- b\n\n1. x\n"
    S._parse_markdown.cache_clear()
    assert check("format:bullet_list", bound("exactly", 2), text).ok
    assert check("format:numbered_list", bound("exactly", 1), text).ok
    assert check("format:headings", {"titles": ["T"]}, text).ok
    assert S._parse_markdown.cache_info().misses == 1


# --------------------------------------------------------------------------- key: value

KV_CASES = [
    ({"keys": ["Name", "Age"]}, "Name: Bob\nAge: 42\n", True, "found 2 keys"),
    ({"keys": ["Name", "Age"]}, "Intro line\n  Name :  Bob\r\nAge: 42\nTime: 10:30\n", True, ""),
    ({"keys": ["Name", "Age"]}, "Name: Bob\n", False, "missing key 'Age'"),
    ({"keys": ["Name", "Age"]}, "Nothing\n", False, "missing keys 'Name', 'Age'"),
    (
        {"keys": ["Name"]},
        "Name: Bob\nName: Al\n",
        False,
        "key 'Name' appears twice (lines 1 and 2)",
    ),
    ({"keys": ["Name"]}, "x\n\nName:   \n", False, "key 'Name' has an empty value (line 3)"),
    ({"keys": ["Name"]}, "name: Bob\n", False, "missing key 'Name'"),
    ({"keys": ["Name"]}, "- Name: Bob\n", False, "missing key 'Name'"),
    ({"keys": ["Name"]}, "Names: Bob\n", False, "missing key 'Name'"),
    ({"keys": ["Name", "Age"], "only": True}, "Name: Bob\n\nAge: 42\n", True, ""),
    (
        {"keys": ["Name", "Age"], "only": True},
        "Name: Bob\nAge: 4\nColor: red",
        False,
        "line 3 has unexpected key 'Color'",
    ),
    (
        {"keys": ["Name"], "only": True},
        "Sure!\nName: Bob",
        False,
        "line 1 is not a 'key: value' line: 'Sure!'",
    ),
    ({"keys": ["a.b", "c"], "separator": "="}, "a.b = 1\nc=2\n", True, ""),
    ({"keys": ["a"], "separator": "="}, "a: 1\n", False, "missing key 'a'"),
]


@pytest.mark.parametrize(("params", "response", "ok", "reason"), KV_CASES)
def test_key_value(params: dict[str, Any], response: str, ok: bool, reason: str) -> None:
    assert_verdict(check("format:key_value", params, response), ok, reason)


def test_key_value_loose_mode_strips_bold() -> None:
    response = "**Name:** Bob\n**Age:** 42"
    assert not check("format:key_value", {"keys": ["Name", "Age"]}, response).ok
    assert check("format:key_value", {"keys": ["Name", "Age"]}, response, loose=True).ok


# --------------------------------------------------------------------------- parameters

BAD_PARAMS = [
    ("format:json", {"kind": "dict"}, "kind"),
    ("format:json", {"fence": "maybe"}, "fence"),
    ("format:json", {"schema": {}}, "schema"),
    ("format:json_keys", {}, "keys"),
    ("format:json_keys", {"keys": []}, "keys"),
    ("format:json_keys", {"keys": ["a", "a"]}, "listed twice"),
    ("format:json_schema", {}, "json_schema"),
    ("format:json_schema", {"json_schema": "not a schema"}, "json_schema"),
    ("format:json_schema", {"json_schema": {"type": "banana"}}, "json_schema"),
    ("format:json_schema", {"json_schema": {"type": "banana"}}, "invalid JSON Schema at $.type"),
    ("format:json_schema", {"json_schema": {"minimum": "3"}}, "invalid JSON Schema"),
    (
        "format:json_schema",
        {"json_schema": {"$schema": "https://example.com/s"}},
        "unknown $schema",
    ),
    (
        "format:json_schema",
        {"json_schema": {"$ref": "https://example.com/s.json"}},
        "points outside",
    ),
    ("format:json_schema", {"json_schema": {"a": {1, 2}}}, "must be JSON data"),
    ("format:yaml", {"kind": "sequence", "required_keys": ["a"]}, "needs a mapping"),
    ("format:yaml", {"required_keys": [""]}, "required_keys"),
    ("format:toml", {"required_keys": ["a b"]}, "not a TOML key"),
    ("format:toml", {"required_tables": ["x = 1\ny"]}, "required_tables"),
    ("format:xml", {"root": "not a tag"}, "root"),
    ("format:xml", {"children": ["<b>"]}, "children"),
    ("format:csv", {"columns": 0}, "columns"),
    ("format:csv", {"delimiter": ";;"}, "delimiter"),
    ("format:csv", {"delimiter": '"'}, "delimiter"),
    ("format:csv", {"header": ["a", "b"], "columns": 3}, "differs from the header"),
    ("format:csv", {"header": ["a"], "has_header": False}, "has_header"),
    ("format:csv", {"rows": {"relation": "exactly"}}, "rows.n"),
    ("format:markdown_table", {"rows": {"relation": "between", "n": 3}}, "upper"),
    ("format:markdown_table", {"tables": "two"}, "tables"),
    ("format:code_block", {"language": "two words"}, "language"),
    ("format:code_block", {"relation": "most", "n": 1}, "relation"),
    ("format:headings", {}, "either 'titles' or 'count'"),
    ("format:headings", {"titles": ["A"], "count": bound("exactly", 1)}, "either"),
    ("format:headings", {"titles": ["A"], "level": 7}, "level"),
    ("format:headings", {"count": bound("exactly", 1), "only": True}, "'only' applies"),
    ("format:numbered_list", {"n": 3}, "relation"),
    ("format:numbered_list", bound("exactly", -1), "'n'"),
    ("format:bullet_list", {**bound("exactly", 2), "marker": "o"}, "marker"),
    ("format:key_value", {"keys": ["a:b"]}, "contains the separator"),
    ("format:key_value", {"keys": ["a", " a "]}, "listed twice"),
    ("format:key_value", {"keys": ["a"], "separator": "->"}, "separator"),
    ("format:key_value", {"keys": ["a"], "extra": 1}, "unknown parameter"),
]


@pytest.mark.parametrize(("type_id", "params", "fragment"), BAD_PARAMS)
def test_bad_params_name_the_problem(type_id: str, params: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ConstraintError) as info:
        make(type_id, params)
    assert type_id in str(info.value)
    assert fragment in str(info.value)


# --------------------------------------------------------------------------- hostile input


def test_deep_json_is_refused_without_recursion() -> None:
    for text in ["[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000]:
        assert_verdict(check("format:json", {}, text), False, "JSON")
    assert_verdict(check("format:json", {}, "[" * 150 + "]" * 150), False, "nested deeper than 100")
    assert check("format:json", {}, "[" * 100 + "]" * 100).ok
    brackets_in_strings = json.dumps(["[" * 500, "{" * 500])
    assert check("format:json", {}, brackets_in_strings).ok


def nesting(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(nesting, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(nesting, value), default=0)
    return 0


@pytest.mark.parametrize("levels", [0, 1, 5, 13, 60, 99, 100, 140])
def test_json_depth_measure(levels: int) -> None:
    value: Any = "x]"
    for i in range(levels):
        value = [value, 1, {}, [[]]] if i % 2 else {"k[": value, "z": [], '"': "{"}
    text = json.dumps(value)
    assert S._json_depth(text) == nesting(value)
    assert check("format:json", {}, text).ok is (nesting(value) <= S.MAX_DEPTH)


@FAST
@given(
    value=st.recursive(
        st.just(0) | st.just("]["),
        lambda c: st.lists(c) | st.dictionaries(st.text(max_size=2), c),
        max_leaves=60,
    )
)
def test_property_json_depth(value: Any) -> None:
    assert S._json_depth(json.dumps(value)) == nesting(value)


def test_json_schema_refuses_deep_and_huge_documents() -> None:
    schema = {"json_schema": {"type": "array", "items": {"type": "integer"}}}
    assert_verdict(check("format:json_schema", schema, "[" * 200 + "]" * 200), False, "deeper")
    many = json.dumps(list(range(S.MAX_JSON_SCHEMA_NODES + 10)))
    assert_verdict(check("format:json_schema", schema, many), False, "too large to validate")
    assert check("format:json_schema", schema, json.dumps(list(range(1000)))).ok


HOSTILE = {
    "deep brackets": "[" * 1_000_000,
    "deep objects": '{"a":' * 200_000,
    "quotes": '"\\"' * 333_333,
    "nested quotes": "> " * 500_000,
    "links": "[" * 1_000_000,
    "lines": "a\n" * 500_000,
    "pipes": "a|b\n-|-\n" + "|\n" * 499_000,
    "table rows": "| a | b |\n|---|---|\n" + "| 1 | 2 |\n" * 99_000,
    "fences": "```\n" * 250_000,
    "bullets": "- " * 500_000,
    "headings": "# [[[***\n" * 110_000,
    "json": json.dumps([{"name": f"item{i}", "tags": ["a", "b"]} for i in range(35_000)]),
    "yaml aliases": "a: &a [x]\nb: [" + "*a, " * 250_000 + "]",
    "xml": "<r>" + "<i>t</i>" * 125_000 + "</r>",
    "deep xml": "<a>" * 150_000 + "</a>" * 150_000,
    "csv": "a,b,c\n" * 166_000,
    "key lines": "Name: x\n" * 125_000,
    "junk": "\ud800\x00\ufffe" * 333_000,
}


@pytest.mark.parametrize("type_id", TYPES)
def test_megabyte_inputs_get_a_verdict_quickly(type_id: str) -> None:
    constraint = make(type_id, EXAMPLES[type_id])
    for name, text in HOSTILE.items():
        started = time.perf_counter()
        verdict = constraint.check(text)
        elapsed = time.perf_counter() - started
        assert isinstance(verdict, Verdict) and "\n" not in verdict.reason
        assert elapsed < 1.0, f"{type_id} took {elapsed:.2f}s on {name!r}"


def just_under(unit: str, limit: int) -> str:
    return unit * ((limit - 1) // len(unit))


TABLE_ROWS = min((S.MAX_MARKDOWN_PIPES - 8) // 4, S.MAX_MARKDOWN_LINES - 3)
AT_THE_LIMITS: dict[str, tuple[dict[str, Any], str]] = {
    "format:json_schema": (
        {"json_schema": {"type": "array", "items": {"type": "integer"}}},
        json.dumps([1] * (S.MAX_JSON_SCHEMA_NODES - 2)),
    ),
    "format:yaml": ({}, "k: [" + just_under("a, ", S.MAX_YAML_CHARS - 10) + "]"),
    "format:toml": ({}, just_under("[[t]]\na = 1\n", S.MAX_TOML_CHARS)),
    "format:xml": ({}, "<r>" + just_under("<i>t</i>", S.MAX_XML_CHARS - 10) + "</r>"),
    "format:markdown_table": (
        {"columns": 3},
        "| a | b | c |\n|---|---|---|\n" + "| 1 | 2 | 3 |\n" * TABLE_ROWS,
    ),
    "format:bullet_list": (bound("at least", 1), "> - a\n" * (S.MAX_MARKDOWN_LINES - 1)),
    "format:headings": ({"titles": ["x"]}, "# [[[[[[[***\n" * (S.MAX_MARKDOWN_LINES - 1)),
}


@pytest.mark.parametrize("type_id", sorted(AT_THE_LIMITS))
def test_inputs_at_the_size_limits_are_parsed_in_bounded_time(type_id: str) -> None:
    params, text = AT_THE_LIMITS[type_id]
    constraint = make(type_id, params)
    started = time.perf_counter()
    verdict = constraint.check(text)
    elapsed = time.perf_counter() - started
    assert "too long" not in verdict.reason and "too large" not in verdict.reason, verdict
    assert verdict.ok is (type_id != "format:headings"), verdict
    assert elapsed < 1.0, f"{type_id} took {elapsed:.2f}s"


@pytest.mark.parametrize(
    ("type_id", "text", "fragment"),
    [
        (
            "format:yaml",
            "a: 1\n" * 10_000,
            "YAML too long to check: 50,000 characters (limit 32,000)",
        ),
        ("format:toml", "a = 1\n" * 20_000, "TOML too long to check"),
        ("format:xml", "<a>" + " " * 400_000 + "</a>", "XML too long to check"),
        ("format:json", "[" * 60_000, "JSON too long to check: 60,000 '[' and '{'"),
        ("format:json_schema", " " * 200_000 + "{}", "JSON too long to check"),
        (
            "format:bullet_list",
            "- a\n" * 3000,
            "Markdown too long to check: 3,001 lines (limit 2,000)",
        ),
        (
            "format:markdown_table",
            "|" * 10_000,
            "Markdown too long to check: 10,000 '|' characters",
        ),
        ("format:headings", "#" * 300_000, "Markdown too long to check: 300,000 characters"),
    ],
)
def test_size_limits_give_clear_reasons(type_id: str, text: str, fragment: str) -> None:
    assert_verdict(check(type_id, EXAMPLES[type_id], text), False, fragment)


@pytest.mark.parametrize("type_id", TYPES)
@FAST
@given(text=st.text(alphabet=st.characters(exclude_categories=()), max_size=300))
def test_random_text_never_raises(type_id: str, text: str) -> None:
    constraint = make(type_id, EXAMPLES[type_id])
    for loose in (False, True):
        verdict = constraint.check(text, loose=loose)
        assert isinstance(verdict, Verdict) and isinstance(verdict.reason, str)


MARKUP = st.lists(
    st.sampled_from(
        [
            "#",
            "# ",
            "-",
            "- ",
            "*",
            "+ ",
            "1.",
            "2) ",
            "|",
            "---",
            "===",
            ":",
            ">",
            "> ",
            " ",
            "   ",
            "    ",
            "\t",
            "\n",
            "\n\n",
            "a",
            "b ",
            "```",
            "~~~",
            "`",
            "<div>",
            "\\",
            "**",
        ]
    ),
    max_size=16,
).map("".join)


@pytest.mark.parametrize("type_id", [t for t in TYPES if t != "format:key_value"])
@FAST
@given(text=MARKUP)
def test_markup_soup_never_raises(type_id: str, text: str) -> None:
    assert isinstance(make(type_id, EXAMPLES[type_id]).check(text), Verdict)


@settings(max_examples=300, deadline=None)
@given(text=MARKUP)
def test_markdown_prefilters_never_hide_a_construct(text: str) -> None:
    tokens = S._markdown().parse(text)
    kinds = {token.type for token in tokens}
    if "fence" in kinds:
        assert S._may_have_fence(text)
    if "heading_open" in kinds:
        assert S._MAY_HAVE_HEADING(text)
    if "table_open" in kinds:
        assert S._MAY_HAVE_TABLE(text)
    if S._top_level_items(tokens, ordered=True):
        assert S._MAY_HAVE_ORDERED(text)
    if S._top_level_items(tokens, ordered=False):
        assert S._MAY_HAVE_BULLET(text)


# --------------------------------------------------------------------------- properties

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=20,
)
WORD = st.text(alphabet=string.ascii_letters, min_size=1, max_size=8)
WORDS = st.lists(WORD, min_size=1, max_size=4).map(" ".join)


@FAST
@given(value=JSON_VALUES, indent=st.sampled_from([None, 2]), fenced=st.booleans())
def test_property_json(value: Any, indent: int | None, fenced: bool) -> None:
    text = json.dumps(value, indent=indent)
    response = f"```json\n{text}\n```" if fenced else text
    assert check("format:json", {}, response).ok
    assert not check("format:json", {}, text + ",").ok
    kind = "object" if isinstance(value, dict) else "array"
    assert check("format:json", {"kind": kind}, text).ok is isinstance(value, (dict, list))


@FAST
@given(obj=st.dictionaries(WORD, JSON_VALUES, min_size=1, max_size=6), data=st.data())
def test_property_json_keys_and_schema(obj: dict[str, Any], data: st.DataObject) -> None:
    keys = sorted(data.draw(st.sets(st.sampled_from(sorted(obj)), min_size=1)))
    text = json.dumps(obj)
    schema = {"type": "object", "required": keys}
    assert check("format:json_keys", {"keys": keys}, text).ok
    assert check("format:json_schema", {"json_schema": schema}, text).ok
    dropped = {k: v for k, v in obj.items() if k != keys[0]}
    assert_verdict(
        check("format:json_keys", {"keys": keys}, json.dumps(dropped)), False, repr(keys[0])
    )
    assert_verdict(
        check("format:json_schema", {"json_schema": schema}, json.dumps(dropped)),
        False,
        f"JSON missing required key {keys[0]!r}",
    )


SCALARS = st.one_of(st.integers(), st.booleans(), WORDS, st.none())


@FAST
@given(obj=st.dictionaries(WORD, SCALARS | st.lists(SCALARS, max_size=3), min_size=1, max_size=6))
def test_property_yaml(obj: dict[str, Any]) -> None:
    keys = sorted(obj)
    text = yaml.safe_dump(obj, default_flow_style=False)
    assert check("format:yaml", {"required_keys": keys}, text).ok
    assert check("format:yaml", {"required_keys": keys}, f"```yaml\n{text}```").ok
    renamed = dict(obj)
    renamed[keys[0] + "_renamed"] = renamed.pop(keys[0])
    broken = yaml.safe_dump(renamed, default_flow_style=False)
    assert_verdict(check("format:yaml", {"required_keys": keys}, broken), False, repr(keys[0]))
    assert not check("format:yaml", {"required_keys": keys}, text + "broken: [unclosed\n").ok


TOML_KEY = st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=8)
TOML_VALUE = st.one_of(
    st.integers(-(10**6), 10**6),
    st.booleans(),
    st.text(alphabet=string.ascii_letters + string.digits + " .,!?'", max_size=20),
)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value)


@FAST
@given(
    top=st.dictionaries(TOML_KEY, TOML_VALUE, max_size=4),
    table=st.dictionaries(TOML_KEY, TOML_VALUE, min_size=1, max_size=4),
)
def test_property_toml(top: dict[str, Any], table: dict[str, Any]) -> None:
    assume("section" not in top)
    text = "".join(f"{k} = {toml_value(v)}\n" for k, v in top.items())
    text += "[section]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in table.items())
    keys = [f"section.{k}" for k in table]
    params = {"required_tables": ["section"], "required_keys": keys}
    assert check("format:toml", params, text).ok
    assert not check("format:toml", params, text.replace("[section]", "[other]")).ok
    assert not check("format:toml", params, text + f"{sorted(table)[0]} = 1\n").ok  # duplicate


TAG = st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=6).filter(
    lambda tag: not tag.startswith("xml")
)


@FAST
@given(root=TAG, children=st.lists(st.tuples(TAG, WORDS), min_size=1, max_size=5))
def test_property_xml(root: str, children: list[tuple[str, str]]) -> None:
    body = "".join(f"<{tag}>{text}</{tag}>" for tag, text in children)
    text = f"<{root}>{body}</{root}>"
    params = {"root": root, "children": sorted({tag for tag, _ in children})}
    assert check("format:xml", params, text).ok
    assert not check("format:xml", params, text[: -len(f"</{root}>")]).ok
    assert not check("format:xml", {**params, "root": root + "x"}, text).ok


CELL = st.text(alphabet=string.ascii_letters + string.digits + " ,\"'", max_size=10)


@FAST
@given(
    header=st.lists(WORD, min_size=2, max_size=5, unique=True),
    data=st.data(),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
)
def test_property_csv(header: list[str], data: st.DataObject, delimiter: str) -> None:
    width = len(header)
    rows = data.draw(st.lists(st.lists(CELL, min_size=width, max_size=width), max_size=6))
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows([header, *rows])
    text = out.getvalue()
    params = {"header": header, "rows": bound("exactly", len(rows)), "delimiter": delimiter}
    assert check("format:csv", params, text).ok
    assert not check("format:csv", {**params, "rows": bound("exactly", len(rows) + 1)}, text).ok
    ragged = text + delimiter.join(["x"] * (width + 1)) + "\n"
    assert_verdict(
        check("format:csv", {**params, "rows": None}, ragged), False, f"expected {width}"
    )


@FAST
@given(
    header=st.lists(WORD, min_size=1, max_size=5, unique=True),
    data=st.data(),
    prose=WORDS,
)
def test_property_markdown_table(header: list[str], data: st.DataObject, prose: str) -> None:
    rows = data.draw(
        st.lists(st.lists(WORDS, min_size=len(header), max_size=len(header)), max_size=6)
    )
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    text = f"{prose}\n\n" + "\n".join(lines) + f"\n\n{prose}\n"
    params = {"header": header, "rows": bound("exactly", len(rows)), "columns": len(header)}
    assert check("format:markdown_table", params, text).ok
    assert not check(
        "format:markdown_table", {**params, "rows": bound("exactly", len(rows) + 1)}, text
    ).ok
    no_delimiter = text.replace(lines[1] + "\n", "")
    assert not check("format:markdown_table", params, no_delimiter).ok


@FAST
@given(
    blocks=st.lists(st.tuples(st.sampled_from(["python", "js", "bash", ""]), WORDS), max_size=5),
    prose=WORDS,
)
def test_property_code_blocks(blocks: list[tuple[str, str]], prose: str) -> None:
    text = "".join(f"{prose}\n\n```{lang}\n{code}\n```\n\n" for lang, code in blocks)
    python = sum(1 for lang, _ in blocks if lang == "python")
    assert check("format:code_block", bound("exactly", len(blocks)), text or prose).ok
    assert check(
        "format:code_block", {**bound("exactly", python), "language": "python"}, text or prose
    ).ok
    unclosed = text + "```python\nprint(1)\n"  # an unclosed fence runs to the end: still a block
    assert not check(
        "format:code_block", {**bound("exactly", python), "language": "python"}, unclosed
    ).ok


@FAST
@given(
    titles=st.lists(WORDS, min_size=2, max_size=5, unique_by=str.casefold), level=st.integers(1, 6)
)
def test_property_headings(titles: list[str], level: int) -> None:
    text = "".join(f"{'#' * level} {title}\n\nSome text.\n\n" for title in titles)
    params = {"titles": titles, "level": level}
    assert check("format:headings", params, text).ok
    assert check("format:headings", {"titles": [t.upper() for t in titles]}, text).ok
    swapped = [titles[1], titles[0], *titles[2:]]
    assert not check("format:headings", {"titles": swapped, "level": level}, text).ok
    assert check("format:headings", {"count": bound("exactly", len(titles))}, text).ok


@FAST
@given(items=st.lists(WORDS, min_size=1, max_size=8), ordered=st.booleans(), prose=WORDS)
def test_property_lists(items: list[str], ordered: bool, prose: str) -> None:
    marks = [f"{i}." if ordered else "-" for i in range(1, len(items) + 1)]
    text = f"{prose}\n\n" + "".join(f"{m} {item}\n" for m, item in zip(marks, items, strict=True))
    kind, other = ("format:numbered_list", "format:bullet_list")
    if not ordered:
        kind, other = other, kind
    assert check(kind, bound("exactly", len(items)), text).ok
    assert check(other, bound("exactly", 0), text).ok
    extra = text + f"{len(items) + 1}. more\n" if ordered else text + "- more\n"
    assert_verdict(
        check(kind, bound("exactly", len(items)), extra), False, f"found {len(items) + 1}"
    )


@FAST
@given(pairs=st.dictionaries(WORD, WORDS, min_size=1, max_size=6), data=st.data())
def test_property_key_value(pairs: dict[str, str], data: st.DataObject) -> None:
    keys = list(pairs)
    text = "\n".join(f"{k}: {v}" for k, v in pairs.items())
    params = {"keys": keys, "only": True}
    assert check("format:key_value", params, text).ok
    victim = data.draw(st.sampled_from(keys))
    dropped = "\n".join(f"{k}: {v}" for k, v in pairs.items() if k != victim) or "x"
    assert_verdict(check("format:key_value", {"keys": keys}, dropped), False, repr(victim))
    assert_verdict(check("format:key_value", params, text + "\nextra line"), False, "line")
