"""Structured-format constraints (``format:*``): JSON (plain, required keys, JSON Schema),
YAML, TOML, XML, CSV, Markdown structure (tables, fenced code blocks, headings, numbered and
bullet lists) and ``key: value`` lines.

Every check runs a real parser: :mod:`json` and ``jsonschema``, PyYAML (libyaml when
present), :mod:`tomllib`, ``defusedxml``, :mod:`csv` and ``markdown-it-py``.

Model output is untrusted, so parsing is bounded and never executes anything:

* JSON may hold at most ``MAX_JSON_BRACKETS`` arrays and objects (counted before parsing)
  and nest at most ``MAX_DEPTH`` levels (json's C parser bounds its own recursion, then a
  linear scan measures the depth);
* YAML is scanned event by event (libyaml) before it is built: deep nesting, recursive
  aliases and alias expansion beyond ``MAX_YAML_NODES`` nodes ("billion laughs") are rejected
  without expanding anything;
* XML is parsed by defusedxml with DTDs, entity declarations and external references
  forbidden, into a streaming target (no tree is built);
* JSON Schema ``$ref`` never leaves the schema (remote references are refused when the
  parameters are validated, and nothing is ever fetched);
* the slower pure-Python parsers (PyYAML's constructor, tomllib, the XML target, jsonschema,
  markdown-it-py) only see inputs up to a per-format size; longer responses fail with a
  "too long to check" reason, so every check returns in about 100 ms even on 1 MB of text.

JSON, YAML, TOML, XML and CSV responses may be one fenced code block (```` ```json ````, or
a bare ```` ``` ````) with nothing but whitespace around it; the ``fence`` parameter can
instead require or forbid the fence.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import tomllib
from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate
from typing import TYPE_CHECKING, Annotated, Any, Literal

import jsonschema
import referencing
import referencing.exceptions
import yaml
from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError
from jsonschema_specifications import REGISTRY as SPECIFICATIONS
from pydantic import Field, StrictInt, field_validator, model_validator

from vff.constraints.base import (
    Bounded,
    ConstraintType,
    Params,
    Relation,
    Verdict,
    failed,
    passed,
    quantity,
)
from vff.constraints.registry import register

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

#: Deepest nesting accepted in JSON and YAML documents.
MAX_DEPTH = 100
#: Most nodes a YAML document may have once its aliases are expanded (counted, never built).
MAX_YAML_NODES = 100_000
#: Most arrays and objects (counted as '[' and '{' characters) in a JSON document: building
#: each costs about a microsecond.
MAX_JSON_BRACKETS = 50_000
#: Longest input (characters) handed to each of the slower parsers.
MAX_JSON_SCHEMA_CHARS = 100_000
MAX_YAML_CHARS = 32_000
MAX_TOML_CHARS = 80_000
MAX_XML_CHARS = 300_000
MAX_MARKDOWN_CHARS = 200_000
#: Most values (nodes) in a JSON document validated against a schema (jsonschema spends
#: several microseconds per node, more with complex schemas).
MAX_JSON_SCHEMA_NODES = 5_000
#: Most lines, and '|' characters (table cells), in Markdown handed to markdown-it-py.
MAX_MARKDOWN_LINES = 2_000
MAX_MARKDOWN_PIPES = 8_000
#: Characters of inline Markdown (headings, header cells) parsed per check to reduce them to
#: text; beyond it (or in a longer snippet) emphasis and code marks are simply removed.
MAX_INLINE_CHARS = 2_000
MAX_INLINE_SNIPPET = 300

Fence = Literal["allowed", "required", "forbidden"]
Text = Annotated[str, Field(min_length=1, max_length=500)]
XmlName = Annotated[str, Field(pattern=r"^[A-Za-z_][\w.\-]*(:[A-Za-z_][\w.\-]*)?$", max_length=200)]


# --------------------------------------------------------------------------- helpers


def _snippet(text: str, limit: int = 40) -> str:
    """``repr`` of a string, shortened to about ``limit`` characters."""
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _names(items: Iterable[str], conj: str = "and") -> str:
    """'"a", "b" and "c"' (quoted, for instructions)."""
    quoted = [f'"{item}"' for item in items]
    if len(quoted) <= 1:
        return "".join(quoted)
    return f"{', '.join(quoted[:-1])} {conj} {quoted[-1]}"


def _unique(values: Sequence[str] | None, what: str) -> Sequence[str] | None:
    if values is not None:
        seen: set[str] = set()
        for value in values:
            if value in seen:
                raise ValueError(f"{what} {value!r} is listed twice")
            seen.add(value)
    return values


def _too_long(label: str, size: int, limit: int, unit: str = "characters") -> Verdict:
    return failed(f"{label} too long to check: {size:,} {unit} (limit {limit:,})")


_FENCE_OPEN = re.compile(r"(`{3,}|~{3,})[ \t]*([^\s`]*)[^\n`]*\n")


@functools.lru_cache(maxsize=64)
def _fence_close(char: str, length: int) -> re.Pattern[str]:
    return re.compile(rf"^[ ]{{0,3}}{re.escape(char)}{{{length},}}[ \t]*$", re.M)


class _FenceParams(Params):
    fence: Fence = "allowed"


class _DataFormat(ConstraintType[Any]):
    """A whole-response data format (JSON, YAML, ...) that may come in one fenced block."""

    label: str  # "JSON"
    languages: frozenset[str]  # info strings accepted on the fence, besides none
    fence_language: str  # the one instructions name

    def fence_note(self, params: _FenceParams) -> str:
        lang = self.fence_language
        if params.fence == "required":
            return f" Put it inside a single ```{lang} code block."
        if params.fence == "forbidden":
            return " Do not wrap it in a code block."
        return ""

    def body(self, response: str, params: _FenceParams) -> str | Verdict:
        """The text to parse: the response itself, or the content of its single code block."""
        stripped = response.strip()
        opening = _FENCE_OPEN.match(stripped)
        if opening is not None:
            marker, info = opening.group(1), opening.group(2).lower()
            rest = stripped[opening.end() :]
            closing = _fence_close(marker[0], len(marker)).search(rest)
            if closing is None:
                return failed(f"{self.label} code block is not closed")
            if rest[closing.end() :].strip():
                return failed(f"text after the code block; the response must be only {self.label}")
            if info and info not in self.languages:
                return failed(f"the response is a ```{info} code block, expected {self.label}")
            if params.fence == "forbidden":
                return failed(f"{self.label} is wrapped in a code block, which is not allowed")
            return rest[: closing.start()]
        if params.fence == "required":
            return failed(
                f"{self.label} must be inside a single ```{self.fence_language} code block"
            )
        return response


# --------------------------------------------------------------------------- JSON

_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_BRACKETS_ONLY = bytes.maketrans(b"[{]}", b"(())")
_NOT_BRACKETS = bytes(c for c in range(128) if chr(c) not in "[]{}")
_BRACKET_RUN = re.compile(rb"\(+|\)+")


def _json_depth(text: str) -> int:
    """Nesting depth of a document ``json`` has accepted (so its brackets outside strings
    balance and the rest is ASCII), in time linear in its size and mostly in C."""
    skeleton = _JSON_STRING.sub("", text).encode("ascii", "replace")
    skeleton = skeleton.translate(_BRACKETS_ONLY, _NOT_BRACKETS)
    # Each pass deletes the innermost pairs, i.e. one level of every branch; what is left
    # after a few passes consists of long runs, whose depth a short walk finds.
    passes = 0
    while skeleton and passes < 12:
        skeleton = skeleton.replace(b"()", b"")
        passes += 1
    if not skeleton:
        return passes
    steps = (len(run) if run[0] == 40 else -len(run) for run in _BRACKET_RUN.findall(skeleton))
    return passes + max(accumulate(steps))


class _JsonConstant(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _JsonConstant(name)


def _json_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"


def _parse_json(text: str) -> tuple[Any, Verdict | None]:
    """Parse strict JSON (no NaN/Infinity), bounded in depth: (value, None) or (None, failure)."""
    brackets = text.count("[") + text.count("{")
    if brackets > MAX_JSON_BRACKETS:
        return None, _too_long("JSON", brackets, MAX_JSON_BRACKETS, "'[' and '{'")
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        what = exc.msg.removesuffix(" at")  # "Invalid control character at"
        if what == "Extra data":
            what = "unexpected text after the JSON value"
        return None, failed(f"not valid JSON: {what} at line {exc.lineno}, column {exc.colno}")
    except _JsonConstant as exc:
        return None, failed(f"not valid JSON: {exc} is not a JSON value")
    except RecursionError:
        return None, failed(f"JSON nested deeper than {MAX_DEPTH} levels")
    except ValueError as exc:  # e.g. an integer beyond Python's digit limit
        return None, failed(f"not valid JSON: {str(exc).split(':')[0]}")
    # json's C parser bounds its own recursion (RecursionError above); the depth is then
    # measured only when the document has enough brackets to exceed the limit at all.
    if brackets > MAX_DEPTH and _json_depth(text) > MAX_DEPTH:
        return None, failed(f"JSON nested deeper than {MAX_DEPTH} levels")
    return value, None


class _JsonType(_DataFormat):
    label = "JSON"
    fence_language = "json"
    languages = frozenset({"json"})

    def load(self, response: str, params: _FenceParams) -> tuple[Any, Verdict | None]:
        body = self.body(response, params)
        if isinstance(body, Verdict):
            return None, body
        return _parse_json(body)


class JsonParams(_FenceParams):
    kind: Literal["any", "object", "array"] = "any"


@register
class Json(_JsonType):
    id = "format:json"
    summary = "The whole response is valid JSON (optionally an object or an array)."
    params_model = JsonParams
    example = {"kind": "object"}
    phrasings = (
        "Your entire response must be {what}, with no other text.{fence_note}",
        "Format your whole output as {what}.{fence_note}",
        "Reply only with {what}; do not add any explanation before or after it.{fence_note}",
    )

    def template_values(self, params: JsonParams) -> dict[str, str]:
        what = {"any": "valid JSON", "object": "a valid JSON object", "array": "a valid JSON array"}
        return {"what": what[params.kind], "fence_note": self.fence_note(params)}

    def check(self, response: str, params: JsonParams) -> Verdict:
        value, problem = self.load(response, params)
        if problem is not None:
            return problem
        kind = _json_kind(value)
        if params.kind != "any" and kind != f"an {params.kind}":
            return failed(f"expected a JSON {params.kind}, found {kind}")
        return passed(f"valid JSON ({kind})")


class JsonKeysParams(_FenceParams):
    keys: tuple[Text, ...] = Field(min_length=1)
    only: bool = False

    @field_validator("keys")
    @classmethod
    def _distinct(cls, keys: tuple[str, ...]) -> tuple[str, ...]:
        _unique(keys, "key")
        return keys


@register
class JsonKeys(_JsonType):
    id = "format:json_keys"
    summary = "The whole response is a JSON object with the given top-level keys."
    params_model = JsonKeysParams
    example = {"keys": ["name", "price"]}
    phrasings = (
        "Respond with a JSON object that has the keys {keys}{only_note}.{fence_note}",
        "Your entire output must be one JSON object containing the fields {keys}{only_note}."
        "{fence_note}",
        "Return only JSON: one object with the top-level keys {keys}{only_note}.{fence_note}",
    )

    def template_values(self, params: JsonKeysParams) -> dict[str, str]:
        return {
            "keys": _names(params.keys),
            "only_note": " and no other keys" if params.only else "",
            "fence_note": self.fence_note(params),
        }

    def check(self, response: str, params: JsonKeysParams) -> Verdict:
        value, problem = self.load(response, params)
        if problem is not None:
            return problem
        if not isinstance(value, dict):
            return failed(f"expected a JSON object, found {_json_kind(value)}")
        missing = [key for key in params.keys if key not in value]
        if missing:
            s = "s" if len(missing) > 1 else ""
            return failed(f"JSON object missing required key{s} {', '.join(map(repr, missing))}")
        if params.only:
            allowed = set(params.keys)
            extra = [key for key in value if key not in allowed]
            if extra:
                return failed(f"JSON object has unexpected key {_snippet(extra[0])}")
        return passed(f"JSON object with keys {', '.join(map(repr, params.keys))}")


def _canonical(schema: Any) -> str:
    return json.dumps(schema, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _refuse_retrieval(uri: str) -> Any:
    raise referencing.exceptions.NoSuchResource(ref=uri)


_NO_REMOTE = referencing.Registry(retrieve=_refuse_retrieval)  # type: ignore[call-arg]


def _outside_refs(schema: Any) -> list[str]:
    """``$ref`` values that point outside the schema (and outside the known metaschemas)."""
    ids: set[str] = set()
    refs: list[str] = []
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("$id", "id") and isinstance(value, str):
                    ids.add(value.split("#", 1)[0].rstrip("/"))
                elif key in ("$ref", "$dynamicRef") and isinstance(value, str):
                    refs.append(value)
                elif isinstance(value, (dict, list)):
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(item for item in node if isinstance(item, (dict, list)))
    known = ids | {uri.rstrip("/") for uri in SPECIFICATIONS}
    return [ref for ref in refs if (base := ref.split("#", 1)[0].rstrip("/")) and base not in known]


@functools.lru_cache(maxsize=256)
def _schema_validator(canonical: str) -> Any:
    """A compiled validator for a schema (given as canonical JSON); ValueError if invalid."""
    schema = json.loads(canonical)
    if not isinstance(schema, dict):
        raise ValueError("must be a JSON Schema object")
    meta = schema.get("$schema")
    cls = jsonschema.validators.validator_for(schema, default=None)
    if cls is None:
        if meta is not None:
            raise ValueError(f"unknown $schema {meta!r}")
        cls = jsonschema.Draft202012Validator
    try:
        cls.check_schema(schema)
    except jsonschema.SchemaError as exc:
        where = "" if exc.json_path == "$" else f" at {exc.json_path}"
        raise ValueError(f"invalid JSON Schema{where}: {_shorten(exc.message)}") from None
    outside = _outside_refs(schema)
    if outside:
        raise ValueError(f"$ref {outside[0]!r} points outside the schema (nothing is fetched)")
    return cls(schema, registry=_NO_REMOTE)


def _count_nodes(value: Any, stop_after: int) -> int:
    """Number of values in a parsed JSON document, counting stops past ``stop_after``."""
    nodes = 0
    stack = [value]
    while stack and nodes <= stop_after:
        node = stack.pop()
        nodes += 1
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return nodes


def _shorten(message: str, limit: int = 160) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


def _short_value(value: Any) -> str:
    """``repr`` as jsonschema's messages show values, shortened; big containers summarised."""
    if isinstance(value, (dict, list)) and len(value) > 8:
        return f"{_json_kind(value)} of {len(value)} items"
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _schema_reason(error: Any) -> str:
    path = error.json_path
    if error.validator == "required" and isinstance(error.instance, dict):
        missing = [key for key in error.validator_value if key not in error.instance]
        if missing:
            if path == "$":
                return f"JSON missing required key {missing[0]!r}"
            return f"at {path}: missing required key {missing[0]!r}"
    if error.validator == "type":
        expected = error.validator_value
        if isinstance(expected, list):
            expected = " or ".join(map(repr, expected))
        else:
            expected = repr(expected)
        message = f"{_short_value(error.instance)} is not of type {expected}"
    else:
        message = _shorten(error.message)
    return f"at {path}: {message}"


