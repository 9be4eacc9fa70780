"""Tests of the lexical family (``lexical:*``)."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vff.constraints import ConstraintError, Verdict, all_types, get_type, lexical, make
from vff.constraints.text import words

FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: One valid parameter set per lexical type (used by the generic tests).
SAMPLE_PARAMS: dict[str, dict[str, Any]] = {
    "lexical:include_words": {"words": ["price", "unit cost"]},
    "lexical:exclude_words": {"words": ["cheap", "free trial"]},
    "lexical:keyword_frequency": {"keyword": "price", "relation": "at least", "n": 2},
    "lexical:letter_frequency": {"letter": "q", "relation": "at most", "n": 3},
    "lexical:no_commas": {},
    "lexical:no_char": {"char": "!"},
    "lexical:start_with": {"phrase": "My answer is"},
    "lexical:end_with": {"phrase": "Any other questions?"},
    "lexical:quoted": {},
    "lexical:placeholders": {"relation": "at least", "n": 2},
    "lexical:postscript": {"marker": "P.S."},
    "lexical:lowercase": {},
    "lexical:uppercase": {},
    "lexical:capital_words": {"relation": "between", "n": 1, "upper": 3},
    "lexical:title": {},
    "lexical:sections": {"relation": "exactly", "n": 3, "splitter": "SECTION"},
}


def check(type_id: str, params: dict[str, Any], response: str, *, loose: bool = False) -> Verdict:
    return make(type_id, params).check(response, loose=loose)


def test_every_lexical_type_is_covered() -> None:
    ids = {t.id for t in all_types() if t.family == "lexical"}
    assert ids == set(SAMPLE_PARAMS)


@pytest.mark.parametrize("type_id", sorted(SAMPLE_PARAMS))
def test_examples_are_the_sample_params(type_id: str) -> None:
    assert make(type_id, get_type(type_id).example) == make(type_id, SAMPLE_PARAMS[type_id])


@pytest.mark.parametrize("type_id", sorted(SAMPLE_PARAMS))
def test_metadata_and_phrasings(type_id: str) -> None:
    ctype = get_type(type_id)
    assert ctype.summary and "\n" not in ctype.summary
    assert len(ctype.phrasings) >= 3
    constraint = make(type_id, SAMPLE_PARAMS[type_id])
    rendered = {constraint.describe(i) for i in range(len(ctype.phrasings))}
    assert len(rendered) == len(ctype.phrasings)  # distinct wordings
    for sentence in rendered:
        assert sentence[0].isupper() and sentence.endswith(".")
        assert "{" not in sentence and ".." not in sentence
    # The JSON form round-trips.
    assert make(type_id, constraint.to_dict()["params"]) == constraint


def test_phrasing_examples() -> None:
    assert make("lexical:include_words", {"words": ["price", "unit"]}).describe() == (
        'Include the words "price" and "unit" in your response.'
    )
    assert make("lexical:exclude_words", {"words": ["a", "b", "c"]}).describe(2) == (
        'Your response must not contain the words "a", "b" or "c".'
    )
    kw = {"keyword": "cat", "relation": "exactly", "n": 1}
    assert make("lexical:keyword_frequency", kw).describe() == (
        'Use the word "cat" exactly 1 time in your response.'
    )
    ph = {"relation": "between", "n": 1, "upper": 2}
    assert make("lexical:placeholders", ph).describe() == (
        "Include between 1 and 2 placeholders in square brackets, such as [address]."
    )
    assert make("lexical:no_commas").describe() == "Do not use any commas in your response."
    assert make("lexical:postscript").describe() == (
        'At the end of your response, add a postscript starting with "P.S.".'
    )
    sec = {"relation": "exactly", "n": 3}
    assert make("lexical:sections", sec).describe(1) == (
        "Divide your answer into exactly 3 sections, starting each with SECTION 1, SECTION 2 "
        "and so on."
    )


# --- hand-written cases ----------------------------------------------------------------------

B = dict  # readability: B(relation=..., n=...)

CASES: list[tuple[str, dict[str, Any], str, bool, str]] = [
    # include_words
    ("lexical:include_words", {"words": ["price"]}, "The PRICE is right.", True, "found 'price'"),
    (
        "lexical:include_words",
        {"words": ["price", "unit"]},
        "Prices per unit.",
        False,
        "missing word: 'price'",
    ),
    (
        "lexical:include_words",
        {"words": ["price", "unit"]},
        "nothing here",
        False,
        "missing words: 'price', 'unit'",
    ),
    ("lexical:include_words", {"words": ["ice cream"]}, "Ice\n  cream!", True, "found 'ice cream'"),
    (
        "lexical:include_words",
        {"words": ["ice cream"]},
        "icecream",
        False,
        "missing word: 'ice cream'",
    ),
    (
        "lexical:include_words",
        {"words": ["C++", "e-mail"]},
        "I use c++ and E-mail.",
        True,
        "found all 2 words",
    ),
    ("lexical:include_words", {"words": ["straße"]}, "STRASSE", True, "found 'straße'"),
    ("lexical:include_words", {"words": ["don"]}, "I don't", True, "found 'don'"),
    # exclude_words
    ("lexical:exclude_words", {"words": ["bad"]}, "Good, badly, badge.", True, "'bad' not found"),
    (
        "lexical:exclude_words",
        {"words": ["bad", "ugly"]},
        "Good.",
        True,
        "none of the 2 words found",
    ),
    (
        "lexical:exclude_words",
        {"words": ["bad", "ugly"]},
        "Bad.\nBAD and ugly",
        False,
        "found forbidden words: 'bad' (2 times, first on line 1), 'ugly' (1 time, first on line 2)",
    ),
    (
        "lexical:exclude_words",
        {"words": ["free trial"]},
        "A free\ntrial.",
        False,
        "found forbidden word: 'free trial' (1 time, first on line 1)",
    ),
    # keyword_frequency
    (
        "lexical:keyword_frequency",
        B(keyword="cat", relation="at least", n=2),
        "Cat cat cats",
        True,
        "found 2 occurrences of 'cat'",
    ),
    (
        "lexical:keyword_frequency",
        B(keyword="cat", relation="at least", n=3),
        "Cat cat cats",
        False,
        "expected at least 3 occurrences of 'cat', found 2",
    ),
    (
        "lexical:keyword_frequency",
        B(keyword="cat", relation="at most", n=1),
        "cat",
        True,
        "found 1 occurrence of 'cat'",
    ),
    (
        "lexical:keyword_frequency",
        B(keyword="cat", relation="at most", n=1),
        "cat, CAT",
        False,
        "expected at most 1 occurrence of 'cat', found 2",
    ),
    (
        "lexical:keyword_frequency",
        B(keyword="cat", relation="exactly", n=2),
        "cat cat",
        True,
        "found 2 occurrences of 'cat'",
    ),
    (
        "lexical:keyword_frequency",
        B(keyword="cat", relation="exactly", n=2),
        "cat cat cat",
        False,
        "expected exactly 2 occurrences of 'cat', found 3",
    ),
    (
        "lexical:keyword_frequency",
        B(keyword="cat", relation="between", n=1, upper=2),
        "a cat",
        True,
        "found 1 occurrence of 'cat'",
    ),
    (
        "lexical:keyword_frequency",
        B(keyword="cat", relation="between", n=1, upper=2),
        "a dog",
        False,
        "expected between 1 and 2 occurrences of 'cat', found 0",
    ),
    # letter_frequency
    (
        "lexical:letter_frequency",
        B(letter="a", relation="at least", n=3),
        "A banana",
        True,
        "found 4 occurrences of the letter 'a'",
    ),
    (
        "lexical:letter_frequency",
        B(letter="A", relation="at most", n=2),
        "A banana",
        False,
        "expected at most 2 occurrences of the letter 'A', found 4",
    ),
    (
        "lexical:letter_frequency",
        B(letter="z", relation="exactly", n=0),
        "A banana",
        True,
        "found 0 occurrences of the letter 'z'",
    ),
    (
        "lexical:letter_frequency",
        B(letter="n", relation="between", n=3, upper=5),
        "A banana",
        False,
        "expected between 3 and 5 occurrences of the letter 'n', found 2",
    ),
    (
        "lexical:letter_frequency",
        B(letter="é", relation="exactly", n=2),
        "Été",
        True,
        "found 2 occurrences of the letter 'é'",
    ),
    # no_commas
    ("lexical:no_commas", {}, "No commas here. None at all!", True, "no commas"),
    (
        "lexical:no_commas",
        {},
        "one\ntwo, three, four,",
        False,
        "found 3 commas (first ',' on line 2, column 4)",
    ),
    (
        "lexical:no_commas",
        {},
        "你好，世界",
        False,
        "found 1 comma (first '，' on line 1, column 3)",
    ),
    (
        "lexical:no_commas",
        {},
        "りんご、みかん",
        False,
        "found 1 comma (first '、' on line 1, column 4)",
    ),
    ("lexical:no_commas", {"ascii_only": True}, "你好，世界", True, "no commas"),
    # no_char
    ("lexical:no_char", {"char": "!"}, "Calm down.", True, "no '!'"),
    (
        "lexical:no_char",
        {"char": "!"},
        "Hi!\nYes!!",
        False,
        "found '!' 3 times (first on line 1, column 3)",
    ),
    ("lexical:no_char", {"char": "a"}, "AAA", True, "no 'a'"),
    # start_with
    (
        "lexical:start_with",
        {"phrase": "My answer is"},
        "\n  my answer   is yes.",
        True,
        "starts with 'My answer is'",
    ),
    (
        "lexical:start_with",
        {"phrase": "My answer is", "case_sensitive": True},
        "my answer is",
        False,
        "expected the response to start with 'My answer is', but it starts with 'my answer is'",
    ),
    (
        "lexical:start_with",
        {"phrase": "Yes"},
        "Yesterday, yes.",
        False,
        "expected the response to start with 'Yes', but it starts with 'Yesterday, ye' "
        "(the phrase first appears on line 1)",
    ),
    (
        "lexical:start_with",
        {"phrase": "Dear Sir"},
        "Sure!\nDear Sir, hello.",
        False,
        "expected the response to start with 'Dear Sir', but it starts with "
        "'Sure!\\nDear Sir, he' (the phrase first appears on line 2)",
    ),
    ("lexical:start_with", {"phrase": "Q:"}, "Q: why", True, "starts with 'Q:'"),
    # end_with
    (
        "lexical:end_with",
        {"phrase": "Any other questions?"},
        "Done.\nany other questions?  \n",
        True,
        "ends with 'Any other questions?'",
    ),
    (
        "lexical:end_with",
        {"phrase": "Any other questions?"},
        "Any other questions? Bye.",
        False,
        "expected the response to end with 'Any other questions?', but it ends with "
        "'Any other questions? Bye.' (the phrase last appears on line 1)",
    ),
    (
        "lexical:end_with",
        {"phrase": "thanks"},
        "Many thanks\nmanythanks",
        False,
        "expected the response to end with 'thanks', but it ends with "
        "'hanks\\nmanythanks' (the phrase last appears on line 1)",
    ),
    (
        "lexical:end_with",
        {"phrase": "The End", "case_sensitive": True},
        "... the end",
        False,
        "expected the response to end with 'The End', but it ends with '... the end'",
    ),
    ("lexical:end_with", {"phrase": "the end"}, "That is THE\nEND", True, "ends with 'the end'"),
    (
        "lexical:end_with",
        {"phrase": "x" * 50},
        "y" * 100,
        False,
        f"expected the response to end with {'x' * 40!r}…, but it ends with …{'y' * 40!r}",
    ),
    # quoted
    ("lexical:quoted", {}, '  "Hello, world."\n', True, "wrapped in double quotes"),
    ("lexical:quoted", {}, "\u201cHello\u201d", True, "wrapped in double quotes"),
    (
        "lexical:quoted",
        {},
        'Sure: "Hello"',
        False,
        "does not start with a double quote (starts with 'Sure: \"Hello\"')",
    ),
    (
        "lexical:quoted",
        {},
        '"Hello" he said',
        False,
        "does not end with a double quote (ends with '\"Hello\" he said')",
    ),
    ("lexical:quoted", {}, '"', False, "the response is a lone double quote"),
    ("lexical:quoted", {}, '"  "', False, "nothing inside the quotes"),
    # placeholders
    (
        "lexical:placeholders",
        B(relation="at least", n=2),
        "Dear [name], at [address].",
        True,
        "found 2 placeholders like [name]",
    ),
    (
        "lexical:placeholders",
        B(relation="at least", n=2),
        "No placeholders.",
        False,
        "expected at least 2 placeholders like [name], found 0",
    ),
    (
        "lexical:placeholders",
        B(relation="at least", n=1),
        "[link](http://x) [ ] [] [a\nb]",
        False,
        "expected at least 1 placeholder like [name], found 0",
    ),
    (
        "lexical:placeholders",
        B(relation="at most", n=1),
        "[a] [b]",
        False,
        "expected at most 1 placeholder like [name], found 2",
    ),
    (
        "lexical:placeholders",
        B(relation="exactly", n=1),
        "[ your name ]",
        True,
        "found 1 placeholder like [name]",
    ),
    (
        "lexical:placeholders",
        B(relation="between", n=1, upper=2),
        "[[a]]",
        True,
        "found 1 placeholder like [name]",
    ),
    # postscript
    ("lexical:postscript", {}, "Hello.\n\nP.S. See you soon.", True, "postscript on line 3"),
    ("lexical:postscript", {}, "Hello.\n  p.s. lower case is fine", True, "postscript on line 2"),
    (
        "lexical:postscript",
        {},
        "Hello. P.S. inline does not count",
        False,
        "no line starts with 'P.S.'",
    ),
    (
        "lexical:postscript",
        {},
        "P.S. only a postscript",
        False,
        "'P.S.' starts the response; a postscript must follow the main text",
    ),
    ("lexical:postscript", {}, "Hello.\nP.S.\n\n", False, "the postscript after 'P.S.' is empty"),
    (
        "lexical:postscript",
        {"marker": "P.P.S"},
        "Hi.\nP.S. one\nP.P.S two",
        True,
        "postscript on line 3",
    ),
    (
        "lexical:postscript",
        {"marker": "PS"},
        "Hi.\nPSA: not a postscript",
        False,
        "no line starts with 'PS'",
    ),
    # title
    ("lexical:title", {}, "<<Poem of Joy>>\nRoses are red.", True, "title 'Poem of Joy'"),
    (
        "lexical:title",
        {},
        "Poem of Joy\nRoses are red.",
        False,
        "no title in double angular brackets like <<title>>",
    ),
    ("lexical:title", {}, "<< >> and <<a\nb>>", False, "found only an empty title <<>>"),
    ("lexical:title", {}, "<Poem>", False, "no title in double angular brackets like <<title>>"),
    # lowercase / uppercase
    (
        "lexical:lowercase",
        {},
        "all lowercase, 123 ünïcödé straße.",
        True,
        "all letters are lowercase",
    ),
    (
        "lexical:lowercase",
        {},
        "hello there\nmy Friend",
        False,
        "found uppercase letter 'F' in 'Friend' (line 2, column 4)",
    ),
    ("lexical:lowercase", {}, "123 456!", False, "the response has no cased letters"),
    ("lexical:uppercase", {}, "ALL CAPS, ÉTÉ 2024!", True, "all letters are uppercase"),
    (
        "lexical:uppercase",
        {},
        "ALL CAPS EXCEPT oNE",
        False,
        "found lowercase letter 'o' in 'oNE' (line 1, column 17)",
    ),
    (
        "lexical:uppercase",
        {},
        "STRAßE",
        False,
        "found lowercase letter 'ß' in 'STRAßE' (line 1, column 5)",
    ),
    ("lexical:uppercase", {}, "東京 123", False, "the response has no cased letters"),
    # capital_words
    (
        "lexical:capital_words",
        B(relation="at least", n=2),
        "NASA and the USA.",
        True,
        "found 2 words in all capital letters",
    ),
    (
        "lexical:capital_words",
        B(relation="at least", n=2),
        "A I NaN 2024 Nasa",
        False,
        "expected at least 2 words in all capital letters, found 0",
    ),
    (
        "lexical:capital_words",
        B(relation="at most", n=1),
        "CO2 and ÉTÉ and FOO_BAR",
        False,
        "expected at most 1 word in all capital letters, found 3 (e.g. 'CO2', 'ÉTÉ', 'FOO_BAR')",
    ),
    (
        "lexical:capital_words",
        B(relation="exactly", n=1),
        "I SAID no",
        True,
        "found 1 word in all capital letters",
    ),
    (
        "lexical:capital_words",
        B(relation="between", n=2, upper=3),
        "BIG",
        False,
        "expected between 2 and 3 words in all capital letters, found 1 (e.g. 'BIG')",
    ),
    # sections
    (
        "lexical:sections",
        B(relation="exactly", n=2),
        "Intro\nSECTION 1\nA\n## Section 2: B",
        True,
        "found 2 sections",
    ),
    (
        "lexical:sections",
        B(relation="exactly", n=2),
        "SECTION 1\nA\nSECTION 3\nB",
        False,
        "expected SECTION 2, found SECTION 3 (line 3); sections must be numbered 1, 2, 3... "
        "in order",
    ),
    (
        "lexical:sections",
        B(relation="exactly", n=2),
        "SECTION 1\n\nSECTION 2\nB",
        False,
        "SECTION 1 is empty",
    ),
    (
        "lexical:sections",
        B(relation="exactly", n=2),
        "SECTION 1 A\nSECTION 2  \n",
        False,
        "SECTION 2 is empty",
    ),
    (
        "lexical:sections",
        B(relation="at least", n=3),
        "SECTION 1 A\nSECTION 2 B",
        False,
        "expected at least 3 sections, found 2",
    ),
    (
        "lexical:sections",
        B(relation="at least", n=1),
        "SECTION 1 A\nSECTION 2 B\nSECTION 3 C",
        True,
        "found 3 sections",
    ),
    (
        "lexical:sections",
        B(relation="at least", n=1),
        "SECTION 1 A\nSECTION 2 B\nSECTION 2 C",
        False,
        "expected SECTION 3, found SECTION 2 (line 3); sections must be numbered 1, 2, 3... "
        "in order",
    ),
    (
        "lexical:sections",
        B(relation="at most", n=1),
        "SECTION 1 A\nSECTION 2 B\nSECTION 3 C",
        False,
        "expected at most 1 section, found more than 1",
    ),
    (
        "lexical:sections",
        B(relation="between", n=1, upper=2, splitter="Part"),
        "PART 1: A\nintro to PART 2 is not a marker",
        True,
        "found 1 section",
    ),
]


@pytest.mark.parametrize(("type_id", "params", "response", "ok", "reason"), CASES)
def test_cases(type_id: str, params: dict[str, Any], response: str, ok: bool, reason: str) -> None:
    verdict = check(type_id, params, response)
    assert (verdict.ok, verdict.reason) == (ok, reason)


def test_every_type_has_pass_and_fail_cases() -> None:
    for type_id in SAMPLE_PARAMS:
        outcomes = {ok for tid, _, _, ok, _ in CASES if tid == type_id}
        assert outcomes == {True, False}, type_id


def test_bounded_types_cover_all_relations() -> None:
    for type_id in (
        "lexical:keyword_frequency",
        "lexical:letter_frequency",
        "lexical:placeholders",
        "lexical:capital_words",
        "lexical:sections",
    ):
        relations = {p["relation"] for tid, p, _, _, _ in CASES if tid == type_id}
        assert relations == {"at least", "at most", "exactly", "between"}, type_id


def test_empty_response_fails_every_type() -> None:
    for type_id, params in SAMPLE_PARAMS.items():
        assert check(type_id, params, " \n\t") == Verdict(False, "empty response")


def test_exclude_words_count_is_capped() -> None:
    verdict = check("lexical:exclude_words", {"words": ["a"]}, "a " * 30_000)
    assert verdict.reason == "found forbidden word: 'a' (10000+ times, first on line 1)"


def test_keyword_frequency_counts_past_the_cap_when_the_bound_needs_it() -> None:
    text = "cat " * 12_000
    assert (
        check(
            "lexical:keyword_frequency", B(keyword="cat", relation="at least", n=11_000), text
        ).reason
        == "found 12000 occurrences of 'cat'"
    )
    assert (
        check("lexical:keyword_frequency", B(keyword="cat", relation="at most", n=5), text).reason
        == "expected at most 5 occurrences of 'cat', found 10000+"
    )


# --- parameter validation --------------------------------------------------------------------

INVALID: list[tuple[str, dict[str, Any], str]] = [
    ("lexical:include_words", {}, "'words'"),
    ("lexical:include_words", {"words": []}, "'words'"),
    ("lexical:include_words", {"words": "price"}, "'words'"),
    ("lexical:include_words", {"words": ["ok", "  "]}, "'words.1'"),
    ("lexical:include_words", {"words": ["x" * 201]}, "'words.0'"),
    ("lexical:include_words", {"words": [f"w{i}" for i in range(51)]}, "'words'"),
    ("lexical:exclude_words", {"words": [""]}, "'words.0'"),
    ("lexical:exclude_words", {"words": ["a"], "case": True}, "'case'"),
    ("lexical:keyword_frequency", {"relation": "at least", "n": 1}, "'keyword'"),
    ("lexical:keyword_frequency", {"keyword": "", "relation": "at least", "n": 1}, "'keyword'"),
    ("lexical:keyword_frequency", {"keyword": "a", "relation": "between", "n": 1}, "'upper'"),
    ("lexical:keyword_frequency", {"keyword": "a", "relation": "at least", "n": -1}, "'n'"),
    ("lexical:letter_frequency", {"letter": "ab", "relation": "at least", "n": 1}, "'letter'"),
    ("lexical:letter_frequency", {"letter": "1", "relation": "at least", "n": 1}, "'letter'"),
    ("lexical:letter_frequency", {"letter": "", "relation": "at least", "n": 1}, "'letter'"),
    ("lexical:letter_frequency", {"letter": "a", "relation": "roughly", "n": 1}, "'relation'"),
    ("lexical:no_commas", {"ascii_only": "sometimes"}, "'ascii_only'"),
    ("lexical:no_char", {}, "'char'"),
    ("lexical:no_char", {"char": "ab"}, "'char'"),
    ("lexical:start_with", {"phrase": " \n "}, "'phrase'"),
    ("lexical:start_with", {"phrase": 5}, "'phrase'"),
    ("lexical:end_with", {}, "'phrase'"),
    ("lexical:quoted", {"char": '"'}, "'char'"),
    ("lexical:placeholders", {"relation": "at least"}, "'n'"),
    ("lexical:placeholders", {"relation": "at most", "n": 1, "upper": 2}, "'upper'"),
    ("lexical:postscript", {"marker": ""}, "'marker'"),
    ("lexical:lowercase", {"strict": True}, "'strict'"),
    ("lexical:uppercase", {"n": 1}, "'n'"),
    ("lexical:capital_words", {"relation": "between", "n": 3, "upper": 2}, "'upper'"),
    ("lexical:title", {"text": "x"}, "'text'"),
    ("lexical:sections", {"relation": "exactly", "n": 2, "splitter": " "}, "'splitter'"),
]


@pytest.mark.parametrize(("type_id", "params", "field"), INVALID)
def test_invalid_params(type_id: str, params: dict[str, Any], field: str) -> None:
    with pytest.raises(ConstraintError) as info:
        make(type_id, params)
    assert type_id in str(info.value)
    assert field in str(info.value)


def test_params_are_normalized() -> None:
    c = make("lexical:include_words", {"words": ["  ice \n cream ", "Price", "price"]})
    assert c.to_dict()["params"] == {"words": ["ice cream", "Price"]}
    assert make("lexical:postscript").to_dict()["params"] == {"marker": "P.S."}


# --- loose mode ------------------------------------------------------------------------------

LOOSE: list[tuple[str, dict[str, Any], str]] = [
    ("lexical:no_commas", {}, "Sure, here it is:\nno commas in this answer"),
    ("lexical:exclude_words", {"words": ["love"]}, "A poem without love:\nroses are red"),
    ("lexical:no_char", {"char": "*"}, "**bold** text"),
    ("lexical:lowercase", {}, "Sure! Here it is:\nall in lowercase"),
    ("lexical:uppercase", {}, "HERE IT IS\nIn lowercase I explain nothing"),
    ("lexical:start_with", {"phrase": "My answer is"}, "Sure.\nMy answer is yes."),
    ("lexical:start_with", {"phrase": "Dear"}, "**Dear** reader"),
    (
        "lexical:end_with",
        {"phrase": "Is there anything else?"},
        "Done. Is there anything else?\nHope this helps!",
    ),
    ("lexical:quoted", {}, 'Here you go:\n"The quoted answer."'),
    ("lexical:postscript", {}, "Hello.\n**P.S.** See you."),
    ("lexical:placeholders", B(relation="at most", n=1), "Template with [a] and [b]:\nfill [x]"),
    ("lexical:capital_words", B(relation="at most", n=0), "**NOTE**\nnothing shouted here"),
    (
        "lexical:keyword_frequency",
        B(keyword="cat", relation="exactly", n=1),
        "Here is a sentence about a cat:\nthe cat sleeps.",
    ),
    ("lexical:include_words", {"words": ["boldface"]}, "This is **bold**face type."),
    ("lexical:letter_frequency", B(letter="z", relation="exactly", n=1), "Zzz.\nzero"),
    ("lexical:sections", B(relation="exactly", n=1), "SECTION 1 intro\nSECTION 2 extra"),
]


@pytest.mark.parametrize(("type_id", "params", "response"), LOOSE)
def test_loose_passes_where_strict_fails(
    type_id: str, params: dict[str, Any], response: str
) -> None:
    constraint = make(type_id, params)
    strict = constraint.check(response)
    loose = constraint.check(response, loose=True)
    assert not strict.ok, strict
    assert loose.ok, loose


def test_loose_reports_the_strict_failure_when_nothing_passes() -> None:
    verdict = check("lexical:no_commas", {}, "a, b\nc, d\ne, f", loose=True)
    assert verdict == Verdict(False, "found 3 commas (first ',' on line 1, column 2)")


# --- hostile input ---------------------------------------------------------------------------

MEGABYTE = 1_000_000
HOSTILE_INPUTS = {
    "prose": ("The Price, of [name] is <<high>>. P.S. SECTION 1 NASA cat Cat. \n" * 20_000),
    "one-letter words": "a " * (MEGABYTE // 2),
    "word-glued letters": "xa " * (MEGABYTE // 3),
    "brackets": "[" * MEGABYTE,
    "angles": "<<a" * (MEGABYTE // 3),
    "markers per line": "P.S.\nSECTION 1\n" * (MEGABYTE // 15),
    "caps": "AB " * (MEGABYTE // 3),
    "spaces then text": " " * MEGABYTE + "a",
    "controls and surrogates": "\x00\ud800\udfff,\u0130\u00df\n" * (MEGABYTE // 7),
}
HOSTILE_PARAMS = dict(
    SAMPLE_PARAMS,
    **{
        "lexical:include_words": {"words": ["a", "price", "ice cream", "zzz"]},
        "lexical:exclude_words": {"words": ["a", "the", "p.s."]},
        "lexical:keyword_frequency": {"keyword": "a", "relation": "at most", "n": 3},
        "lexical:start_with": {"phrase": "a b"},
        "lexical:end_with": {"phrase": "a b"},
    },
)


@pytest.mark.parametrize("type_id", sorted(SAMPLE_PARAMS))
def test_one_megabyte_inputs_return_quickly(type_id: str) -> None:
    constraint = make(type_id, HOSTILE_PARAMS[type_id])
    constraint.check("warm up caches")
    lexical._capital_word_pattern()  # built once per process (~50 ms)
    for name, response in HOSTILE_INPUTS.items():
        assert len(response) >= MEGABYTE - 20
        start = time.perf_counter()
        verdict = constraint.check(response)
        elapsed = time.perf_counter() - start
        assert isinstance(verdict, Verdict) and verdict.reason
        assert "\n" not in verdict.reason
        # ~100 ms is the target (see the module docstring); a generous bound keeps CI stable
        # while still catching anything quadratic.
        assert elapsed < 1.0, (name, elapsed)


def test_reasons_quote_untrusted_text_safely() -> None:
    verdict = check("lexical:start_with", {"phrase": "Hi"}, "\x00\ud800\nX" + "y" * 100)
    assert verdict.reason == (
        "expected the response to start with 'Hi', but it starts with '\\x00\\ud800\\nXyyyyyyyy'"
    )
    verdict = check("lexical:lowercase", {}, "x" * 100 + "Y" + "z" * 100)
    assert verdict.reason.startswith("found uppercase letter 'Y' in 'xxxxxxxxxx")
    assert len(verdict.reason) < 120


def test_phrase_parameters_are_not_regular_expressions() -> None:
    assert not check("lexical:include_words", {"words": ["a.c"]}, "abc").ok
    assert check("lexical:include_words", {"words": ["(a+)+$"]}, "x (a+)+$ y").ok
    assert check("lexical:exclude_words", {"words": ["[a-z]+"]}, "abc").ok
    assert check("lexical:end_with", {"phrase": "$"}, "costs 5 $").ok
    assert check("lexical:start_with", {"phrase": "\\d"}, "\\d first").ok


# --- properties ------------------------------------------------------------------------------

#: Text that may hold anything, including NUL, lone surrogates and the syntax checks look for.
SPECIAL = [
    "\x00",
    "\ud800",
    "\udfff",
    ",",
    "，",
    "、",
    "[",
    "]",
    "[x]",
    "<<",
    ">>",
    "<<t>>",
    '"',
    "\u201c",
    "\n",
    "\n\n",
    " ",
    "P.S.",
    "SECTION 1",
    "#",
    "*",
    "İ",
    "ß",
    "Σ",
    "É",
    "ǅ",
    "𝐀",
    "東",
    "_",
    "9",
    "price",
    "PRICE",
    "cat",
]
ANY_TEXT = st.lists(
    st.one_of(st.text(st.characters(exclude_categories=()), max_size=8), st.sampled_from(SPECIAL)),
    max_size=40,
).map("".join)
WORD = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=1, max_size=8)
FILLER = st.lists(WORD, max_size=20)


@FAST
@given(ANY_TEXT)
def test_random_text_never_raises(response: str) -> None:
    for type_id, params in SAMPLE_PARAMS.items():
        constraint = make(type_id, params)
        for loose in (False, True):
            verdict = constraint.check(response, loose=loose)
            assert isinstance(verdict.ok, bool) and "\n" not in verdict.reason
        # The type's own check, without the empty-response guard.
        assert isinstance(constraint.type.check(response, constraint.params), Verdict)


@FAST
@given(st.lists(WORD, min_size=1, max_size=3, unique=True), FILLER, st.randoms())
def test_include_and_exclude_words(required: list[str], filler: list[str], rnd: Any) -> None:
    filler = [w for w in filler if w not in required]
    body = filler + [w.upper() if rnd.random() < 0.5 else w for w in required]
    rnd.shuffle(body)
    response = " ".join(body) + "."
    assert check("lexical:include_words", {"words": required}, response).ok
    assert not check("lexical:exclude_words", {"words": required}, response).ok
    # Removing one required word (all its occurrences) is caught by both checks.
    gone = required[0]
    mutated = " ".join(w for w in body if w.lower() != gone) + "."
    if mutated.strip(" ."):
        verdict = check("lexical:include_words", {"words": required}, mutated)
        assert not verdict.ok and repr(gone) in verdict.reason
        if len(required) == 1:
            assert check("lexical:exclude_words", {"words": required}, mutated).ok


@FAST
@given(WORD, FILLER, st.integers(0, 6), st.sampled_from(" ,.;!\n"))
def test_keyword_frequency_counts_exactly(
    keyword: str, filler: list[str], k: int, sep: str
) -> None:
    filler = [w for w in filler if w != keyword]
    response = sep.join(filler + [keyword.capitalize()] * k) + " end"
    params = {"keyword": keyword, "relation": "exactly", "n": k}
    assert check("lexical:keyword_frequency", params, response).ok
    # One more occurrence, or the keyword glued into a longer word, changes the count.
    more = check("lexical:keyword_frequency", params, response + " " + keyword)
    unit = "occurrence" if k == 1 else "occurrences"
    assert more == Verdict(False, f"expected exactly {k} {unit} of {keyword!r}, found {k + 1}")
    glued = check("lexical:keyword_frequency", params, response + " x" + keyword)
    assert glued.ok


@FAST
@given(
    st.text(st.characters(exclude_characters="eE"), max_size=30), st.integers(0, 5), st.randoms()
)
def test_letter_frequency_counts_both_cases(base: str, k: int, rnd: Any) -> None:
    chars = list(base)
    for _ in range(k):
        chars.insert(rnd.randint(0, len(chars)), rnd.choice("eE"))
    response = "".join(chars) + "."
    params = {"letter": "e", "relation": "exactly", "n": k}
    assert check("lexical:letter_frequency", params, response).ok
    assert not check("lexical:letter_frequency", params, response + "e").ok


@FAST
@given(ANY_TEXT, st.integers(0, 200))
def test_no_commas_and_no_char(response: str, where: int) -> None:
    clean = "x" + "".join(c for c in response if c not in lexical.COMMAS and c != "!")
    assert check("lexical:no_commas", {}, clean).ok
    assert check("lexical:no_char", {"char": "!"}, clean).ok
    pos = where % (len(clean) + 1)
    for comma in lexical.COMMAS:
        mutated = clean[:pos] + comma + clean[pos:]
        verdict = check("lexical:no_commas", {}, mutated)
        assert not verdict.ok and verdict.reason.startswith("found 1 comma (first")
    assert not check("lexical:no_char", {"char": "!"}, clean[:pos] + "!" + clean[pos:]).ok


PHRASE = st.lists(WORD, min_size=1, max_size=3).map(" ".join)


@FAST
@given(PHRASE, ANY_TEXT, st.sampled_from(["", " ", "\n", "  \n\t"]))
def test_start_and_end_with(phrase: str, rest: str, space: str) -> None:
    assert check("lexical:start_with", {"phrase": phrase}, space + phrase.upper() + " " + rest).ok
    assert check("lexical:end_with", {"phrase": phrase}, rest + " " + phrase.title() + space).ok
    # Glued to a word, or followed/preceded by more text, fails (the extra word is a digit:
    # a phrase of letters such as "x" cannot be it).
    assert not check("lexical:start_with", {"phrase": phrase}, phrase + "x " + rest).ok
    assert not check("lexical:start_with", {"phrase": phrase}, "9 " + phrase + " " + rest).ok
    assert not check("lexical:end_with", {"phrase": phrase}, rest + " x" + phrase).ok
    assert not check("lexical:end_with", {"phrase": phrase}, rest + " " + phrase + " 9").ok
    # the case Hypothesis found: "x x" does start with "x", so the extra word must differ
    assert check("lexical:start_with", {"phrase": "x"}, "x x").ok


@FAST
@given(ANY_TEXT)
def test_quoted(body: str) -> None:
    inner = "word " + body
    assert check("lexical:quoted", {}, f' "{inner}" ').ok
    assert not check("lexical:quoted", {}, f'"{inner}" x').ok
    assert not check("lexical:quoted", {}, f'x "{inner}"').ok


@FAST
@given(st.lists(WORD, max_size=6), FILLER)
def test_placeholders_count(names: list[str], filler: list[str]) -> None:
    response = " ".join(filler + [f"[{n}]" for n in names]) + " end"
    exact = {"relation": "exactly", "n": len(names)}
    assert check("lexical:placeholders", exact, response).ok
    # A Markdown link or a blank bracket pair is not a placeholder; another one is.
    assert check("lexical:placeholders", exact, response + " [link](u) [ ]").ok
    assert not check("lexical:placeholders", exact, response + " [extra]").ok


@FAST
@given(FILLER, WORD)
def test_postscript_and_title(filler: list[str], note: str) -> None:
    body = "Main text " + " ".join(filler)
    assert check("lexical:postscript", {}, f"{body}\n\nP.S. {note}").ok
    assert not check("lexical:postscript", {}, f"{body} P.S. {note}").ok
    assert check("lexical:title", {}, f"<<{note}>>\n{body}").ok
    assert not check("lexical:title", {}, f"<{note}>\n{body}").ok


@FAST
@given(ANY_TEXT)
def test_letter_case(response: str) -> None:
    lower, upper = "a " + response.lower(), "A " + response.upper()
    # str.lower/upper are not idempotent for a few characters (e.g. 'İ'.lower() has a
    # combining dot above); apply twice.
    lower, upper = lower.lower(), upper.upper()
    assert check("lexical:lowercase", {}, lower).ok
    assert check("lexical:uppercase", {}, upper).ok
    assert not check("lexical:lowercase", {}, lower + " Z").ok
    assert not check("lexical:uppercase", {}, upper + " z").ok


@FAST
@given(ANY_TEXT)
def test_capital_words_match_the_reference_definition(response: str) -> None:
    expected = [w for w in words(response) if lexical.is_capital_word(w)]
    assert list(lexical._capital_words(response)) == expected
    ascii_only = response.encode("ascii", "ignore").decode()
    expected = [w for w in words(ascii_only) if lexical.is_capital_word(w)]
    assert list(lexical._capital_words(ascii_only)) == expected


@FAST
@given(st.lists(st.tuples(WORD, st.booleans()), max_size=12))
def test_capital_words_count(items: list[tuple[str, bool]]) -> None:
    body = [w.upper() if caps and len(w) >= 2 else w for w, caps in items]
    k = sum(1 for w in body if w.isupper())
    response = " ".join(["start"] + body)
    params = {"relation": "exactly", "n": k}
    assert check("lexical:capital_words", params, response).ok
    assert not check("lexical:capital_words", params, response + " OK").ok


@FAST
@given(
    st.lists(FILLER.map(" ".join).filter(str.strip), min_size=0, max_size=5),
    st.sampled_from(["SECTION", "Section", "## SECTION", "Part"]),
)
def test_sections(bodies: list[str], marker: str) -> None:
    splitter = "Part" if marker == "Part" else "SECTION"
    response = "Intro\n" + "\n".join(f"{marker} {i}\n{b}" for i, b in enumerate(bodies, 1))
    params = {"relation": "exactly", "n": len(bodies), "splitter": splitter}
    assert check("lexical:sections", params, response).ok
    if bodies:
        swapped = response.replace(f"{marker} 1\n", f"{marker} 7\n", 1)
        assert not check("lexical:sections", params, swapped).ok


def test_regexes_are_cached_per_parameter() -> None:
    assert lexical._matcher("price") is lexical._matcher("price")
    assert isinstance(lexical._matcher("a+b").pattern, re.Pattern)
