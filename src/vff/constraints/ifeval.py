"""IFEval's verifiable instructions (Zhou et al., 2023), under their IFEval ids.

Each type gives the same verdict as Google's reference scorer (``instruction_following_eval``)
for the same response and the same arguments; the parameter names are IFEval's kwarg names,
so an IFEval row's kwargs (with ``None`` values dropped) validate as they are. Where the
reference would draw a missing argument at random, vff requires it.

Deliberate differences, all invisible on IFEval's own data:

* User strings (keywords, forbidden words, postscript markers, section markers) are matched
  literally; the reference hands them to ``re`` unescaped, so there a keyword like ``C++``
  or ``a.b`` is a pattern (or an error).
* Patterns whose naive form backtracks quadratically on hostile text (bullets, titles,
  placeholders, postscripts) are rewritten into linear forms that count the same matches.
* JSON nested more than :data:`MAX_JSON_DEPTH` levels fails (the reference would parse it,
  or crash with ``RecursionError`` depending on the interpreter's stack).
* Sentence counts and all-capital word counts of long texts with very many possible
  sentence ends (see :data:`vff.constraints.text.SPLIT_BUDGET`) are made from a prefix; when the prefix does
  not decide, the check fails saying so (the reference would spend seconds, or hit NLTK's
  regex time limit).
* Language detection is seeded (see :mod:`vff.constraints.language`); the reference leaves
  langdetect unseeded, so its verdicts on borderline texts vary between runs.
* Parameters the reference would accept but cannot mean anything (blank keywords, markers
  or phrases; negative counts; an ``nth_paragraph`` beyond ``num_paragraphs``; unknown
  language codes) are rejected, and words and markers are at most 40 characters long.
"""

from __future__ import annotations

import bisect
import functools
import json
import re
from collections.abc import Callable, Iterator
from itertools import accumulate
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, field_validator, model_validator

from vff.constraints import text
from vff.constraints.base import (
    ConstraintType,
    NoParams,
    P,
    Params,
    Verdict,
    failed,
    noun,
    passed,
)
from vff.constraints.language import UNDETECTABLE, detect_language, language_name
from vff.constraints.registry import register

IFRelation = Literal["less than", "at least"]

#: Responses up to this many characters get exact counts in reasons; longer ones are only
#: counted as far as the verdict needs. (Sentences are always split exactly up to here.)
EXACT_COUNT_CHARS = text.SENTENCE_SCAN_LIMIT

#: JSON nested deeper than this fails without being parsed.
MAX_JSON_DEPTH = 500

#: Longest keyword, marker or first word (IFEval's longest is 13 characters). Matching a
#: word case-insensitively costs time proportional to its length on hostile text.
_MAX_WORD = 40


# --------------------------------------------------------------------------------------
# Shared helpers


def _quote(value: str, limit: int = 40) -> str:
    """A short, quoted rendering of a piece of text for a reason."""
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return repr(value)


def _cap(response: str, threshold: int) -> int | None:
    """How far counting must go: everything for short responses (exact reasons), otherwise
    up to ``threshold`` (enough for either relation)."""
    return None if len(response) <= EXACT_COUNT_CHARS else threshold


def _bound(relation: str, threshold: int) -> str:
    return f"fewer than {threshold}" if relation == "less than" else f"at least {threshold}"


def _relation_verdict(
    count: int, relation: str, threshold: int, what: str, capped: bool = False
) -> Verdict:
    """Compare a count with IFEval's relation; ``capped`` means counting stopped early, so
    the true count is at least ``count``."""
    shown = f"at least {count}" if capped else str(count)
    ok = count < threshold if relation == "less than" else count >= threshold
    if ok:
        return passed(f"found {shown} {noun(what, None if capped else count)}")
    return failed(f"expected {_bound(relation, threshold)} {noun(what, threshold)}, found {shown}")


def _count(matches: Iterator[Any], cap: int | None) -> tuple[int, bool]:
    """Count an iterator, stopping once it reaches ``cap``; (count, stopped early)."""
    count = 0
    for _ in matches:
        count += 1
        if cap is not None and count >= cap:
            return count, True
    return count, False


def _nonblank(value: str) -> str:
    if not value.strip():
        raise ValueError("must contain a non-whitespace character")
    return value


#: A user-supplied word or phrase: not blank, bounded in length.
Phrase = Annotated[str, Field(max_length=_MAX_WORD), AfterValidator(_nonblank)]


def _relation_values(relation: str) -> dict[str, str]:
    return {"relation_words": "fewer than" if relation == "less than" else "at least"}


# --------------------------------------------------------------------------------------
# Sentences

_TOKEN_CUT = text.TOKEN_CUT
_sentence_spans = text.sentence_spans
count_sentences = text.count_sentences


# --------------------------------------------------------------------------------------
# change_case


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class IFEvalType(ConstraintType[P]):
    """An IFEval constraint type (IFEval's id, kwargs and reference verdicts)."""

    source = "ifeval"


class _CharClass:
    """Finds characters that satisfy a ``str`` predicate, using the running Python's
    Unicode tables. One big regex class is slow once it holds ranges beyond the BMP, so
    astral characters get their own class, consulted only for texts that contain any."""

    def __init__(self, bmp: list[tuple[int, int]], astral: list[tuple[int, int]]) -> None:
        self._bmp = re.compile(f"[{_ranges(bmp)}]")
        self._astral = None
        if astral:
            span = f"{chr(astral[0][0])}-{chr(astral[-1][1])}"
            self._astral = re.compile(f"(?=[{span}])[{_ranges(astral)}]")

    def find(self, value: str, start: int = 0, end: int | None = None) -> int:
        """Index of the first such character in ``value[start:end]``, or -1."""
        end = len(value) if end is None else end
        match = self._bmp.search(value, start, end)
        stop = match.start() if match else end
        if self._astral is not None and _ASTRAL.search(value, start, stop):
            astral = self._astral.search(value, start, stop)
            if astral:
                return astral.start()
        return match.start() if match else -1

    def rfind(self, value: str) -> int:
        """Index of the last such character, or -1."""
        index = self.find(value[::-1])
        return -1 if index < 0 else len(value) - 1 - index


def _ranges(ranges: list[tuple[int, int]]) -> str:
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )


