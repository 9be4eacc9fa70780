"""Composition: a task plus 1-5 mutually compatible constraints, and a witness.

A *witness* is a response built by code that satisfies every constraint of its sample: the
proof that the sample is satisfiable. Composition works in four steps, all driven by one
seeded :class:`random.Random`, so the same seed always gives the same sample:

1. draw the constraint types, respecting :data:`RULES` (explicit compatibility rules) and
   the level rule (a structured-format constraint in every sample of level 3 and above);
2. draw the *structural* parameters from the task (JSON keys, list lengths, headings, ...);
3. build the witness from the task's material (a data document or a Markdown/prose text)
   and apply whole-text rules (no commas, quotes, case);
4. derive the *measured* parameters from the finished witness (length bounds, letter and
   keyword counts, words and characters it does not use), then check every constraint on
   the witness; a draw that does not verify is discarded and drawn again.

:func:`corrupt` makes a targeted change to a witness that breaks one given constraint; the
release tests use it to show that each constraint really constrains.
"""

from __future__ import annotations

import itertools
import json
import math
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from vff.constraints import Constraint, make, text
from vff.suite.tasks import Task

# --------------------------------------------------------------------------- the pool

#: Formats where the whole response is one data document.
DATA_FORMATS = (
    "format:json",
    "format:json_keys",
    "format:json_schema",
    "format:yaml",
    "format:toml",
    "format:xml",
    "format:csv",
)
#: Markdown structures that combine inside one text response.
MARKDOWN_FORMATS = (
    "format:headings",
    "format:bullet_list",
    "format:numbered_list",
    "format:markdown_table",
    "format:code_block",
    "format:key_value",
)
STRUCTURED = DATA_FORMATS + MARKDOWN_FORMATS
#: Constraints that fit any response, data or text.
ANYWHERE = (
    "length:words",
    "length:lines",
    "length:characters",
    "lexical:letter_frequency",
    "lexical:exclude_words",
    "lexical:no_char",
    "lexical:keyword_frequency",
    "lexical:include_words",
    "lexical:lowercase",
    "lexical:no_commas",
)
#: Constraints that only make sense for text (prose or Markdown) responses.
TEXT_ONLY = (
    "length:sentences",
    "length:paragraphs",
    "lexical:start_with",
    "lexical:end_with",
    "lexical:quoted",
    "lexical:placeholders",
    "lexical:postscript",
    "lexical:uppercase",
    "lexical:capital_words",
    "lexical:title",
    "lexical:sections",
)
POOL = STRUCTURED + ANYWHERE + TEXT_ONLY

#: Pairs of constraint types that never appear together, with the reason.
RULES: dict[frozenset[str], str] = {}


def _exclude(a: str | Sequence[str], b: str | Sequence[str], why: str) -> None:
    for x in [a] if isinstance(a, str) else a:
        for y in [b] if isinstance(b, str) else b:
            if x != y:
                RULES[frozenset((x, y))] = why


_exclude(DATA_FORMATS, DATA_FORMATS, "a response is one data document")
_exclude(DATA_FORMATS, MARKDOWN_FORMATS, "a data document has no Markdown structure")
_exclude(DATA_FORMATS, TEXT_ONLY, "the constraint applies to prose, not to a data document")
_exclude(
    "lexical:no_commas",
    ("format:json", "format:json_keys", "format:json_schema", "format:toml", "format:csv"),
    "the format separates values with commas",
)
_exclude("lexical:no_commas", "format:markdown_table", "table rows read badly without commas")
_exclude(
    "lexical:lowercase",
    ("lexical:uppercase", "lexical:capital_words", "lexical:title"),
    "contradictory letter case",
)
_exclude("lexical:uppercase", ("lexical:capital_words",), "every word would be in capitals")
_exclude(
    "lexical:uppercase",
    ("format:markdown_table", "format:key_value", "format:code_block"),
    "keys, headers and code keep their own case",
)
_exclude("lexical:quoted", STRUCTURED, "quotes around the whole response break its structure")
_exclude(
    "lexical:quoted",
    (
        "lexical:start_with",
        "lexical:end_with",
        "lexical:sections",
        "lexical:title",
        "lexical:postscript",
        "length:paragraphs",
    ),
    "the response must begin and end with a quotation mark",
)
_exclude("format:headings", "lexical:sections", "two ways of marking sections")
_exclude(
    "length:paragraphs",
    (
        "format:headings",
        "format:bullet_list",
        "format:numbered_list",
        "format:markdown_table",
        "format:code_block",
        "format:key_value",
        "lexical:sections",
        "lexical:title",
    ),
    "blocks of structure blur what counts as a paragraph",
)
_exclude(
    "length:sentences",
    ("format:markdown_table", "format:code_block", "format:key_value"),
    "sentence counts are unclear across tables, code and key lines",
)