class JsonSchemaParams(_FenceParams):
    json_schema: dict[str, Any]

    @field_validator("json_schema")
    @classmethod
    def _valid_schema(cls, schema: dict[str, Any]) -> dict[str, Any]:
        try:
            canonical = _canonical(schema)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"the schema must be JSON data: {exc}") from None
        _schema_validator(canonical)
        return schema

    def __hash__(self) -> int:  # the schema is a dict: hash its canonical JSON instead
        return hash((type(self), _canonical(self.json_schema), self.fence))


@register
class JsonSchema(_JsonType):
    id = "format:json_schema"
    summary = "The whole response is JSON that validates against a given JSON Schema."
    params_model = JsonSchemaParams
    example = {
        "json_schema": {
            "type": "object",
            "required": ["name", "price"],
            "properties": {"name": {"type": "string"}, "price": {"type": "number", "minimum": 0}},
        }
    }
    phrasings = (
        "Output only JSON (no other text) that validates against this JSON Schema."
        "{fence_note} Schema: {schema}",
        "Your entire response must be a JSON document conforming to the following JSON Schema."
        "{fence_note}\n{schema}",
        "Answer with JSON only, valid under the JSON Schema below.{fence_note}\n{schema}",
    )

    def template_values(self, params: JsonSchemaParams) -> dict[str, str]:
        return {
            "schema": json.dumps(params.json_schema, ensure_ascii=False),
            "fence_note": self.fence_note(params),
        }

    def check(self, response: str, params: JsonSchemaParams) -> Verdict:
        body = self.body(response, params)
        if isinstance(body, Verdict):
            return body
        if len(body) > MAX_JSON_SCHEMA_CHARS:
            return _too_long("JSON", len(body), MAX_JSON_SCHEMA_CHARS)
        value, problem = _parse_json(body)
        if problem is not None:
            return problem
        if body.count(",") + body.count("[") + body.count("{") >= MAX_JSON_SCHEMA_NODES:
            nodes = _count_nodes(value, MAX_JSON_SCHEMA_NODES)
            if nodes > MAX_JSON_SCHEMA_NODES:
                return failed(
                    f"JSON too large to validate: more than {MAX_JSON_SCHEMA_NODES:,} values"
                )
        validator = _schema_validator(_canonical(params.json_schema))
        try:
            error = next(iter(validator.iter_errors(value)), None)
        except RecursionError:
            return failed("JSON nested too deeply to validate")
        except referencing.exceptions.Unresolvable as exc:
            return failed(f"the schema's reference {str(exc)[:80]} cannot be resolved")
        if error is not None:
            return failed(_schema_reason(error))
        return passed("JSON matches the schema")


