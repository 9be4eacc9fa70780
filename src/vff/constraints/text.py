"""Text measurements shared by the constraint families: words, sentences, paragraphs, lines.

Word and sentence counts follow IFEval's reference: a word is a run of ``\\w`` characters,
and sentences are split by NLTK's Punkt tokenizer with the English ``punkt_tab`` model,
which ships inside vff (``data/punkt_tab``), so nothing is downloaded at check time.
:func:`punkt_spans` computes Punkt's spans several times faster than NLTK, with NLTK's own
patterns and parameters, and remembers recent results (:func:`memo`); the tests prove it
equal to NLTK, which stays the reference (:func:`sentence_tokenizer`).
"""

from __future__ import annotations

import functools
import re
import string
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nltk.tokenize.punkt import PunktSentenceTokenizer

_WORD = re.compile(r"\w+")
_BLANK_LINE = re.compile(r"\n\s*\n")
PUNKT_DIR = Path(__file__).parent / "data" / "punkt_tab" / "english"


def words(text: str) -> list[str]:
    """Words as IFEval counts them: maximal runs of word characters."""
    return _WORD.findall(text)


_NON_WORD_BYTES = bytes(
    b if (48 <= b <= 57 or 65 <= b <= 90 or 97 <= b <= 122 or b == 95) else 32 for b in range(256)
)


def count_words(text: str) -> int:
    """Number of words (runs of ``\\w``); an ASCII fast path gives the same count."""
    if text.isascii():
        return len(text.encode("ascii").translate(_NON_WORD_BYTES).split())
    return len(_WORD.findall(text))


def _lines(name: str) -> list[str]:
    with open(PUNKT_DIR / name, encoding="utf-8") as fh:
        return [line[:-1] if line.endswith("\n") else line for line in fh]


@functools.cache
def sentence_tokenizer() -> PunktSentenceTokenizer:
    """NLTK's Punkt tokenizer with the shipped English model (loaded once).

    This is the reference: vff splits sentences with :func:`punkt_spans`, which gives the
    same spans faster, and the tests prove the two equal.
    """
    from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

    params = PunktParameters()
    params.abbrev_types = set(_lines("abbrev_types.txt"))
    params.sent_starters = set(_lines("sent_starters.txt"))
    params.collocations = {tuple(line.split("\t")) for line in _lines("collocations.tab")}
    params.ortho_context = defaultdict(
        int,
        {
            word: int(flag)
            for word, flag in (line.split("\t") for line in _lines("ortho_context.tab"))
        },
    )
    return PunktSentenceTokenizer(params)


def unwrap(pattern: Any) -> Any:
    """The compiled pattern inside NLTK's match-time-limit wrapper (``nltk.redos``, NLTK
    3.10 and later), or ``pattern`` itself. The wrapper adds a Python call and a timer to
    every match; vff's own inputs are bounded instead (see :data:`SPLIT_BUDGET`)."""
    inner = getattr(pattern, "_rx", None)
    return pattern if inner is None else inner


@functools.cache
def folding_partners(engine: Any) -> frozenset[str]:
    """Characters beyond ASCII that the engine's (``re`` or ``regex``) IGNORECASE matches
    with an ASCII letter (with this Python: dotless i, dotted capital I, long s, Kelvin)."""
    everything = "".join(map(chr, range(0x80, 0x110000)))
    return frozenset(engine.findall("(?i)[a-z]", everything))


