"""vff's fast sentence splitting and capital-word counting equal NLTK's own computation.

IFEval counts sentences with NLTK's Punkt tokenizer and all-capital words with NLTK's
``word_tokenize``. vff computes both faster (:func:`vff.constraints.text.punkt_spans`, the
Treebank steps and the capital-word counter of :mod:`vff.constraints.ifeval`); NLTK's own
objects stay the reference here. Equality is shown on generated texts built from the pieces
that steer the two algorithms (the model's abbreviations, sentence starters, collocations
and orthographic evidence; numbers, initials, ellipses, quotes, brackets, contractions,
every kind of blank and case) and on every GPT-4 and text-bison response of IFEval with
its loose variants.
"""

from __future__ import annotations

import json
import random
import re
import threading
from functools import cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from vff.constraints import ifeval, text
from vff.constraints.base import loose_variants

DATA = Path(__file__).parents[1] / "data" / "ifeval"
MANY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------------------------
# The references: NLTK itself.


@cache
def nltk_words():
    from nltk.tokenize import NLTKWordTokenizer

    return NLTKWordTokenizer()


def nltk_spans(value: str) -> list[tuple[int, int]]:
    return list(text.sentence_tokenizer().span_tokenize(value))


def nltk_capital_words(value: str) -> int:
    """IFEval's count: ``nltk.word_tokenize`` tokens with ``str.isupper()``."""
    sentences = text.sentence_tokenizer().tokenize(value)
    return sum(token.isupper() for s in sentences for token in nltk_words().tokenize(s))


# --------------------------------------------------------------------------------------
# Texts that exercise Punkt and the Treebank rules.


def _model(name: str) -> list[str]:
    with open(text.PUNKT_DIR / name, encoding="utf-8") as fh:
        return [line.rstrip("\n") for line in fh if line.strip()]


ABBREVIATIONS = _model("abbrev_types.txt")
STARTERS = _model("sent_starters.txt")
COLLOCATIONS = [line.split("\t") for line in _model("collocations.tab")]
ORTHO_WORDS = [
    line.split("\t")[0] for line in random.Random(0).sample(_model("ortho_context.tab"), 400)
]

NUMBERS = ["1", "2.", "3.5", "-4", "1,000", "12.", "0.5.", ".5", "##number##", "1st", "iv"]
MARKS = [".", "?", "!", "...", "..", ". . .", "?!", "!.", ".)", ".'", '."', ".\u201d", ".\u2019"]
PUNCTUATION = list(",;:-–—--()[]{}<>\"'`*@&#$%") + ["``", "''", "\u201c", "\u2018", "«", "»"]
CONTRACTIONS = ["n't", "N'T", "'s", "'S", "'m", "'d", "'ll", "'LL", "'re", "'RE", "'ve", "'VE"]
CONTRACTION_WORDS = [
    "cannot", "d'ye", "gimme", "gonna", "gotta", "lemme", "more'n", "wanna", "'tis", "'twas",
    "CANnot", "Gimme", "GONNA", "gOtTa", "LEMme", "WANna", "'TIS", "'Twas", "gİmme", "gımme",
    "'tiſ", "don't", "DON'T", "DOn't", "isN'T", "can't",
]  # fmt: skip
ODD_LETTERS = ["É", "ǅ", "ß", "İ", "ı", "ſ", "\U0001d400", "\U0001d41a", "Ⅻ", "Ⓐ", "ﬁ", "K", "ÀB"]
BLANKS = [" ", " ", " ", "  ", "\n", "\n\n", "\t", "\r\n", "\xa0", "\u2028", "\x85", "\x0b",
          "\x0c", "\x1c", "\u3000", ""]  # fmt: skip


def _cased(words: list[str]) -> st.SearchStrategy[str]:
    return st.tuples(st.sampled_from(words), st.sampled_from([str, str.title, str.upper])).map(
        lambda pair: pair[1](pair[0])
    )


WORD = st.one_of(
    _cased(ABBREVIATIONS).map(lambda w: w + "."),
    _cased(ABBREVIATIONS),
    _cased(STARTERS),
    _cased(ORTHO_WORDS),
    _cased([word for pair in COLLOCATIONS for word in pair]),
    st.sampled_from(NUMBERS),
    st.sampled_from([chr(c) for c in range(65, 91)] + ["a", "i", "x"]).map(lambda c: c + "."),
    st.sampled_from(["I", "A", "AI", "USA", "U.S.", "NASA's", "OK", "THE", "Mr", "e.g", "Ph.D"]),
    st.sampled_from(MARKS + PUNCTUATION + CONTRACTIONS + CONTRACTION_WORDS + ODD_LETTERS),
    st.text(alphabet="abcXYZ.'\"-", min_size=1, max_size=6),
)

