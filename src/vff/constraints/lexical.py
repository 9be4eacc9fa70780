"""Lexical constraints: which words, letters, characters and markers a response uses.

Conventions shared by the types here:

* Words and phrases match as *whole words*, with :mod:`vff.constraints.text`'s notion of a
  word (a run of ``\\w`` characters): ``"cat"`` matches ``"Cat,"`` but not ``"cats"``.
  Whitespace inside a phrase matches any run of whitespace, so ``"ice cream"`` matches
  ``"ice\\ncream"``. Case-insensitive matching compares :meth:`str.casefold` forms.
* Parameters are validated: phrases are stripped, inner whitespace is collapsed to single
  spaces, and empty or blank phrases are rejected.
* Model output is untrusted: patterns built from parameters use :func:`re.escape` and have
  no nested quantifiers, compiled patterns are cached per parameter value, and counts of
  repeated matches stop at :data:`COUNT_CAP`, so every check stays linear in the response.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Annotated

from pydantic import AfterValidator, Field, field_validator

from vff.constraints.base import (
    Bounded,
    ConstraintType,
    NoParams,
    Params,
    Verdict,
    failed,
    passed,
    quantity,
)
from vff.constraints.registry import register

#: Counting matches of one word or phrase stops here (a reason then says "10000+").
COUNT_CAP = 10_000
#: Longest accepted phrase parameter, in characters (after whitespace is collapsed).
MAX_PHRASE_CHARS = 200
#: Most words or phrases one include/exclude constraint may list.
MAX_WORDS = 50

_WORD_CHAR = re.compile(r"\w")
_NON_SPACE = re.compile(r"\S")


# --- parameters ------------------------------------------------------------------------------


def _clean_phrase(value: str) -> str:
    cleaned = " ".join(value.split())
    if not cleaned:
        raise ValueError("must not be empty or blank")
    if len(cleaned) > MAX_PHRASE_CHARS:
        raise ValueError(f"must be at most {MAX_PHRASE_CHARS} characters")
    return cleaned


#: A non-blank word or phrase; surrounding whitespace is stripped, inner runs collapsed.
Phrase = Annotated[str, AfterValidator(_clean_phrase)]


def _dedupe(values: tuple[str, ...]) -> tuple[str, ...]:
    seen: set[str] = set()
    kept = []
    for value in values:
        key = value.casefold()
        if key not in seen:
            seen.add(key)
            kept.append(value)
    return tuple(kept)


#: A list of 1..MAX_WORDS phrases; case-insensitive duplicates are dropped.
PhraseList = Annotated[
    tuple[Phrase, ...], Field(min_length=1, max_length=MAX_WORDS), AfterValidator(_dedupe)
]


class WordsParams(Params):
    words: PhraseList


class KeywordParams(Bounded):
    keyword: Phrase


class LetterParams(Bounded):
    letter: str

    @field_validator("letter")
    @classmethod
    def _one_letter(cls, value: str) -> str:
        if len(value) != 1 or not value.isalpha():
            raise ValueError("must be a single letter")
        return value


class CommaParams(Params):
    #: Count only U+002C ','; by default every comma character counts (see NoCommas).
    ascii_only: bool = False


class PhraseParams(Params):
    phrase: Phrase
    case_sensitive: bool = False


class PostscriptParams(Params):
    marker: Phrase = "P.S."


class CharParams(Params):
    char: str

    @field_validator("char")
    @classmethod
    def _one_char(cls, value: str) -> str:
        if len(value) != 1:
            raise ValueError("must be exactly one character")
        return value


class SectionParams(Bounded):
    splitter: Phrase = "SECTION"


# --- helpers ---------------------------------------------------------------------------------


def _q(value: str, limit: int = 40, *, tail: bool = False) -> str:
    """A short, single-line, quoted rendering of untrusted text for reasons (``tail``:
    keep the end of a long text rather than its start)."""
    if len(value) <= limit:
        return repr(value)
    if tail:
        return "…" + repr(value[-limit:])
    return repr(value[:limit]) + "…"


def _dq(value: str) -> str:
    """Double-quoted, for instructions."""
    return f'"{value}"'


def _join(values: Iterable[str], last: str) -> str:
    """'"a", "b" and "c"' (``last`` is "and" or "or")."""
    quoted = [_dq(v) for v in values]
    if len(quoted) == 1:
        return quoted[0]
    return f"{', '.join(quoted[:-1])} {last} {quoted[-1]}"


def _line(value: str, pos: int) -> int:
    return value.count("\n", 0, pos) + 1


def _where(value: str, pos: int) -> str:
    """ "line 2, column 5" for an index into ``value``."""
    column = pos - (value.rfind("\n", 0, pos) + 1) + 1
    return f"line {_line(value, pos)}, column {column}"


def _token_at(value: str, pos: int, limit: int = 30) -> str:
    """The whitespace-delimited token containing ``value[pos]`` (at most ``limit`` chars
    each side)."""
    start = pos
    while start > 0 and pos - start < limit and not value[start - 1].isspace():
        start -= 1
    end = pos + 1
    while end < len(value) and end - pos < limit and not value[end].isspace():
        end += 1
    return value[start:end]


def _is_word_char(char: str) -> bool:
    return _WORD_CHAR.match(char) is not None


def _fold(value: str, case_sensitive: bool = False) -> str:
    return value if case_sensitive else value.casefold()


class _Matcher:
    """Whole-word matching of one phrase in (already case-folded, if needed) text.

    The pattern starts with the phrase's first token, so the regex engine's fast literal
    search applies; the "no word character before" check is a fixed-width lookbehind
    placed right after that token (``tok(?<!\\wtok)``) rather than in front of it.
    """

    __slots__ = ("pattern",)

    def __init__(self, phrase: str) -> None:
        tokens = phrase.split()
        first = re.escape(tokens[0])
        parts = [first]
        if _is_word_char(phrase[0]):
            parts.append(rf"(?<!\w{first})")
        for token in tokens[1:]:
            parts.append(r"\s++" + re.escape(token))
        if _is_word_char(phrase[-1]):
            parts.append(r"(?!\w)")
        self.pattern = re.compile("".join(parts))

    def search(self, value: str, pos: int = 0) -> re.Match[str] | None:
        return self.pattern.search(value, pos)

    def match(self, value: str) -> re.Match[str] | None:
        return self.pattern.match(value)

    def count(self, value: str, cap: int | None = COUNT_CAP) -> int:
        """Non-overlapping matches; counting stops at ``cap`` (``None``: count all)."""
        if cap is None or len(value) < 2 * cap:  # all of them, at C speed
            return len(self.pattern.findall(value))
        return sum(1 for _ in itertools.islice(self.pattern.finditer(value), cap))


def _line_matches(
    value: str, finder: re.Pattern[str], line: re.Pattern[str]
) -> Iterator[re.Match[str]]:
    """Matches of ``line`` at the start of lines on which ``finder`` matches.

    ``finder`` (a literal-led pattern) is found with the engine's fast literal search, and
    ``line`` is only tried at the start of those lines; each line is visited once, so this
    is linear, and much faster than a ``^``-anchored MULTILINE search over every position."""
    pos = 0
    while (hit := finder.search(value, pos)) is not None:
        start = value.rfind("\n", pos, hit.start()) + 1 or pos
        match = line.match(value, start)
        if match is not None:
            yield match
        end = value.find("\n", match.end() if match is not None else hit.start())
        if end < 0:
            return
        pos = end + 1


@functools.lru_cache(maxsize=4096)
def _matcher(phrase: str, case_sensitive: bool = False, reverse: bool = False) -> _Matcher:
    """The cached matcher of a phrase; ``reverse`` matches it in reversed (folded) text."""
    folded = _fold(phrase, case_sensitive)
    return _Matcher(folded[::-1] if reverse else folded)


def _plural_cap(count: int, singular: str) -> str:
    if count >= COUNT_CAP:
        return f"{COUNT_CAP}+ {singular}s"
    return quantity(count, singular)


# --- words -----------------------------------------------------------------------------------


@register
class IncludeWords(ConstraintType[WordsParams]):
    id = "lexical:include_words"
    example = {"words": ["price", "unit cost"]}
    summary = "Each given word or phrase appears (whole word, case-insensitive)."
    params_model = WordsParams
    phrasings = (
        "Include the words {words} in your response.",
        "Make sure your answer mentions {words}.",
        "Your response must contain each of these words: {words}.",
    )

    def template_values(self, params: WordsParams) -> dict[str, str]:
        return {"words": _join(params.words, "and")}

    def check(self, response: str, params: WordsParams) -> Verdict:
        folded = response.casefold()
        missing = [w for w in params.words if _matcher(w).search(folded) is None]
        if missing:
            noun = "word" if len(missing) == 1 else "words"
            return failed(f"missing {noun}: {', '.join(_q(w) for w in missing)}")
        if len(params.words) == 1:
            return passed(f"found {_q(params.words[0])}")
        return passed(f"found all {len(params.words)} words")


@register
class ExcludeWords(ConstraintType[WordsParams]):
    id = "lexical:exclude_words"
    example = {"words": ["cheap", "free trial"]}
    summary = "None of the given words or phrases appears (whole word, case-insensitive)."
    params_model = WordsParams
    phrasings = (
        "Do not include the words {words} in your response.",
        "Avoid using {words} anywhere in your answer.",
        "Your response must not contain the words {words}.",
    )

    def template_values(self, params: WordsParams) -> dict[str, str]:
        return {"words": _join(params.words, "or")}

    def check(self, response: str, params: WordsParams) -> Verdict:
        folded = response.casefold()
        found = []
        for word in params.words:
            matcher = _matcher(word)
            first = matcher.search(folded)
            if first is not None:
                count = matcher.count(folded)
                found.append((word, count, _line(folded, first.start())))
        if not found:
            if len(params.words) == 1:
                return passed(f"{_q(params.words[0])} not found")
            return passed(f"none of the {len(params.words)} words found")
        details = ", ".join(
            f"{_q(w)} ({_plural_cap(c, 'time')}, first on line {line})" for w, c, line in found
        )
        noun = "word" if len(found) == 1 else "words"
        return failed(f"found forbidden {noun}: {details}")


@register
class KeywordFrequency(ConstraintType[KeywordParams]):
    id = "lexical:keyword_frequency"
    example = {"keyword": "price", "relation": "at least", "n": 2}
    summary = "A keyword appears a bounded number of times (whole word, case-insensitive)."
    params_model = KeywordParams
    phrasings = (
        "Use the word {keyword} {times} in your response.",
        "The keyword {keyword} should appear {times} in your answer.",
        "Mention {keyword} {times}.",
    )

    def template_values(self, params: KeywordParams) -> dict[str, str]:
        return {"keyword": _dq(params.keyword), "times": params.counted("time")}

    def check(self, response: str, params: KeywordParams) -> Verdict:
        # Counts stop at COUNT_CAP unless the bound needs more: past the bound, counting
        # cannot change the verdict.
        bound = params.upper if params.upper is not None else params.n
        cap = None if bound >= COUNT_CAP else COUNT_CAP
        count = _matcher(params.keyword).count(response.casefold(), cap)
        unit = f"occurrences of {_q(params.keyword)}"
        if cap is not None and count >= cap:
            if params.holds(count):
                return passed(f"found {cap}+ {unit}")
            return failed(f"expected {params.phrase()} {unit}, found {cap}+")
        return params.verdict(count, unit)


@functools.lru_cache(maxsize=256)
def _case_variants(letter: str) -> tuple[str, ...]:
    forms = {letter, letter.lower(), letter.upper(), letter.casefold(), letter.title()}
    return tuple(sorted(f for f in forms if len(f) == 1))


@register
class LetterFrequency(ConstraintType[LetterParams]):
    id = "lexical:letter_frequency"
    example = {"letter": "q", "relation": "at most", "n": 3}
    summary = "A letter appears a bounded number of times (case-insensitive)."
    params_model = LetterParams
    phrasings = (
        "In your response, the letter {letter} should appear {times}.",
        "Use the letter {letter} {times} in your answer.",
        "Make sure the letter {letter} occurs {times} in your reply.",
    )

    def template_values(self, params: LetterParams) -> dict[str, str]:
        return {"letter": _dq(params.letter), "times": params.counted("time")}

    def check(self, response: str, params: LetterParams) -> Verdict:
        count = sum(response.count(v) for v in _case_variants(params.letter))
        return params.verdict(count, f"occurrences of the letter {_q(params.letter)}")


# --- characters ------------------------------------------------------------------------------

#: Characters that count as commas unless ``ascii_only``: ASCII, fullwidth, small and
#: vertical forms, the ideographic comma (Japanese tōten, Chinese enumeration comma) and its
#: half-width form, and the Arabic comma.
COMMAS = (",", "，", "﹐", "︐", "、", "､", "﹑", "︑", "،")


def _first_of(value: str, chars: Iterable[str]) -> int:
    positions = [p for p in (value.find(c) for c in chars) if p >= 0]
    return min(positions) if positions else -1


@register
class NoCommas(ConstraintType[CommaParams]):
    """No comma anywhere. Any comma character counts (see :data:`COMMAS`): an instruction
    not to use commas is about the punctuation mark, and in Chinese or Japanese text the
    comma is '，' or '、'; ``ascii_only`` restricts the check to ','."""

    id = "lexical:no_commas"
    example = {}
    summary = "No commas at all (any comma character, or only ',' with ascii_only)."
    params_model = CommaParams
    phrasings = (
        "Do not use any commas in your response.",
        "Avoid commas entirely in your answer.",
        "Write your reply without a single comma.",
    )

    def check(self, response: str, params: CommaParams) -> Verdict:
        chars = (",",) if params.ascii_only else COMMAS
        count = sum(response.count(c) for c in chars)
        if not count:
            return passed("no commas")
        first = _first_of(response, chars)
        where = _where(response, first)
        return failed(f"found {quantity(count, 'comma')} (first {response[first]!r} on {where})")


@register
class NoChar(ConstraintType[CharParams]):
    id = "lexical:no_char"
    example = {"char": "!"}
    summary = "A given character never appears (case-sensitive)."
    params_model = CharParams
    phrasings = (
        "Do not use the character {char} anywhere in your response.",
        "Your answer must not contain the character {char}.",
        "Avoid the character {char} entirely.",
    )

    def template_values(self, params: CharParams) -> dict[str, str]:
        return {"char": _dq(params.char)}

    def check(self, response: str, params: CharParams) -> Verdict:
        count = response.count(params.char)
        if not count:
            return passed(f"no {params.char!r}")
        first = response.find(params.char)
        return failed(
            f"found {params.char!r} {quantity(count, 'time')} (first on {_where(response, first)})"
        )


# --- start and end ---------------------------------------------------------------------------


@register
class StartWith(ConstraintType[PhraseParams]):
    id = "lexical:start_with"
    example = {"phrase": "My answer is"}
    summary = "The response starts with a given phrase (leading whitespace ignored)."
    params_model = PhraseParams
    phrasings = (
        "Start your response with the exact phrase {phrase}.",
        "Begin your answer with {phrase}.",
        "The first words of your reply must be {phrase}.",
    )

    def template_values(self, params: PhraseParams) -> dict[str, str]:
        return {"phrase": _dq(params.phrase)}

    def check(self, response: str, params: PhraseParams) -> Verdict:
        body = response.lstrip()
        folded = _fold(body, params.case_sensitive)
        matcher = _matcher(params.phrase, params.case_sensitive)
        if matcher.match(folded):
            return passed(f"starts with {_q(params.phrase)}")
        reason = (
            f"expected the response to start with {_q(params.phrase)}, "
            f"but it starts with {_q(body[: len(params.phrase) + 10])}"
        )
        later = matcher.search(folded)
        if later is not None:
            reason += f" (the phrase first appears on line {_line(folded, later.start())})"
        return failed(reason)


@register
class EndWith(ConstraintType[PhraseParams]):
    id = "lexical:end_with"
    example = {"phrase": "Any other questions?"}
    summary = "The response ends with a given phrase, nothing after it but whitespace."
    params_model = PhraseParams
    phrasings = (
        "Finish your response with the exact phrase {phrase}. No other words should follow it.",
        "End your answer with {phrase}, and write nothing after it.",
        "The last words of your reply must be {phrase}.",
    )

    def template_values(self, params: PhraseParams) -> dict[str, str]:
        return {"phrase": _dq(params.phrase)}

    def check(self, response: str, params: PhraseParams) -> Verdict:
        body = response.rstrip()
        # Match at the start of the reversed text with the reversed phrase: anchored and
        # linear, whatever whitespace the phrase's gaps match.
        folded = _fold(body, params.case_sensitive)[::-1]
        matcher = _matcher(params.phrase, params.case_sensitive, reverse=True)
        if matcher.match(folded):
            return passed(f"ends with {_q(params.phrase)}")
        tail = body[-(len(params.phrase) + 10) :]
        reason = (
            f"expected the response to end with {_q(params.phrase)}, "
            f"but it ends with {_q(tail, tail=True)}"
        )
        last = matcher.search(folded)
        if last is not None:
            line = folded.count("\n", last.end()) + 1
            reason += f" (the phrase last appears on line {line})"
        return failed(reason)


_OPEN_QUOTES = ('"', "\u201c")
_CLOSE_QUOTES = ('"', "\u201d")


@register
class Quoted(ConstraintType[NoParams]):
    id = "lexical:quoted"
    example = {}
    summary = 'The whole response is wrapped in double quotes ("..." or \u201c...\u201d).'
    phrasings = (
        "Wrap your entire response in double quotation marks.",
        "Put your whole answer inside double quotes.",
        "Enclose the complete response in a pair of double quotes.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        body = response.strip()
        if not body.startswith(_OPEN_QUOTES):
            return failed(f"does not start with a double quote (starts with {_q(body[:20])})")
        if len(body) < 2:
            return failed("the response is a lone double quote")
        if not body.endswith(_CLOSE_QUOTES):
            return failed(f"does not end with a double quote (ends with {_q(body[-20:])})")
        if not body[1:-1].strip():
            return failed("nothing inside the quotes")
        return passed("wrapped in double quotes")


# --- markers ---------------------------------------------------------------------------------

# A placeholder: [text] on one line, not blank, no nested brackets, not a Markdown link.
_PLACEHOLDER = re.compile(r"\[[^\S\n]*+[^\[\]\s][^\[\]\n]*+\](?!\()")


@register
class Placeholders(ConstraintType[Bounded]):
    """Placeholders are ``[text]`` spans on one line with some non-blank text and no nested
    brackets; Markdown links ``[text](url)`` do not count."""

    id = "lexical:placeholders"
    example = {"relation": "at least", "n": 2}
    summary = "A bounded number of square-bracket placeholders such as [name]."
    params_model = Bounded
    phrasings = (
        "Include {count} in square brackets, such as [address].",
        "Your response must contain {count} represented by square brackets, like [name].",
        "Use {count} such as [date] in your answer.",
    )

    def template_values(self, params: Bounded) -> dict[str, str]:
        return {"count": params.counted("placeholder")}

    def check(self, response: str, params: Bounded) -> Verdict:
        count = sum(1 for _ in _PLACEHOLDER.finditer(response))
        return params.verdict(count, "placeholders like [name]")


@functools.lru_cache(maxsize=256)
def _postscript_pattern(marker: str) -> re.Pattern[str]:
    # The marker at the start of a line (after spaces), case-insensitive via casefold.
    return re.compile(r"[^\S\n]*+" + _matcher(marker).pattern.pattern)


@register
class Postscript(ConstraintType[PostscriptParams]):
    """A line starting with the marker (case-insensitive), with text after the marker and
    the main response before it."""

    id = "lexical:postscript"
    example = {"marker": "P.S."}
    summary = "A postscript: a line starting with a marker such as P.S., after the main text."
    params_model = PostscriptParams
    phrasings = (
        "At the end of your response, add a postscript starting with {marker}.",
        "Finish with a postscript that begins with {marker}.",
        "After your main answer, include a postscript introduced by {marker}.",
    )

    def template_values(self, params: PostscriptParams) -> dict[str, str]:
        return {"marker": _dq(params.marker)}

    def check(self, response: str, params: PostscriptParams) -> Verdict:
        folded = response.casefold()
        problem = f"no line starts with {_q(params.marker)}"
        first_text = _NON_SPACE.search(folded)
        finder = _matcher(params.marker).pattern
        for match in _line_matches(folded, finder, _postscript_pattern(params.marker)):
            if first_text is None or first_text.start() >= match.start():
                problem = (
                    f"{_q(params.marker)} starts the response; "
                    "a postscript must follow the main text"
                )
                continue
            if _NON_SPACE.search(folded, match.end()) is None:
                problem = f"the postscript after {_q(params.marker)} is empty"
                continue
            return passed(f"postscript on line {_line(folded, match.start())}")
        return failed(problem)


@register
class Title(ConstraintType[NoParams]):
    id = "lexical:title"
    example = {}
    summary = "A title wrapped in double angular brackets, such as <<poem of joy>>."
    phrasings = (
        "Your answer must have a title wrapped in double angular brackets, like <<poem of joy>>.",
        "Give your response a title in double angle brackets, like <<my title>>.",
        "Include a title enclosed in double angular brackets, e.g. <<title>>.",
    )

    _TITLE = re.compile(r"<<([^\n<>]*+)>>")

    def check(self, response: str, params: NoParams) -> Verdict:
        empty = False
        for match in self._TITLE.finditer(response):
            if match.group(1).strip():
                return passed(f"title {_q(match.group(1).strip())}")
            empty = True
        if empty:
            return failed("found only an empty title <<>>")
        return failed("no title in double angular brackets like <<title>>")


@functools.lru_cache(maxsize=256)
def _section_patterns(splitter: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The splitter alone (to find candidate lines fast) and a whole marker line start."""
    tokens = r"\s++".join(re.escape(t) for t in splitter.casefold().split())
    line = r"[^\S\n]*+(?:#{1,6}[^\S\n]*+)?" + tokens + r"[^\S\n]*+(\d{1,9})(?!\d)"
    return re.compile(tokens), re.compile(line)