def needed_chars(pattern: Any, first: bool = False) -> frozenset[str] | None:
    """Characters of which every match of a compiled pattern (``re`` or ``regex``) contains
    at least one (with ``first``: one of which every match starts with), found from its
    parse, or None when that is not known. Only literals and character sets that a match
    cannot skip count; lookarounds and anchors are passed over."""
    from re import _constants as sre
    from re import _parser

    import regex

    engine = regex if isinstance(pattern, regex.Pattern) else re
    try:
        parsed = _parser.parse(pattern.pattern, pattern.flags & (re.VERBOSE | re.IGNORECASE))
    except Exception:  # syntax that only the regex module knows
        return None

    def matching(code: int, fold: bool) -> set[str] | None:
        char = chr(code)
        if not fold or (code < 128 and not char.isalpha()):
            return {char}  # nothing else folds to ASCII punctuation, digits or blanks
        if code >= 128:
            return None
        return {char.lower(), char.upper()} | {
            other for other in folding_partners(engine) if engine.fullmatch(f"(?i){char}", other)
        }

    def sequence(items: Any, fold: bool) -> frozenset[str] | None:
        if first:
            return item(*items[0], fold) if items else None
        best = None
        for op, arg in items:
            needed = item(op, arg, fold)
            if needed is None:
                continue
            if best is None or (" " in best, len(best)) > (" " in needed, len(needed)):
                best = needed
        return best

    def item(op: Any, arg: Any, fold: bool) -> frozenset[str] | None:
        if op is sre.LITERAL:
            chars = matching(arg, fold)
            return None if chars is None else frozenset(chars)
        if op is sre.IN:
            found: set[str] = set()
            for kind, value in arg:
                if kind is sre.LITERAL and (chars := matching(value, fold)) is not None:
                    found |= chars
                elif kind is sre.RANGE and not fold and value[1] - value[0] < 64:
                    found.update(map(chr, range(value[0], value[1] + 1)))
                else:
                    return None
            return frozenset(found)
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, _, inner = arg
            return sequence(inner, fold) if low >= 1 else None
        if op is sre.SUBPATTERN:
            _, add_flags, del_flags, inner = arg
            fold = bool(add_flags & re.IGNORECASE) or (fold and not del_flags & re.IGNORECASE)
            return sequence(inner, fold)
        if op is sre.ATOMIC_GROUP:
            return sequence(arg, fold)
        if op is sre.BRANCH:
            options = [sequence(branch, fold) for branch in arg[1]]
            if any(needed is None for needed in options):
                return None
            return frozenset().union(*options)  # type: ignore[arg-type]
        return None

    return sequence(list(parsed), bool(parsed.state.flags & re.IGNORECASE))


def _one_char_matches(pattern: Any) -> bool:
    """Whether every match of the pattern is one character: a literal or set, then only
    lookarounds."""
    from re import _constants as sre
    from re import _parser

    try:
        items = list(_parser.parse(pattern.pattern, pattern.flags & re.VERBOSE))
    except Exception:
        return False
    return (
        bool(items)
        and items[0][0] in (sre.LITERAL, sre.IN)
        and all(op in (sre.ASSERT, sre.ASSERT_NOT) for op, _ in items[1:])
    )


def contains_any(chars: frozenset[str] | None) -> Callable[[str], object]:
    """A test for whether a text contains one of ``chars`` (always true for None)."""
    if chars is None:
        return bool
    return re.compile("[" + "".join(map(re.escape, sorted(chars))) + "]").search


_MEMOS: list[Any] = []


def memo(maxsize: int) -> Callable[[Callable[..., Any]], Any]:
    """A bounded memo (``functools.lru_cache``, safe to share between threads) that
    :func:`clear_memos` empties: for pure functions of their arguments only."""

    def wrap(function: Callable[..., Any]) -> Any:
        cached = functools.lru_cache(maxsize=maxsize)(function)
        _MEMOS.append(cached)
        return cached

    return wrap


def clear_memos() -> None:
    """Forget every remembered result (sentence spans, Punkt decisions, token counts), as
    for a process that has seen no text yet; benchmarks call it between runs."""
    for cached in _MEMOS:
        cached.cache_clear()


#: Texts up to this long have their sentence spans remembered (the last 256 of them): a
#: response is usually checked against several constraints, strictly and loosely.
SPAN_CACHE_CHARS = 20_000

