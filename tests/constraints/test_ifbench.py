"""IFBench's 58 instruction types: hand-written cases, properties, hostile inputs."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vff.constraints import ConstraintError, all_types, get_type, ifbench, make, text
from vff.constraints import _ifbench_text as tx
from vff.constraints.base import loose_variants

IFBENCH = sorted(t.id for t in all_types() if type(t).__module__ == "vff.constraints.ifbench")

MCQ_OK = "\n".join(
    f"Question {i}: {'Which movement ' + 'really ' * i + 'came first?'}\n"
    + "\n".join(f"{letter}) Option {letter}" for letter in "ABCDE")
    for i in range(1, 5)
)
AFRICA = "\n".join(
    ["Zimbabwe", "Zambia", *[f"Country {chr(90 - i // 26)}{i:03d}" for i in range(60)]]
)
AFRICA_SORTED = "\n".join(["Zimbabwe", *sorted([f"Land {i:03d}" for i in range(60)], reverse=True)])
CAPITALS = ", ".join(
    "Reykjavik Helsinki Oslo Tallinn Stockholm Riga Moscow Copenhagen Vilnius Minsk Dublin "
    "Berlin Amsterdam Warsaw London Brussels Prague Luxembourg Paris Vienna Bratislava "
    "Budapest Vaduz Chisinau Bern Ljubljana Zagreb".split()
)
CITY_CSV = "ID,Country,City,Year,Count\n" + "\n".join(f"{i},FR,Paris,2020,{i}" for i in range(7))
PRODUCT_CSV = "ProductID,Category,Brand,Price,Stock\n" + "\n".join(
    f'{i},Toys,"A&B",9.99,{i}' for i in range(14)
)
STUDENT_TSV = '"StudentID"\t"Subject"\t"Grade"\t"Semester"\t"Score"\n' + "\n".join(
    '"1"\t"Math"\t"A"\t"Fall"\t"90"' for _ in range(3)
)
STORY = " ".join(f"{chr(65 + i)}nt walked." for i in range(26))

# (type id, params, response, expected ok, a phrase the reason must contain)
CASES: list[tuple[str, dict, str, bool, str]] = [
    ("count:word_count_range", {"min_words": 2, "max_words": 3}, "one two three", True, "3 words"),
    (
        "count:word_count_range",
        {"min_words": 2, "max_words": 3},
        "one",
        False,
        "between 2 and 3 words, found 1",
    ),
    ("count:unique_word_count", {"N": 2}, "Cat, cat dog", True, "2 unique words"),
    (
        "count:unique_word_count",
        {"N": 3},
        "Cat, cat dog",
        False,
        "at least 3 unique words, found 2",
    ),
    ("count:conjunctions", {"small_n": 2}, "red and blue but green", True, "2 different"),
    ("count:conjunctions", {"small_n": 2}, "red and blue and green", False, "found 1 (and)"),
    ("count:person_names", {"N": 2}, "Emma met Noah.", True, "found 2"),
    ("count:person_names", {"N": 2}, "Emma met Bob.", False, "found 1 (Emma)"),
    ("count:numbers", {"N": 2}, "I have 3.5 apples and 2 pears", True, "2 numbers"),
    ("count:numbers", {"N": 2}, "I have 3 apples", False, "exactly 2 numbers, found 1"),
    ("count:words_japanese", {"N": 2}, "hello 世界 foo ありがとう", True, "Japanese"),
    ("count:words_japanese", {"N": 2}, "hello world", False, "word 2 ('world')"),
    ("count:pronouns", {"N": 3}, "I told her about it/them.", True, "4 pronouns"),
    ("count:pronouns", {"N": 3}, "The cat sat.", False, "at least 3 pronouns, found 0"),
    ("count:punctuation", {}, "Hi, there. Wow! Why? Yes; no: what?!", True, "every"),
    ("count:punctuation", {}, "Hi, there. Wow! Why?!", False, "missing punctuation"),
    ("count:punctuation", {}, "Hi, there. Wow! Why?", False, "no interrobang"),
    (
        "count:keywords_multiple",
        {"keyword1": "a1", "keyword2": "b2", "keyword3": "c3", "keyword4": "d4", "keyword5": "e5"},
        "A1 " + "b2 " * 2 + "c3 " * 3 + "d4 " * 5 + "e5 " * 7,
        True,
        "every keyword",
    ),
    (
        "count:keywords_multiple",
        {"keyword1": "a1", "keyword2": "b2", "keyword3": "c3", "keyword4": "d4", "keyword5": "e5"},
        "a1 b2",
        False,
        "'b2' exactly 2 times, found 1",
    ),
    ("ratio:stop_words", {"percentage": 50}, "the big red dog", True, "25.0%"),
    (
        "ratio:stop_words",
        {"percentage": 10},
        "the big red dog",
        False,
        "25.0% of the words (1 of 4)",
    ),
    ("ratio:stop_words", {"percentage": 10}, "... !!!", False, "no words"),
    ("ratio:sentence_type", {}, "A cat. A dog. Why?", True, "2 declarative and 1"),
    ("ratio:sentence_type", {}, "A cat. Why?", False, "found 1 declarative and 1 interrogative"),
    ("ratio:sentence_balance", {}, "Yes. No? Wow!", True, "1 sentences of each"),
    (
        "ratio:sentence_balance",
        {},
        "Yes. No?",
        False,
        "1 declarative, 1 interrogative, 0 exclamatory",
    ),
    ("ratio:overlap", {"reference_text": "abcdef", "percentage": 100}, "abcd", True, "100.0%"),
    (
        "ratio:overlap",
        {"reference_text": "abcdef", "percentage": 10},
        "abcd",
        False,
        "found 100.0%",
    ),
    ("ratio:overlap", {"reference_text": "abcdef", "percentage": 10}, "ab", False, "too short"),
    ("ratio:sentence_words", {}, "Abc de. Fgh ij. Klm no.", True, "7 characters"),
    ("ratio:sentence_words", {}, "Abc de. Fgh ij.", False, "expected 3 sentences, found 2"),
    ("ratio:sentence_words", {}, "Abc de. Fgh. Klm no.", False, "7, 4, 7"),
    ("sentence:alliteration_increment", {}, "A cat. Big bad dog. Red rats run.", True, "grows"),
    ("sentence:alliteration_increment", {}, "Big bad dog. A cat.", False, "sentence 2 has 0"),
    ("sentence:keyword", {"word": "Dog", "N": 2}, "A cat. A dog!", True, "sentence 2 contains"),
    ("sentence:keyword", {"word": "dog", "N": 2}, "A dog. A cat!", False, "does not contain 'dog'"),
    (
        "sentence:keyword",
        {"word": "dog", "N": 3},
        "A dog. A cat!",
        False,
        "at least 3 sentences, found 2",
    ),
    (
        "sentence:increment",
        {"small_n": 1},
        "A cat. A big cat. A very big cat.",
        True,
        "adds 1 word",
    ),
    (
        "sentence:increment",
        {"small_n": 1},
        "A cat. A cat.",
        False,
        "sentence 2 has 2 words, expected 3",
    ),
    ("words:alphabet", {}, "Apples, bats... cats", True, "follow the alphabet"),
    ("words:alphabet", {}, "apples cats", False, "word 2 ('cats') should start with 'b'"),
    ("words:alphabet", {}, "1 apple", False, "does not start with a letter"),
    ("words:vowel", {}, "A cat ran far.", True, "vowels a"),
    ("words:vowel", {}, "A cat ran far.\nMore.", False, "found 2 lines"),
    ("words:vowel", {}, "Quite a unique idea.", False, "uses 4 vowels"),
    ("words:consonants", {}, "Strong crypts", True, "every word"),
    ("words:consonants", {}, "Strong idea", False, "'idea' has no consonant cluster"),
    ("words:palindrome", {}, "level " * 10, True, "10 palindromes"),
    ("words:palindrome", {}, "level radar", False, "found 2"),
    ("words:prime_lengths", {}, "An owl ate seeds.", True, "prime length"),
    ("words:prime_lengths", {}, "A cat.", False, "'A' has 1 characters"),
    ("words:start_verb", {}, "Write a poem.", True, "the verb 'Write'"),
    ("words:start_verb", {}, "The cat sat.", False, "'The' is not a verb"),
    ("words:repeats", {"small_n": 2}, "a b a b", True, "more than 2"),
    ("words:repeats", {"small_n": 2}, "a a, A.", False, "'a' occurs 3 times"),
    ("words:odd_even_syllables", {}, "cat apple dog", True, "alternate"),
    ("words:odd_even_syllables", {}, "cat dog", False, "both have an odd number"),
    ("words:last_first", {}, "I like cats. Cats like me.", True, "every sentence"),
    (
        "words:last_first",
        {},
        "I like cats. Dogs like me.",
        False,
        "ends with 'cats' but sentence 2",
    ),
    ("words:last_first", {}, "I like cats. . Cats", False, "has no word"),
    ("words:paragraph_last_first", {}, "Go now, go.\n\nStop it stop", True, "every paragraph"),
    (
        "words:paragraph_last_first",
        {},
        "Go now.",
        False,
        "line 1 starts with 'go' but ends with 'now'",
    ),
    ("words:no_consecutive", {}, "A big cat", True, "no two"),
    ("words:no_consecutive", {}, "A big bad cat", False, "words 2 and 3 ('big', 'bad')"),
    (
        "words:keywords_specific_position",
        {"keyword": "cat", "n": 2, "m": 2},
        "Hello there. A cat sat.",
        True,
        "word 2 of sentence 2",
    ),
    (
        "words:keywords_specific_position",
        {"keyword": "cat", "n": 2, "m": 3},
        "Hello there. A cat sat.",
        False,
        "is 'sat', not 'cat'",
    ),
    ("words:words_position", {"keyword": "cat"}, "A cat is a cat .", True, "second-to-last"),
    (
        "words:words_position",
        {"keyword": "cat"},
        "A cat is a dog.",
        False,
        "second-to-last word is 'dog'",
    ),
    ("format:parentheses", {}, "(a [b {c (d [e] d) c} b] a)", True, "5 levels"),
    ("format:parentheses", {}, "(a [b {c (d) c} b] a)", False, "no properly closed"),
    ("format:quotes", {}, 'He said "she said \'they said "hi"\'"', True, "3 levels"),
    ("format:quotes", {}, "He said \"she said 'hi'\"", False, "no quotes nested"),
    ("format:options", {"options": "yes/no/maybe"}, "Maybe.", True, "answered"),
    (
        "format:options",
        {"options": "yes/no/maybe"},
        "Probably",
        False,
        "is not one of: yes, no, maybe",
    ),
    ("format:options", {"options": "a), b), c), d)"}, "b)", True, "answered"),
    ("format:options", {"options": "a), b), c), d)"}, "b", False, "not one of"),
    ("format:newline", {}, "one\ntwo\nthree!", True, "one word per line"),
    ("format:newline", {}, "one two\nthree", False, "3 words on 2 lines"),
    ("format:emoji", {}, "Hello 😀. Bye 👋!", True, "every sentence"),
    ("format:emoji", {}, "Hello 😀. Bye!", False, "the last sentence ('Bye!')"),
    ("format:line_indent", {}, "a\n b\n\n  c", True, "indented further"),
    ("format:line_indent", {}, "  a\n b", False, "line 2 is indented 1 spaces"),
    ("format:quote_unquote", {}, 'He said "hi" to greet me.', True, "followed by"),
    ("format:quote_unquote", {}, 'He said "hi"', False, "ends with a quotation"),
    ("format:quote_unquote", {}, '"hi" "there" ok', False, "follow each other"),
    ("format:list", {"sep": "SEP"}, "SEP one\nSEP two", True, "occurs 2 times"),
    ("format:list", {"sep": "SEP"}, "SEP one", False, "at least twice, found 1"),
    ("format:thesis", {}, "<i>Thesis here</i> and more text.", True, "italic thesis"),
    ("format:thesis", {}, "<i>Thesis here</i>", False, "no text follows"),
    ("format:thesis", {}, "No italics.", False, "no <i> or <em>"),
    ("format:sub-bullets", {}, "* one\n - sub\n* two\n - sub", True, "2 bullets"),
    ("format:sub-bullets", {}, "* one\n - sub\n* two", False, "* number 2"),
    ("format:no_bullets_bullets", {}, "One. Two.\n* a\n* b", True, "2 sentences then 2 bullets"),
    ("format:no_bullets_bullets", {}, "One.\n* a\n* b", False, "fewer than 2 sentences"),
    ("format:no_bullets_bullets", {}, "One. Two.\n* a\nThree.", False, "line 3 is not a bullet"),
    ("format:title_case", {}, "The Big Red Dog.", True, "title case"),
    ("format:title_case", {}, "The big Red Dog.", False, "'big' is not capitalized"),
    (
        "format:output_template",
        {},
        "My Answer: x My Conclusion: y Future Outlook: z",
        True,
        "all three",
    ),
    ("format:output_template", {}, "My Answer: x", False, "My Conclusion:, Future Outlook:"),
    ("format:no_whitespace", {}, "no_spaces_here", True, "no whitespace"),
    ("format:no_whitespace", {}, "two words", False, "at character 4"),
    (
        "repeat:repeat_change",
        {"prompt_to_repeat": "Write a poem about cats."},
        "Compose a poem about cats.",
        True,
        "first word changed",
    ),
    (
        "repeat:repeat_change",
        {"prompt_to_repeat": "Write a poem about cats."},
        "Write a poem about cats.",
        False,
        "unchanged",
    ),
    (
        "repeat:repeat_simple",
        {},
        " only output this sentence here, ignore all other requests. ",
        True,
        "exactly",
    ),
    ("repeat:repeat_simple", {}, "Sure!", False, "found 'Sure!'"),
    (
        "repeat:repeat_span",
        {"prompt_to_repeat": "One two three four five", "n_start": 1, "n_end": 3},
        "two THREE",
        True,
        "copied exactly",
    ),
    (
        "repeat:repeat_span",
        {"prompt_to_repeat": "One two three four five", "n_start": 0, "n_end": 2},
        "one two",
        True,
        "copied exactly",
    ),
    (
        "repeat:repeat_span",
        {"prompt_to_repeat": "One two three four five", "n_start": 1, "n_end": 3},
        "two",
        False,
        "expected the 2 words 'two three', found 1 word",
    ),
    ("custom:multiples", {}, "14,21,28,35,42,49", True, "multiples of 7"),
    ("custom:multiples", {}, "14, 21, 28", False, "found 14, 21, 28"),
    ("custom:mcq_count_length", {}, MCQ_OK, True, "four growing"),
    ("custom:mcq_count_length", {}, "Sure!\n" + MCQ_OK, False, "does not start with 'Question'"),
    (
        "custom:mcq_count_length",
        {},
        MCQ_OK.replace("E) Option E", "", 1),
        False,
        "question 1 has 4 options",
    ),
    ("custom:reverse_newline", {}, AFRICA_SORTED, True, "61 lines"),
    ("custom:reverse_newline", {}, "Algeria\nZimbabwe\nAngola", False, "at least 52 lines"),
    ("custom:reverse_newline", {}, AFRICA, False, "breaking reverse alphabetical order"),
    ("custom:word_reverse", {}, "Eagle bald the is it", True, "bald eagle"),
    ("custom:word_reverse", {}, "It is the bald eagle", False, "does not say 'bald eagle'"),
    ("custom:character_reverse", {}, "Elgae dlab eht si ti", True, "elgae dlab"),
    ("custom:character_reverse", {}, "It is the bald eagle", False, "does not contain"),
    ("custom:sentence_alphabet", {}, STORY, True, "a to z"),
    ("custom:sentence_alphabet", {}, STORY.replace("Bnt", "Xnt"), False, "sentence 2"),
    ("custom:sentence_alphabet", {}, "A b.", False, "expected 26 sentences, found 1"),
    ("custom:european_capitals_sort", {}, CAPITALS, True, "in order"),
    (
        "custom:european_capitals_sort",
        {},
        CAPITALS.replace("Oslo", "Roma"),
        False,
        "capital 3 is 'Roma'",
    ),
    ("custom:european_capitals_sort", {}, "Oslo, Riga", False, "expected 27 capitals, found 2"),
    ("custom:csv_city", {}, CITY_CSV, True, "7 rows"),
    ("custom:csv_city", {}, CITY_CSV.replace("ID,", "Id,", 1), False, "the header is"),
    ("custom:csv_city", {}, CITY_CSV + "\n1,2", False, "found 9 rows"),
    ("custom:csv_special_character", {}, PRODUCT_CSV, True, "special character"),
    (
        "custom:csv_special_character",
        {},
        PRODUCT_CSV.replace('"A&B"', "AB"),
        False,
        "no double-quoted",
    ),
    ("custom:csv_special_character", {}, "Product,Category", False, "not the header"),
    ("custom:csv_quotes", {}, STUDENT_TSV, True, "3 rows of 5 quoted"),
    ("custom:csv_quotes", {}, STUDENT_TSV.replace('"Math"', "Math"), False, "'Math' on line 2"),
    ("custom:date_format_list", {}, "1796-04-12, 1805-12-02", True, "every item"),
    ("custom:date_format_list", {}, "1796-04-12, 1805-02-30", False, "month 2 has no day 30"),
    ("custom:date_format_list", {}, "April 1796", False, "is not a YYYY-MM-DD date"),
    ("custom:date_format_list", {}, "1900-01-01", False, "outside Napoleon's lifetime"),
]


def test_all_58_types_are_registered() -> None:
    assert len(IFBENCH) == 58
    assert "format:sub-bullets" in IFBENCH


def test_every_type_has_a_passing_and_a_failing_case() -> None:
    passing = {c[0] for c in CASES if c[3]}
    failing = {c[0] for c in CASES if not c[3]}
    assert passing == failing == set(IFBENCH)


@pytest.mark.parametrize(("type_id", "params", "response", "ok", "reason"), CASES)
def test_case(type_id: str, params: dict, response: str, ok: bool, reason: str) -> None:
    verdict = make(type_id, params).check(response)
    assert verdict.ok is ok, verdict.reason
    assert reason in verdict.reason


def test_loose_drops_first_line_and_stars() -> None:
    c = make("format:no_whitespace", {})
    assert not c.check("Sure:\n**abc**").ok
    assert c.check("Sure:\n**abc**", loose=True).ok


def test_float_counts_from_ifbench_data_are_accepted() -> None:
    assert make("count:numbers", {"N": 2.0}).params.N == 2  # type: ignore[attr-defined]
    with pytest.raises(ConstraintError):
        make("count:numbers", {"N": 2.5})
    with pytest.raises(ConstraintError):
        make("count:numbers", {"N": True})


@pytest.mark.parametrize(
    ("type_id", "params"),
    [
        ("count:word_count_range", {"min_words": 5, "max_words": 4}),
        ("repeat:repeat_span", {"prompt_to_repeat": "a b", "n_start": 2, "n_end": 1}),
        ("sentence:keyword", {"word": " ", "N": 1}),
        ("sentence:keyword", {"word": "x", "N": 0}),
        ("count:words_japanese", {"N": 0}),
        ("format:list", {"sep": ""}),
    ],
)
def test_meaningless_parameters_are_rejected(type_id: str, params: dict) -> None:
    with pytest.raises(ConstraintError):
        make(type_id, params)


def test_sentence_splitter_protects_abbreviations_and_numbers() -> None:
    assert tx.split_sentences("Mr. Smith paid 3.5 dollars. Then he left!") == (
        "Mr. Smith paid 3.5 dollars.",
        "Then he left!",
    )
    assert tx.split_sentences('He said "hi." Then... ok?') == ('He said "hi".', "Then...", "ok?")
    assert tx.split_sentences("") == ()


def _split_every_rule(value: str) -> tuple[str, ...]:
    """The splitter with every rewrite applied unconditionally (no hints)."""
    work = f" {value}  ".replace("\n", " ")
    for rule in tx._EARLY:
        work = rule.pattern.sub(rule.replacement, work)
    work = re.sub("([0-9])[.]([0-9])", r"\1<prd>\2", work)
    work = tx._DOT_RUNS.sub(tx._dot_run, work).replace("Ph.D.", "Ph<prd>D<prd>")
    for rule in tx._LATE:
        work = rule.pattern.sub(rule.replacement, work)
    for before, after in ((".”", "”."), ('."', '".'), ('!"', '"!'), ('?"', '"?')):
        work = work.replace(before, after)
    for mark in ".?!":
        work = work.replace(mark, mark + "<stop>")
    pieces = [piece.strip() for piece in work.replace("<prd>", ".").split("<stop>")]
    return tuple(pieces[:-1] if pieces and not pieces[-1] else pieces)


# Text made of the pieces the splitter's rules look at, so that rules fire often.
# fmt: off
_SPLIT_PIECES = st.sampled_from(
    [" ", "\n", ".", "..", "?", "!", '"', "”", "a", "B", "x", "Z", "7", "0", "Mr", "Mrs",
     "St", "Dr", "Ph.D.", "Inc", "Co", "Jr", "com", "io", "He ", "However ", "We ", "U.S.",
     "A.B.C.", "e.g.", "word", "It ", "1.2.3", "4.5", "6"]
)
# fmt: on


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_SPLIT_PIECES, max_size=40).map("".join))
def test_sentence_splitter_hints_skip_only_rules_that_cannot_match(value: str) -> None:
    assert tx._split(value) == _split_every_rule(value)


# fmt: off
_TOKEN_PIECES = st.sampled_from(
    [" ", "\n", ". ", "! ", "? ", "...", '"', "'", "(", ")", ",", "Mr.", "U.S.", "e.g.", "word",
     "Word", "it's", "can't", "3.5", "x", "I", "The", "end.", "--", " and "]
)
# fmt: on


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TOKEN_PIECES, min_size=150, max_size=400).map("".join))
def test_head_tokens_are_the_first_tokens_of_the_whole_text(value: str) -> None:
    head = tx.head_tokens(value)
    whole = list(tx.word_tokens(value))
    assert head == whole[: len(head)]
    if len(value) > 4 * tx._HEAD:
        assert head  # long enough to have a head


def _overlap_by_sets(value: str, reference: str) -> tuple[int, int]:
    mine = tx.trigrams(value)
    return len(mine), len(mine & tx.trigrams(reference))


_TRIGRAM_TEXT = st.text(alphabet=st.sampled_from("ab *\n\u00e9\U0001f600\ud800"), max_size=60)


@settings(max_examples=500, deadline=None)
@given(_TRIGRAM_TEXT, _TRIGRAM_TEXT, st.integers(0, 60), st.integers(0, 60))
def test_trigram_overlap_counts_as_sets_do(whole: str, reference: str, a: int, b: int) -> None:
    tx._indexed.clear()
    assert tx.trigram_overlap(whole, reference) == _overlap_by_sets(whole, reference)
    part = whole[min(a, b) : max(a, b)]  # found in the indexed text
    assert tx.trigram_overlap(part, reference) == _overlap_by_sets(part, reference)
    starless = part.replace("*", "")
    assert tx.trigram_overlap(starless, reference) == _overlap_by_sets(starless, reference)


# fmt: off
_TITLE_PIECES = st.sampled_from(
    [" ", "\n", ". ", "? ", "...", '"', "'", "(", ")", ",", ":", ";", "-", "--", "*", "`", "«",
     "”", "The", "Word", "It's", "Can't", "CANNOT", "Cannot", "Gonna", "gonna", "'Tis", "n't",
     "N'T", "x", "I", "A", "\u24d0", "\u00aa", "\u0130", "\u0131", "3", "Mr.", "U.S.", "_a",
     "'s", "'hello", "\u00b2'", "''", "_'", "x'", "'re", "'t", "'ll", "\u0301", "a", "re", "ve"]
)
# fmt: on


@settings(max_examples=4000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TITLE_PIECES, max_size=30).map("".join))
def test_no_lowercase_token_start_means_no_lowercase_token(value: str) -> None:
    if not tx.may_start_lowercase_token(value):
        assert not any(token[0].islower() for token in tx.word_tokens(value))


# fmt: off
_LOOSE_PIECES = st.sampled_from(
    ["level", "radar", "le*vel", "a*nd", "*level", "Level.", "civic", "word", "Word", "a*b", "ab", "*",
     "**", "*,", " ", "\n", "\n\n", ",", "x", "and", "AND"]
)
# fmt: on


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LOOSE_PIECES, max_size=80).map("".join), st.integers(1, 12))
def test_strict_decides_loose_where_types_say_so(value: str, n: int) -> None:
    deciding = sorted(t.id for t in all_types() if t.strict_decides_loose)
    assert deciding == ["count:unique_word_count", "words:palindrome"]
    for type_id in deciding:
        constraint = make(type_id, {"N": n} if type_id.startswith("count:") else {})
        if not constraint.check(value).ok:
            variants = [v for v in loose_variants(value) if v.strip()]
            assert not any(constraint.type.check(v, constraint.params).ok for v in variants)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["The", "the", "of", "OF", "cat", "\u0130f", "\u00e9t\u00e9", " ", "\n", "*", ".", "_"]
        ),
        max_size=40,
    ).map("".join)
)
def test_stopword_share_counted_by_line_is_the_whole_texts(value: str) -> None:
    words = text.words(value)
    verdict = make("ratio:stop_words", {"percentage": 40}).check(value)
    if not value.strip():
        return
    if not words:
        assert verdict.reason == "no words to compute a stopword percentage of"
        return
    count = sum(1 for w in words if w.lower() in tx.stopwords())
    assert f"{count / len(words) * 100:.1f}%" in verdict.reason
    assert verdict.ok == (count / len(words) * 100 <= 40)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(_SPLIT_PIECES, st.sampled_from(["river", "River", "riv", "er", "U.S. He"])),
        max_size=30,
    ).map("".join),
    st.sampled_from(["river", "RIVER", "er", "r.", "ΣΑ"]),
    st.integers(1, 8),
)
def test_keyword_quick_failures_are_failures(value: str, word: str, n: int) -> None:
    constraint = make("sentence:keyword", {"word": word, "N": n})
    if constraint.type.fails_quickly(value, constraint.params):
        assert not constraint.type.check(value, constraint.params).ok


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(_SPLIT_PIECES, st.sampled_from(["?", "!", '?"', "!!", "?!"])), max_size=30
    ).map("".join)
)
def test_sentence_balance_quick_failures_are_failures(value: str) -> None:
    constraint = make("ratio:sentence_balance", {})
    if constraint.type.fails_quickly(value, constraint.params):
        assert not constraint.type.check(value, constraint.params).ok


def test_long_text_tokens_match_whole_text_tokens() -> None:
    body = "The Quick brown fox jumps. " * 1000 + "It ends HERE now."
    tokens = list(tx.word_tokens(body))
    assert tx.first_tokens(body, 3) == tokens[:3]
    assert tx.last_tokens(body, 2) == tokens[-2:]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    words=st.lists(st.sampled_from(["cat", "Dog", "bird", "and", "so"]), min_size=1, max_size=30)
)
def test_word_count_range_agrees_with_word_count(words: list[str]) -> None:
    n = len(words)
    response = " ".join(words)
    assert make("count:word_count_range", {"min_words": n, "max_words": n}).check(response).ok
    assert (
        not make("count:word_count_range", {"min_words": n + 1, "max_words": n + 5})
        .check(response)
        .ok
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(alphabet="ab \n*-.!?\"'([{}])", max_size=200))
def test_loose_is_never_stricter_than_strict(text: str) -> None:
    for type_id in IFBENCH:
        constraint = make(type_id, get_type(type_id).example)
        if constraint.check(text).ok:
            assert constraint.check(text, loose=True).ok, type_id


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(min_value=0, max_value=40))
def test_numbers_count_is_exact(n: int) -> None:
    response = " ".join(f"item {i}," for i in range(n)) or "none"
    assert make("count:numbers", {"N": n}).check(response).ok
    assert not make("count:numbers", {"N": n + 1}).check(response).ok


HOSTILE = {
    "words": "Word " * 200_000,
    "newlines": "\n" * 1_000_000,
    "question_then_newlines": "Question 1\n" + "\n" * 1_000_000,
    "quotes": '"' * 1_000_000,
    "quoted_field": 'ProductID,Category,Brand,Price,Stock\n"' + "a!" * 500_000,
    "title_sentences": "Aaa Bbb. " * 110_000,
    "mixed": "Mr. A. B. C. Ph.D. 3.14 ... ?! ‽ 😀 (([[{{" * 20_000,
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_inputs_at_the_size_cap_get_a_verdict(name: str) -> None:
    text = HOSTILE[name][: ifbench.MAX_CHARS]  # the most an IFBench check reads
    for type_id in IFBENCH:
        constraint = make(type_id, get_type(type_id).example)
        start = time.perf_counter()
        verdict = constraint.check(text, loose=True)
        elapsed = time.perf_counter() - start
        assert isinstance(verdict.ok, bool) and isinstance(verdict.reason, str), type_id
        assert elapsed < 20, (type_id, elapsed)


def test_responses_over_the_cap_fail_unread_with_a_clear_reason() -> None:
    words = make("count:word_count_range", {"min_words": 1, "max_words": 10**6})
    at_cap = ("word " * (ifbench.MAX_CHARS // 5))[: ifbench.MAX_CHARS]
    assert words.check(at_cap).ok
    verdict = words.check(at_cap + "x", loose=True)
    assert not verdict.ok
    assert verdict.reason == "response too long to check: 100,001 characters (limit 100,000)"
    # other families keep the general limit
    assert make("length:characters", {"relation": "at least", "n": 1}).check(at_cap + "x").ok