@register
class Sections(ConstraintType[SectionParams]):
    """Sections start with a line ``<splitter> <number>`` (case-insensitive; an optional
    Markdown heading ``#`` may precede it). Sections must be numbered 1, 2, 3... in order
    and none may be empty; text before the first section is allowed."""

    id = "lexical:sections"
    example = {"relation": "exactly", "n": 3, "splitter": "SECTION"}
    summary = "A bounded number of sections, each starting with a marker such as SECTION 1."
    params_model = SectionParams
    phrasings = (
        "Your response must have {count}. Mark the beginning of each section with "
        "{splitter} X, where X is the section number.",
        "Divide your answer into {count}, starting each with {splitter} 1, {splitter} 2 and so on.",
        "Organize your reply as {count}; begin every section with a line like {splitter} 1.",
    )

    def template_values(self, params: SectionParams) -> dict[str, str]:
        return {"count": params.counted("section"), "splitter": params.splitter}

    def check(self, response: str, params: SectionParams) -> Verdict:
        folded = response.casefold()
        # Past an upper bound, counting cannot change the verdict (with "at least", every
        # section is read, as each must be numbered and non-empty).
        stop_after = params.upper if params.upper is not None else params.n
        early_stop = params.relation != "at least"
        count = 0
        previous: re.Match[str] | None = None
        for match in _line_matches(folded, *_section_patterns(params.splitter)):
            if early_stop and count > stop_after:
                return failed(f"expected {params.phrase('sections')}, found more than {stop_after}")
            number = int(match.group(1))
            where = f"line {_line(folded, match.start())}"
            if number != count + 1:
                return failed(
                    f"expected {params.splitter} {count + 1}, found {params.splitter} {number} "
                    f"({where}); sections must be numbered 1, 2, 3... in order"
                )
            if (
                previous is not None
                and _NON_SPACE.search(folded, previous.end(), match.start()) is None
            ):
                return failed(f"{params.splitter} {count} is empty")
            previous = match
            count += 1
        if previous is not None and _NON_SPACE.search(folded, previous.end()) is None:
            return failed(f"{params.splitter} {count} is empty")
        return params.verdict(count, "sections")