#: Punkt decides each possible sentence end from a short context (the word before, the
#: mark, the token after); decisions on contexts up to this long are remembered.
_CONTEXT_CACHE_CHARS = 200
_WORD_CACHE_CHARS = 64


def _make_punkt() -> Callable[[str], list[tuple[int, int]]]:
    """A function computing NLTK Punkt's sentence spans (``span_tokenize``, realigned) with
    the shipped English parameters.

    It follows the algorithm of NLTK's ``PunktSentenceTokenizer`` step by step, runs the
    regular expressions of NLTK's own objects (read from them here, so the matching engine
    and every pattern are NLTK's), and decides each possible sentence end once per
    distinct context. ``tests/constraints/test_text.py`` proves it equal to NLTK.
    """
    from nltk.tokenize import punkt

    reference = sentence_tokenizer()
    lang = reference._lang_vars
    params = reference._params
    token_class = reference._Token
    candidates = unwrap(lang.period_context_re())
    after_group = candidates.groupindex["after_tok"]
    next_group = candidates.groupindex["next_tok"]
    match_candidate = candidates.match
    first = needed_chars(candidates, first=True)
    marks = sorted(first) if first is not None and _one_char_matches(candidates) else None
    find_words = unwrap(lang._word_tokenizer_re()).findall
    realign = unwrap(lang.re_boundary_realignment)
    realign_match = realign.match
    realign_first = needed_chars(realign, first=True)  # None: not known, always try
    number_sub = unwrap(token_class._RE_NUMERIC).sub
    ellipsis_match = unwrap(token_class._RE_ELLIPSIS).match
    initial_match = unwrap(token_class._RE_INITIAL).match
    end_marks = tuple(lang.sent_end_chars)
    punctuation = tuple(reference.PUNCTUATION)
    abbreviations = frozenset(params.abbrev_types)
    collocations = frozenset(params.collocations)
    starters = frozenset(params.sent_starters)
    orthography = dict(params.ortho_context)  # .get() below: the defaultdict's reads
    lower_seen = punkt._ORTHO_LC
    upper_seen = punkt._ORTHO_UC
    upper_inside = punkt._ORTHO_MID_UC
    lower_first = punkt._ORTHO_BEG_LC
    blanks = string.whitespace  # Punkt looks back for the previous word to ASCII blanks

    def first_pass(word: str) -> tuple[bool, bool]:
        """(ends a sentence, is an abbreviation or ellipsis) from the word alone."""
        if word in end_marks:
            return True, False
        if ellipsis_match(word):
            return False, True
        if word.endswith(".") and not word.endswith(".."):
            stem = word[:-1].lower()
            if stem in abbreviations or stem.split("-")[-1] in abbreviations:
                return False, True
            return True, False
        return False, False

    def without_period(kind: str) -> str:
        return kind[:-1] if len(kind) > 1 and kind[-1] == "." else kind

    def starts_sentence(word: str, kind: str) -> bool | None:
        """The orthographic heuristic: True, False or None (unknown)."""
        if word in punctuation:
            return False
        seen = orthography.get(kind, 0)
        if word[0].isupper() and seen & lower_seen and not seen & upper_inside:
            return True
        if word[0].islower() and (seen & upper_seen or not seen & lower_first):
            return False
        return None

    def classify(word: str) -> tuple[bool, bool, str]:
        """The first pass's (ends a sentence, abbreviation or ellipsis), and the type."""
        if len(word) <= _WORD_CACHE_CHARS:
            return remembered_classify(word)
        return (*first_pass(word), number_sub("##number##", word.lower()))

    @memo(16_384)
    def remembered_classify(word: str) -> tuple[bool, bool, str]:
        return (*first_pass(word), number_sub("##number##", word.lower()))

    def ends_sentence(word: str, following: str) -> bool:
        """Whether ``word``, which ends with a period, ends a sentence when ``following``
        comes next."""
        breaks, abbreviation, kind = classify(word)
        kind = without_period(kind)
        next_breaks, _, next_kind = classify(following)
        if next_breaks:
            next_kind = without_period(next_kind)
        initial = initial_match(word) is not None
        if (kind, next_kind) in collocations:
            return False
        if abbreviation and not initial:
            if starts_sentence(following, next_kind) is True:
                return True
            if following[0].isupper() and next_kind in starters:
                return True
        if initial or kind == "##number##":
            starter = starts_sentence(following, next_kind)
            if starter is False:
                return False
            if (
                starter is None
                and initial
                and following[0].isupper()
                and not orthography.get(next_kind, 0) & lower_seen
            ):
                return False
        return breaks

    def has_break(context: str) -> bool:
        """Whether a sentence ends in ``context`` before its last token."""
        words: list[str] = []
        for line in context.split("\n"):
            if line.strip():
                words += find_words(line)
        for index in range(len(words) - 1):
            word = words[index]
            if word.endswith("."):  # the second pass looks again at these alone
                if ends_sentence(word, words[index + 1]):
                    return True
            elif word in end_marks:
                return True
        return False

    cached_has_break = memo(16_384)(has_break)

    def spans(text: str) -> list[tuple[int, int]]:
        # Possible sentence ends: where the candidate pattern matches. Each match is one
        # character (the rest is lookahead), so trying it wherever a match can start finds
        # what ``finditer`` finds, faster.
        if marks is None:
            positions = [match.start() for match in candidates.finditer(text)]
        else:
            positions = []
            for mark in marks:
                at = text.find(mark)
                while at >= 0:
                    positions.append(at)
                    at = text.find(mark, at + 1)
            positions.sort()
        present = [char for char in blanks if char in text]
        # Each end comes with the word before it (back to an ASCII blank, but not past the
        # previous end); an end whose word overlaps the next end's word is passed over.
        ends: list[tuple[Any, int]] = []
        word_start = word_stop = 0
        for stop in positions:
            match = match_candidate(text, stop)
            if match is None:
                continue
            blank = -1
            lookup = word_stop
            for char in present:
                found = text.rfind(char, lookup, stop)
                if found >= 0:
                    blank = lookup = found
            start = blank + 1 if blank > word_stop else word_start
            if ends and word_stop > start:
                ends.pop()
            ends.append((match, start))
            word_start, word_stop = start, stop
        cuts: list[tuple[int, int]] = []
        last_break = 0
        for match, start in ends:
            context = text[start : match.end(after_group)]  # word, mark, what follows
            if len(context) <= _CONTEXT_CACHE_CHARS:
                breaks = cached_has_break(context)
            else:
                breaks = has_break(context)
            if breaks:
                cuts.append((last_break, match.end()))
                last_break = match.start(next_group) if match.group(next_group) else match.end()
        cuts.append((last_break, len(text.rstrip())))
        # Closing quotes and brackets after a sentence end move to the sentence before.
        out = []
        shift = 0
        last = len(cuts) - 1
        for index, (start, stop) in enumerate(cuts):
            start += shift
            if index == last:
                if text[start:stop]:
                    out.append((start, stop))
                break
            next_start, next_stop = cuts[index + 1]
            closing = (
                realign_match(text[next_start:next_stop])
                if next_start < next_stop
                and (realign_first is None or text[next_start] in realign_first)
                else None
            )
            if closing:
                out.append((start, next_start + len(closing.group(0).rstrip())))
                shift = closing.end()
            else:
                shift = 0
                if text[start:stop]:
                    out.append((start, stop))
        return out

    return spans