# --------------------------------------------------------------------------- YAML

_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_YAML_COLLECTION_START = (yaml.SequenceStartEvent, yaml.MappingStartEvent)
_YAML_COLLECTION_END = (yaml.SequenceEndEvent, yaml.MappingEndEvent)


def _yaml_error(exc: Exception) -> str:
    problem = getattr(exc, "problem", None)
    mark = getattr(exc, "problem_mark", None)
    if problem and mark is not None:
        context = getattr(exc, "context", None)
        what = f"{context}, {problem}" if context else problem
        return f"not valid YAML: {what} (line {mark.line + 1}, column {mark.column + 1})"
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"not valid YAML: {_shorten(first, 120)}"


def _yaml_guard(text: str) -> str | None:
    """Scan YAML events (nothing is built) and return why the document is refused, if it is:
    a syntax error, nesting beyond ``MAX_DEPTH``, a recursive alias, or an expanded size
    (aliases counted as copies of their anchor) beyond ``MAX_YAML_NODES``."""
    sizes: dict[str, int] = {}  # anchor -> expanded node count of the anchored node
    open_nodes: list[tuple[int, str | None]] = []  # (expanded count when opened, anchor)
    expanded = 0
    try:
        for event in yaml.parse(text, Loader=_YAML_LOADER):
            if isinstance(event, yaml.ScalarEvent):
                expanded += 1
                if event.anchor:
                    sizes[event.anchor] = 1
            elif isinstance(event, _YAML_COLLECTION_START):
                if len(open_nodes) >= MAX_DEPTH:
                    return f"YAML nested deeper than {MAX_DEPTH} levels"
                open_nodes.append((expanded, event.anchor))
                expanded += 1
            elif isinstance(event, _YAML_COLLECTION_END):
                start, anchor = open_nodes.pop()
                if anchor:
                    sizes[anchor] = expanded - start
            elif isinstance(event, yaml.AliasEvent):
                size = sizes.get(event.anchor)
                if size is None:
                    if any(anchor == event.anchor for _, anchor in open_nodes):
                        return f"YAML alias *{event.anchor} refers to a node that contains it"
                    return f"not valid YAML: alias *{event.anchor} has no anchor &{event.anchor}"
                expanded += size
                if expanded > MAX_YAML_NODES:
                    return (
                        f"YAML aliases expand to more than {MAX_YAML_NODES:,} nodes "
                        f"(alias *{event.anchor})"
                    )
    except yaml.YAMLError as exc:
        return _yaml_error(exc)
    except UnicodeError:
        return "not valid YAML: the text contains characters that cannot be encoded"
    return None