@functools.cache
def _case_ranges() -> dict[str, list[tuple[int, int]]]:
    """Code point ranges of uppercase (``isupper``), lowercase-or-titlecase,
    uppercase-or-titlecase and cased (any of these) characters."""
    # A one-character string "is upper" for an uppercase letter, "is title" for an
    # uppercase or a titlecase letter.
    predicates = {
        "upper": str.isupper,
        "not_upper": lambda c: c.islower() or (c.istitle() and not c.isupper()),
        "not_lower": str.istitle,
        "cased": lambda c: True,
    }
    found: dict[str, list[tuple[int, int]]] = {name: [] for name in predicates}
    for code in range(0x110000):
        char = chr(code)
        if not (char.isupper() or char.islower() or char.istitle()):
            continue
        for name, predicate in predicates.items():
            if predicate(char):
                spans = found[name]
                if spans and spans[-1][1] == code - 1:
                    spans[-1] = (spans[-1][0], code)
                else:
                    spans.append((code, code))
    return found


@functools.cache
def _char_classes() -> dict[str, _CharClass]:
    """Uppercase (``isupper``), lowercase-or-titlecase, uppercase-or-titlecase characters."""
    return {
        name: _CharClass(
            [r for r in spans if r[1] < 0x10000], [r for r in spans if r[0] >= 0x10000]
        )
        for name, spans in _case_ranges().items()
        if name != "cased"
    }


# All-capital words. IFEval counts the tokens of NLTK's ``word_tokenize`` (Punkt sentences,
# then NLTK's Treebank word tokenizer on each) for which ``str.isupper()`` holds: at least
# one uppercase character and no lowercase or titlecase one. The tokenizer only inserts
# spaces and turns '"' into other quote marks, so a token's cased characters are the
# text's. Between two cased characters it inserts a space only before "n't" or "N'T" and
# inside the contractions "cannot", "gimme", "gonna", "gotta", "lemme", "wanna", "'tis" and
# "'twas"; Punkt never ends a sentence there either (a sentence ends after '.', '?', '!' or
# a closing quote). So elsewhere a run of cased characters stays inside one token, and a
# token can only be all capitals if it holds a run of uppercase characters with no other
# cased character next to it. vff tokenizes only the pieces of text around such runs and
# around the exceptions ("hints"), a piece being cut at ``TOKEN_CUT``, which changes no
# token. ``tests/constraints/test_text.py`` checks the count against NLTK's.

#: NLTK's contractions that it splits between two letters (it also splits "d'ye" and
#: "more'n", before their apostrophe; they are hints too, to be safe). Its patterns match
#: them with ``re``'s IGNORECASE, as ``_SPLIT_HINTS`` does.
_CONTRACTIONS = (
    "cannot",
    "d'ye",
    "gimme",
    "gonna",
    "gotta",
    "lemme",
    "more'n",
    "wanna",
    "'tis",
    "'twas",
)
_SPLIT_HINTS = re.compile(f"(?i:{'|'.join(_CONTRACTIONS)})")


def _split_hints(response: str) -> list[int]:
    """Where NLTK may split a run of cased characters, and characters beyond the BMP (the
    classes of ``_capital_runs`` hold only BMP characters), in order."""
    found = []
    for marker in ("n't", "N'T"):
        at = response.find(marker)
        while at >= 0:
            found.append(at)
            at = response.find(marker, at + 1)
    if response.isascii():
        lowered = response.lower()
    else:
        found += (m.start() for m in _ASTRAL.finditer(response))
        partners = _ascii_partners()
        lowered = response
        for char, letter in (partners or {}).items():
            if char in lowered:
                lowered = lowered.replace(char, letter)
        lowered = lowered.lower() if partners is not None else ""
        if len(lowered) != len(response):  # not expected; this is exact, only slower
            found += (m.start() for m in _SPLIT_HINTS.finditer(response))
            return sorted(found)
    # Lowered, with each character that IGNORECASE matches with one ASCII letter replaced
    # by that letter: the contractions are found wherever IGNORECASE finds them, and maybe
    # elsewhere too (another character may lower to an ASCII letter).
    for word in _CONTRACTIONS:
        at = lowered.find(word)
        while at >= 0:
            found.append(at)
            at = lowered.find(word, at + 1)
    return sorted(found)


@functools.cache
def _ascii_partners() -> dict[str, str] | None:
    """Each character beyond ASCII that ``re``'s IGNORECASE matches with an ASCII letter,
    to that letter (None if one matches several)."""
    table = {}
    for char in sorted(text.folding_partners(re)):
        letters = [c for c in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(f"(?i){c}", char)]
        if len(letters) != 1:
            return None
        table[char] = letters[0]
    return table


@functools.cache
def _capital_runs(short: bool) -> re.Pattern[str]:
    """Runs of uppercase characters (BMP) with no cased character after them, and for
    long texts none before them either (for short texts a check after the match is
    faster)."""
    ranges = _case_ranges()
    upper = _ranges([r for r in ranges["upper"] if r[1] < 0x10000])
    cased = _ranges([r for r in ranges["cased"] if r[1] < 0x10000])
    before = "" if short else f"(?<![{cased}])"
    return re.compile(f"{before}[{upper}]++(?![{cased}])")


@functools.cache
def _treebank() -> Callable[[str], list[str]]:
    """NLTK's Treebank word tokenizer (``NLTKWordTokenizer.tokenize``, as ``word_tokenize``
    calls it): the compiled patterns of NLTK's own class, applied in the same order, each
    without NLTK's match-time wrapper, and skipped when the text lacks a character that
    every match of it needs."""
    from nltk.tokenize import NLTKWordTokenizer as words

    def steps(pairs: Any) -> list[tuple[Any, str, Callable[[str], object]]]:
        out = []
        for pattern, replacement in pairs:
            compiled = text.unwrap(pattern)
            out.append((compiled, replacement, text.contains_any(text.needed_chars(compiled))))
        return out

    before = steps(
        (*words.STARTING_QUOTES, *words.PUNCTUATION, words.PARENS_BRACKETS, words.DOUBLE_DASHES)
    )
    after = steps(words.ENDING_QUOTES)
    after += steps(
        (pattern, r" \1 \2 ") for pattern in (*words.CONTRACTIONS2, *words.CONTRACTIONS3)
    )

    def tokenize(sentence: str) -> list[str]:
        for pattern, replacement, may_match in before:
            if may_match(sentence):
                sentence = pattern.sub(replacement, sentence)
        sentence = f" {sentence} "
        for pattern, replacement, may_match in after:
            if may_match(sentence):
                sentence = pattern.sub(replacement, sentence)
        return sentence.split()

    return tokenize


#: Pieces up to this long have their all-capital token counts remembered.
_PIECE_CACHE_CHARS = 256

#: Sentences up to this long are counted whole (and up to the second length, their counts
#: remembered). In a longer one a piece runs on to the first cut this far past the
#: character that needs it (fewer, longer pieces), and counting can stop early.
_WHOLE_SENTENCE_CHARS = 2_000
_SENTENCE_CACHE_CHARS = 1_000
_PIECE_CHARS = 256


