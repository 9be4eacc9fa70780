"""Tests of the length family (``length:*``)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vff.constraints import ConstraintError, Verdict, all_types, get_type, make

FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])

LENGTH_TYPES = [
    "length:words",
    "length:sentences",
    "length:paragraphs",
    "length:lines",
    "length:characters",
]


def bound(relation: str, n: int, upper: int | None = None) -> dict[str, Any]:
    params: dict[str, Any] = {"relation": relation, "n": n}
    if upper is not None:
        params["upper"] = upper
    return params


def check(type_id: str, params: dict[str, Any], response: str, *, loose: bool = False) -> Verdict:
    return make(type_id, params).check(response, loose=loose)


def test_every_length_type_is_covered() -> None:
    assert sorted(t.id for t in all_types() if t.family == "length") == sorted(LENGTH_TYPES)


@pytest.mark.parametrize("type_id", LENGTH_TYPES)
def test_metadata_and_phrasings(type_id: str) -> None:
    ctype = get_type(type_id)
    assert ctype.summary and "\n" not in ctype.summary
    assert len(ctype.phrasings) >= 3
    constraint = make(type_id, bound("between", 2, 5))
    rendered = [constraint.describe(i) for i in range(len(ctype.phrasings))]
    assert len(set(rendered)) == len(rendered)
    for sentence in rendered:
        assert "between 2 and 5" in sentence and "{" not in sentence
    assert make(type_id, constraint.to_dict()["params"]) == constraint


def test_phrasing_example() -> None:
    assert make("length:words", bound("at most", 50)).describe() == (
        "Your response should contain at most 50 words."
    )
    lines = make("length:lines", bound("exactly", 3))
    assert lines.describe(1) == "Write exactly 3 lines, not counting empty lines."


# --- hand-written cases: every type x every relation, passing and failing -------------------

FOUR_WORDS = "one two, three-four"  # words are runs of \w: one / two / three / four
THREE_SENTENCES = "Hello there. How are you? Fine!"
THREE_PARAGRAPHS = "First block\nstill first.\n\nSecond.\n \t\nThird."
THREE_LINES = "line one\n\n   \nline two\nline three\n"
TEN_CHARS = "ab cd\nef g"

CASES: list[tuple[str, dict[str, Any], str, bool, str]] = [
    # words
    ("length:words", bound("at least", 4), FOUR_WORDS, True, "found 4 words"),
    ("length:words", bound("at least", 5), FOUR_WORDS, False, "expected at least 5 words, found 4"),
    ("length:words", bound("at most", 4), FOUR_WORDS, True, "found 4 words"),
    ("length:words", bound("at most", 3), FOUR_WORDS, False, "expected at most 3 words, found 4"),
    ("length:words", bound("exactly", 4), FOUR_WORDS, True, "found 4 words"),
    ("length:words", bound("exactly", 3), FOUR_WORDS, False, "expected exactly 3 words, found 4"),
    ("length:words", bound("between", 2, 4), FOUR_WORDS, True, "found 4 words"),
    (
        "length:words",
        bound("between", 5, 9),
        FOUR_WORDS,
        False,
        "expected between 5 and 9 words, found 4",
    ),
    ("length:words", bound("exactly", 4), "don't stop_now 42", True, "found 4 words"),
    ("length:words", bound("exactly", 2), "día über", True, "found 2 words"),
    # sentences (Punkt; counting stops once the bound is exceeded)
    ("length:sentences", bound("at least", 3), THREE_SENTENCES, True, "found 3 sentences"),
    (
        "length:sentences",
        bound("at least", 4),
        THREE_SENTENCES,
        False,
        "expected at least 4 sentences, found 3",
    ),
    ("length:sentences", bound("at most", 3), THREE_SENTENCES, True, "found 3 sentences"),
    (
        "length:sentences",
        bound("at most", 2),
        THREE_SENTENCES,
        False,
        "expected at most 2 sentences, found more than 2",
    ),
    ("length:sentences", bound("exactly", 3), THREE_SENTENCES, True, "found 3 sentences"),
    (
        "length:sentences",
        bound("exactly", 2),
        THREE_SENTENCES,
        False,
        "expected exactly 2 sentences, found more than 2",
    ),
    (
        "length:sentences",
        bound("exactly", 4),
        THREE_SENTENCES,
        False,
        "expected exactly 4 sentences, found 3",
    ),
    ("length:sentences", bound("between", 1, 3), THREE_SENTENCES, True, "found 3 sentences"),
    (
        "length:sentences",
        bound("between", 1, 2),
        THREE_SENTENCES,
        False,
        "expected between 1 and 2 sentences, found more than 2",
    ),
    (
        "length:sentences",
        bound("exactly", 2),
        "Mr. Smith went to Washington. He arrived at 5 p.m. yesterday.",
        True,
        "found 2 sentences",
    ),
    ("length:sentences", bound("exactly", 1), "no final period", True, "found 1 sentence"),
    # paragraphs
    ("length:paragraphs", bound("at least", 3), THREE_PARAGRAPHS, True, "found 3 paragraphs"),
    (
        "length:paragraphs",
        bound("at least", 4),
        THREE_PARAGRAPHS,
        False,
        "expected at least 4 paragraphs, found 3",
    ),
    ("length:paragraphs", bound("at most", 3), THREE_PARAGRAPHS, True, "found 3 paragraphs"),
    (
        "length:paragraphs",
        bound("at most", 2),
        THREE_PARAGRAPHS,
        False,
        "expected at most 2 paragraphs, found 3",
    ),
    (
        "length:paragraphs",
        bound("exactly", 3),
        "\n\n" + THREE_PARAGRAPHS + "\n\n\n",
        True,
        "found 3 paragraphs",
    ),
    (
        "length:paragraphs",
        bound("exactly", 2),
        THREE_PARAGRAPHS,
        False,
        "expected exactly 2 paragraphs, found 3",
    ),
    ("length:paragraphs", bound("between", 3, 3), THREE_PARAGRAPHS, True, "found 3 paragraphs"),
    (
        "length:paragraphs",
        bound("between", 1, 2),
        THREE_PARAGRAPHS,
        False,
        "expected between 1 and 2 paragraphs, found 3",
    ),
    # lines (blank and whitespace-only lines do not count)
    ("length:lines", bound("at least", 3), THREE_LINES, True, "found 3 lines"),
    (
        "length:lines",
        bound("at least", 4),
        THREE_LINES,
        False,
        "expected at least 4 lines, found 3",
    ),
    ("length:lines", bound("at most", 3), THREE_LINES, True, "found 3 lines"),
    ("length:lines", bound("at most", 2), THREE_LINES, False, "expected at most 2 lines, found 3"),
    ("length:lines", bound("exactly", 3), THREE_LINES, True, "found 3 lines"),
    ("length:lines", bound("exactly", 1), THREE_LINES, False, "expected exactly 1 line, found 3"),
    ("length:lines", bound("between", 2, 4), THREE_LINES, True, "found 3 lines"),
    (
        "length:lines",
        bound("between", 4, 8),
        THREE_LINES,
        False,
        "expected between 4 and 8 lines, found 3",
    ),
    ("length:lines", bound("exactly", 2), "a\r\nb\r\n", True, "found 2 lines"),
    # characters (everything counts, whitespace included)
    ("length:characters", bound("at least", 10), TEN_CHARS, True, "found 10 characters"),
    (
        "length:characters",
        bound("at least", 11),
        TEN_CHARS,
        False,
        "expected at least 11 characters, found 10",
    ),
    ("length:characters", bound("at most", 10), TEN_CHARS, True, "found 10 characters"),
    (
        "length:characters",
        bound("at most", 9),
        TEN_CHARS,
        False,
        "expected at most 9 characters, found 10",
    ),
    ("length:characters", bound("exactly", 10), TEN_CHARS, True, "found 10 characters"),
    (
        "length:characters",
        bound("exactly", 11),
        TEN_CHARS,
        False,
        "expected exactly 11 characters, found 10",
    ),
    ("length:characters", bound("between", 10, 20), TEN_CHARS, True, "found 10 characters"),
    (
        "length:characters",
        bound("between", 0, 5),
        TEN_CHARS,
        False,
        "expected between 0 and 5 characters, found 10",
    ),
    ("length:characters", bound("exactly", 3), "é東😀", True, "found 3 characters"),
]


@pytest.mark.parametrize(("type_id", "params", "response", "ok", "reason"), CASES)
def test_cases(type_id: str, params: dict[str, Any], response: str, ok: bool, reason: str) -> None:
    verdict = check(type_id, params, response)
    assert (verdict.ok, verdict.reason) == (ok, reason)


def test_every_type_and_relation_passes_and_fails() -> None:
    for type_id in LENGTH_TYPES:
        for relation in ("at least", "at most", "exactly", "between"):
            outcomes = {
                ok for tid, p, _, ok, _ in CASES if tid == type_id and p["relation"] == relation
            }
            assert outcomes == {True, False}, (type_id, relation)


@pytest.mark.parametrize("type_id", LENGTH_TYPES)
def test_empty_and_oversized_responses(type_id: str) -> None:
    constraint = make(type_id, bound("at least", 0))
    assert constraint.check("") == Verdict(False, "empty response")
    assert constraint.check(" \n\t ") == Verdict(False, "empty response")
    assert constraint.check("x" * 2_000_001) == Verdict(
        False, "response too long to check: 2,000,001 characters (limit 2,000,000)"
    )


# --- parameter validation --------------------------------------------------------------------

INVALID: list[tuple[dict[str, Any] | None, str]] = [
    (None, "'relation'"),
    ({"n": 3}, "'relation'"),
    ({"relation": "at most"}, "'n'"),
    ({"relation": "about", "n": 3}, "'relation'"),
    ({"relation": "at most", "n": -1}, "'n'"),
    ({"relation": "at most", "n": 2.5}, "'n'"),
    ({"relation": "at most", "n": "many"}, "'n'"),
    ({"relation": "between", "n": 3}, "'upper'"),
    ({"relation": "between", "n": 3, "upper": 2}, "'upper'"),
    ({"relation": "between", "n": 3, "upper": -1}, "'upper'"),
    ({"relation": "at least", "n": 3, "upper": 5}, "'upper'"),
    ({"relation": "at most", "n": 3, "unit": "words"}, "'unit'"),
]


@pytest.mark.parametrize("type_id", LENGTH_TYPES)
@pytest.mark.parametrize(("params", "field"), INVALID)
def test_invalid_params(type_id: str, params: dict[str, Any] | None, field: str) -> None:
    with pytest.raises(ConstraintError) as info:
        make(type_id, params)
    assert type_id in str(info.value)
    assert field in str(info.value)


def test_between_error_messages() -> None:
    with pytest.raises(ConstraintError, match="relation 'between' needs 'upper'"):
        make("length:words", bound("between", 3))
    with pytest.raises(ConstraintError, match=r"'upper' \(2\) is smaller than 'n' \(3\)"):
        make("length:words", bound("between", 3, 2))


def test_params_of_the_wrong_type() -> None:
    with pytest.raises(ConstraintError, match="params must be an object"):
        make("length:words", 3)  # type: ignore[arg-type]


def test_params_must_be_a_mapping() -> None:
    with pytest.raises(ConstraintError, match="params must be an object, found list"):
        make("length:words", ["at most", 3])  # type: ignore[arg-type]


# --- loose mode ------------------------------------------------------------------------------

LOOSE: list[tuple[str, dict[str, Any], str]] = [
    ("length:words", bound("at most", 3), "Sure, here it is:\none two three"),
    ("length:words", bound("exactly", 2), "two words\nI hope this helps!"),
    ("length:sentences", bound("exactly", 1), "Here you go.\nThis is one sentence."),
    ("length:paragraphs", bound("exactly", 1), "Sure:\n\nThe only paragraph."),
    ("length:lines", bound("at most", 2), "Sure! Here are two lines:\nline one\nline two"),
    ("length:characters", bound("at most", 9), "**abcdefgh**"),
    ("length:characters", bound("at most", 5), "Answer:\nshort"),
]


@pytest.mark.parametrize(("type_id", "params", "response"), LOOSE)
def test_loose_passes_where_strict_fails(
    type_id: str, params: dict[str, Any], response: str
) -> None:
    constraint = make(type_id, params)
    assert not constraint.check(response).ok
    assert constraint.check(response, loose=True).ok


def test_loose_keeps_the_strict_reason_when_nothing_passes() -> None:
    verdict = check("length:words", bound("at most", 1), "a b\nc d\ne f", loose=True)
    assert verdict == Verdict(False, "expected at most 1 word, found 6")


# --- properties ------------------------------------------------------------------------------

WORD = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzé0123456789_"), min_size=1, max_size=8)
SEPARATOR = st.text(st.sampled_from(" \t\n,.;:!?-'\"()*#"), min_size=1, max_size=3)
ANY_TEXT = st.lists(
    st.one_of(
        st.text(st.characters(exclude_categories=()), max_size=10),
        st.sampled_from(["\x00", "\ud800", "\n\n", ". ", "Mr. ", "?!", "\r\n", " ", "\u2028"]),
    ),
    max_size=30,
).map("".join)


@FAST
@given(st.lists(st.tuples(WORD, SEPARATOR), min_size=1, max_size=30))
def test_words_counts_runs_of_word_characters(items: list[tuple[str, str]]) -> None:
    response = "".join(w + sep for w, sep in items)
    k = len(items)
    assert check("length:words", bound("exactly", k), response).ok
    assert check("length:words", bound("between", max(0, k - 1), k + 1), response).ok
    assert check("length:words", bound("exactly", k), response + " more") == Verdict(
        False, f"expected exactly {k} {'word' if k == 1 else 'words'}, found {k + 1}"
    )


SENTENCE = st.tuples(WORD.filter(str.isalpha), st.lists(WORD, max_size=5), st.sampled_from(".!?"))


@FAST
@given(st.lists(SENTENCE, min_size=1, max_size=8), st.sampled_from([" ", "\n", "  "]))
def test_sentences_count_simple_sentences(
    parts: list[tuple[str, list[str], str]], space: str
) -> None:
    # Each sentence ends with a fixed word so Punkt cannot take it for an abbreviation.
    sentences = [" ".join([first.capitalize(), *rest, "today"]) + end for first, rest, end in parts]
    response = space.join(sentences)
    k = len(sentences)
    assert check("length:sentences", bound("exactly", k), response).ok
    assert check("length:sentences", bound("at least", k), response).ok
    assert not check("length:sentences", bound("exactly", k), response + " It ended today.").ok
    assert not check("length:sentences", bound("at least", k + 1), response).ok


@FAST
@given(
    st.lists(st.lists(WORD, min_size=1, max_size=4).map(" ".join), min_size=1, max_size=8),
    st.sampled_from(["\n\n", "\n\n\n", "\n \t\n", "\n\n  \n"]),
)
def test_paragraphs_are_separated_by_blank_lines(blocks: list[str], gap: str) -> None:
    response = gap.join(blocks)
    k = len(blocks)
    assert check("length:paragraphs", bound("exactly", k), response).ok
    # A single newline does not start a paragraph; a blank line does.
    assert check("length:paragraphs", bound("exactly", k), response + "\nsame paragraph").ok
    assert not check("length:paragraphs", bound("exactly", k), response + "\n\nnew one").ok


@FAST
@given(
    st.lists(st.lists(WORD, min_size=1, max_size=4).map(" ".join), min_size=1, max_size=10),
    st.lists(st.sampled_from(["", " ", "\t "]), min_size=0, max_size=10),
)
def test_lines_ignore_blank_lines(lines: list[str], blanks: list[str]) -> None:
    blanks = (blanks + [""] * len(lines))[: len(lines)]
    mixed = [x for pair in zip(lines, blanks, strict=True) for x in pair]
    response = "\n".join(mixed)
    k = len(lines)
    assert check("length:lines", bound("exactly", k), response).ok
    assert not check("length:lines", bound("at most", k), response + "\nextra").ok


@FAST
@given(ANY_TEXT.filter(str.strip))
def test_characters_is_the_string_length(response: str) -> None:
    n = len(response)
    assert check("length:characters", bound("exactly", n), response).ok
    assert check("length:characters", bound("at most", n), response).ok
    assert not check("length:characters", bound("at most", n), response + "x").ok


@FAST
@given(ANY_TEXT, st.sampled_from(["at least", "at most", "exactly", "between"]), st.integers(0, 5))
def test_random_text_never_raises(response: str, relation: str, n: int) -> None:
    params = bound(relation, n, n + 2 if relation == "between" else None)
    for type_id in LENGTH_TYPES:
        constraint = make(type_id, params)
        for loose in (False, True):
            verdict = constraint.check(response, loose=loose)
            assert isinstance(verdict.ok, bool) and "\n" not in verdict.reason
        assert isinstance(constraint.type.check(response, constraint.params), Verdict)


# --- hostile input ---------------------------------------------------------------------------

MEGABYTE = 1_000_000
PROSE = "The quick brown fox jumps over the lazy dog. Is it? Yes!\n\n" * (MEGABYTE // 56)
HOSTILE_INPUTS = {
    "prose": PROSE,
    "one-letter words": "a " * (MEGABYTE // 2),
    "newlines": "\n" * MEGABYTE,
    "blank-ish lines": "\n \t" * (MEGABYTE // 3),
    "one long line": "x" * MEGABYTE,
    "controls and surrogates": "\x00\ud800 \u2028\r\n" * (MEGABYTE // 6),
}


@pytest.mark.parametrize(
    "type_id", ["length:words", "length:paragraphs", "length:lines", "length:characters"]
)
@pytest.mark.parametrize("relation", ["at most", "at least"])
def test_one_megabyte_inputs_return(type_id: str, relation: str) -> None:
    constraint = make(type_id, bound(relation, 3))
    for name, response in HOSTILE_INPUTS.items():
        start = time.perf_counter()
        verdict = constraint.check(response)
        elapsed = time.perf_counter() - start
        assert isinstance(verdict, Verdict) and verdict.reason
        assert elapsed < 1.0, (name, elapsed)  # target ~100 ms; generous for CI


def test_one_megabyte_sentences_return() -> None:
    # Punkt is slow (about 1-2 s per MB of prose when it has to read everything), but the
    # count stops once the bound is exceeded, so these return quickly.
    for relation in ("at most", "exactly", "between"):
        upper = 4 if relation == "between" else None
        constraint = make("length:sentences", bound(relation, 3, upper))
        start = time.perf_counter()
        verdict = constraint.check(PROSE)
        assert not verdict.ok and "found more than" in verdict.reason
        assert time.perf_counter() - start < 1.0
    verdict = make("length:sentences", bound("at least", 3)).check(PROSE)
    assert verdict == Verdict(True, "found more than 3 sentences")


def test_sentences_on_pathological_text_returns_a_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    import nltk.redos

    constraint = make("length:sentences", bound("at most", 3))
    constraint.check("Warm up the tokenizer.")
    # The same failure as on 1 MB with the default 5 s limit, without waiting 5 s.
    monkeypatch.setattr(nltk.redos, "DEFAULT_TIMEOUT", 0.2)
    verdict = constraint.check("Mr. " * 100_000)
    assert verdict == Verdict(
        False,
        "too long to count sentences: 400,000 characters with many possible sentence ends, "
        "and the first 10,000 characters do not decide",
    )