@functools.cache
def _punkt() -> Callable[[str], list[tuple[int, int]]]:
    return _make_punkt()


@memo(256)
def _remembered_spans(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(_punkt()(text))


def punkt_spans(text: str) -> Sequence[tuple[int, int]]:
    """Punkt's sentence spans of the whole text, exactly as NLTK's ``span_tokenize`` with
    the shipped English model gives them. Time grows with the number of ``.``, ``?`` and
    ``!``; callers bound it (see :func:`sentence_spans`)."""
    if len(text) <= SPAN_CACHE_CHARS:
        return _remembered_spans(text)
    return _punkt()(text)


def sentences(text: str) -> list[str]:
    """Sentences as IFEval's reference splits them (Punkt, English)."""
    return [text[start:end] for start, end in punkt_spans(text)]


#: Sentences are always split exactly in texts up to this many characters.
SENTENCE_SCAN_LIMIT = 10_000

#: NLTK's Punkt spends about 40 microseconds per possible sentence end ("." "?" "!") plus
#: about 0.25 per character of the words around it; :func:`punkt_spans` about 13 and 0.2
#: when it has seen none of the text before. A longer text whose
#: ``ends * (160 + longest word)`` stays within this budget is still split whole, in well
#: under 100 ms; beyond it only a prefix is split (see :func:`sentence_spans`).
SPLIT_BUDGET = 400_000

#: Whitespace between two ASCII letters or digits. Neither NLTK's Treebank word tokenizer
#: nor Punkt looks across it (their rules that look at neighbours need a quote or
#: punctuation at the edge, and Punkt reads a sentence end's context only up to the next
#: whitespace), so text can be split or tokenized in pieces cut there, with the same result.
TOKEN_CUT = re.compile(r"(?<=[A-Za-z0-9])[ \t\n\r]+(?=[A-Za-z0-9])")


class TooLongToCount(ValueError):
    """A count is needed beyond the prefix of a long text that can be split exactly."""


def _splits_whole(text: str) -> bool:
    if len(text) <= SENTENCE_SCAN_LIMIT:
        return True
    ends = text.count(".") + text.count("?") + text.count("!")
    if ends == 0 or ends * 160 > SPLIT_BUDGET:
        return ends == 0
    longest = max(map(len, text.split()), default=0)
    return ends * (160 + longest) <= SPLIT_BUDGET


def sentence_spans(text: str) -> tuple[Iterator[tuple[int, int]], int]:
    """Punkt's sentence spans of ``text[:covered]``, lazily, and ``covered``.

    A text within the budget is covered whole. Of another, only a prefix of at most
    :data:`SENTENCE_SCAN_LIMIT` characters is split, cut at :data:`TOKEN_CUT`: Punkt never
    ends a sentence there and decides every sentence end from the text up to the next
    whitespace, so the prefix's sentences are the text's, except that the last one
    continues past the cut.
    """
    if _splits_whole(text):
        return iter(punkt_spans(text)), len(text)
    covered = 0
    for cut in TOKEN_CUT.finditer(text, 0, SENTENCE_SCAN_LIMIT + 1):
        covered = cut.start()
    return iter(punkt_spans(text[:covered])), covered


def too_long(what: str, text: str) -> TooLongToCount:
    return TooLongToCount(
        f"too long to count {what}: {len(text):,} characters with many possible sentence "
        f"ends, and the first {SENTENCE_SCAN_LIMIT:,} characters do not decide"
    )


def count_sentences(text: str, stop_after: int | None = None) -> int:
    """Number of sentences (Punkt, English, as IFEval's reference counts them).

    With ``stop_after``, counting stops once the count exceeds it (the result is then
    ``stop_after + 1``, meaning "more than ``stop_after``"). Raises :class:`TooLongToCount`
    when the count is needed beyond what :func:`sentence_spans` can split exactly.
    """
    spans, covered = sentence_spans(text)
    count = 0
    for _ in spans:
        count += 1  # in a prefix too: each span starts a sentence of the whole text
        if stop_after is not None and count > stop_after:
            return count
    if covered < len(text):
        raise too_long("sentences", text)
    return count


def paragraphs(text: str) -> list[str]:
    """Non-empty blocks of text separated by blank lines."""
    return [p.strip() for p in _BLANK_LINE.split(text) if p.strip()]


def nonblank_lines(text: str) -> list[str]:
    """Lines with any non-whitespace character."""
    return [line for line in text.splitlines() if line.strip()]