def _capitals(piece: str) -> int:
    """All-capital tokens of a piece of one sentence."""
    if piece.islower():  # no uppercase character at all
        return 0
    return sum(1 for token in _treebank()(piece) if token.isupper())


_remembered_capitals = text.memo(8192)(_capitals)


def _hint_finder(value: str) -> Callable[[int], int]:
    """A function giving the first hint in ``value`` at or after a position, or
    ``len(value)``: the start of a run of uppercase characters with no cased character on
    either side, or a split hint. Asked for positions in increasing order, it reads the
    text once."""
    short = len(value) <= _WHOLE_SENTENCE_CHARS
    runs = _capital_runs(short).search
    splits = _split_hints(value)
    size = len(value)
    run = [-1, -1]  # [searched from, first run there (size: none)]
    if value.isascii() and value.lower() == value:  # no uppercase letter: no run
        run = [0, size]

    def next_run(pos: int) -> int:
        if run[0] <= pos <= run[1]:
            return run[1]
        found = size
        match = runs(value, pos)
        while match is not None:  # short texts: the run must not follow a cased character
            at = match.start()
            if not short or not at or not _is_cased(value[at - 1]):
                found = at
                break
            match = runs(value, match.end())
        run[:] = [pos, found]
        return found

    def next_hint(pos: int) -> int:
        found = next_run(pos)
        if splits:
            index = bisect.bisect_left(splits, pos)
            if index < len(splits) and splits[index] < found:
                found = splits[index]
        return found

    return next_hint


def _is_cased(char: str) -> bool:
    return char.islower() or char.istitle()  # istitle: uppercase or titlecase


def _piece_counts(sentence: str) -> Iterator[int]:
    """All-capital tokens of one sentence, as counts per tokenized piece."""
    long_sentence = len(sentence) > _WHOLE_SENTENCE_CHARS
    next_hint = _hint_finder(sentence)
    size = len(sentence)
    pos = 0  # where the next piece may start (after a cut)
    while (at := next_hint(pos)) < size:
        start = pos
        for cut in _TOKEN_CUT.finditer(sentence, pos, at + 1):
            start = cut.end()
        after = _TOKEN_CUT.search(sentence, at + _PIECE_CHARS if long_sentence else at)
        piece = sentence[start : after.start() if after else size]
        if len(piece) <= _PIECE_CACHE_CHARS:
            yield _remembered_capitals(piece)
        else:
            yield _capitals(piece)
        if after is None:
            return
        pos = after.end()


def _sentence_capitals(sentence: str) -> int:
    if len(sentence) <= _SENTENCE_CACHE_CHARS:
        return _remembered_sentence_capitals(sentence)
    return sum(_piece_counts(sentence))


@text.memo(4096)
def _remembered_sentence_capitals(sentence: str) -> int:
    return sum(_piece_counts(sentence))


def count_capital_words(response: str, stop_at: int | None = None) -> int:
    """Tokens in all capitals, as IFEval counts them: NLTK's ``word_tokenize`` (Punkt
    sentences, then the Treebank word tokenizer), tokens with ``str.isupper()``.

    Only sentences that can hold such a token are word-tokenized, and of them only the
    pieces (cut at ``_TOKEN_CUT``) that can (see the comment above :data:`_CONTRACTIONS`);
    sentences are only split when some piece can. With ``stop_at``, counting of a long
    text stops once it reaches that number (the result is then at least ``stop_at``).
    Raises :class:`text.TooLongToCount` when the count would be needed past the prefix
    that :func:`_sentence_spans` splits.
    """
    if stop_at is not None and stop_at <= 0:
        return 0
    if len(response) <= text.SENTENCE_SCAN_LIMIT:  # split whole: the count is exact
        return _remembered_count(response)
    return _count_capital_words(response, stop_at)


@text.memo(256)
def _remembered_count(response: str) -> int:
    return _count_capital_words(response, None)


def _count_capital_words(response: str, stop_at: int | None) -> int:
    next_hint = _hint_finder(response)
    size = len(response)
    hint = next_hint(0)
    if hint == size:
        return 0
    spans, covered = _sentence_spans(response)
    count = 0
    for start, end in spans:
        if hint >= end:
            continue
        sentence = response[start:end]
        if len(sentence) <= _WHOLE_SENTENCE_CHARS:
            count += _sentence_capitals(sentence)
        else:
            for found in _piece_counts(sentence):
                count += found
                if stop_at is not None and count >= stop_at:
                    return count
        if stop_at is not None and count >= stop_at:
            return count
        hint = next_hint(end)
        if hint == size:
            return count
    if next_hint(covered) < size:
        raise text.too_long("words in capitals", response)
    return count


class CapitalWordFrequencyParams(Params):
    capital_frequency: int = Field(ge=0)
    capital_relation: IFRelation


@register
class CapitalWordFrequency(IFEvalType[CapitalWordFrequencyParams]):
    id = "change_case:capital_word_frequency"
    summary = "Number of words in all capital letters (NLTK word tokens), fewer than / at least N."
    params_model = CapitalWordFrequencyParams
    example = {"capital_frequency": 3, "capital_relation": "at least"}
    phrasings = (
        "In your response, words written entirely in capital letters should appear "
        "{relation} {capital_frequency} times.",
        "Use {relation_words} {capital_frequency} words in ALL CAPS in your answer.",
        "The number of fully capitalised words in your reply must be {relation_words} "
        "{capital_frequency}.",
    )

    def template_values(self, params: CapitalWordFrequencyParams) -> dict[str, str]:
        return {
            "capital_frequency": str(params.capital_frequency),
            "relation": params.capital_relation,
            **_relation_values(params.capital_relation),
        }

    def check(self, response: str, params: CapitalWordFrequencyParams) -> Verdict:
        cap = _cap(response, params.capital_frequency)
        try:
            count = count_capital_words(response, stop_at=cap)
        except text.TooLongToCount as exc:
            return failed(str(exc))
        capped = cap is not None and count >= cap
        return _relation_verdict(
            count,
            params.capital_relation,
            params.capital_frequency,
            "words in all capital letters",
            capped,
        )


def _first_char(response: str, kind: str) -> str:
    """Where the first character of a kind is, for a reason ("" if there is none)."""
    index = _char_classes()[kind].find(response)
    return f"{response[index]!r} at character {index + 1}" if index >= 0 else ""


@text.memo(256)
def _remembered_language(response: str) -> str:
    return detect_language(response)