def _yaml_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a sequence"
    if value is None:
        return "an empty document"
    return "a scalar"


class YamlParams(_FenceParams):
    kind: Literal["collection", "mapping", "sequence", "any"] = "collection"
    required_keys: tuple[Text, ...] = ()

    @model_validator(mode="after")
    def _keys_need_mapping(self) -> YamlParams:
        _unique(self.required_keys, "key")
        if self.required_keys and self.kind == "sequence":
            raise ValueError("'required_keys' needs a mapping, but 'kind' is 'sequence'")
        return self


@register
class Yaml(_DataFormat):
    id = "format:yaml"
    summary = "The whole response is valid YAML (by default a mapping or a list)."
    label = "YAML"
    fence_language = "yaml"
    languages = frozenset({"yaml", "yml"})
    params_model = YamlParams
    example = {"required_keys": ["name", "version"]}
    phrasings = (
        "Your entire response must be valid YAML: {what}, with no other text.{fence_note}",
        "Format your whole output as YAML ({what}).{fence_note}",
        "Reply only with a YAML document, {what}; add no commentary.{fence_note}",
    )

    def template_values(self, params: YamlParams) -> dict[str, str]:
        what = {
            "collection": "a mapping or a list",
            "mapping": "a mapping",
            "sequence": "a list",
            "any": "any YAML value",
        }[params.kind]
        if params.required_keys:
            what = f"a mapping with the top-level keys {_names(params.required_keys)}"
        return {"what": what, "fence_note": self.fence_note(params)}

    def check(self, response: str, params: YamlParams) -> Verdict:
        body = self.body(response, params)
        if isinstance(body, Verdict):
            return body
        if len(body) > MAX_YAML_CHARS:
            return _too_long("YAML", len(body), MAX_YAML_CHARS)
        refused = _yaml_guard(body)
        if refused is not None:
            return failed(refused)
        try:
            value = yaml.load(body, Loader=_YAML_LOADER)  # noqa: S506 -- a safe loader
        except yaml.YAMLError as exc:
            return failed(_yaml_error(exc))
        except RecursionError:
            return failed(f"YAML nested deeper than {MAX_DEPTH} levels")
        except (ValueError, TypeError, OverflowError, UnicodeError) as exc:
            return failed(f"not valid YAML: {_shorten(str(exc), 120)}")
        kind = _yaml_kind(value)
        wanted = "mapping" if params.required_keys else params.kind
        if wanted == "collection" and kind not in ("a mapping", "a sequence"):
            return failed(f"expected a YAML mapping or list, found {kind}")
        if wanted in ("mapping", "sequence") and kind != f"a {wanted}":
            return failed(f"expected a YAML {wanted}, found {kind}")
        missing = [key for key in params.required_keys if key not in value]
        if missing:
            s = "s" if len(missing) > 1 else ""
            return failed(f"YAML mapping missing required key{s} {', '.join(map(repr, missing))}")
        return passed(f"valid YAML ({kind})")


# --------------------------------------------------------------------------- TOML


@functools.lru_cache(maxsize=1024)
def _toml_path(key: str) -> tuple[str, ...]:
    """Split a TOML key (``server.port``, ``"a.b".c``) with tomllib itself."""
    try:
        doc = tomllib.loads(f"{key} = 0")
    except tomllib.TOMLDecodeError:
        raise ValueError(f"{key!r} is not a TOML key") from None
    path: list[str] = []
    node: Any = doc
    while isinstance(node, dict) and len(node) == 1:
        [(name, node)] = node.items()
        path.append(name)
    if node != 0 or isinstance(node, bool):
        raise ValueError(f"{key!r} is not a TOML key")
    return tuple(path)


class TomlParams(_FenceParams):
    required_keys: tuple[Text, ...] = ()
    required_tables: tuple[Text, ...] = ()

    @field_validator("required_keys", "required_tables")
    @classmethod
    def _toml_keys(cls, keys: tuple[str, ...]) -> tuple[str, ...]:
        for key in keys:
            _toml_path(key)
        return keys


@register
class Toml(_DataFormat):
    id = "format:toml"
    summary = "The whole response is valid TOML (optionally with given keys and tables)."
    label = "TOML"
    fence_language = "toml"
    languages = frozenset({"toml"})
    params_model = TomlParams
    example = {"required_tables": ["server"], "required_keys": ["server.port"]}
    phrasings = (
        "Your entire response must be a valid TOML document{details}.{fence_note}",
        "Write the answer as a TOML document{details}, and nothing else.{fence_note}",
        "Reply with nothing but TOML{details}.{fence_note}",
    )

    def template_values(self, params: TomlParams) -> dict[str, str]:
        parts = []
        if params.required_tables:
            noun = "table" if len(params.required_tables) == 1 else "tables"
            parts.append(f"the {noun} {_names(params.required_tables)}")
        if params.required_keys:
            noun = "key" if len(params.required_keys) == 1 else "keys"
            parts.append(f"the {noun} {_names(params.required_keys)}")
        details = f" containing {' and '.join(parts)}" if parts else ""
        return {"details": details, "fence_note": self.fence_note(params)}

    def check(self, response: str, params: TomlParams) -> Verdict:
        body = self.body(response, params)
        if isinstance(body, Verdict):
            return body
        if len(body) > MAX_TOML_CHARS:
            return _too_long("TOML", len(body), MAX_TOML_CHARS)
        try:
            doc = tomllib.loads(body)
        except RecursionError:
            return failed("TOML nested too deeply")
        except ValueError as exc:  # TOMLDecodeError, or a number beyond the digit limit
            return failed(f"not valid TOML: {_shorten(str(exc), 120)}")
        for key in params.required_tables:
            node = _toml_lookup(doc, _toml_path(key))
            if node is None:
                return failed(f"TOML missing table {key!r}")
            is_table = isinstance(node, dict) or (
                isinstance(node, list) and bool(node) and all(isinstance(i, dict) for i in node)
            )
            if not is_table:
                return failed(f"TOML {key!r} is a value, expected a table")
        for key in params.required_keys:
            if _toml_lookup(doc, _toml_path(key)) is None:
                return failed(f"TOML missing key {key!r}")
        return passed(f"valid TOML ({quantity(len(doc), 'top-level key')})")