#: Texts of words and blanks (blanks may be empty, so words also run together).
TEXTS = st.lists(st.tuples(WORD, st.sampled_from(BLANKS)), max_size=40).map(
    lambda pairs: "".join(w + b for w, b in pairs)
)
#: Collocations and number + collocation pairs, which Punkt decides specially.
COLLOCATED = st.lists(
    st.tuples(st.sampled_from(COLLOCATIONS), st.sampled_from([str, str.title, str.upper])).map(
        lambda pair: pair[1](pair[0][0].replace("##number##", "12") + ". " + pair[0][1])
    ),
    min_size=1,
    max_size=6,
).map(" ".join)
ANY_TEXT = st.text(max_size=80)


# --------------------------------------------------------------------------------------
# Punkt


@MANY
@given(TEXTS | COLLOCATED | ANY_TEXT)
@example("Very bad acting!!! I promise.")
@example(" Hi. (Sent1.) Sent2. \"Quoted.\" -- 'Next.' Mr. J. Smith. 5. International")
@example("e.g. the U.S. vs. U.K. and 3.5. Next... and. . . more.\x1c")
@example("A.\u201dB. \u2018C.\u2019 D.\u00bb E.)--F. G.]\n\nH.'")
def test_punkt_spans_equal_nltk(value: str) -> None:
    assert list(text.punkt_spans(value)) == nltk_spans(value)
    assert text.sentences(value) == text.sentence_tokenizer().tokenize(value)


def test_punkt_spans_of_long_and_empty_texts() -> None:
    for value in ("", "   ", ".", "?!", "a" * 5000 + ". B", "Mr. " * 300, "x. " * 300):
        text.clear_memos()
        assert list(text.punkt_spans(value)) == nltk_spans(value)


# --------------------------------------------------------------------------------------
# The Treebank word tokenizer


@MANY
@given(TEXTS | ANY_TEXT)
@example("\"Hi,\" she said: 'can't, won't, CANNOT; 'tis gonna be (1,000) -- ok...' \u201cx\u201d")
@example("wanna \u2013 d'ye more'n 'Twas it's JOHN'S a' b'' ``c'' --- ...* [a]{b}<c>")
def test_treebank_steps_equal_nltk(value: str) -> None:
    assert ifeval._treebank()(value) == nltk_words().tokenize(value)


def _treebank_patterns() -> list:
    words = nltk_words()
    pairs = [
        *words.STARTING_QUOTES,
        *words.PUNCTUATION,
        words.PARENS_BRACKETS,
        words.DOUBLE_DASHES,
        *words.ENDING_QUOTES,
    ]
    return [text.unwrap(p) for p, _ in pairs] + [*words.CONTRACTIONS2, *words.CONTRACTIONS3]


def _punkt_patterns() -> list:
    lang = text.sentence_tokenizer()._lang_vars
    return [
        text.unwrap(lang.period_context_re()),
        text.unwrap(lang._word_tokenizer_re()),
        text.unwrap(lang.re_boundary_realignment),
    ]


PATTERN_TEXT = TEXTS | st.lists(
    st.sampled_from(list("aAcCgGlLmMnNoOtTwWsSiIeEdy' .,:;\"`'-*?!()[]") + ODD_LETTERS),
    max_size=30,
).map("".join)


@MANY
@given(PATTERN_TEXT)
@example("İ gİmme GIMME g\u0131mme 'T\u0130S")
def test_needed_characters_never_skip_a_match(value: str) -> None:
    for pattern in _treebank_patterns() + _punkt_patterns():
        needed = text.needed_chars(pattern)
        first = text.needed_chars(pattern, first=True)
        for padded in (value, f" {value} "):
            match = pattern.search(padded)
            if match is not None:
                assert text.contains_any(needed)(padded), pattern.pattern
            at_start = pattern.match(padded)
            if at_start is not None and first is not None:
                assert padded[:1] in first, pattern.pattern


def test_needed_characters_are_found_where_expected() -> None:
    """The analysis knows the patterns that matter for speed (None would be exact too)."""
    words = nltk_words()
    assert text.needed_chars(text.unwrap(words.PARENS_BRACKETS[0])) == frozenset("[](){}<>")
    assert text.needed_chars(text.unwrap(words.ENDING_QUOTES[2][0])) == frozenset('"')
    can = words.CONTRACTIONS2[0]  # (?i)\b(can)(not)\b: a 'c' of either case
    assert text.needed_chars(can) == frozenset("cC")
    first = text.needed_chars(
        text.unwrap(text.sentence_tokenizer()._lang_vars.period_context_re()), first=True
    )
    assert first == frozenset(".?!")
    assert text.needed_chars(re.compile(r"\s+")) is None
    assert text.needed_chars(re.compile(r"(?i)é")) is None


# --------------------------------------------------------------------------------------
# All-capital words


CAPITAL_TEXT = TEXTS | st.lists(
    st.sampled_from(
        CONTRACTION_WORDS + CONTRACTIONS + ODD_LETTERS + MARKS + PUNCTUATION
        + ["I", "A", "AB", "aB", "Ab", "ABc", "A-b", "A.B", "THE", "'", "ǅA", "Aǅ", "A\u0301",
           "\U0001d400\U0001d400", "\U0001d400a", " ", " ", "\n", "1", "_", "A_b"]
    ),
    max_size=40,
).map("".join)  # fmt: skip