def compatible(chosen: Sequence[str], candidate: str) -> bool:
    """Whether ``candidate`` may join the already ``chosen`` constraint types."""
    return candidate not in chosen and all(frozenset((c, candidate)) not in RULES for c in chosen)


# --------------------------------------------------------------------------- word lists

#: Words a witness may be asked to avoid (the composer picks ones it does not contain).
AVOIDABLE_WORDS = (
    "very",
    "really",
    "basically",
    "actually",
    "amazing",
    "awesome",
    "literally",
    "stuff",
    "things",
    "cheap",
    "guarantee",
    "obviously",
    "honestly",
    "perfect",
    "incredible",
    "huge",
    "simply",
    "totally",
    "definitely",
    "crazy",
)
#: Characters a witness may be asked to avoid.
AVOIDABLE_CHARS = ("!", "?", ";", "&", "%", "@", "~", "#", "(", "+")
OPENERS = ("Here is", "Sure", "Of course", "Below is", "Hello", "Thank you", "Good news")
CLOSERS = (
    "Let me know if you have any questions.",
    "Is there anything else I can help with?",
    "Thanks for reading.",
    "That is all for now.",
    "Hope this helps.",
)
PLACEHOLDERS = ("name", "date", "address", "email", "phone", "company", "time", "link")
POSTSCRIPT_MARKERS = ("P.S.", "P.P.S.", "NB:")
SECTION_SPLITTERS = ("SECTION", "PART", "Section", "Part")
CODE_LANGUAGES = ("json", "yaml", "python")


# --------------------------------------------------------------------------- the draft


@dataclass
class Draft:
    """Everything decided while composing one sample."""

    task: Task
    rng: random.Random
    types: list[str]
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    witness: str = ""

    def has(self, type_id: str) -> bool:
        return type_id in self.types


class CompositionError(ValueError):
    """A composition request that cannot be met (e.g. too few compatible constraints)."""


def draw_types(rng: random.Random, level: int, pool: Sequence[str] = POOL) -> list[str]:
    """Draw ``level`` mutually compatible constraint types; levels >= 3 get a structured one."""
    if not 1 <= level <= 5:
        raise CompositionError(f"level must be between 1 and 5, got {level}")
    for _ in range(100):
        chosen: list[str] = []
        if level >= 3:
            chosen.append(rng.choice([t for t in STRUCTURED if t in pool]))
        while len(chosen) < level:
            options = [t for t in pool if compatible(chosen, t)]
            if not options:
                break
            chosen.append(rng.choice(options))
        if len(chosen) == level:
            return chosen
    raise CompositionError(f"could not draw {level} compatible constraint types")


# --------------------------------------------------------------------------- structure


def _subset(rng: random.Random, values: Sequence[Any], low: int, high: int) -> list[Any]:
    """An order-preserving random subset of ``low..high`` values (bounded by availability)."""
    high = min(high, len(values))
    low = min(low, high)
    k = rng.randint(low, high)
    picked = sorted(rng.sample(range(len(values)), k))
    return [values[i] for i in picked]