# --- letter case -----------------------------------------------------------------------------

_CHUNK = 4096


def _first_changed(value: str, convert: Callable[[str], str]) -> int:
    """Index of the first character that ``convert`` changes, or -1 (C-speed per chunk)."""
    for start in range(0, len(value), _CHUNK):
        chunk = value[start : start + _CHUNK]
        if convert(chunk) != chunk:
            for i, char in enumerate(chunk):
                if convert(char) != char:
                    return start + i
    return -1


def _case_verdict(
    response: str,
    wrong: Callable[[str], str],
    right: Callable[[str], str],
    wrong_name: str,
    case: str,
) -> Verdict:
    """All cased letters unchanged by ``wrong`` (e.g. str.lower for "lowercase"), and at
    least one cased letter."""
    pos = _first_changed(response, wrong)
    if pos >= 0:
        return failed(
            f"found {wrong_name} letter {response[pos]!r} in {_q(_token_at(response, pos))} "
            f"({_where(response, pos)})"
        )
    if right(response) == response:
        return failed("the response has no cased letters")
    return passed(f"all letters are {case}")


@register
class Lowercase(ConstraintType[NoParams]):
    id = "lexical:lowercase"
    example = {}
    summary = "All letters are lowercase (no uppercase letter at all)."
    phrasings = (
        "Your entire response should be in lowercase letters; no capital letters are allowed.",
        "Write your whole answer in lowercase, without any uppercase letters.",
        "Use only lowercase letters in your response.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        return _case_verdict(response, str.lower, str.upper, "uppercase", "lowercase")


@register
class Uppercase(ConstraintType[NoParams]):
    id = "lexical:uppercase"
    example = {}
    summary = "All letters are uppercase (no lowercase letter at all)."
    phrasings = (
        "Your entire response should be in capital letters only.",
        "Write your whole answer in uppercase letters.",
        "Respond using only capital letters; no lowercase letters at all.",
    )

    def check(self, response: str, params: NoParams) -> Verdict:
        return _case_verdict(response, str.upper, str.lower, "lowercase", "uppercase")


# Capital words are found by the regex engine, not word by word in Python (a 1 MB response
# of short words would take several hundred ms). Python's ``re`` has no case classes, so the
# general pattern's classes are built once from the Unicode database. Only letters of the
# Basic Multilingual Plane count as cased: classes with the ~80 astral ranges (mathematical
# alphanumerics, Deseret, Adlam...) make matching over twice as slow.
# The ASCII pattern starts with a character class (no leading assertion) so the engine can
# skip quickly to candidates: the run's first character, then "not preceded by a word
# character", then the second uppercase letter (the branch depends on whether the first
# character was one), the rest of the run, and no lowercase letter after it.
_CAPITAL_WORD_ASCII = re.compile(
    r"[0-9_A-Z](?<![0-9_A-Za-z][0-9_A-Z])"
    r"(?:(?<=[A-Z])[0-9_]*+[A-Z]|(?<=[0-9_])[0-9_]*+[A-Z][0-9_]*+[A-Z])"
    r"[0-9_A-Z]*+(?![a-z])"
)


def _char_class(codes: list[int]) -> str:
    """Character-class contents for sorted code points, as ranges of \\U escapes."""
    parts = []
    for _, group in itertools.groupby(enumerate(codes), lambda ic: ic[1] - ic[0]):
        run = [code for _, code in group]
        parts.append(rf"\U{run[0]:08x}" + (rf"-\U{run[-1]:08x}" if len(run) > 1 else ""))
    return "".join(parts)


def _is_upper_letter(char: str) -> bool:
    return char <= "\uffff" and char.isalpha() and char.isupper()


def _is_lower_letter(char: str) -> bool:
    return char <= "\uffff" and char.isalpha() and char.islower()


@functools.cache
def _capital_word_pattern() -> re.Pattern[str]:
    """A word with at least two uppercase letters and no lowercase letter (built once,
    ~50 ms); possessive, with disjoint classes, so matching is linear."""
    upper = [code for code in range(0x10000) if _is_upper_letter(chr(code))]
    lower = [code for code in range(0x10000) if _is_lower_letter(chr(code))]
    up, low = _char_class(upper), _char_class(lower)
    neither = rf"[^\W{up}{low}]"
    return re.compile(rf"\b{neither}*+[{up}]{neither}*+[{up}][^\W{low}]*+\b")


def is_capital_word(word: str) -> bool:
    """What :class:`CapitalWords` counts, as plain Python (the reference for tests): a word
    with at least two uppercase letters and no lowercase letter (BMP letters only)."""
    return sum(map(_is_upper_letter, word)) >= 2 and not any(map(_is_lower_letter, word))


def _capital_words(response: str) -> Iterator[str]:
    pattern = _CAPITAL_WORD_ASCII if response.isascii() else _capital_word_pattern()
    return (m.group() for m in pattern.finditer(response))


@register
class CapitalWords(ConstraintType[Bounded]):
    """ALL-CAPS words: words (runs of ``\\w``) with at least two uppercase letters and no
    lowercase letter ("NASA", "CO2", "ÉTÉ"; not "A", "I", "NaN" or "2024"). Letters outside
    the Basic Multilingual Plane (e.g. mathematical bold) count as uncased."""

    id = "lexical:capital_words"
    example = {"relation": "between", "n": 1, "upper": 3}
    summary = "A bounded number of ALL-CAPS words (two or more letters, none lowercase)."
    params_model = Bounded
    phrasings = (
        "In your response, words written entirely in capital letters should appear {times}.",
        "Use {words} written in ALL CAPITAL LETTERS.",
        "Include {words} in all caps (every letter uppercase) in your answer.",
    )

    def template_values(self, params: Bounded) -> dict[str, str]:
        return {"times": params.counted("time"), "words": params.counted("word")}

    def check(self, response: str, params: Bounded) -> Verdict:
        # Counting past the bound cannot change the verdict; keep exact counts up to the cap.
        cap = max(COUNT_CAP, (params.upper if params.upper is not None else params.n) + 1)
        found = list(itertools.islice(_capital_words(response), cap))
        unit = "words in all capital letters"
        if len(found) >= cap:
            if params.holds(len(found)):
                return passed(f"found {cap}+ {unit}")
            verdict = failed(f"expected {params.phrase()} {unit}, found {cap}+")
        else:
            verdict = params.verdict(len(found), unit)
        if not verdict.ok and found:
            examples = ", ".join(_q(w) for w in found[:3])
            return failed(f"{verdict.reason} (e.g. {examples})")
        return verdict