@MANY
@given(CAPITAL_TEXT)
@example("DOn't ISn't CANnot GIMme 'TIs 'tIS I'M THE U.S.A. AB-cd (NASA) ǅA \U0001d400 \U0001d41aB")
@example("WE'RE here. NASA's. U.S. is BIG. ABC.:5x A.)B")
def test_capital_words_equal_nltk(value: str) -> None:
    expected = nltk_capital_words(value)
    text.clear_memos()
    assert ifeval.count_capital_words(value) == expected
    assert ifeval.count_capital_words(value) == expected  # remembered
    for stop in (1, 2, 5):
        text.clear_memos()
        found = ifeval._count_capital_words(value, stop)
        assert found == expected if expected < stop else stop <= found <= expected


def test_contraction_hints_cover_nltks_contractions() -> None:
    """Every pattern by which NLTK splits a contraction matches only where a hint is."""
    rng = random.Random(1)
    letters = list("cannotdyegimmlewstrCANNOTDYEGIMMLEWSTR' ") + ["\u0130", "\u0131", "\u017f"]
    patterns = [*nltk_words().CONTRACTIONS2, *nltk_words().CONTRACTIONS3]
    samples = [f" {w} " for w in CONTRACTION_WORDS]
    samples += ["".join(rng.choice(letters) for _ in range(12)) for _ in range(20_000)]
    for sample in samples:
        hints = set(ifeval._split_hints(sample))
        for pattern in patterns:
            for match in pattern.finditer(sample):
                assert hints & set(range(*match.span())), (pattern.pattern, sample)


# --------------------------------------------------------------------------------------
# IFEval's responses and their loose variants


def _responses(name: str) -> list[str]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return [json.loads(line)["response"] for line in fh if line.strip()]


@cache
def _variants(name: str) -> list[str]:
    return list(dict.fromkeys(v for r in _responses(name) for v in loose_variants(r)))


@pytest.mark.parametrize(
    "name",
    [
        "input_response_data_gpt4_20231107_145030.jsonl",
        pytest.param("input_response_data_text_bison.jsonl", marks=pytest.mark.slow),
    ],
)
def test_ifeval_responses_split_and_count_as_nltk(name: str) -> None:
    text.clear_memos()
    reference = text.sentence_tokenizer()
    tokenized: dict[str, list[str]] = {}
    for value in _variants(name):
        spans = nltk_spans(value)
        assert list(text.punkt_spans(value)) == spans
        expected = 0
        for start, end in spans:
            sentence = value[start:end]
            if sentence not in tokenized:
                tokenized[sentence] = nltk_words().tokenize(sentence)
                assert ifeval._treebank()(sentence) == tokenized[sentence]
            expected += sum(token.isupper() for token in tokenized[sentence])
        assert ifeval.count_capital_words(value) == expected
        assert text.count_sentences(value) == len(reference.tokenize(value))


# --------------------------------------------------------------------------------------
# Memos


def test_memos_are_bounded_exact_and_shared_safely() -> None:
    values = _variants("input_response_data_gpt4_20231107_145030.jsonl")[:200]
    text.clear_memos()
    first = [(ifeval.count_capital_words(v), text.count_sentences(v)) for v in values]
    results: list[list[tuple[int, int]]] = []

    def work() -> None:
        results.append([(ifeval.count_capital_words(v), text.count_sentences(v)) for v in values])

    text.clear_memos()
    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [first] * 4
    assert all(cached.cache_info().maxsize is not None for cached in text._MEMOS)


# --------------------------------------------------------------------------------------
# Keywords: IGNORECASE searches done on the lowered text


KEYWORD = st.text(alphabet="abikKsSI1 -.'", min_size=1, max_size=4) | st.sampled_from(
    ["i", "is", "kiss", "st", "SS", "K", "ß", "é", "ǅ", "Σ", "ı", "ﬁ", "a.b"]
)
HAYSTACK = st.lists(
    st.sampled_from(list("abikKsSI1 -.'ßéΣσς") + ["ı", "İ", "ſ", "\u212a", "ǅ", "ﬁ", "ẞ", "Ω"]),
    max_size=30,
).map("".join)


@MANY
@given(HAYSTACK, KEYWORD, st.sampled_from([None, 1, 2, 3]))
@example("KISS \u212aiss kıss", "kiss", None)
@example("ıİ", "i", 1)
def test_keyword_search_on_lowered_text_equals_ignorecase(value: str, word: str, cap) -> None:
    folded = ifeval._ascii_folded(value)
    match = ifeval._keyword_pattern(word).search(value)
    assert ifeval._keyword_at(value, folded, word) == (match.start() if match else -1)
    expected = ifeval._count(ifeval._keyword_pattern(word).finditer(value), cap)
    assert ifeval._keyword_count(value, folded, word, cap) == expected
