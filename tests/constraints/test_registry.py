"""Properties every registered constraint type must have, whatever its family."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vff.constraints import (
    MAX_RESPONSE_CHARS,
    ConstraintError,
    all_types,
    from_spec,
    get_type,
    hostile,
    make,
)

TYPES = all_types()
IDS = [t.id for t in TYPES]


def test_at_least_forty_types_in_several_families() -> None:
    assert len(TYPES) >= 40
    families = {t.family for t in TYPES}
    assert {"format", "length", "lexical", "keywords", "detectable_format", "language"} <= families


@pytest.mark.parametrize("type_id", IDS)
def test_example_phrasings_and_spec_round_trip(type_id: str) -> None:
    ctype = get_type(type_id)
    assert ctype.summary and "\n" not in ctype.summary
    constraint = make(type_id, ctype.example)
    texts = [constraint.describe(i) for i in range(len(ctype.phrasings))]
    assert len(texts) >= 3
    assert all(t.strip() and not re.search(r"\{[a-z_]+\}", t) for t in texts), (
        "unfilled placeholder"
    )
    assert len(set(texts)) == len(texts), "phrasings must differ"
    again = from_spec(json.loads(json.dumps(constraint.to_dict())))
    assert again == constraint


@pytest.mark.parametrize("type_id", IDS)
def test_unknown_parameter_is_rejected(type_id: str) -> None:
    with pytest.raises(ConstraintError, match="unknown parameter"):
        make(type_id, {**get_type(type_id).example, "no_such_parameter": 1})


@pytest.mark.parametrize("name", sorted(hostile.INPUTS))
def test_hostile_responses_get_a_verdict(name: str) -> None:
    text = hostile.INPUTS[name]
    for ctype in TYPES:
        constraint = make(ctype.id, ctype.example)
        verdict = constraint.check(text)
        assert isinstance(verdict.ok, bool) and isinstance(verdict.reason, str), ctype.id


def test_oversized_response_fails_with_a_clear_reason() -> None:
    constraint = make("length:characters", {"relation": "at least", "n": 1})
    verdict = constraint.check("x" * (MAX_RESPONSE_CHARS + 1))
    assert not verdict.ok
    assert (
        verdict.reason
        == f"response too long to check: {MAX_RESPONSE_CHARS + 1:,} characters (limit {MAX_RESPONSE_CHARS:,})"
    )


def test_empty_response_follows_nothing() -> None:
    for ctype in TYPES:
        for loose in (False, True):
            verdict = make(ctype.id, ctype.example).check("  \n ", loose=loose)
            assert verdict.ok is False and verdict.reason == "empty response", ctype.id


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=400))
def test_random_text_never_raises(text: str) -> None:
    for ctype in TYPES:
        constraint = make(ctype.id, ctype.example)
        strict, loose = constraint.check(text), constraint.check(text, loose=True)
        assert isinstance(strict.ok, bool) and isinstance(loose.ok, bool)
        assert constraint.check_both(text) == (strict, loose), ctype.id


def test_verdicts_are_identical_across_processes() -> None:
    """Same response, same verdict, in a fresh interpreter with another hash seed."""
    texts = [
        "Hello there. This is plain English text, written for a test of determinism!",
        "Bonjour à tous, ceci est un texte en français pour vérifier la détection.",
        '```json\n{"name": "x", "price": 3}\n```',
        "HELLO WORLD THIS IS SHOUTING",
        "P.S. a postscript\n* one\n* two",
    ]
    script = (
        "import json,sys\n"
        "from vff.constraints import all_types, make\n"
        "texts=json.loads(sys.stdin.read())\n"
        "print(json.dumps([[make(t.id,t.example).check(x).ok for t in all_types()] for x in texts]))\n"
    )
    runs = []
    for seed in ("1", "12345"):
        proc = subprocess.run(
            [sys.executable, "-c", script],
            input=json.dumps(texts),
            capture_output=True,
            text=True,
            env={"PYTHONHASHSEED": seed, "PATH": ""},
            check=True,
        )
        runs.append(json.loads(proc.stdout))
    here = [[make(t.id, t.example).check(x).ok for t in TYPES] for x in texts]
    assert runs[0] == runs[1] == here