def _language(response: str) -> str:
    """:func:`detect_language` (deterministic), remembered for recent texts: loose checks
    detect the response again."""
    if len(response) <= text.SPAN_CACHE_CHARS:
        return _remembered_language(response)
    return detect_language(response)


def _english_verdict(response: str, case_ok: bool, case_problem: str, case_note: str) -> Verdict:
    if not case_ok:
        return failed(case_problem)
    detected = _language(response)
    if detected == UNDETECTABLE:
        return passed(f"{case_note}; no language detectable (counted as English)")
    if detected != "en":
        return failed(f"{case_note}, but the detected language is {language_name(detected)}")
    return passed(f"{case_note}, in English")


@register
class EnglishCapital(IFEvalType[NoParams]):
    id = "change_case:english_capital"
    summary = "The whole response is in English and in capital letters (str.isupper, langdetect)."
    phrasings = (
        "Your entire response should be in English and written in capital letters only.",
        "Answer in English, using ONLY UPPERCASE LETTERS throughout.",
        "Write the whole reply in English, all in capitals: no lowercase letters at all.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        ok = response.isupper()
        problem = ""
        if not ok:
            where = _first_char(response, "not_upper")
            problem = f"not all capitals: lowercase {where}" if where else "no letters found"
        return _english_verdict(response, ok, problem, "all capitals")


@register
class EnglishLowercase(IFEvalType[NoParams]):
    id = "change_case:english_lowercase"
    summary = "The whole response is in English and in lowercase letters (str.islower, langdetect)."
    phrasings = (
        "Your entire response should be in English, in lowercase letters only; "
        "no capital letters are allowed.",
        "Write your answer in English using only lowercase letters.",
        "reply in english, all lowercase: do not use a single capital letter.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        ok = response.islower()
        problem = ""
        if not ok:
            where = _first_char(response, "not_lower")
            problem = f"not all lowercase: capital {where}" if where else "no letters found"
        return _english_verdict(response, ok, problem, "all lowercase")


# --------------------------------------------------------------------------------------
# combination


class RepeatPromptParams(Params):
    prompt_to_repeat: Annotated[str, Field(max_length=100_000), AfterValidator(_nonblank)]


@register
class RepeatPrompt(IFEvalType[RepeatPromptParams]):
    id = "combination:repeat_prompt"
    summary = "The response starts by repeating the request word for word (case-insensitive)."
    params_model = RepeatPromptParams
    example = {"prompt_to_repeat": "Write a haiku about autumn leaves."}
    phrasings = (
        "First repeat the request below word for word without change, then give your answer "
        "(do not say anything before repeating it; do not repeat this sentence): "
        "{prompt_to_repeat}",
        "Begin your reply by copying this request exactly, and only then answer it: "
        "{prompt_to_repeat}",
        "Start by restating the following request verbatim, with nothing before it, then "
        "respond to it: {prompt_to_repeat}",
    )

    def check(self, response: str, params: RepeatPromptParams) -> Verdict:
        got = response.strip().lower()
        want = params.prompt_to_repeat.strip().lower()
        if got.startswith(want):
            return passed("the response starts with the request")
        same = 0
        for a, b in zip(got, want, strict=False):
            if a != b:
                break
            same += 1
        if same == len(got):
            return failed(
                f"the response ends before the request is fully repeated "
                f"({same} of {len(want)} characters)"
            )
        return failed(
            f"the response does not start with the request: at character {same + 1} "
            f"expected {_quote(want[same : same + 20])}, found {_quote(got[same : same + 20])}"
        )


@register
class TwoResponses(IFEvalType[NoParams]):
    id = "combination:two_responses"
    summary = "Two different responses separated by six asterisks (******)."
    phrasings = (
        "Give two different responses. Separate the responses, and only the responses, "
        "with 6 asterisk symbols: ******.",
        "Write two distinct answers, with a line of six asterisks (******) between them and "
        "nowhere else.",
        "Provide two alternative replies that differ from each other; put ****** between the two.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        parts = response.split("******")
        answers = []
        for index, part in enumerate(parts):
            if part.strip():
                answers.append(part)
            elif 0 < index < len(parts) - 1:
                return failed(f"response {index + 1} between ****** separators is empty")
        if len(answers) != 2:
            return failed(f"expected 2 responses separated by ******, found {len(answers)}")
        if answers[0].strip() == answers[1].strip():
            return failed("the two responses are identical")
        return passed("found 2 different responses")


# --------------------------------------------------------------------------------------
# detectable_content

# Equivalent to counting IFEval's ``\[.*?\]`` matches (a "[" with a "]" later on its
# line), but linear: a match may not contain "[" either, so it starts at the last "["
# before its "]". Each "]" still closes at most one placeholder, as in the reference.
_PLACEHOLDER = re.compile(r"\[[^\[\]\n]*\]")


class PlaceholdersParams(Params):
    num_placeholders: int = Field(ge=0)


@register
class NumberPlaceholders(IFEvalType[PlaceholdersParams]):
    id = "detectable_content:number_placeholders"
    summary = "At least N placeholders in square brackets, like [address]."
    params_model = PlaceholdersParams
    example = {"num_placeholders": 2}
    phrasings = (
        "The response must contain at least {num_placeholders} placeholders in square "
        "brackets, such as [address].",
        "Include {num_placeholders} or more placeholders written in square brackets, like [name].",
        "Leave at least {num_placeholders} blanks for the reader to fill in, each as a "
        "placeholder in square brackets (for example [date]).",
    )

    def check(self, response: str, params: PlaceholdersParams) -> Verdict:
        cap = _cap(response, params.num_placeholders)
        count, capped = _count(_PLACEHOLDER.finditer(response), cap)
        return _relation_verdict(
            count, "at least", params.num_placeholders, "placeholders in square brackets", capped
        )


class PostscriptParams(Params):
    postscript_marker: Phrase


# IFEval accepts spaces inside its two standard markers ("P. P. S", "p.s.").
_PPS = re.compile(r"p\.\s?p\.\s?s")
_PS = re.compile(r"p\.\s?s\.")


@register
class Postscript(IFEvalType[PostscriptParams]):
    id = "detectable_content:postscript"
    summary = "The response contains a postscript starting with a marker such as P.S."
    params_model = PostscriptParams
    example = {"postscript_marker": "P.S."}
    phrasings = (
        "At the end of your response, please explicitly add a postscript starting with "
        "{postscript_marker}",
        "Finish with a postscript that begins with {postscript_marker}",
        "Add a short note after your main answer, introduced by {postscript_marker}",
    )

    def template_values(self, params: PostscriptParams) -> dict[str, str]:
        return {"postscript_marker": params.postscript_marker.strip()}

    def check(self, response: str, params: PostscriptParams) -> Verdict:
        marker = params.postscript_marker.strip()
        lowered = response.lower()
        if marker == "P.P.S":
            found = _PPS.search(lowered) is not None
        elif marker == "P.S.":
            found = _PS.search(lowered) is not None
        else:
            found = marker.lower() in lowered
        if found:
            return passed(f"found a postscript marked {marker!r}")
        return failed(f"no postscript starting with {marker!r}")


# --------------------------------------------------------------------------------------
# detectable_format

_CONSTRAINED_OPTIONS = ("My answer is yes.", "My answer is no.", "My answer is maybe.")


@register
class ConstrainedResponse(IFEvalType[NoParams]):
    id = "detectable_format:constrained_response"
    summary = "The response contains one of 'My answer is yes.', '... no.', '... maybe.'."
    phrasings = (
        "Answer with one of the following options: ('My answer is yes.', 'My answer is no.', "
        "'My answer is maybe.')",
        'Reply using exactly one of these sentences: "My answer is yes.", "My answer is no." '
        'or "My answer is maybe."',
        "Your answer must be one of: My answer is yes. / My answer is no. / My answer is maybe.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        value = response.strip()
        for option in _CONSTRAINED_OPTIONS:
            if option in value:
                return passed(f"found {option!r}")
        return failed(
            "none of 'My answer is yes.', 'My answer is no.', 'My answer is maybe.' found"
        )


# Complete JSON strings and the text between them, up to the first unterminated string
# (possessive, so a failing string is scanned once): a parser cannot get past that point.
_JSON_PARSABLE_PREFIX = re.compile(r'(?:[^"]*+"(?:[^"\\]++|\\.)*+")*+[^"]*+', re.DOTALL)
_JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_BRACKETS = frozenset("[]{}")
_JSON_DELTA = {"[": 1, "{": 1, "]": -1, "}": -1}


def _json_too_deep(value: str, limit: int) -> bool:
    """Whether brackets outside JSON strings nest deeper than ``limit`` before the first
    unterminated string. For valid JSON this is its nesting depth; for other text a
    "too deep" answer only replaces one failure with another."""
    if value.count("[") + value.count("{") <= limit:
        return False
    prefix = value[: _JSON_PARSABLE_PREFIX.match(value).end()]  # type: ignore[union-attr]
    if "\\" in prefix:
        outside = _JSON_STRING.sub("", prefix)
    else:  # every quote delimits a string: the text outside strings is every other piece
        outside = "".join(prefix.split('"')[::2])
    brackets = outside.translate(dict.fromkeys(map(ord, set(outside) - _BRACKETS)))
    depth = 0
    for start in range(0, len(brackets), 65_536):
        chunk = brackets[start : start + 65_536]
        if max(accumulate(map(_JSON_DELTA.__getitem__, chunk), initial=depth)) > limit:
            return True
        opens = chunk.count("[") + chunk.count("{")
        depth += 2 * opens - len(chunk)
    return False


def _strip_fence(response: str) -> str:
    value = response.strip()
    for prefix in ("```json", "```Json", "```JSON", "```"):
        value = value.removeprefix(prefix)
    return value.removesuffix("```").strip()


@register
class JsonFormat(IFEvalType[NoParams]):
    id = "detectable_format:json_format"
    summary = "The entire response is JSON (a ``` / ```json fence around it is allowed)."
    phrasings = (
        "Your entire output should be wrapped in JSON format. You can use markdown ticks "
        "such as ```.",
        "Format the whole answer as valid JSON; a markdown code fence around it is fine.",
        "Respond with JSON only: the complete reply must parse as JSON (you may put it "
        "inside ``` ticks).",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        value = _strip_fence(response)
        if _json_too_deep(value, MAX_JSON_DEPTH):
            return failed(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        try:
            json.loads(value)
        except RecursionError:
            return failed("JSON nested too deeply to parse")
        except ValueError as exc:
            message = (str(exc).splitlines() or [type(exc).__name__])[0]
            return failed(f"not valid JSON: {message[:120]}")
        return passed("the response is valid JSON")


class SectionsParams(Params):
    num_sections: int = Field(ge=0)
    section_spliter: Phrase


@register
class MultipleSections(IFEvalType[SectionsParams]):
    id = "detectable_format:multiple_sections"
    summary = "At least N sections, each introduced by a marker and a number, like 'Section 1'."
    params_model = SectionsParams
    example = {"num_sections": 3, "section_spliter": "Section"}
    phrasings = (
        "Your response must have {num_sections} sections. Mark the beginning of each section "
        "with {section_spliter} X, such as:\n{section_spliter} 1\n[content of section 1]\n"
        "{section_spliter} 2\n[content of section 2]",
        "Divide the answer into {num_sections} parts and start each part with "
        "'{section_spliter}' followed by its number ({section_spliter} 1, {section_spliter} 2, "
        "...).",
        "Organise your reply as {num_sections} numbered sections, each headed "
        '"{section_spliter} N" where N is the section number.',
    )

    def template_values(self, params: SectionsParams) -> dict[str, str]:
        return {
            "num_sections": str(params.num_sections),
            "section_spliter": params.section_spliter.strip(),
        }

    def check(self, response: str, params: SectionsParams) -> Verdict:
        marker = params.section_spliter.strip()
        pattern = re.compile(r"\s?" + re.escape(marker) + r"\s?\d+\s?")
        count, capped = _count(pattern.finditer(response), _cap(response, params.num_sections))
        unit = f"sections with a heading like {marker + ' 1'!r}"
        return _relation_verdict(count, "at least", params.num_sections, unit, capped)


# IFEval counts lines matching ``^\s*\*[^\*].*$`` and ``^\s*-.*$`` (multiline). Its ``\s*``
# can run over blank lines, which makes the naive pattern quadratic on many blank lines;
# restricting the leading whitespace to the marker's own line finds the same matches (the
# same ends, hence the same count), in linear time.
_STAR_BULLET = re.compile(r"^[^\S\n]*\*[^*].*$", re.MULTILINE)
_DASH_BULLET = re.compile(r"^[^\S\n]*-.*$", re.MULTILINE)


class BulletsParams(Params):
    num_bullets: int = Field(ge=0)


@register
class NumberBulletLists(IFEvalType[BulletsParams]):
    id = "detectable_format:number_bullet_lists"
    summary = "Exactly N markdown bullet points (lines starting with * or -)."
    params_model = BulletsParams
    example = {"num_bullets": 3}
    phrasings = (
        "Your answer must contain exactly {num_bullets} bullet points. Use markdown bullet "
        "points such as:\n* This is point 1.\n* This is point 2",
        'Give exactly {num_bullets} markdown bullet points (lines starting with "* "), no '
        "more and no fewer.",
        "Format the answer as a markdown list of exactly {num_bullets} items, each line "
        "starting with an asterisk.",
    )

    def check(self, response: str, params: BulletsParams) -> Verdict:
        cap = _cap(response, params.num_bullets + 1)
        stars, capped = _count(_STAR_BULLET.finditer(response), cap)
        dashes = 0
        if not capped:
            dashes, capped = _count(
                _DASH_BULLET.finditer(response), None if cap is None else cap - stars
            )
        count = stars + dashes
        if count == params.num_bullets:
            return passed(f"found {count} {noun('bullet points', count)}")
        shown = f"more than {params.num_bullets}" if capped else str(count)
        expected = noun("bullet points", params.num_bullets)
        return failed(f"expected exactly {params.num_bullets} {expected}, found {shown}")


# IFEval counts the non-blank spans of ``\*[^\n\*]*\*`` and, separately, of
# ``\*\*[^\n\*]*\*\*``. These patterns match the same spans; a span's group is set only
# when its content is not blank, so the count needs no Python loop over the matches.
_HIGHLIGHT = re.compile(r"\*(?:[^\S\n]*\*|([^\n*]*)\*)")
_DOUBLE_HIGHLIGHT = re.compile(r"\*\*(?:[^\S\n]*\*\*|([^\n*]*)\*\*)")
_VISIBLE_NOT_STAR = re.compile(r"[^\s*]")


def count_highlights(response: str) -> int:
    """IFEval's number of highlighted sections: non-blank *single* plus **double** spans."""
    if _VISIBLE_NOT_STAR.search(response) is None:  # only asterisks and whitespace
        return 0
    total = 0
    for pattern in (_HIGHLIGHT, _DOUBLE_HIGHLIGHT):
        contents = pattern.findall(response)
        total += len(contents) - contents.count("")
    return total


class HighlightsParams(Params):
    num_highlights: int = Field(ge=0)


@register
class NumberHighlightedSections(IFEvalType[HighlightsParams]):
    id = "detectable_format:number_highlighted_sections"
    summary = "At least N sections highlighted with markdown, like *highlighted section*."
    params_model = HighlightsParams
    example = {"num_highlights": 2}
    phrasings = (
        "Highlight at least {num_highlights} sections in your answer with markdown, i.e. "
        "*highlighted section*.",
        "Mark {num_highlights} or more parts of your reply as highlighted by wrapping them "
        "in single asterisks, like *this part*.",
        "Use markdown emphasis to highlight at least {num_highlights} sections of the "
        "response (for example *key point*).",
    )

    def check(self, response: str, params: HighlightsParams) -> Verdict:
        count = count_highlights(response)
        return _relation_verdict(count, "at least", params.num_highlights, "highlighted sections")


# IFEval finds ``<<[^\n]+>>``: from the first "<<" of a line to the last ">>" of that line.
# Scanning each line once from its first "<<" gives the same titles in linear time.
_TITLE_START = re.compile(r"<<[^\n]*")


def _titles(response: str) -> Iterator[str]:
    if ">>" not in response:
        return
    for match in _TITLE_START.finditer(response):
        segment = match.group()
        end = segment.rfind(">>")
        if end >= 3:
            yield segment[: end + 2]


@register
class Title(IFEvalType[NoParams]):
    id = "detectable_format:title"
    summary = "The response contains a title in double angular brackets, like <<poem of joy>>."
    phrasings = (
        "Your answer must contain a title, wrapped in double angular brackets, such as "
        "<<poem of joy>>.",
        "Give your response a title and put it in double angle brackets, for example <<my title>>.",
        "Include a title written between << and >>, like <<a day at sea>>.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        for title in _titles(response):
            if title.lstrip("<").rstrip(">").strip():
                return passed(f"found title {_quote(title)}")
        return failed("no title in double angular brackets, like <<title>>")


# --------------------------------------------------------------------------------------
# keywords


class KeywordsParams(Params):
    keywords: list[Phrase] = Field(min_length=1, max_length=100)


def _keyword_pattern(word: str) -> re.Pattern[str]:
    return re.compile(re.escape(word), re.IGNORECASE)


def _ascii_folded(response: str) -> str | None:
    """``response.lower()`` if, in it, an ASCII phrase's lowercase occurs exactly where
    IGNORECASE matches the phrase in ``response``; else None. That holds unless the text
    has a character beyond ASCII that IGNORECASE matches with an ASCII letter (such as a
    dotless i; see :func:`text.folding_partners`): any other character matches an ASCII
    character only if it lowercases to it, and lowercases to one only if it matches."""
    if response.isascii():
        return response.lower()
    if any(char in response for char in text.folding_partners(re)):
        return None
    lowered = response.lower()
    return lowered if len(lowered) == len(response) else None


def _keyword_at(response: str, folded: str | None, word: str) -> int:
    """Where ``word`` first occurs in ``response``, case-insensitively (-1: nowhere)."""
    if folded is not None and word.isascii():
        return folded.find(word.lower())
    match = _keyword_pattern(word).search(response)
    return match.start() if match else -1


def _keyword_count(
    response: str, folded: str | None, word: str, cap: int | None
) -> tuple[int, bool]:
    """Case-insensitive occurrences of ``word`` (not overlapping), as :func:`_count`."""
    if folded is not None and word.isascii():
        total = folded.count(word.lower())
        return (cap, True) if cap is not None and total >= cap else (total, False)
    return _count(_keyword_pattern(word).finditer(response), cap)


@register
class KeywordsExistence(IFEvalType[KeywordsParams]):
    id = "keywords:existence"
    summary = "Every keyword occurs in the response (case-insensitive substring)."
    params_model = KeywordsParams
    example = {"keywords": ["river", "festival"]}
    phrasings = (
        "Include the keywords {keywords} in the response.",
        "Make sure your answer uses each of these words: {keywords}.",
        "Your reply must mention all of the following keywords: {keywords}.",
    )

    def check(self, response: str, params: KeywordsParams) -> Verdict:
        folded = _ascii_folded(response)
        missing = [w for w in params.keywords if _keyword_at(response, folded, w) < 0]
        if missing:
            words = noun("keywords", len(missing))
            return failed(f"missing {words} {', '.join(_quote(w) for w in missing)}")
        return passed(f"found all {len(params.keywords)} keywords")


class ForbiddenParams(Params):
    forbidden_words: list[Phrase] = Field(min_length=1, max_length=100)


def _has_whole_word(response: str, folded: str | None, word: str) -> bool:
    """IFEval's ``\bword\b`` search (case-insensitive), with ``word`` taken literally. The
    plain search is much faster than one starting with ``\b``, and a whole-word match can
    only start where a plain match does."""
    first = _keyword_at(response, folded, word)
    if first < 0:
        return False
    whole = re.compile(r"\b" + re.escape(word) + r"\b", re.IGNORECASE)
    return whole.search(response, first) is not None


@register
class ForbiddenWords(IFEvalType[ForbiddenParams]):
    id = "keywords:forbidden_words"
    summary = "None of the given words occurs as a whole word (case-insensitive)."
    params_model = ForbiddenParams
    example = {"forbidden_words": ["very", "really"]}
    phrasings = (
        "Do not include the keywords {forbidden_words} in the response.",
        "Avoid these words entirely: {forbidden_words}.",
        "Your answer must not use any of the following words: {forbidden_words}.",
    )

    def check(self, response: str, params: ForbiddenParams) -> Verdict:
        folded = _ascii_folded(response)
        found = [
            w for w in sorted(set(params.forbidden_words)) if _has_whole_word(response, folded, w)
        ]
        if found:
            words = noun("words", len(found))
            return failed(f"found forbidden {words} {', '.join(_quote(w) for w in found)}")
        return passed("none of the forbidden words found")


class FrequencyParams(Params):
    keyword: Phrase
    frequency: int = Field(ge=0)
    relation: IFRelation


@register
class KeywordFrequency(IFEvalType[FrequencyParams]):
    id = "keywords:frequency"
    summary = "A keyword occurs fewer than / at least N times (case-insensitive, as a substring)."
    params_model = FrequencyParams
    example = {"keyword": "light", "frequency": 3, "relation": "at least"}
    phrasings = (
        "In your response, the word {keyword} should appear {relation} {frequency} times.",
        'Use the word "{keyword}" {relation_words} {frequency} times.',
        "The keyword {keyword} must occur {relation_words} {frequency} times in your answer.",
    )

    def template_values(self, params: FrequencyParams) -> dict[str, str]:
        return {
            "keyword": params.keyword.strip(),
            "frequency": str(params.frequency),
            "relation": params.relation,
            **_relation_values(params.relation),
        }

    def check(self, response: str, params: FrequencyParams) -> Verdict:
        keyword = params.keyword.strip()
        cap = _cap(response, params.frequency)
        count, capped = _keyword_count(response, _ascii_folded(response), keyword, cap)
        return _relation_verdict(
            count, params.relation, params.frequency, f"occurrences of {_quote(keyword)}", capped
        )


class LetterParams(Params):
    letter: str = Field(min_length=1, max_length=1)
    let_frequency: int = Field(ge=0)
    let_relation: IFRelation

    @field_validator("letter")
    @classmethod
    def _one_char(cls, value: str) -> str:
        if value.isspace() or len(value.lower()) != 1:
            raise ValueError("must be one visible character whose lowercase is one character")
        return value


@register
class LetterFrequency(IFEvalType[LetterParams]):
    id = "keywords:letter_frequency"
    summary = "A letter (any case) occurs fewer than / at least N times."
    params_model = LetterParams
    example = {"letter": "e", "let_frequency": 10, "let_relation": "at least"}
    phrasings = (
        "In your response, the letter {letter} should appear {let_relation} {let_frequency} times.",
        "Use the letter '{letter}' {relation_words} {let_frequency} times (upper or lower case).",
        "Make sure the character {letter} occurs {relation_words} {let_frequency} times in "
        "your answer.",
    )

    def template_values(self, params: LetterParams) -> dict[str, str]:
        return {
            "letter": params.letter.lower(),
            "let_frequency": str(params.let_frequency),
            "let_relation": params.let_relation,
            **_relation_values(params.let_relation),
        }

    def check(self, response: str, params: LetterParams) -> Verdict:
        letter = params.letter.lower()
        count = response.lower().count(letter)
        return _relation_verdict(
            count, params.let_relation, params.let_frequency, f"occurrences of {letter!r}"
        )


# --------------------------------------------------------------------------------------
# length_constraints


class FirstWordParams(Params):
    num_paragraphs: int = Field(ge=1)
    nth_paragraph: int = Field(ge=1)
    first_word: Phrase

    @model_validator(mode="after")
    def _nth_within(self) -> FirstWordParams:
        if self.nth_paragraph > self.num_paragraphs:
            raise ValueError(
                f"'nth_paragraph' ({self.nth_paragraph}) is larger than 'num_paragraphs' "
                f"({self.num_paragraphs})"
            )
        return self


_FIRST_WORD_STOP = frozenset(".,?!'\"")


def _blank_separated(count: int) -> str:
    return noun("paragraphs with blank lines between them", count)


def _first_word(paragraph: str) -> str:
    """IFEval's first word of a (stripped, non-empty) paragraph: the first
    whitespace-separated chunk without leading quotes, cut at the first punctuation mark,
    lowercased character by character."""
    chunk = paragraph.split(maxsplit=1)[0].lstrip("'").lstrip('"')
    word = []
    for char in chunk:
        if char in _FIRST_WORD_STOP:
            break
        word.append(char.lower())
    return "".join(word)


@register
class NthParagraphFirstWord(IFEvalType[FirstWordParams]):
    id = "length_constraints:nth_paragraph_first_word"
    summary = "Exactly N paragraphs (split by blank lines); paragraph i starts with a given word."
    params_model = FirstWordParams
    example = {"num_paragraphs": 3, "nth_paragraph": 2, "first_word": "however"}
    phrasings = (
        "There should be {num_paragraphs} paragraphs. Paragraphs and only paragraphs are "
        "separated from each other by two new lines. Paragraph {nth_paragraph} must start "
        "with the word {first_word}.",
        "Write exactly {num_paragraphs} paragraphs separated by blank lines, and begin "
        'paragraph number {nth_paragraph} with the word "{first_word}".',
        "Your answer needs {num_paragraphs} paragraphs with an empty line between each; the "
        "first word of paragraph {nth_paragraph} has to be {first_word}.",
    )

    def check(self, response: str, params: FirstWordParams) -> Verdict:
        parts = response.split("\n\n")
        count = sum(1 for part in parts if part.strip())
        nth = params.nth_paragraph
        if nth > count:
            return failed(
                f"expected {params.num_paragraphs} {_blank_separated(params.num_paragraphs)}, "
                f"found {count}, so there is no paragraph {nth}"
            )
        paragraph = parts[nth - 1].strip()
        if not paragraph:
            # IFEval indexes the raw "\n\n" split, so a leading blank part shifts paragraphs.
            return failed(f"paragraph {nth} is empty (an extra blank line before it)")
        word = _first_word(paragraph)
        expected = params.first_word.lower()
        if count != params.num_paragraphs:
            return failed(
                f"expected {params.num_paragraphs} {_blank_separated(params.num_paragraphs)}, "
                f"found {count}"
            )
        if word != expected:
            return failed(
                f"paragraph {nth} starts with {_quote(word)}, expected {_quote(expected)}"
            )
        found = f"found {count} {noun('paragraphs', count)}"
        return passed(f"{found}; paragraph {nth} starts with {_quote(word)}")


_DIVIDER = re.compile(r"\s?\*\*\*\s?")


class ParagraphsParams(Params):
    num_paragraphs: int = Field(ge=0)


@register
class NumberParagraphs(IFEvalType[ParagraphsParams]):
    id = "length_constraints:number_paragraphs"
    summary = "Exactly N paragraphs separated by the markdown divider ***."
    params_model = ParagraphsParams
    example = {"num_paragraphs": 3}
    phrasings = (
        "There should be {num_paragraphs} paragraphs. Paragraphs are separated with the "
        "markdown divider: ***",
        "Write exactly {num_paragraphs} paragraphs and put a line with *** between "
        "consecutive paragraphs.",
        "Split your answer into {num_paragraphs} paragraphs, using the markdown divider *** "
        "as the separator.",
    )

    def check(self, response: str, params: ParagraphsParams) -> Verdict:
        parts = _DIVIDER.split(response)
        count = len(parts)
        for index, part in enumerate(parts):
            if not part.strip():
                if index in (0, len(parts) - 1):
                    count -= 1
                else:
                    return failed(f"paragraph {index + 1} between *** dividers is empty")
        if count == params.num_paragraphs:
            return passed(f"found {count} {noun('paragraphs', count)}")
        return failed(
            f"expected exactly {params.num_paragraphs} "
            f"{noun('paragraphs with *** between them', params.num_paragraphs)}, found {count}"
        )


class SentencesParams(Params):
    num_sentences: int = Field(ge=0)
    relation: IFRelation


@register
class NumberSentences(IFEvalType[SentencesParams]):
    id = "length_constraints:number_sentences"
    summary = "Fewer than / at least N sentences (NLTK Punkt, English)."
    params_model = SentencesParams
    example = {"num_sentences": 5, "relation": "less than"}
    phrasings = (
        "Your response should contain {relation} {num_sentences} sentences.",
        "Answer in {relation_words} {num_sentences} sentences.",
        "Keep the number of sentences in your reply {relation_words} {num_sentences}.",
    )

    def template_values(self, params: SentencesParams) -> dict[str, str]:
        return {
            "num_sentences": str(params.num_sentences),
            "relation": params.relation,
            **_relation_values(params.relation),
        }

    def check(self, response: str, params: SentencesParams) -> Verdict:
        # With ``stop_after=n`` the count is exact up to n and n + 1 beyond: either
        # relation is decided by then.
        stop = _cap(response, params.num_sentences)
        try:
            count = count_sentences(response, stop_after=stop)
        except text.TooLongToCount as exc:
            return failed(str(exc))
        capped = stop is not None and count > stop
        return _relation_verdict(count, params.relation, params.num_sentences, "sentences", capped)


class WordsParams(Params):
    num_words: int = Field(ge=0)
    relation: IFRelation


@register
class NumberWords(IFEvalType[WordsParams]):
    id = "length_constraints:number_words"
    summary = "Fewer than / at least N words (runs of word characters)."
    params_model = WordsParams
    example = {"num_words": 100, "relation": "at least"}
    phrasings = (
        "Answer with {relation} {num_words} words.",
        "Your response should be {relation_words} {num_words} words long.",
        "Use {relation_words} {num_words} words in your reply.",
    )

    def template_values(self, params: WordsParams) -> dict[str, str]:
        return {
            "num_words": str(params.num_words),
            "relation": params.relation,
            **_relation_values(params.relation),
        }

    def check(self, response: str, params: WordsParams) -> Verdict:
        count = text.count_words(response)
        return _relation_verdict(count, params.relation, params.num_words, "words")


# --------------------------------------------------------------------------------------
# punctuation, startend


@register
class NoComma(IFEvalType[NoParams]):
    id = "punctuation:no_comma"
    summary = "The response contains no comma (,)."
    phrasings = (
        "In your entire response, refrain from the use of any commas.",
        "Do not use a single comma anywhere in your answer.",
        "Write your reply without any commas.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        count = response.count(",")
        if count:
            return failed(f"found {count} comma{'s' if count != 1 else ''}")
        return passed("no commas")


class EndParams(Params):
    end_phrase: Annotated[str, Field(max_length=1000), AfterValidator(_nonblank)]


@register
class EndChecker(IFEvalType[EndParams]):
    id = "startend:end_checker"
    summary = "The response ends with an exact phrase (case-insensitive; outer quotes ignored)."
    params_model = EndParams
    example = {"end_phrase": "Is there anything else I can help with?"}
    phrasings = (
        "Finish your response with this exact phrase: {end_phrase}. No other words should "
        "follow this phrase.",
        'End your answer with the words "{end_phrase}" and write nothing after them.',
        "The very last thing in your reply must be the phrase: {end_phrase}",
    )

    def template_values(self, params: EndParams) -> dict[str, str]:
        return {"end_phrase": params.end_phrase.strip()}

    def check(self, response: str, params: EndParams) -> Verdict:
        value = response.strip().strip('"').lower()
        phrase = params.end_phrase.strip().lower()
        if value.endswith(phrase):
            return passed(f"ends with {_quote(params.end_phrase.strip())}")
        shown = response.strip().strip('"')
        tail = shown[-max(len(phrase), 20) :]
        return failed(
            f"does not end with {_quote(params.end_phrase.strip())}; it ends with {_quote(tail)}"
        )


@register
class Quotation(IFEvalType[NoParams]):
    id = "startend:quotation"
    summary = "The whole response is wrapped in double quotation marks."
    phrasings = (
        "Wrap your entire response with double quotation marks.",
        'Put your whole answer inside a pair of double quotes ("...").',
        "Your reply must begin and end with a double quotation mark.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        value = response.strip()
        if len(value) > 1 and value[0] == '"' and value[-1] == '"':
            return passed("wrapped in double quotation marks")
        if len(value) <= 1:
            return failed("too short to be wrapped in double quotation marks")
        return failed(
            f"not wrapped in double quotation marks: "
            f"starts with {value[0]!r}, ends with {value[-1]!r}"
        )