def _record(task: Task) -> dict[str, Any]:
    return {f.key: f.value for f in task.fields}


def _json_type(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, list):
        return {"type": "array", "items": {"type": "string"}}
    return {"type": "string"}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value)  # a TOML basic string uses the same escapes


def _xml_escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _xml(record_name: str, record: dict[str, Any]) -> str:
    lines = [f"<{record_name}>"]
    for key, value in record.items():
        if isinstance(value, list):
            inner = "".join(f"<item>{_xml_escape(str(v))}</item>" for v in value)
            lines.append(f"  <{key}>{inner}</{key}>")
        else:
            shown = ("true" if value else "false") if isinstance(value, bool) else str(value)
            lines.append(f"  <{key}>{_xml_escape(shown)}</{key}>")
    lines.append(f"</{record_name}>")
    return "\n".join(lines)


def _data_document(d: Draft, fmt: str) -> str:
    """Draw the format's parameters and render the task's record in that format."""
    task, rng = d.task, d.rng
    record = _record(task)
    keys = list(record)
    if fmt == "format:json":
        d.params[fmt] = {"kind": "object"}
        return json.dumps(record, indent=2, ensure_ascii=False)
    if fmt == "format:json_keys":
        d.params[fmt] = {"keys": _subset(rng, keys, 2, 5)}
        return json.dumps(record, indent=2, ensure_ascii=False)
    if fmt == "format:json_schema":
        required = _subset(rng, keys, 2, len(keys))
        schema = {
            "type": "object",
            "properties": {k: _json_type(record[k]) for k in required},
            "required": required,
        }
        d.params[fmt] = {"json_schema": schema}
        return json.dumps(record, indent=2, ensure_ascii=False)
    if fmt == "format:yaml":
        d.params[fmt] = {"kind": "mapping", "required_keys": _subset(rng, keys, 2, 5)}
        return yaml.safe_dump(record, sort_keys=False, allow_unicode=True, width=1000).rstrip("\n")
    if fmt == "format:toml":
        d.params[fmt] = {"required_keys": _subset(rng, keys, 2, 5)}
        return "\n".join(f"{k} = {_toml_value(v)}" for k, v in record.items())
    if fmt == "format:xml":
        d.params[fmt] = {"root": task.record, "children": _subset(rng, keys, 2, 5)}
        return _xml(task.record, record)
    if fmt == "format:csv":
        rows = _subset(rng, task.table.rows, 2, len(task.table.rows))
        d.params[fmt] = {
            "header": list(task.table.columns),
            "rows": {"relation": "exactly", "n": len(rows)},
        }
        return "\n".join([",".join(task.table.columns), *(",".join(r) for r in rows)])
    raise AssertionError(fmt)