def _toml_lookup(doc: dict[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = doc
    for name in path:
        if not isinstance(node, dict) or name not in node:
            return None
        node = node[name]
    return node


# --------------------------------------------------------------------------- XML


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class _XmlOutline:
    """A parser target that records the root tag and its children's tags (no tree)."""

    __slots__ = ("depth", "root", "children")

    def __init__(self) -> None:
        self.depth = 0
        self.root: str | None = None
        self.children: list[str] = []

    def start(self, tag: str, attrib: Any) -> None:
        self.depth += 1
        if self.depth == 1:
            self.root = tag
        elif self.depth == 2:
            self.children.append(tag)

    def end(self, tag: str) -> None:
        self.depth -= 1

    def close(self) -> _XmlOutline:
        return self


def _xml_outline(text: str) -> _XmlOutline | Verdict:
    parser = DefusedXMLParser(
        target=_XmlOutline(), forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    try:
        parser.feed(text)
        return parser.close()
    except DTDForbidden:
        return failed("XML has a document type declaration (<!DOCTYPE>); DTDs are not allowed")
    except EntitiesForbidden as exc:
        return failed(f"XML declares entity {exc.name!r}; entity declarations are not allowed")
    except DefusedXmlException:
        return failed("XML refers to an external resource, which is not allowed")
    except ParseError as exc:
        return failed(f"not well-formed XML: {_shorten(str(exc), 120)}")
    except UnicodeError:
        return failed("not well-formed XML: the text contains characters that cannot be encoded")


class XmlParams(_FenceParams):
    root: XmlName | None = None
    children: tuple[XmlName, ...] = ()


@register
class Xml(_DataFormat):
    id = "format:xml"
    summary = "The whole response is well-formed XML (optionally with a given root and children)."
    label = "XML"
    fence_language = "xml"
    languages = frozenset({"xml"})
    params_model = XmlParams
    example = {"root": "catalog", "children": ["book"]}
    phrasings = (
        "Your entire response must be a well-formed XML document{details}.{fence_note}",
        "Format the output as an XML document{details}, and nothing else.{fence_note}",
        "Reply with nothing but well-formed XML{details}.{fence_note}",
    )

    def template_values(self, params: XmlParams) -> dict[str, str]:
        details = ""
        if params.root:
            details += f" whose root element is <{params.root}>"
        if params.children:
            tags = _names(f"<{tag}>" for tag in params.children).replace('"', "")
            noun = "element" if len(params.children) == 1 else "elements"
            details += " and contains" if params.root else " whose root element contains"
            details += f" the child {noun} {tags}"
        return {"details": details, "fence_note": self.fence_note(params)}

    def check(self, response: str, params: XmlParams) -> Verdict:
        body = self.body(response, params)
        if isinstance(body, Verdict):
            return body
        body = body.strip()
        if len(body) > MAX_XML_CHARS:
            return _too_long("XML", len(body), MAX_XML_CHARS)
        outline = _xml_outline(body)
        if isinstance(outline, Verdict):
            return outline
        assert outline.root is not None  # expat requires a root element
        root = outline.root
        if params.root and params.root not in (root, _local(root)):
            return failed(f"root element is <{_local(root)}>, expected <{params.root}>")
        found = set(outline.children) | {_local(tag) for tag in outline.children}
        for tag in params.children:
            if tag not in found:
                seen = list(dict.fromkeys(_local(t) for t in outline.children))
                listed = ", ".join(f"<{t}>" for t in seen[:8]) or "none"
                return failed(
                    f"root element <{_local(root)}> has no child <{tag}> (children: {listed})"
                )
        return passed(f"well-formed XML, root <{_local(root)}>")


# --------------------------------------------------------------------------- CSV


class CsvParams(_FenceParams):
    columns: int | None = Field(default=None, ge=1, le=10_000)
    header: tuple[Annotated[str, Field(max_length=500)], ...] | None = Field(
        default=None, min_length=1
    )
    has_header: bool = True
    rows: Bounded | None = None
    delimiter: str = Field(default=",", min_length=1, max_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> CsvParams:
        _unique(self.header, "header name")
        if self.delimiter in '"\r\n':
            raise ValueError(f"'delimiter' cannot be {self.delimiter!r}")
        if self.header is not None:
            if not self.has_header:
                raise ValueError("'header' is given but 'has_header' is false")
            if self.columns is not None and self.columns != len(self.header):
                raise ValueError(
                    f"'columns' ({self.columns}) differs from the header's {len(self.header)} names"
                )
        return self


def _delimiter_name(delimiter: str) -> str:
    return {",": "commas", ";": "semicolons", "\t": "tabs", "|": "pipes"}.get(
        delimiter, f"{delimiter!r}"
    )


@register
class Csv(_DataFormat):
    id = "format:csv"
    summary = "The whole response is CSV with a consistent column count (header, row count)."
    label = "CSV"
    fence_language = "csv"
    languages = frozenset({"csv", "tsv"})
    params_model = CsvParams
    example = {"header": ["name", "price"], "rows": {"relation": "at least", "n": 3}}
    phrasings = (
        "Your entire response must be CSV data{details}.{fence_note}",
        "Output only CSV{details}, with no other text.{fence_note}",
        "Reply with nothing but a CSV table{details}.{fence_note}",
    )

    def template_values(self, params: CsvParams) -> dict[str, str]:
        parts = []
        if params.header is not None:
            parts.append(f"the header row {params.delimiter.join(params.header)}")
        elif params.columns is not None:
            parts.append(quantity(params.columns, "column"))
        if params.rows is not None:
            parts.append(params.rows.counted("data row"))
        details = f" with {' and '.join(parts)}" if parts else ""
        if not params.has_header:
            details += " and no header row"
        if params.delimiter != ",":
            details += f", fields separated by {_delimiter_name(params.delimiter)}"
        return {"details": details, "fence_note": self.fence_note(params)}

    def check(self, response: str, params: CsvParams) -> Verdict:
        body = self.body(response, params)
        if isinstance(body, Verdict):
            return body
        lines = io.StringIO(body, newline="")
        reader = csv.reader(lines, delimiter=params.delimiter, strict=True)
        expected = params.columns or (len(params.header) if params.header else None)
        rows = 0
        try:
            for row in reader:
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue  # blank line
                rows += 1
                if expected is None:
                    expected = len(row)
                    if expected < 2:
                        return failed(
                            f"row 1 has a single column; expected CSV with at least 2 columns "
                            f"separated by {_delimiter_name(params.delimiter)}"
                        )
                if len(row) != expected:
                    return failed(
                        f"row {rows} (line {reader.line_num}) has {quantity(len(row), 'column')}, "
                        f"expected {expected}"
                    )
                if rows == 1 and params.header is not None:
                    names = tuple(cell.strip() for cell in row)
                    for i, (got, want) in enumerate(zip(names, params.header, strict=True)):
                        if got != want.strip():
                            return failed(
                                f"header column {i + 1} is {_snippet(got)}, expected {want!r}"
                            )
        except csv.Error as exc:
            return failed(f"not valid CSV: {exc} (line {reader.line_num})")
        if rows == 0:
            return failed("no CSV rows found")
        data_rows = rows - 1 if params.has_header else rows
        if params.rows is not None:
            verdict = params.rows.verdict(data_rows, "data rows")
            if not verdict.ok:
                return verdict
        return passed(f"CSV with {expected} columns and {quantity(data_rows, 'data row')}")


# --------------------------------------------------------------------------- Markdown


@functools.cache
def _markdown() -> MarkdownIt:
    """CommonMark + GFM tables, block structure only (inline markup is parsed on demand)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").disable(["inline", "text_join"])


@functools.cache
def _markdown_inline() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark")


_INLINE_MARKUP = re.compile(r"[*_`\[\]<>\\&!~]")
_SPACES = re.compile(r"\s+")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


_MARK_CHARS = str.maketrans("", "", "*_`")


class _PlainText:
    """Reduces inline Markdown to text (``**Intro**`` -> ``Intro``), whitespace collapsed.

    markdown-it-py's inline parser costs up to ~20 us per character on hostile input, so each
    check gets a budget of ``MAX_INLINE_CHARS``; past it (or for a snippet longer than
    ``MAX_INLINE_SNIPPET``) emphasis and code marks are just removed.
    """

    __slots__ = ("budget",)

    def __init__(self) -> None:
        self.budget = MAX_INLINE_CHARS

    def __call__(self, content: str) -> str:
        if _INLINE_MARKUP.search(content):
            if len(content) <= min(self.budget, MAX_INLINE_SNIPPET):
                self.budget -= len(content)
                content = self._parse(content)
            else:
                content = content.translate(_MARK_CHARS)
        return _SPACES.sub(" ", content).strip()

    @staticmethod
    def _parse(content: str) -> str:
        tokens = _markdown_inline().parseInline(content)
        parts = []
        for child in tokens[0].children or ():
            if child.type in ("text", "code_inline", "html_inline", "image"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
        return "".join(parts)


# Lines on which a construct can start (after indentation, '>' and list markers). They are
# necessary conditions, used to skip parsing texts that cannot contain the construct; the
# groups are atomic and the character classes disjoint, so matching stays linear.
_MAY_HAVE_HEADING = re.compile(
    r"^(?>[ \t>*+.)\d-]*)#{1,6}(?:[ \t]|$)|^(?>[ \t>]*)(?:=+|-+)[ \t]*$", re.M
).search
_MAY_HAVE_TABLE = re.compile(r"^(?>[ \t>]*)(?>[|: \t]*)-[|:\- \t]*+$", re.M).search
_MAY_HAVE_ORDERED = re.compile(r"^(?>[ \t>]*)\d{1,9}[.)](?:[ \t]|$)", re.M).search
_MAY_HAVE_BULLET = re.compile(r"^(?>[ \t>]*)[-*+](?:[ \t]|$)", re.M).search


def _may_have_fence(text: str) -> bool:
    return "```" in text or "~~~" in text


def _markdown_tokens(response: str, may_have: Callable[[str], object]) -> Sequence[Token] | Verdict:
    """Block tokens of a response, or a "too long" failure. Texts in which ``may_have`` finds
    no place the construct could start get no tokens (they cannot contain it)."""
    if len(response) > MAX_MARKDOWN_CHARS:
        return _too_long("Markdown", len(response), MAX_MARKDOWN_CHARS)
    lines = response.count("\n") + response.count("\r") - response.count("\r\n") + 1
    if lines > MAX_MARKDOWN_LINES:
        return _too_long("Markdown", lines, MAX_MARKDOWN_LINES, "lines")
    pipes = response.count("|")
    if pipes > MAX_MARKDOWN_PIPES:
        return _too_long("Markdown", pipes, MAX_MARKDOWN_PIPES, "'|' characters")
    if "\r" not in response and not may_have(response):
        return ()
    return _parse_markdown(response)


@functools.lru_cache(maxsize=16)
def _parse_markdown(text: str) -> tuple[Token, ...]:
    """Parsed once per text: a sample's constraints (and loose variants) share the tokens,
    which are never modified."""
    return tuple(_markdown().parse(text))


def _top_level_items(tokens: Sequence[Token], ordered: bool) -> list[Token]:
    """``list_item_open`` tokens of lists (of one kind) that are not inside another list."""
    items = []
    depth = 0
    top_ordered = False
    for token in tokens:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            if depth == 0:
                top_ordered = kind == "ordered_list_open"
            depth += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif kind == "list_item_open" and depth == 1 and top_ordered == ordered:
            items.append(token)
    return items


def _line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 0


class _Table:
    __slots__ = ("line", "header", "rows")

    def __init__(self, line: int) -> None:
        self.line = line
        self.header: list[str] = []
        self.rows = 0


def _tables(tokens: Sequence[Token]) -> list[_Table]:
    tables: list[_Table] = []
    section = ""
    for i, token in enumerate(tokens):
        kind = token.type
        if kind == "table_open":
            tables.append(_Table(_line(token)))
        elif kind in ("thead_open", "tbody_open"):
            section = kind
        elif kind == "th_open" and section == "thead_open":
            tables[-1].header.append(tokens[i + 1].content)
        elif kind == "tr_open" and section == "tbody_open":
            tables[-1].rows += 1
    return tables


class MarkdownTableParams(Params):
    columns: int | None = Field(default=None, ge=1, le=1000)
    header: tuple[Annotated[str, Field(max_length=200)], ...] | None = Field(
        default=None, min_length=1
    )
    rows: Bounded | None = None
    tables: Literal["at least one", "exactly one"] = "at least one"

    @model_validator(mode="after")
    def _consistent(self) -> MarkdownTableParams:
        header, columns = self.header, self.columns
        if header is not None and columns is not None and columns != len(header):
            raise ValueError(
                f"'columns' ({self.columns}) differs from the header's {len(self.header)} names"
            )
        return self


@register
class MarkdownTable(ConstraintType[MarkdownTableParams]):
    id = "format:markdown_table"
    summary = "A Markdown (GFM) table, optionally with given columns, header and row count."
    params_model = MarkdownTableParams
    example = {"columns": 3, "rows": {"relation": "at least", "n": 2}}
    phrasings = (
        "Include {article} Markdown table{details}.",
        "Present the data in {article} Markdown table{details}.",
        "Your answer must contain {article} table in Markdown syntax{details}.",
    )

    def template_values(self, params: MarkdownTableParams) -> dict[str, str]:
        parts = []
        if params.header is not None:
            parts.append(f"the columns {_names(params.header)}")
        elif params.columns is not None:
            parts.append(quantity(params.columns, "column"))
        if params.rows is not None:
            parts.append(params.rows.counted("data row"))
        details = f" with {' and '.join(parts)}" if parts else ""
        article = "exactly one" if params.tables == "exactly one" else "a"
        return {"article": article, "details": details}

    def _table_problem(
        self, table: _Table, params: MarkdownTableParams, plain: _PlainText
    ) -> str | None:
        columns = len(table.header)
        if params.columns is not None and columns != params.columns:
            return f"table has {quantity(columns, 'column')}, expected {params.columns}"
        if params.header is not None:
            names = [plain(cell) for cell in table.header]
            if len(names) != len(params.header):
                return f"table has {quantity(columns, 'column')}, expected {len(params.header)}"
            for i, (got, want) in enumerate(zip(names, params.header, strict=True)):
                if got != want.strip():
                    return f"header column {i + 1} is {_snippet(got)}, expected {want!r}"
        if params.rows is not None:
            verdict = params.rows.verdict(table.rows, "data rows")
            if not verdict.ok:
                return verdict.reason
        return None

    def check(self, response: str, params: MarkdownTableParams) -> Verdict:
        tokens = _markdown_tokens(response, _MAY_HAVE_TABLE)
        if isinstance(tokens, Verdict):
            return tokens
        tables = _tables(tokens)
        if not tables:
            return failed("no Markdown table found (a table needs a header row and a |---| row)")
        if params.tables == "exactly one" and len(tables) > 1:
            return failed(f"expected exactly one Markdown table, found {len(tables)}")
        first_problem = None
        plain = _PlainText()
        for table in tables:
            problem = self._table_problem(table, params, plain)
            if problem is None:
                return passed(
                    f"table at line {table.line}: {quantity(len(table.header), 'column')}, "
                    f"{quantity(table.rows, 'data row')}"
                )
            first_problem = first_problem or f"table at line {table.line}: {problem}"
        assert first_problem is not None
        return failed(first_problem)


_LANGUAGE_ALIASES = {
    "py": "python",
    "python3": "python",
    "py3": "python",
    "js": "javascript",
    "node": "javascript",
    "ts": "typescript",
    "sh": "bash",
    "shell": "bash",
    "yml": "yaml",
    "c++": "cpp",
    "cs": "csharp",
    "c#": "csharp",
    "golang": "go",
    "rs": "rust",
    "rb": "ruby",
    "md": "markdown",
    "kt": "kotlin",
}


def _language(info: str) -> str:
    words = info.split()
    lang = words[0].lower().strip("{}.") if words else ""
    return _LANGUAGE_ALIASES.get(lang, lang)


class CodeBlockParams(Bounded):
    relation: Relation = "at least"
    n: StrictInt = Field(default=1, ge=0)
    language: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^\S+$")] | None = None
    only: bool = False


@register
class CodeBlock(ConstraintType[CodeBlockParams]):
    id = "format:code_block"
    summary = "Fenced Markdown code blocks (optionally in a given language), counted."
    params_model = CodeBlockParams
    example = {"language": "python", "relation": "exactly", "n": 1}
    phrasings = (
        "Include {blocks} (```{fence_lang} ... ```){only_note}.",
        "Put your code in {blocks}, opened with ```{fence_lang} and closed with ```{only_note}.",
        "Your response should contain {blocks} delimited by triple backticks{only_note}.",
    )

    def template_values(self, params: CodeBlockParams) -> dict[str, str]:
        lang = f"{params.language} " if params.language else ""
        return {
            "blocks": params.counted(f"fenced {lang}code block"),
            "fence_lang": params.language or "",
            "only_note": ", with no text outside them" if params.only else "",
        }

    def check(self, response: str, params: CodeBlockParams) -> Verdict:
        tokens = _markdown_tokens(response, _may_have_fence)
        if isinstance(tokens, Verdict):
            return tokens
        fences = [token for token in tokens if token.type == "fence"]
        unit = f"```{params.language} code blocks" if params.language else "fenced code blocks"
        matching = fences
        if params.language:
            wanted = _language(params.language)
            matching = [token for token in fences if _language(token.info) == wanted]
        verdict = params.verdict(len(matching), unit)
        if not verdict.ok:
            others = sorted(
                {_language(t.info) or "(none)" for t in fences} - {_language(params.language or "")}
            )
            if others and params.language:
                return failed(f"{verdict.reason} (other blocks: {', '.join(others)})")
            return verdict
        if params.only:
            inside = set()
            for token in fences:
                if token.map:
                    inside.update(range(*token.map))
            for number, line in enumerate(_LINE_BREAK.split(response)):
                if number not in inside and line.strip():
                    return failed(
                        f"text outside the code blocks at line {number + 1}: "
                        f"{_snippet(line.strip())}"
                    )
        return verdict


def _heading_key(text: str) -> str:
    """How headings and titles compare: trimmed, one space between words, no final colon,
    case-folded (``text`` is already reduced to plain text)."""
    return _SPACES.sub(" ", text).strip().rstrip(":").rstrip().casefold()


class HeadingsParams(Params):
    titles: tuple[Text, ...] | None = Field(default=None, min_length=1)
    count: Bounded | None = None
    level: int | None = Field(default=None, ge=1, le=6)
    only: bool = False

    @model_validator(mode="after")
    def _one_mode(self) -> HeadingsParams:
        if (self.titles is None) == (self.count is None):
            raise ValueError("give either 'titles' or 'count'")
        if self.only and self.titles is None:
            raise ValueError("'only' applies to 'titles'")
        return self


@register
class Headings(ConstraintType[HeadingsParams]):
    id = "format:headings"
    summary = "Markdown headings: given titles in order (case-insensitive), or a count."
    params_model = HeadingsParams
    example = {"titles": ["Introduction", "Results"], "level": 2}
    phrasings = (
        "Your response must include {requirement}.",
        "Structure your answer with {requirement}.",
        "Organize the response using {requirement}.",
    )

    def template_values(self, params: HeadingsParams) -> dict[str, str]:
        noun = "Markdown heading"
        example = ""
        if params.level is not None:
            noun = f"level-{params.level} Markdown heading"
            example = f" ({'#' * params.level} Title)"
        if params.titles is not None:
            many = len(params.titles) > 1
            order = ", in this order" if many else ""
            only = ""
            if params.only:
                level = f"level-{params.level} " if params.level is not None else ""
                only = f"{',' if many else ''} and no other {level}headings"
            plural = "s" if many else ""
            requirement = f"the {noun}{plural}{example} {_names(params.titles)}{order}{only}"
        else:
            assert params.count is not None
            requirement = params.count.counted(noun) + example
        return {"requirement": requirement}

    def check(self, response: str, params: HeadingsParams) -> Verdict:
        tokens = _markdown_tokens(response, _MAY_HAVE_HEADING)
        if isinstance(tokens, Verdict):
            return tokens
        headings = [
            (int(token.tag[1]), tokens[i + 1].content, _line(token))
            for i, token in enumerate(tokens)
            if token.type == "heading_open"
        ]
        considered = [h for h in headings if params.level is None or h[0] == params.level]
        unit = f"level-{params.level} headings" if params.level else "headings"
        if params.count is not None:
            return params.count.verdict(len(considered), unit)
        assert params.titles is not None
        plain = _PlainText()
        wanted = [_heading_key(title) for title in params.titles]
        texts = [plain(text) for _, text, _ in considered]
        keys = [_heading_key(text) for text in texts]
        matched: list[int] = []  # indexes into considered, in order
        for i, key in enumerate(keys):
            if len(matched) < len(wanted) and key == wanted[len(matched)]:
                matched.append(i)
        if len(matched) < len(wanted):
            missing = params.titles[len(matched)]
            target = wanted[len(matched)]
            if target in keys:
                before = params.titles[len(matched) - 1]
                return failed(f"heading {missing!r} is out of order: expected after {before!r}")
            if params.level is not None:
                for level, text, line in headings:
                    if level != params.level and _heading_key(plain(text)) == target:
                        return failed(
                            f"heading {missing!r} (line {line}) is level {level}, "
                            f"expected level {params.level}"
                        )
            found = ", ".join(_snippet(text) for text in texts[:6]) or "none"
            more = ", …" if len(texts) > 6 else ""
            return failed(f"missing heading {missing!r} (found {unit}: {found}{more})")
        if params.only and len(considered) > len(wanted):
            extra = next(i for i in range(len(considered)) if i not in matched)
            line = considered[extra][2]
            return failed(f"unexpected heading {_snippet(texts[extra])} at line {line}")
        return passed(f"found {unit} {', '.join(map(repr, params.titles))} in order")


class NumberedListParams(Bounded):
    sequential: bool = False


@register
class NumberedList(ConstraintType[NumberedListParams]):
    id = "format:numbered_list"
    summary = "Items of top-level Markdown numbered lists (1. 2. 3.), counted."
    params_model = NumberedListParams
    example = {"relation": "exactly", "n": 3}
    phrasings = (
        "Answer with a numbered list of {items}{seq_note}.",
        "Present your points as a Markdown numbered list (1., 2., ...) with {items}{seq_note}.",
        "Your response should contain {list_items}{seq_note}.",
    )

    def template_values(self, params: NumberedListParams) -> dict[str, str]:
        note = ", numbered consecutively from 1" if params.sequential else ""
        return {
            "items": params.counted("item"),
            "list_items": params.counted("numbered list item"),
            "seq_note": note,
        }

    def check(self, response: str, params: NumberedListParams) -> Verdict:
        tokens = _markdown_tokens(response, _MAY_HAVE_ORDERED)
        if isinstance(tokens, Verdict):
            return tokens
        items = _top_level_items(tokens, ordered=True)
        verdict = params.verdict(len(items), "numbered list items")
        if verdict.ok and params.sequential:
            for expected, item in enumerate(items, start=1):
                if item.info != str(expected):
                    return failed(
                        f"item at line {_line(item)} is numbered {item.info}, expected {expected}"
                    )
        return verdict


class BulletListParams(Bounded):
    marker: Literal["-", "*", "+"] | None = None


@register
class BulletList(ConstraintType[BulletListParams]):
    id = "format:bullet_list"
    summary = "Items of top-level Markdown bullet lists (-, * or +), counted."
    params_model = BulletListParams
    example = {"relation": "between", "n": 2, "upper": 5}
    phrasings = (
        "Use a bullet list with {items}{marker_note}.",
        "Format your answer as Markdown bullet points: {bound} of them{marker_note}.",
        "Your response should contain {points}{marker_note}.",
    )

    def template_values(self, params: BulletListParams) -> dict[str, str]:
        note = f", each starting with '{params.marker} '" if params.marker else ""
        return {
            "items": params.counted("item"),
            "points": params.counted("bullet point"),
            "bound": params.phrase(),
            "marker_note": note,
        }

    def check(self, response: str, params: BulletListParams) -> Verdict:
        tokens = _markdown_tokens(response, _MAY_HAVE_BULLET)
        if isinstance(tokens, Verdict):
            return tokens
        items = _top_level_items(tokens, ordered=False)
        verdict = params.verdict(len(items), "bullet list items")
        if verdict.ok and params.marker:
            for item in items:
                if item.markup != params.marker:
                    return failed(
                        f"item at line {_line(item)} uses {item.markup!r} bullets, "
                        f"expected {params.marker!r}"
                    )
        return verdict


# --------------------------------------------------------------------------- key: value


class KeyValueParams(Params):
    keys: tuple[Annotated[str, Field(max_length=200, pattern=r"^[^\r\n]*\S[^\r\n]*$")], ...] = (
        Field(min_length=1, max_length=200)
    )
    only: bool = False
    separator: Literal[":", "="] = ":"

    @model_validator(mode="after")
    def _usable_keys(self) -> KeyValueParams:
        _unique([key.strip() for key in self.keys], "key")
        for key in self.keys:
            if self.separator in key:
                raise ValueError(f"key {key!r} contains the separator {self.separator!r}")
        return self


@register
class KeyValue(ConstraintType[KeyValueParams]):
    id = "format:key_value"
    summary = "'key: value' lines: each given key exactly once with a non-empty value."
    params_model = KeyValueParams
    example = {"keys": ["Name", "Age"]}
    phrasings = (
        "Write one line per field in the form 'key{sep} value' for the keys {keys}{only_note}.",
        "Answer with the lines {example}{only_note}, filling in each value.",
        "Give each of {keys} on its own line as 'name{sep} value'{only_note}.",
    )

    def template_values(self, params: KeyValueParams) -> dict[str, str]:
        sep = params.separator
        return {
            "keys": _names(params.keys),
            "sep": sep,
            "example": ", ".join(f"'{key.strip()}{sep} ...'" for key in params.keys),
            "only_note": " and nothing else" if params.only else "",
        }

    def check(self, response: str, params: KeyValueParams) -> Verdict:
        text = response.replace("\r\n", "\n").replace("\r", "\n") if "\r" in response else response
        sep = params.separator
        pattern = _key_line(tuple(key.strip() for key in params.keys), sep)
        seen: dict[str, int] = {}

        def take(match: re.Match[str], number: int) -> Verdict | None:
            key = match.group(1)
            if key in seen:
                return failed(f"key {key!r} appears twice (lines {seen[key]} and {number})")
            seen[key] = number
            if not match.group(2).strip():
                return failed(f"key {key!r} has an empty value (line {number})")
            return None

        if params.only:
            for number, line in enumerate(text.split("\n"), start=1):
                if not line.strip():
                    continue
                match = pattern.fullmatch(line)
                if match is None:
                    key, found, _ = line.partition(sep)
                    if not found:
                        shown = _snippet(line.strip())
                        return failed(f"line {number} is not a 'key{sep} value' line: {shown}")
                    return failed(f"line {number} has unexpected key {_snippet(key.strip())}")
                problem = take(match, number)
                if problem is not None:
                    return problem
        else:
            number, position = 1, 0
            for match in pattern.finditer(text):
                number += text.count("\n", position, match.start())
                position = match.start()
                problem = take(match, number)
                if problem is not None:
                    return problem
        missing = [key.strip() for key in params.keys if key.strip() not in seen]
        if missing:
            s = "s" if len(missing) > 1 else ""
            return failed(f"missing key{s} {', '.join(map(repr, missing))}")
        return passed(f"found {quantity(len(seen), 'key')}")


@functools.lru_cache(maxsize=256)
def _key_line(keys: tuple[str, ...], separator: str) -> re.Pattern[str]:
    """A line ``key<separator> value`` for one of ``keys`` (groups: key, value)."""
    names = "|".join(re.escape(key) for key in sorted(keys, key=len, reverse=True))
    return re.compile(rf"^[^\S\n]*({names})[^\S\n]*{re.escape(separator)}(.*)$", re.M)