def _scalar_text(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return " and ".join(str(v) for v in value)
    return str(value)


def _text_document(d: Draft) -> str:
    """Build a prose/Markdown response from the task's material, drawing structural params."""
    task, rng = d.task, d.rng
    sentences = list(task.sentences)
    rng.shuffle(sentences)
    pool = itertools.cycle(sentences)

    def paragraph(k: int) -> str:
        return " ".join(next(pool) for _ in range(k))

    blocks: list[str] = []  # Markdown blocks; separated by blank lines
    if d.has("lexical:title"):
        blocks.append(f"<<{task.title}>>")

    extras: list[str] = []  # structure blocks, placed among the sections
    if d.has("format:bullet_list"):
        items = _subset(rng, task.items, 2, 6)
        d.params["format:bullet_list"] = {"relation": "exactly", "n": len(items)}
        extras.append("\n".join(f"- {i}" for i in items))
    if d.has("format:numbered_list"):
        items = _subset(rng, task.items, 2, 6)
        d.params["format:numbered_list"] = {"relation": "exactly", "n": len(items)}
        extras.append("\n".join(f"{n}. {i}" for n, i in enumerate(items, start=1)))
    if d.has("format:markdown_table"):
        rows = _subset(rng, task.table.rows, 2, len(task.table.rows))
        d.params["format:markdown_table"] = {
            "header": list(task.table.columns),
            "rows": {"relation": "exactly", "n": len(rows)},
        }
        cols = task.table.columns
        table = [f"| {' | '.join(cols)} |", f"|{'|'.join('---' for _ in cols)}|"]
        table += [f"| {' | '.join(r)} |" for r in rows]
        extras.append("\n".join(table))
    if d.has("format:code_block"):
        language = rng.choice(CODE_LANGUAGES)
        record = _record(task)
        if language == "json":
            code = json.dumps(record, indent=2, ensure_ascii=False)
        elif language == "yaml":
            code = yaml.safe_dump(record, sort_keys=False, allow_unicode=True, width=1000).rstrip(
                "\n"
            )
        else:
            code = f"{task.record} = {record!r}"
        d.params["format:code_block"] = {"relation": "exactly", "n": 1, "language": language}
        extras.append(f"```{language}\n{code}\n```")
    if d.has("format:key_value"):
        fields = _subset(rng, task.fields, 2, 5)
        d.params["format:key_value"] = {"keys": [f.key for f in fields]}
        extras.append("\n".join(f"{f.key}: {_scalar_text(f.value)}" for f in fields))
    if d.has("lexical:placeholders"):
        names = _subset(rng, PLACEHOLDERS, 1, 3)
        d.params["lexical:placeholders"] = {"relation": "at least", "n": len(names)}
        extras.append(
            "Please fill in " + " and ".join(f"[{n}]" for n in names) + " before sending."
        )
    rng.shuffle(extras)

    n_sections = 0
    if d.has("format:headings"):
        titles = _subset(rng, task.sections, 2, len(task.sections))
        level = rng.choice((1, 2, 3))
        d.params["format:headings"] = {"titles": titles, "level": level}
        n_sections = len(titles)
        headers = [f"{'#' * level} {t}" for t in titles]
    elif d.has("lexical:sections"):
        splitter = rng.choice(SECTION_SPLITTERS)
        n_sections = rng.randint(2, 4)
        d.params["lexical:sections"] = {
            "relation": "exactly",
            "n": n_sections,
            "splitter": splitter,
        }
        headers = [f"{splitter} {i}" for i in range(1, n_sections + 1)]

    if n_sections:
        chunks: list[list[str]] = [[] for _ in range(n_sections)]
        for i, extra in enumerate(extras):
            chunks[i % n_sections].append(extra)
        for header, chunk in zip(headers, chunks, strict=True):
            blocks.append(header)
            blocks.append(paragraph(rng.randint(1, 2)))
            blocks.extend(chunk)
    else:
        n_paragraphs = rng.randint(1, 3)
        body = [paragraph(rng.randint(1, 3)) for _ in range(n_paragraphs)]
        blocks.extend(body[:1] + extras + body[1:])

    if d.has("lexical:capital_words"):
        blocks.append(rng.choice(("Please reply ASAP.", "This is URGENT.", "Note the FINAL date.")))
    if d.has("lexical:start_with"):
        opener = rng.choice(OPENERS)
        d.params["lexical:start_with"] = {"phrase": opener}
        blocks.insert(0, f"{opener}, this is about {task.title.lower()}.")
    if d.has("lexical:postscript"):
        marker = rng.choice(POSTSCRIPT_MARKERS)
        d.params["lexical:postscript"] = {"marker": marker}
        blocks.append(f"{marker} {next(pool)}")
    if d.has("lexical:end_with"):
        closer = rng.choice(CLOSERS)
        d.params["lexical:end_with"] = {"phrase": closer}
        blocks[-1] = f"{blocks[-1]} {closer}"
    return "\n\n".join(blocks)


# --------------------------------------------------------------------------- measures


def _round_up(x: int) -> int:
    step = 5 if x < 50 else 10 if x < 200 else 50
    return int(math.ceil((x + 1) / step) * step)


def _round_down(x: int) -> int:
    step = 5 if x < 50 else 10 if x < 200 else 50
    return max(1, int(math.floor((x - 1) / step) * step)) if x > 1 else 1


def _bound(rng: random.Random, count: int, exact_ok: bool) -> dict[str, Any]:
    """A natural bound that ``count`` satisfies."""
    relations = ["at most", "at least", "between"] if count else ["at most"]
    relations += ["exactly"] if exact_ok else []
    relation = rng.choice(relations)
    if relation == "exactly":
        return {"relation": "exactly", "n": count}
    if relation == "at most":
        return {"relation": "at most", "n": _round_up(count)}
    if relation == "at least":
        return {"relation": "at least", "n": min(count, _round_down(count))}
    return {"relation": "between", "n": min(count, _round_down(count)), "upper": _round_up(count)}


def _whole_word(word: str, witness: str) -> int:
    return len(re.findall(rf"(?<!\w){re.escape(word)}(?!\w)", witness, flags=re.IGNORECASE))


def _measure(d: Draft) -> None:
    """Derive the measured parameters from the finished witness."""
    w, rng = d.witness, d.rng
    if d.has("length:words"):
        d.params["length:words"] = _bound(rng, text.count_words(w), exact_ok=False)
    if d.has("length:sentences"):
        n = text.count_sentences(w)
        d.params["length:sentences"] = _bound(rng, n, exact_ok=n <= 8)
    if d.has("length:paragraphs"):
        d.params["length:paragraphs"] = _bound(rng, len(text.paragraphs(w)), exact_ok=True)
    if d.has("length:lines"):
        n = len(text.nonblank_lines(w))
        d.params["length:lines"] = _bound(rng, n, exact_ok=n <= 12)
    if d.has("length:characters"):
        d.params["length:characters"] = _bound(rng, len(w), exact_ok=False)
    if d.has("lexical:letter_frequency"):
        letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
        count = w.lower().count(letter)
        d.params["lexical:letter_frequency"] = {
            "letter": letter,
            **_bound(rng, count, exact_ok=count <= 5),
        }
    if d.has("lexical:keyword_frequency"):
        present = [k for k in d.task.keywords if _whole_word(k, w)]
        keyword = rng.choice(present or list(d.task.keywords))
        count = _whole_word(keyword, w)
        bound = (
            _bound(rng, count, exact_ok=True)
            if count
            else {"relation": "at most", "n": rng.randint(1, 2)}
        )
        d.params["lexical:keyword_frequency"] = {"keyword": keyword, **bound}
    if d.has("lexical:include_words"):
        present = [k for k in d.task.keywords if _whole_word(k, w)]
        if not present:
            raise CompositionError("no task keyword in the witness")
        d.params["lexical:include_words"] = {"words": _subset(rng, present, 1, 3)}
    if d.has("lexical:exclude_words"):
        absent = [x for x in AVOIDABLE_WORDS if not _whole_word(x, w)]
        d.params["lexical:exclude_words"] = {"words": _subset(rng, absent, 1, 3)}
    if d.has("lexical:no_char"):
        absent = [c for c in AVOIDABLE_CHARS if c not in w]
        if not absent:
            raise CompositionError("the witness uses every avoidable character")
        d.params["lexical:no_char"] = {"char": rng.choice(absent)}
    if d.has("lexical:capital_words"):
        caps = len(re.findall(r"(?<!\w)[A-Z][A-Z]+(?!\w)", w))
        d.params["lexical:capital_words"] = _bound(rng, caps, exact_ok=caps <= 3)
    for type_id in (
        "lexical:lowercase",
        "lexical:uppercase",
        "lexical:no_commas",
        "lexical:quoted",
        "lexical:title",
    ):
        if d.has(type_id):
            d.params[type_id] = {}


# --------------------------------------------------------------------------- compose


@dataclass(frozen=True)
class Composition:
    """A composed sample: the task, its constraints (in prompt order), the prompt and witness."""

    task: Task
    constraints: tuple[Constraint, ...]
    prompt: str
    witness: str


def build_witness(d: Draft) -> None:
    """Steps 2-4: structural params, the witness text, whole-text rules, measured params."""
    data = [t for t in d.types if t in DATA_FORMATS]
    d.witness = _data_document(d, data[0]) if data else _text_document(d)
    if d.has("lexical:no_commas"):
        d.witness = d.witness.replace(",", "")
    if d.has("lexical:quoted"):
        d.witness = f'"{d.witness}"'
    if d.has("lexical:lowercase"):
        d.witness = d.witness.lower()
    if d.has("lexical:uppercase"):
        d.witness = d.witness.upper()
    _measure(d)


def compose(task: Task, rng: random.Random, level: int, attempts: int = 50) -> Composition:
    """Compose one verified sample of ``level`` constraints for ``task``."""
    for _ in range(attempts):
        types = draw_types(rng, level)
        d = Draft(task, rng, types)
        try:
            build_witness(d)
        except CompositionError:
            continue
        constraints = tuple(make(t, d.params[t]) for t in types)
        if all(c.check(d.witness).ok for c in constraints):
            descriptions = [c.describe(rng.randrange(len(c.type.phrasings))) for c in constraints]
            prompt = f"{task.instruction}\n\n{' '.join(descriptions)}"
            return Composition(task, constraints, prompt, d.witness)
    raise CompositionError(f"no verified composition of level {level} for task {task.id}")


# --------------------------------------------------------------------------- corruption


def _first_word_occurrence(word: str, s: str) -> re.Match[str] | None:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", s, flags=re.IGNORECASE)


def _grow(units: str, amount: int) -> str:
    """Text that adds ``amount`` of ``units`` to any response."""
    if units == "words":
        return " extra" * amount
    if units == "sentences":  # on a new paragraph, one spare: the text before may lack a full stop
        return "\n\n" + " ".join(["And one more point."] * (amount + 1))
    if units == "paragraphs":
        return "\n\nOne more paragraph." * amount
    if units == "lines":
        return "\nOne more line." * amount
    return "x" * amount


def _length_corruption(
    witness: str, params: dict[str, Any], count: int, units: str, shrink: Callable[[int], str]
) -> str:
    relation, n = params["relation"], params["n"]
    if relation == "at least":
        return shrink(n - 1)
    top = params.get("upper", n)
    return witness + _grow(units, top - count + 1)


_FENCED = re.compile(r"^```[^\n]*\n.*?^```$", re.MULTILINE | re.DOTALL)


def _sub_outside_code(pattern: str, repl: str, w: str, flags: int = 0) -> str:
    """``re.sub(pattern, repl, w, count=1)`` applied to the first match outside fenced code."""
    rx = re.compile(pattern, flags | re.MULTILINE)
    fences = [m.span() for m in _FENCED.finditer(w)]
    for m in rx.finditer(w):
        if not any(a <= m.start() < b for a, b in fences):
            return w[: m.start()] + m.expand(repl) + w[m.end() :]
    return w


def corrupt(constraint: Constraint, witness: str) -> str:
    """A variant of ``witness`` that violates ``constraint`` (and keeps as much else as it can)."""
    tid = constraint.id
    p = constraint.to_dict()["params"]
    w = witness
    if tid == "length:words":
        return _length_corruption(
            w, p, text.count_words(w), "words", lambda k: " ".join(re.findall(r"\w+", w)[:k])
        )
    if tid == "length:sentences":
        sents = text.sentences(w)
        return _length_corruption(w, p, len(sents), "sentences", lambda k: " ".join(sents[:k]))
    if tid == "length:paragraphs":
        paras = text.paragraphs(w)
        return _length_corruption(w, p, len(paras), "paragraphs", lambda k: "\n\n".join(paras[:k]))
    if tid == "length:lines":
        lines = text.nonblank_lines(w)
        return _length_corruption(w, p, len(lines), "lines", lambda k: "\n".join(lines[:k]))
    if tid == "length:characters":
        return _length_corruption(w, p, len(w), "characters", lambda k: w[:k])
    if tid in ("format:json", "format:json_keys", "format:json_schema"):
        return w.rstrip().rstrip("}")
    if tid == "format:yaml":
        return w + "\n- a stray list item: [unclosed"
    if tid == "format:toml":
        return w + "\n= missing key"
    if tid == "format:xml":
        return w.replace(f"</{p['root']}>", "")
    if tid == "format:csv":
        lines = w.split("\n")
        return (
            "\n".join(lines[:2] + [lines[2] + ",surplus cell"] + lines[3:])
            if len(lines) > 2
            else w + ",x"
        )
    if tid == "format:markdown_table":
        return _sub_outside_code(r"^\|(-{3}\|)+$", "", w)
    if tid == "format:code_block":
        return w.replace(f"```{p['language']}\n", "```text\n", 1)
    if tid == "format:headings":
        return _sub_outside_code(r"^#+ ", "", w)
    if tid == "format:bullet_list":
        return _sub_outside_code(r"^(- .*)$", r"\1\n- one more item", w)
    if tid == "format:numbered_list":
        return _sub_outside_code(r"^1\. ", "", w)
    if tid == "format:key_value":
        key = p["keys"][0]
        return _sub_outside_code(rf"^{re.escape(key)}: .*$", "", w)
    if tid == "lexical:include_words":
        word = p["words"][0]
        return re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", "thing", w, flags=re.IGNORECASE)
    if tid == "lexical:exclude_words":
        return f"{w} {p['words'][0]}"
    if tid == "lexical:keyword_frequency":
        keyword, relation, n = p["keyword"], p["relation"], p["n"]
        count = len(re.findall(rf"(?<!\w){re.escape(keyword)}(?!\w)", w, flags=re.IGNORECASE))
        if relation == "at least":
            return re.sub(rf"(?<!\w){re.escape(keyword)}(?!\w)", "thing", w, flags=re.IGNORECASE)
        return w + f" {keyword}" * (p.get("upper", n) - count + 1)
    if tid == "lexical:letter_frequency":
        letter, relation, n = p["letter"], p["relation"], p["n"]
        count = w.lower().count(letter)
        if relation == "at least":
            return re.sub(re.escape(letter), "", w, flags=re.IGNORECASE)
        return w + " " + letter * (p.get("upper", n) - count + 1)
    if tid == "lexical:no_commas":
        return w.replace(" ", ", ", 1)
    if tid == "lexical:no_char":
        return w + p["char"]
    if tid == "lexical:start_with":
        return "Well. " + w
    if tid == "lexical:end_with":
        return w + " Bye now."
    if tid == "lexical:quoted":
        return w[1:]
    if tid == "lexical:placeholders":
        return w.replace("[", "(").replace("]", ")")
    if tid == "lexical:postscript":
        marker = p["marker"]
        return re.sub(re.escape(marker), "Note", w, flags=re.IGNORECASE)
    if tid == "lexical:lowercase":
        return "X" + w
    if tid == "lexical:uppercase":
        return "x" + w
    if tid == "lexical:capital_words":
        relation, n = p["relation"], p["n"]
        if relation == "at least":
            return re.sub(r"(?<!\w)([A-Z][A-Z]+)(?!\w)", lambda m: m.group(1).lower(), w)
        return w + " NOW" * (p.get("upper", n) + 1)
    if tid == "lexical:title":
        return w.replace("<<", "").replace(">>", "")
    if tid == "lexical:sections":
        return _sub_outside_code(rf"^{re.escape(p['splitter'])} 1$", "", w, re.IGNORECASE)
    raise KeyError(f"no corruption for {tid}")
